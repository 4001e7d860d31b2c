"""Offline language model: a curated question bank, and the semantic grader (interview_core.grading) for
scores. Used when no language model is configured, so the whole API runs with no keys.

It grades only against a rubric: the question's reference answer or key points (the bank's own, or the
organisation's). A question with neither gets no score and is left to a person.
"""

import json
import random
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

from interview_core.domain import (
    Background,
    Difficulty,
    FollowUp,
    KeyPoint,
    Question,
    QuestionSource,
    TokenUsage,
)
from interview_core.errors import ProviderUnavailable
from interview_core.grading import GRADER_VERSION
from interview_core.providers.base import AnswerScore, FollowUpDecision, GeneratedQuestions

if TYPE_CHECKING:
    from interview_core.grading.grader import Grade, Grader, Rubric
    from interview_core.providers import skills


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@cache
def _bank() -> dict[str, Any]:
    text = resources.files("interview_core.providers").joinpath("question_bank.json").read_text("utf-8")
    bank: dict[str, Any] = json.loads(text)
    return bank


def _questions(raw: list[dict[str, Any]], topic: str | None = None) -> list[Question]:
    """The bank's questions; with `topic`, its generic templates about that topic. A template's key points
    are criteria ("gives a concrete example"), not what a right answer says, so they stay out of the rubric:
    offline, such an answer is left to a reviewer rather than scored on form."""
    if topic:
        return [Question(text=q["question"].replace("{topic}", topic)) for q in raw]
    return [Question(text=q["question"], key_points=[KeyPoint(**kp) for kp in q["key_points"]]) for q in raw]


def match_topic(topic: str) -> dict[str, Any] | None:
    """The bank topic a free-text topic refers to: exact name or alias first, then the longest contained one."""
    wanted = f" {_normalise(topic)} "
    best: tuple[int, dict[str, Any]] | None = None
    topics: list[dict[str, Any]] = _bank()["topics"]
    for entry in topics:
        for name in (entry["id"].replace("_", " "), entry["name"], *entry["aliases"]):
            phrase = _normalise(name)
            if not phrase:
                continue
            if wanted.strip() == phrase:
                return entry
            if f" {phrase} " in wanted and (best is None or len(phrase) > best[0]):
                best = (len(phrase), entry)
    return best[1] if best else None


@cache
def _bank_index() -> dict[str, Question]:
    index = {}
    for entry in _bank()["topics"]:
        for level in entry["questions"].values():
            for q in _questions(level):
                index[_normalise(q.text)] = q
    return index


