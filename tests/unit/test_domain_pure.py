"""The pure functions the reports are made of, with no AWS: the summary of the scores, the integrity
score of a proctoring timeline, and events as the server stamps them."""

from dataclasses import dataclass
from datetime import UTC, datetime

from interview_core.domain import ProctoringEvent, QuestionScore
from interview_core.services.evaluation import summarize
from interview_core.services.proctoring import integrity, make_event


@dataclass
class Model:
    name: str = "openai"


def score(n: int, value: int, missing: list[str] | None = None) -> QuestionScore:
    return QuestionScore(question_number=n, question=f"Q{n}", answer="a", score=value, evidence=[],
                         missing=missing or [], feedback=f"feedback {n}")  # fmt: skip


def test_a_summary_averages_the_scores_and_names_the_strongest_and_weakest_answer() -> None:
    s = summarize([score(1, 9), score(2, 4, ["the GIL"]), score(3, 8)], Model(), "Python")
    assert s.overall_score == 7.0
    assert s.strengths == ["Question 1 (9/10): feedback 1", "Question 3 (8/10): feedback 3"]
    assert s.improvements == ["Question 2: cover the GIL"]
    assert s.text == (
        "Good performance. Overall 7.0/10 across 3 answers on Python. Strongest: question 1; weakest: "
        "question 2. To improve, question 2: cover the GIL."
    )


def test_a_summary_bands_the_overall_score_and_says_when_the_offline_rubric_scored() -> None:
    assert summarize([score(1, 8)], Model(), "SQL").text.startswith("Excellent performance! Overall 8.0/10")
    assert summarize([score(1, 4)], Model(), "SQL").text.startswith("Fair performance")
    assert summarize([score(1, 3)], Model(), "SQL").text.startswith("Needs more preparation")
    offline = summarize([score(1, 5), score(2, 5)], Model("offline-rubric"), "SQL").text
    assert "Strongest" not in offline and offline.endswith("not a language model.)")
    empty = summarize([], Model(), "SQL")
    assert (empty.overall_score, empty.strengths, empty.text) == (0.0, [], "No answers to evaluate.")


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
