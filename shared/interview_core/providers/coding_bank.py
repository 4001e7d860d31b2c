"""The offline bank's coding problems (issue 14, item 4): coding_bank.json, read and validated on first use.

The schema is the API's coding-question fields plus an id, a topic and a difficulty, so one model reads both:

    {"version": "coding-bank-v1",
     "problems": [{"id": "py-reverse-words",            # unique, stable
                   "topic": "python" | "algorithms" | "sql",
                   "difficulty": "simple" | "medium" | "hard",
                   "language": "python" | "sql",       # "sql" exactly when the topic is sql
                   "text": "...",                      # the statement: what to write, signature, constraints, example
                   "starter_code": "...",              # a stub that runs and fails the tests
                   "tests": [PythonTest | SqlTest],    # interview_core.coding.models; the first few are visible
                   "reference_solution": "...",        # passes every test (tests/functional/test_coding_bank.py)
                   "time_limit_ms": 2000,              # optional, at most MAX_TIME_LIMIT_MS
                   "schema": "CREATE TABLE ..."}]}     # SQL only: builds, fills; a test's `setup` adds to it

Python tests: {"name", "call", "expected", "visible"?}, `call` and `expected` Python expressions. SQL tests:
{"name", "expected_rows", "ordered", "setup"?, "visible"?}; the answer is one SELECT query.
"""

import random
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import Field, model_validator

from interview_core.coding.models import MAX_TIME_LIMIT_MS, PythonTest, SqlTest
from interview_core.domain import CodeTest, CodingLanguage, CodingSpec, Difficulty, Question
from interview_core.model import Model
from interview_core.providers.offline import match_topic

CodingTopic = Literal["python", "algorithms", "sql"]
TOPICS: tuple[CodingTopic, ...] = ("python", "algorithms", "sql")
LANGUAGES: dict[CodingTopic, CodingLanguage] = {"python": "python", "algorithms": "python", "sql": "sql"}
# The question bank's topics (offline.match_topic: names and aliases) that have coding problems of their own.
_BANK_TOPICS: dict[str, CodingTopic] = {
    "sql": "sql",
    "algorithms": "algorithms",
    "data_structures": "algorithms",
}


def coding_topic(topic: str) -> CodingTopic:
    """The coding topic of a session's free-text topic, recognised as the question bank recognises topics:
    SQL and databases are sql, algorithms and data structures are algorithms, anything else is python."""
    entry = match_topic(topic)
    return _BANK_TOPICS.get(entry["id"], "python") if entry else "python"


class CodingProblem(Model):
    id: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9-]+$")
    topic: CodingTopic
    difficulty: Difficulty
    language: Literal["python", "sql"]
    text: str = Field(min_length=20)
    starter_code: str
    tests: list[PythonTest] | list[SqlTest] = Field(min_length=1, max_length=50)
    reference_solution: str = Field(min_length=1)
    time_limit_ms: int | None = Field(default=None, ge=100, le=MAX_TIME_LIMIT_MS)
    schema_sql: str | None = Field(default=None, alias="schema")

    @model_validator(mode="after")
    def _consistent(self) -> "CodingProblem":
        sql = self.language == "sql"
        if sql != (self.topic == "sql"):
            raise ValueError(f"{self.id}: language {self.language!r} does not fit topic {self.topic!r}")
        kind = SqlTest if sql else PythonTest
        if not all(isinstance(t, kind) for t in self.tests):
            raise ValueError(f"{self.id}: {self.language} problems take {kind.__name__} tests")
        if sql != (self.schema_sql is not None):
            raise ValueError(f"{self.id}: a schema goes with SQL problems, and only with them")
        if len({t.name for t in self.tests}) != len(self.tests):
            raise ValueError(f"{self.id}: test names repeat")
        return self

    def as_question(self) -> Question:
        """The problem as a session's coding question, every test with it (a SQL test's own data too)."""
        tests = [CodeTest(**t.model_dump()) for t in self.tests]
        return Question(
            text=self.text,
            type="coding",
            coding=CodingSpec(
                language=self.language,
                starter_code=self.starter_code,
                sql_schema=self.schema_sql,
                tests=tests,
                reference_solution=self.reference_solution,
                **({"time_limit_ms": self.time_limit_ms} if self.time_limit_ms else {}),
            ),
        )


class CodingBank(Model):
    version: str
    problems: list[CodingProblem]

    @model_validator(mode="after")
    def _unique(self) -> "CodingBank":
        ids = [p.id for p in self.problems]
        if len(set(ids)) != len(ids):
            raise ValueError("problem ids repeat")
        return self


@cache
def bank() -> CodingBank:
    text = resources.files("interview_core.providers").joinpath("coding_bank.json").read_text("utf-8")
    return CodingBank.model_validate_json(text)


def problems(topic: CodingTopic | None = None, difficulty: Difficulty | None = None) -> list[CodingProblem]:
    """The bank's problems on `topic` at `difficulty` (either None: any), in the file's order."""
    return [
        p
        for p in bank().problems
        if (topic is None or p.topic == topic) and (difficulty is None or p.difficulty == difficulty)
    ]


def problem(problem_id: str) -> CodingProblem | None:
    return next((p for p in bank().problems if p.id == problem_id), None)


def draw(topic: CodingTopic, difficulty: Difficulty, count: int, rng: random.Random) -> list[CodingProblem]:
    """`count` distinct problems, at random: the topic's at `difficulty` first, then its other levels, then
    the other topics' at `difficulty`, then the rest (the bank has 8 SQL problems; a session asks up to 10)."""
    chosen: list[CodingProblem] = []
    for tier in (
        problems(topic, difficulty),
        [p for p in problems(topic) if p.difficulty != difficulty],
        [p for p in problems(difficulty=difficulty) if p.topic != topic],
        [p for p in bank().problems if p.topic != topic and p.difficulty != difficulty],
    ):
        chosen += rng.sample(tier, min(count - len(chosen), len(tier)))
    return chosen