class OfflineLanguageModel:
    name = "offline-rubric"
    model = "question-bank"
    rubric_version = GRADER_VERSION
    reads_code = False

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()

    def generate_questions(
        self, topic: str, difficulty: Difficulty, count: int, background: Background | None = None
    ) -> GeneratedQuestions:
        if background and (fitted := self._fitted(topic, difficulty, count, background)):
            return GeneratedQuestions(questions=fitted, usage=TokenUsage())
        entry = match_topic(topic)
        if entry:
            pool = _questions(entry["questions"][difficulty])
            spare = [
                q for level, qs in entry["questions"].items() if level != difficulty for q in _questions(qs)
            ]
        else:
            pool = _questions(_bank()["generic"][difficulty], topic.strip())
            spare = []
        chosen = self._rng.sample(pool, min(count, len(pool)))
        chosen += self._rng.sample(spare, min(count - len(chosen), len(spare)))
        return GeneratedQuestions(questions=chosen, usage=TokenUsage())

    def _fitted(
        self, topic: str, difficulty: Difficulty, count: int, background: Background
    ) -> list[Question]:
        """Questions from the skills the texts name (none found: []). About two in five name a skill or a
        résumé's project in their wording (at least one, and it comes first); the others are the bank's, with
        their rubrics, drawn in turn from the topics of the skills named, most relevant first. The requested
        topic's bank fills in when theirs run out."""
        from interview_core.providers import skills

        found = skills.mentions(background)
        listed = skills.projects(background.resume_text) if background.resume_text else []
        if not found and not listed:
            return []
        named: list[Question] = []
        wanted = max(1, round(count * 0.4))
        on_skills = wanted - 1 if listed and wanted > 1 else wanted  # a listed project gets a slot too
        for i, mention in enumerate(found[:on_skills]):
            kind = "both" if len(mention.origins) == 2 else mention.origins[0]
            options = skills.templates(kind, difficulty)
            named.append(
                Question(
                    text=options[i % len(options)].format(skill=mention.skill.name),
                    source=QuestionSource(
                        origin=mention.origins[0],
                        skill=mention.skill.name,
                        topic=mention.skill.topic,
                    ),
                )
            )
        for project in listed[: wanted - len(named)]:
            named.append(
                Question(
                    text=skills.templates("project", difficulty)[0].format(project=project),
                    source=QuestionSource(origin="resume", project=project),
                )
            )
        drawn = self._from_topics(found, topic, difficulty, count - len(named))
        # the first names a skill; then the bank's and the others alternate
        rest = [q for pair in zip_longest(drawn, named[1:]) for q in pair if q is not None]
        return (named[:1] + rest)[:count]

    def _from_topics(
        self, found: "list[skills.Mention]", topic: str, difficulty: Difficulty, wanted: int
    ) -> list[Question]:
        pools: list[tuple[list[Question], QuestionSource | None]] = []
        for mention in found:
            entry = next(e for e in _bank()["topics"] if e["id"] == mention.skill.topic)
            if any(s is not None and s.topic == entry["id"] for _, s in pools):
                continue
            why = QuestionSource(origin=mention.origins[0], skill=mention.skill.name, topic=entry["id"])
            pools.append((self._shuffled(entry, difficulty), why))
        asked = match_topic(topic)
        if asked and not any(s is not None and s.topic == asked["id"] for _, s in pools):
            pools.append((self._shuffled(asked, difficulty), None))
        chosen: list[Question] = []
        while len(chosen) < wanted and any(pool for pool, _ in pools):
            for pool, source in pools:
                if pool and len(chosen) < wanted:
                    chosen.append(pool.pop(0).model_copy(update={"source": source}))
        if len(chosen) < wanted:  # a topic the bank does not know, and too few skills: its templates
            generic = _questions(_bank()["generic"][difficulty], topic.strip())
            chosen += self._rng.sample(generic, min(wanted - len(chosen), len(generic)))
        return chosen

    def _shuffled(self, entry: dict[str, Any], difficulty: Difficulty) -> list[Question]:
        """A topic's questions at `difficulty` in random order, then its other levels'."""
        level = _questions(entry["questions"][difficulty])
        others = [q for name, qs in entry["questions"].items() if name != difficulty for q in _questions(qs)]
        return self._rng.sample(level, len(level)) + self._rng.sample(others, len(others))

    def generate_coding_questions(self, topic: str, difficulty: Difficulty, count: int) -> GeneratedQuestions:
        """Problems of the coding bank (providers/coding_bank.py), whose reference solutions pass their tests
        (tests/functional/test_coding_bank.py): `vetted`, so they are not run again at every start."""
        from interview_core.providers import coding_bank  # it reads match_topic from this module

        drawn = coding_bank.draw(coding_bank.coding_topic(topic), difficulty, count, self._rng)
        return GeneratedQuestions(questions=[p.as_question() for p in drawn], usage=TokenUsage(), vetted=True)

    def warm(self) -> None:
        _grader()

    def follow_up(
        self, question: Question, answers: Sequence[str], asked: Sequence[FollowUp]
    ) -> FollowUpDecision:
        from interview_core.grading.follow_up import decide  # lexical: no encoder, no grading layer

        return FollowUpDecision(follow_up=decide(question, answers, asked))

    def score_answer(
        self, question: Question, answer: str, topic: str, difficulty: Difficulty
    ) -> AnswerScore:
        rubric = rubric_of(question)
        grade = _grader().grade(rubric, answer)
        return AnswerScore(
            score=grade.score,
            evidence=grade.evidence,
            missing=grade.missing,
            feedback=feedback(grade, answer, len(rubric.key_points)),
            strengths=grade.covered,
            review_reason=grade.reason,
            detected=list(grade.detected),
            usage=TokenUsage(),
        )


