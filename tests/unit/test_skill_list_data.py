"""The curated skill list (providers/skills.json) the offline model fits questions with."""

import json
from collections import Counter
from pathlib import Path

from interview_core.providers import skills

ROOT = Path(__file__).resolve().parents[2]
DATA = json.loads((ROOT / "shared/interview_core/providers/skills.json").read_text("utf-8"))
BANK = json.loads((ROOT / "shared/interview_core/providers/question_bank.json").read_text("utf-8"))


def test_every_skill_maps_to_a_bank_topic_and_every_topic_has_skills() -> None:
    topics = {t["id"] for t in BANK["topics"]}
    assert len(DATA["skills"]) >= 100
    assert {s["topic"] for s in DATA["skills"]} == topics


def test_no_alias_names_two_skills() -> None:
    folded = Counter(
        key
        for s in DATA["skills"]
        for key in {skills._key(a) for a in (s["name"], *s["aliases"]) if a not in s["exact"]}
    )
    assert [a for a, n in folded.items() if n > 1] == []
    exact = Counter(a for s in DATA["skills"] for a in s["exact"])
    assert [a for a, n in exact.items() if n > 1] == []


def test_each_skill_is_found_by_its_name_and_aliases() -> None:
    for entry in DATA["skills"]:
        for alias in (entry["name"], *entry["aliases"], *entry["exact"]):
            if entry["name"] in entry["exact"] and alias == entry["name"].lower():
                continue
            assert [s.name for s in skills.find(f"Worked with {alias}.")] == [entry["name"]], alias


def test_templates_cover_every_level_and_name_what_they_ask_about() -> None:
    kinds = {"resume": "{skill}", "job_description": "{skill}", "both": "{skill}", "project": "{project}"}
    for kind, field in kinds.items():
        for level in ("simple", "medium", "hard"):
            assert skills.templates(kind, level)
            assert all(field in t for t in skills.templates(kind, level))
