"""The offline question bank, and how the offline provider grades with it (the grader itself:
test_grading.py)."""

import random

import pytest

from interview_core.domain import KeyPoint, Question
from interview_core.providers.offline import OfflineLanguageModel, match_topic


@pytest.fixture
def llm() -> OfflineLanguageModel:
    return OfflineLanguageModel(random.Random(7))


@pytest.mark.parametrize(
    ("typed", "topic_id"),
    [
        ("Data Structures", "data_structures"),
        ("System Design", "system_design"),
        ("Python Programming", "python"),
        ("React.js", "javascript"),
        ("machine learning", "machine_learning"),
        ("SQL", "sql"),
        ("Behavioral", "behavioral"),
        ("Algorithms", "algorithms"),
    ],
)
def test_topics_typed_by_users_find_their_bank(typed: str, topic_id: str) -> None:
    assert match_topic(typed)["id"] == topic_id


def test_unknown_topics_get_sensible_generic_questions(llm: OfflineLanguageModel) -> None:
    assert match_topic("Underwater Basket Weaving") is None
    out = llm.generate_questions("Kubernetes Operators", "medium", 5)
    assert len(out.questions) == 5
    assert all("Kubernetes Operators" in q.text and "{topic}" not in q.text for q in out.questions)
    assert not any(q.gradable for q in out.questions), "no invented rubric: their answers go to review"


@pytest.mark.parametrize("difficulty", ["simple", "medium", "hard"])
def test_questions_are_distinct_and_come_with_key_points(llm: OfflineLanguageModel, difficulty: str) -> None:
    out = llm.generate_questions("Python", difficulty, 10)
    assert len({q.text for q in out.questions}) == 10
    assert all(len(q.key_points) >= 3 for q in out.questions)
    assert out.usage.calls == 0


HASH_TABLE = Question(
    text="What is a hash table?",
    key_points=[
        KeyPoint(point="It maps keys to values"),
        KeyPoint(point="A hash function picks the bucket for a key"),
        KeyPoint(point="Collisions are handled, for example by chaining"),
        KeyPoint(point="Lookups take constant time on average"),
    ],
)


def test_answers_are_scored_by_the_key_points_they_make_and_say_what_is_missing(
    llm: OfflineLanguageModel,
) -> None:
    full = llm.score_answer(
        HASH_TABLE,
        "It maps keys to values. A hash function picks the bucket; collisions are "
        "handled by chaining. Lookups take constant time on average.",
        "ds",
        "simple",
    )
    half = llm.score_answer(
        HASH_TABLE,
        "It maps keys to values, using a hash function to pick a bucket in an array.",
        "ds",
        "simple",
    )
    none = llm.score_answer(
        HASH_TABLE, "I am not sure, I have never used one in any of my projects so far.", "ds", "simple"
    )
    assert full.score is not None and half.score is not None and none.score is not None
    assert full.score >= 8 > half.score > none.score
    assert none.score <= 2
    assert "Collisions are handled, for example by chaining" in half.missing
    assert any("hash function" in e for e in half.evidence)
    assert full.missing == [] and len(full.strengths) == 4


def test_feedback_quotes_the_answer_never_the_rubric(llm: OfflineLanguageModel) -> None:
    half = llm.score_answer(
        HASH_TABLE, "It stores pairs of keys and values, like a dictionary in Python.", "ds", "simple"
    )
    assert half.feedback.count(".") <= 3
    assert "pairs of keys and values" in half.feedback
    for kp in HASH_TABLE.key_points:
        assert kp.point.lower() not in half.feedback.lower()


def test_a_short_right_answer_can_earn_full_marks(llm: OfflineLanguageModel) -> None:
    q = Question(text="Where do C++ programs begin to execute?", reference_answer="At the main function.")
    scored = llm.score_answer(q, "The main function.", "cpp", "simple")
    assert scored.score is not None and scored.score >= 8


def test_a_question_with_no_rubric_is_left_to_a_reviewer(llm: OfflineLanguageModel) -> None:
    scored = llm.score_answer(
        Question(text="Tell us about your last team."), "We built a billing system.", "x", "simple"
    )
    assert scored.score is None and scored.review_reason and scored.feedback.startswith("Not scored")


def test_gaming_is_named_and_scores_low(llm: OfflineLanguageModel) -> None:
    listed = llm.score_answer(
        HASH_TABLE, "keys values hash function bucket collisions chaining constant time", "ds", "simple"
    )
    assert listed.score is not None and listed.score <= 1 and listed.detected == ["keyword_list"]
    assert "lists terms" in listed.feedback


def test_bank_questions_typed_back_are_scored_with_their_key_points(llm: OfflineLanguageModel) -> None:
    q = llm.generate_questions("SQL", "simple", 1).questions[0]
    typed = Question(text=q.text)  # as /evaluate-answers receives it: no key points
    answer = " ".join(f"{kp.point}." for kp in q.key_points)
    scored = llm.score_answer(typed, answer, "general", "medium")
    assert scored.score is not None and scored.score >= 8
    assert scored.missing == []


def test_gaming_feedback_never_gives_the_score(llm: OfflineLanguageModel) -> None:
    """A candidate may read the feedback where the organisation shares no scores."""
    listed = llm.score_answer(HASH_TABLE, "keys, values, hash function, buckets, chaining", "ds", "simple")
    assert listed.detected and "/10" not in listed.feedback and "score" not in listed.feedback.lower()