def rubric_of(question: Question) -> "Rubric":
    """What the grader judges against: the question's own rubric, or the bank's for a bank question asked
    without one."""
    from interview_core.grading.grader import Rubric

    known = question if question.gradable else _bank_index().get(_normalise(question.text), question)
    return Rubric(
        question=question.text,
        reference_answer=known.reference_answer,
        key_points=tuple(kp.point for kp in known.key_points),
    )


def bank_questions() -> list[Question]:
    """Every text question of the bank."""
    return list(_bank_index().values())


@cache
def _grader() -> "Grader":
    """Loaded on the first answer scored (~1 s: the sentence model), then kept for the process."""
    try:
        from interview_core.grading.encoder import shared_encoder
        from interview_core.grading.grader import Grader
    except ImportError as err:  # a function deployed without the grading layer
        raise ProviderUnavailable(
            f"The offline grader is not installed here ({err.name} is missing)"
        ) from err
    return Grader(shared_encoder())


# What the candidate reads for each gaming kind: it names the problem, never the rubric.
_GAMING_FEEDBACK = {
    "keyword_list": "It lists terms without sentences, so nothing in it explains the answer.",
    "restates_question": "It restates the question without answering it.",
    "off_topic": "It answers a different question from the one asked.",
    "contradiction": "It contradicts the expected answer",
    "addressed_to_grader": "Text addressed to the grader was ignored and counts against the answer.",
}


def _verdict(score: int) -> str:
    """The scale's anchors, in words: 0 wrong or off-topic, 5 partly right, 10 correct and complete."""
    if score >= 9:
        return "Correct and complete"
    if score >= 6:
        return "Mostly right, with gaps"
    if score >= 3:
        return "Partly right, with important parts left out"
    return "Mostly missing or wrong"


QUOTE_CHARS = 200  # feedback is a sentence or two, whatever the length of the answer it quotes


def _ended(words: str) -> str:
    """The candidate's words quoted to close a sentence: their own full stop stands for the sentence's."""
    words = words if len(words) <= QUOTE_CHARS else words[: QUOTE_CHARS - 1] + "\u2026"
    return f"\u201c{words}\u201d" + ("" if words.endswith((".", "!", "?")) else ".")


def feedback(grade: "Grade", answer: str, points: int) -> str:
    """One or two plain sentences for the candidate: the verdict and what was right, or what went wrong.
    Quotes only the candidate's answer: the feedback may be released to a recruiter's candidate, who must
    not learn the rubric from it."""
    if grade.score is None:
        return "Not scored: there was no reference answer or key points to grade it against offline."
    if not answer.strip():
        return "No answer was given."
    if grade.detected:
        kind = grade.detected[0]
        text = _GAMING_FEEDBACK[kind]
        if kind == "contradiction":
            text += f": {_ended(grade.contradicting)}" if grade.contradicting else "."
        return text  # never the score: a candidate may read the feedback where scores are not shared
    made = f"it makes {len(grade.covered)} of {points} expected points" if points else None
    first = f"{_verdict(grade.score)}: {made}." if made else f"{_verdict(grade.score)}."
    if grade.said:
        return f"{first} {'Strongest' if grade.missing else 'Clearest'} part: {_ended(grade.said[0])}"
    if grade.missing:
        return f"{first} {len(grade.missing)} expected point{'s' * (len(grade.missing) > 1)} not covered."
    return first
