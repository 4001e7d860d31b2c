"""Offline language model: a curated question bank and a keyword rubric.

It is honest about what it is: scores count which key points an answer covers, they are not a language
model's judgement. Used when no OpenAI key is configured, so the whole API runs with no keys.
"""

import json
import random
import re
from functools import cache
from importlib import resources
from typing import Any

from interview_core.domain import Difficulty, KeyPoint, Question, TokenUsage
from interview_core.providers.base import AnswerScore, GeneratedQuestions

RUBRIC_VERSION = "keyword-rubric-v1"
MIN_WORDS_FOR_FULL_MARKS = 8
SHORT_ANSWER_CAP = 3

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "could",
        "describe",
        "did",
        "do",
        "does",
        "explain",
        "for",
        "from",
        "give",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "of",
        "on",
        "or",
        "should",
        "tell",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "between",
        "difference",
        "differences",
    ]
)
_GENERIC_POINTS = [
    KeyPoint(point="Gives a concrete example", keywords=["for example", "for instance", "such as", "e g"]),
    KeyPoint(point="Explains the reasoning", keywords=["because", "so that", "which means", "therefore"]),
    KeyPoint(
        point="Discusses trade-offs or limitations",
        keywords=["trade off", "tradeoff", "downside", "drawback", "limitation", "however"],
    ),
]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def stems(text: str) -> list[str]:
    return [_stem(w) for w in re.findall(r"[a-z0-9]+", text.lower())]


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@cache
def _bank() -> dict[str, Any]:
    text = resources.files("interview_core.providers").joinpath("question_bank.json").read_text("utf-8")
    bank: dict[str, Any] = json.loads(text)
    return bank


def _questions(raw: list[dict[str, Any]], topic: str | None = None) -> list[Question]:
    out = []
    for q in raw:
        text = q["question"].replace("{topic}", topic) if topic else q["question"]
        out.append(Question(text=text, key_points=[KeyPoint(**kp) for kp in q["key_points"]]))
    return out


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
    rubric_version = RUBRIC_VERSION

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()

    def generate_questions(self, topic: str, difficulty: Difficulty, count: int) -> GeneratedQuestions:
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

    def score_answer(
        self, question: Question, answer: str, topic: str, difficulty: Difficulty
    ) -> AnswerScore:
        points = question.key_points or self._points_for(question.text)
        answer_stems = f" {' '.join(stems(answer))} "
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", answer) if s.strip()]
        evidence, covered, missing = [], [], []
        for kp in points:
            hit = next((kw for kw in kp.keywords if f" {' '.join(stems(kw))} " in answer_stems), None)
            if hit is None:
                missing.append(kp.point)
                continue
            covered.append(kp.point)
            needle = f" {' '.join(stems(hit))} "
            quote = next((s for s in sentences if needle in f" {' '.join(stems(s))} "), hit)
            evidence.append(f"{kp.point}: \u201c{quote[:240]}\u201d")
        score = round(10 * len(covered) / len(points)) if points else 0
        if len(answer.split()) < MIN_WORDS_FOR_FULL_MARKS:
            score = min(score, SHORT_ANSWER_CAP)
        # What was missed is in `missing` (the organisation's rubric), not repeated in the feedback text,
        # which a recruiter may release to the candidate.
        feedback = f"Covered {len(covered)} of {len(points)} key points."
        return AnswerScore(
            score=score, evidence=evidence, missing=missing, feedback=feedback, usage=TokenUsage()
        )

    def _points_for(self, question_text: str) -> list[KeyPoint]:
        """Key points of a question the caller wrote: the bank's if it is one of ours, else a generic rubric
        with the question's own content words as the subject."""
        known = _bank_index().get(_normalise(question_text))
        if known:
            return known.key_points
        words = [
            w for w in re.findall(r"[a-z0-9]+", question_text.lower()) if w not in _STOPWORDS and len(w) > 2
        ]
        subject = KeyPoint(point="Addresses the subject of the question", keywords=list(dict.fromkeys(words)))
        return ([subject] if words else []) + _GENERIC_POINTS
