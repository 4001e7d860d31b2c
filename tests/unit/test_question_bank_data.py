"""Shape checks for the offline question bank (shared/interview_core/providers/question_bank.json).

These tests read the JSON directly, so they only need the standard library and pytest.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

BANK_PATH = Path(__file__).resolve().parents[2] / "shared/interview_core/providers/question_bank.json"

TOPICS = {
    "data_structures": "Data Structures",
    "algorithms": "Algorithms",
    "system_design": "System Design",
    "python": "Python",
    "javascript": "JavaScript",
    "sql": "SQL",
    "machine_learning": "Machine Learning",
    "behavioral": "Behavioral",
}
DIFFICULTIES = ("simple", "medium", "hard")
QUESTIONS_PER_LEVEL = 10


@pytest.fixture(scope="module")
def bank():
    with BANK_PATH.open(encoding="utf-8") as f:
        return json.load(f)


def _all_questions(bank):
    """(where, question) for every question in the bank, topics and generic."""
    for topic in bank["topics"]:
        for level in DIFFICULTIES:
            for q in topic["questions"][level]:
                yield f"{topic['id']}/{level}", q
    for level in DIFFICULTIES:
        for q in bank["generic"][level]:
            yield f"generic/{level}", q


def _normalise(text):
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_file_is_utf8_json_with_expected_top_level_keys(bank):
    BANK_PATH.read_bytes().decode("utf-8")
    assert set(bank) == {"version", "topics", "generic"}
    assert isinstance(bank["version"], str) and bank["version"]


def test_topics_are_exactly_the_eight_expected(bank):
    ids = [t["id"] for t in bank["topics"]]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(TOPICS)
    for topic in bank["topics"]:
        assert topic["name"] == TOPICS[topic["id"]]
        assert set(topic) == {"id", "name", "aliases", "questions"}


def test_aliases_are_lowercase_and_unique_across_topics(bank):
    seen = Counter()
    names = {_normalise(t["name"]) for t in bank["topics"]} | {
        t["id"].replace("_", " ") for t in bank["topics"]
    }
    for topic in bank["topics"]:
        aliases = topic["aliases"]
        assert 4 <= len(aliases) <= 10, topic["id"]
        for alias in aliases:
            assert isinstance(alias, str) and alias.strip() == alias and alias, (topic["id"], alias)
            assert alias == alias.lower(), (topic["id"], alias)
            assert _normalise(alias) not in names, (topic["id"], alias)
        seen.update(aliases)
    duplicated = sorted(a for a, n in seen.items() if n > 1)
    assert not duplicated, f"aliases used by more than one topic: {duplicated}"


def test_each_topic_has_ten_questions_per_difficulty(bank):
    for topic in bank["topics"]:
        assert set(topic["questions"]) == set(DIFFICULTIES), topic["id"]
        for level in DIFFICULTIES:
            assert len(topic["questions"][level]) == QUESTIONS_PER_LEVEL, (topic["id"], level)


def test_generic_has_ten_questions_per_difficulty_with_topic_placeholder(bank):
    assert set(bank["generic"]) == set(DIFFICULTIES)
    for level in DIFFICULTIES:
        questions = bank["generic"][level]
        assert len(questions) == QUESTIONS_PER_LEVEL, level
        for q in questions:
            assert "{topic}" in q["question"], q["question"]


def test_topic_questions_have_no_placeholder(bank):
    for topic in bank["topics"]:
        for level in DIFFICULTIES:
            for q in topic["questions"][level]:
                assert "{" not in q["question"] and "}" not in q["question"], q["question"]


def test_no_duplicate_questions_anywhere(bank):
    counts = Counter(_normalise(q["question"]) for _, q in _all_questions(bank))
    duplicated = sorted(text for text, n in counts.items() if n > 1)
    assert not duplicated, f"duplicate questions: {duplicated}"


def test_question_text_is_well_formed(bank):
    for where, q in _all_questions(bank):
        assert set(q) == {"question", "key_points"}, where
        text = q["question"]
        assert isinstance(text, str) and text.strip() == text and text, where
        assert text.endswith(("?", ".")), (where, text)


def test_key_points_count_and_shape(bank):
    for where, q in _all_questions(bank):
        points = q["key_points"]
        assert 3 <= len(points) <= 5, (where, q["question"], len(points))
        texts = [kp["point"] for kp in points]
        assert len(texts) == len(set(texts)), (where, q["question"])
        for kp in points:
            assert set(kp) == {"point", "keywords"}, (where, q["question"])
            assert isinstance(kp["point"], str) and kp["point"].strip(), (where, q["question"])


def test_keywords_count_and_format(bank):
    for where, q in _all_questions(bank):
        for kp in q["key_points"]:
            keywords = kp["keywords"]
            label = (where, q["question"], kp["point"])
            assert 3 <= len(keywords) <= 7, label
            assert len(keywords) == len(set(keywords)), label
            for kw in keywords:
                assert isinstance(kw, str), label
                assert kw.strip() == kw and kw, (label, kw)
                assert kw == kw.lower(), (label, kw)
                assert 1 <= len(kw.split()) <= 3, (label, kw)
                assert re.search(r"[a-z0-9]", kw), (label, kw)


def test_totals(bank):
    total = sum(1 for _ in _all_questions(bank))
    assert total == (len(TOPICS) + 1) * len(DIFFICULTIES) * QUESTIONS_PER_LEVEL
