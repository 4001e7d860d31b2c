"""The pure functions the reports are made of, with no AWS: the summary of the scores, the integrity
score of a proctoring timeline, and events as the server stamps them."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from interview_core.domain import ProctoringEvent, Question, QuestionScore, TokenUsage, without_quotes
from interview_core.providers.base import AnswerScore
from interview_core.services.evaluation import score_answers, summarize
from interview_core.services.proctoring import integrity, make_event


@dataclass
class Model:
    name: str = "openai"


def score(
    n: int, value: int | None, missing: list[str] | None = None, competency: str | None = None, **kw: object
) -> QuestionScore:
    return QuestionScore(question_number=n, question=f"Q{n}", answer="a", score=value, evidence=[],
                         missing=missing or [], feedback=f"Feedback on answer {n}.", competency=competency,
                         needs_review=value is None, **kw)  # fmt: skip


def sentences_of(*texts: str) -> list[str]:
    return [p.strip() for t in texts for p in re.split(r"(?<=[.!?])\s+", t) if p.strip()]


def test_a_summary_weighs_the_graded_answers_and_names_what_scored_well_and_what_was_missing() -> None:
    scores = [
        score(1, 9, strengths=["the GIL serialises bytecode"], weight=2),
        score(2, 4, ["the GIL"]),
        score(3, 8),
    ]
    s = summarize(scores, Model(), "Python")
    assert s.overall_score == 7.5  # (2*9 + 4 + 8) / 4
    assert s.strengths == [
        "Question 1 scored 9/10: it covered the GIL serialises bytecode.",
        "Question 3 scored 8/10: it matched the model answer.",
    ]
    assert s.improvements == ["Question 2: also cover the GIL."]
    assert s.text == (
        "Good performance. Overall 7.5/10 over 3 graded answers on Python. The strongest was question 1, "
        "the weakest question 2."
    )


def test_no_sentence_repeats_across_feedback_summary_and_improvements() -> None:
    scores = [score(1, 9), score(2, 4, ["indexes"]), score(3, 1, detected=["keyword_list"]), score(4, None)]
    s = summarize(scores, Model("offline-rubric"), "SQL")
    said = sentences_of(*(q.feedback for q in scores), s.text, *s.improvements, *s.strengths)
    assert len(said) == len(set(said)), said
    assert "Strengths: None" not in s.text


def test_answers_with_no_rubric_are_not_counted_and_the_summary_says_how_many_await_review() -> None:
    s = summarize([score(1, 6), score(2, None)], Model(), "SQL")
    assert (s.overall_score, s.graded, s.needs_review) == (6.0, 1, 1)
    assert "1 answer not scored: nothing to grade it against offline." in s.text
    none = summarize([score(1, None), score(2, None)], Model(), "SQL")
    assert none.overall_score is None and none.graded == 0 and "2 answers not scored" in none.text


def test_each_competency_gets_the_mean_of_its_graded_answers() -> None:
    scores = [score(1, 8, competency="SQL"), score(2, 4, competency="SQL"), score(3, None, competency="SQL"),
              score(4, 9, competency="modelling"), score(5, 2), score(6, None, competency="ethics")]  # fmt: skip
    s = summarize(scores, Model(), "data")
    assert [(c.competency, c.score, c.questions, c.needs_review) for c in s.competencies] == [
        ("SQL", 6.0, [1, 2, 3], 1),
        ("modelling", 9.0, [4], 0),
        ("ethics", None, [6], 1),
    ]
    assert "By competency: SQL 6.0/10, modelling 9.0/10, ethics not scored." in s.text


def test_a_summary_bands_the_overall_score_and_says_when_the_offline_grader_scored() -> None:
    assert summarize([score(1, 8)], Model(), "SQL").text.startswith("Excellent performance. Overall 8.0/10")
    assert summarize([score(1, 4)], Model(), "SQL").text.startswith("Fair performance")
    assert summarize([score(1, 3)], Model(), "SQL").text.startswith("Needs more preparation")
    offline = summarize([score(1, 5), score(2, 5)], Model("offline-rubric"), "SQL").text
    assert "strongest" not in offline and offline.endswith("not by a language model.")
    empty = summarize([], Model(), "SQL")
    assert (empty.overall_score, empty.strengths, empty.text) == (None, [], "No answers to evaluate.")


def event(type_: str, at_ms: int, violation: bool = True) -> ProctoringEvent:
    return ProctoringEvent(type=type_, at="t", at_ms=at_ms, source="client", violation=violation)


def test_integrity_takes_points_off_per_violation_and_lists_the_timeline_in_time_order() -> None:
    events = [
        event("paste", 3),
        event("tab_hidden", 1),
        event("tab_hidden", 2),
        event("consent_given", 0, False),
    ]
    report = integrity(events)
    assert report.score == 100 - 2 * 5 - 8 and report.level == "medium"  # high from 85
    assert report.violations == {"tab_hidden": 2, "paste": 1}
    assert report.reasons == ["left the interview tab: 2 times (-10)", "pasted text: 1 time (-8)"]
    assert [e.at_ms for e in report.timeline] == [0, 1, 2, 3] and report.events_not_listed == 0


def test_events_beyond_the_timeline_count_in_the_score_and_the_level_falls_with_it() -> None:
    report = integrity([], {"multiple_faces": 3, "unknown_kind": 4})
    assert report.score == 100 - 36 and report.level == "medium" and report.events_not_listed == 7
    assert report.violations == {"multiple_faces": 3} and report.timeline == []
    assert integrity([], {"extra_participant": 7}).score == 0  # never below zero
    assert integrity([], {"paste": 1}).level == "high"
    assert integrity([]).reasons == ["no proctoring events of concern"]


def test_an_event_keeps_the_clients_time_unless_its_clock_is_far_off() -> None:
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    near = make_event("paste", "client", at_ms=now_ms - 60_000, question_number=2)
    assert near.at_ms == now_ms - 60_000 and near.violation and near.question_number == 2
    assert (
        near.at
        == datetime.fromtimestamp(near.at_ms / 1000, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"
    )
    far = make_event("paste", "client", at_ms=now_ms - 11 * 60_000)
    assert abs(far.at_ms - now_ms) < 5_000
    assert make_event("consent_given", "server").violation is False


def test_feedback_for_the_candidate_drops_the_sentences_that_quote_the_rubric() -> None:
    rubric = ["A queue hands out its elements in the order they arrived.", "Uses two pointers"]
    feedback = (
        "Partly right: it makes 1 of 2 expected points. A complete answer says elements come out in the "
        "order they arrived. It also uses two pointers, head and tail."
    )
    assert without_quotes(feedback, rubric) == "Partly right: it makes 1 of 2 expected points."
    assert without_quotes("Good.", []) == "Good."
    assert without_quotes("Uses two pointers.", rubric).startswith("Feedback withheld")


class SameFeedback:
    name, model, rubric_version, reads_code = "same", "same", "test", False

    def score_answer(self, question: Question, answer: str, topic: str, difficulty: str) -> AnswerScore:
        return AnswerScore(score=1, evidence=[], missing=[], feedback="It lists terms. It explains nothing.",
                           usage=TokenUsage())  # fmt: skip


def test_feedback_that_would_repeat_an_earlier_answers_refers_to_it() -> None:
    items = [(Question(text=f"Q{n}"), "terms terms") for n in range(3)]
    scores, _ = score_answers(SameFeedback(), items, "SQL", "simple")  # type: ignore[arg-type]
    assert [s.feedback for s in scores] == [
        "It lists terms. It explains nothing.",
        "Question 2: as for question 1.",
        "Question 3: as for question 1.",
    ]
