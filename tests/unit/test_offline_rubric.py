"""The offline question bank and keyword rubric."""

import random

import pytest

from interview_core.domain import KeyPoint, Question
from interview_core.providers.offline import OfflineLanguageModel, match_topic, stems


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
    assert all(q.key_points for q in out.questions)


@pytest.mark.parametrize("difficulty", ["simple", "medium", "hard"])
def test_questions_are_distinct_and_come_with_key_points(llm: OfflineLanguageModel, difficulty: str) -> None:
    out = llm.generate_questions("Python", difficulty, 10)
    assert len({q.text for q in out.questions}) == 10
    assert all(len(q.key_points) >= 3 for q in out.questions)
    assert out.usage.calls == 0


def test_stemming_matches_word_forms() -> None:
    assert stems("Caching cached caches") == stems("cache cache cache")


def test_rubric_scores_by_key_points_covered_and_says_what_is_missing(llm: OfflineLanguageModel) -> None:
    q = Question(
        text="What is a hash table?",
        key_points=[
            KeyPoint(point="Maps keys to values", keywords=["key value", "keys to values"]),
            KeyPoint(point="Uses a hash function", keywords=["hash function", "hashing"]),
            KeyPoint(point="Handles collisions", keywords=["collision", "chaining", "open addressing"]),
            KeyPoint(point="Average O(1) lookup", keywords=["constant time", "o 1"]),
        ],
    )
    full = llm.score_answer(
        q,
        "It maps keys to values. A hash function picks the bucket; collisions are "
        "handled by chaining. Lookups take constant time on average.",
        "ds",
        "simple",
    )
    half = llm.score_answer(
        q, "It maps keys to values using a hash function to pick a bucket in an array.", "ds", "simple"
    )
    none = llm.score_answer(
        q, "I am not sure, I have never used one in any of my projects so far.", "ds", "simple"
    )
    assert (full.score, half.score, none.score) == (10, 5, 0)
    assert half.missing == ["Handles collisions", "Average O(1) lookup"]
    assert any("hash function" in e for e in half.evidence)
    assert half.feedback == "Covered 2 of 4 key points."
    assert "collisions" not in half.feedback, "the rubric's key points stay in `missing`"


def test_very_short_answers_are_capped(llm: OfflineLanguageModel) -> None:
    q = Question(text="What is LIFO?", key_points=[KeyPoint(point="Last in first out", keywords=["last in"])])
    assert llm.score_answer(q, "Last in, first out.", "ds", "simple").score == 3


def test_bank_questions_typed_back_are_scored_with_their_key_points(llm: OfflineLanguageModel) -> None:
    q = llm.generate_questions("SQL", "simple", 1).questions[0]
    typed = Question(text=q.text)  # as /evaluate-answers receives it: no key points
    answer = " ".join(kp.keywords[0] for kp in q.key_points) + " and that is my whole answer here."
    scored = llm.score_answer(typed, answer, "general", "medium")
    assert scored.score == 10
    assert scored.missing == []
