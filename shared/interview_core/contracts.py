"""Field types and limits that more than one side accepts: one definition, so an answer or a proctoring event
is checked alike (and documented alike) whichever way it arrives (the HTTP API or the live channel), and a
question's rubric alike on every route that takes one (and in the recruiter service, which reads it). Also
what both sides show a candidate of a coding question and of a run of its visible tests.

Below `api`, `live` and `services`, which may all import it; above the domain, whose limits it applies. Only
pydantic and the hygiene types: nearly every function loads it."""

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import BeforeValidator, ConfigDict, Field, TypeAdapter
from pydantic_core import PydanticCustomError

from interview_core import text as hygiene
from interview_core.domain import (
    MAX_ANSWER_CHARS,
    MAX_CODE_CHARS,
    MAX_CODING_CHARS,
    MAX_COMPETENCY_CHARS,
    MAX_EXPECTED_ROWS,
    MAX_EXPRESSION_CHARS,
    MAX_FOLLOW_UPS,
    MAX_KEY_POINT_CHARS,
    MAX_KEY_POINTS,
    MAX_REFERENCE_CHARS,
    MAX_SCHEMA_CHARS,
    MAX_TEST_NAME_CHARS,
    MAX_TESTS,
    MAX_TIME_LIMIT_MS,
    MAX_WEIGHT,
    MIN_TIME_LIMIT_MS,
    MIN_WEIGHT,
    CandidateCoding,
    CodeTest,
    CodingLanguage,
    CodingSpec,
    KeyPoint,
    Question,
    QuestionType,
    RunResult,
)
from interview_core.errors import InvalidRequest
from interview_core.model import Model

if TYPE_CHECKING:  # the checker sees plain strings; pydantic the cleaned, bounded types
    AnswerText = str
    EventDetail = str
    QuestionText = str
    ReferenceAnswer = str
    KeyPointText = str
    Competency = str
    Code = str
    SqlSchema = str
    TestName = str
    Expression = str
else:
    AnswerText = hygiene.answer(MAX_ANSWER_CHARS)
    EventDetail = hygiene.line(200, required=False)
    QuestionText = hygiene.text(2000)  # coding questions span lines
    ReferenceAnswer = hygiene.text(MAX_REFERENCE_CHARS, required=False)  # model answers hold code too
    KeyPointText = hygiene.line(MAX_KEY_POINT_CHARS)
    Competency = hygiene.line(MAX_COMPETENCY_CHARS, required=False)
    Code = hygiene.answer(MAX_CODE_CHARS)  # code is kept as typed, as answers are
    SqlSchema = hygiene.answer(MAX_SCHEMA_CHARS)
    TestName = hygiene.line(MAX_TEST_NAME_CHARS)
    Expression = hygiene.answer(MAX_EXPRESSION_CHARS)
QuestionNumber = Annotated[int, Field(ge=1)]  # 1-based, as every message and response counts them

# What a candidate's browser reports; server-side checks and LiveKit add their own types (proctoring.WEIGHTS).
ClientEventType = Literal[
    "tab_hidden", "window_blur", "paste", "fullscreen_exit", "no_face", "multiple_faces"
]
MAX_GENERATED_QUESTIONS = 20  # a job's questions written from its description, per request
MAX_EVENTS_PER_BATCH = 50  # per request or live message; the per-minute cap is the service's


# Deferred, unlike a request body: it is built with the request or message that holds it, so the practice
# functions, which load this module for AnswerText, never build it.
class ProctoringEventIn(Model):
    model_config = ConfigDict(extra="forbid")
    type: ClientEventType
    at: int | None = Field(default=None, description="Epoch milliseconds on the client's clock")
    detail: EventDetail | None = None


ProctoringEvents = Annotated[list[ProctoringEventIn], Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)]


class Rubric(Model):
    """What an answer is graded against, as the organisation writes it beside a question: on
    /evaluate-answers, custom questions and jobs alike. The organisation's alone: never shown to candidates."""

    model_config = ConfigDict(extra="forbid")
    reference_answer: ReferenceAnswer | None = Field(default=None, description="A model answer")
    key_points: list[KeyPointText] = Field(
        default_factory=list, max_length=MAX_KEY_POINTS, description="What a good answer covers"
    )
    competency: Competency | None = Field(
        default=None, description='What the question assesses, e.g. "data modelling": reports score each one'
    )
    weight: float = Field(  # strict: true or "2" is a mistake, not a weight
        default=1.0,
        ge=MIN_WEIGHT,
        le=MAX_WEIGHT,
        strict=True,
        description="Relative weight in the overall score",
    )

    def as_question(
        self, text: str, type: QuestionType = "text", coding: CodingSpec | None = None
    ) -> Question:
        """The domain question: a recruiter's key point is a `KeyPoint` without keywords."""
        return Question(
            text=text,
            type=type,
            reference_answer=self.reference_answer or None,  # a blank one is none (the field is optional)
            key_points=[KeyPoint(point=p) for p in self.key_points],
            competency=self.competency or None,
            weight=self.weight,
            coding=coding,
        )


class CodeTestIn(Model):
    """A test as the organisation writes it: Python `{name, call, expected}`, SQL `{name, expected_rows,
    ordered}`; which fields a test needs is its question's language (CodingFields checks)."""

    model_config = ConfigDict(extra="forbid")
    name: TestName
    visible: bool = Field(
        default=False, strict=True, description="Shown to the candidate and run by /api/code/run"
    )
    call: Expression | None = Field(default=None, description="Python: evaluated after the candidate's code")
    expected: Expression | None = Field(default=None, description="Python: the value `call` must equal")
    expected_rows: list[list[int | float | str | bool | None]] | None = Field(
        default=None, max_length=MAX_EXPECTED_ROWS, description="SQL: the rows the query returns"
    )
    ordered: bool = Field(default=False, strict=True, description="SQL: the rows must come in this order")


def _whole(value: Any) -> Any:
    """JSON's 733.0 is the integer 733 (as JSON Schema counts); 733.5, "733" and true stay refused."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


TimeLimit = Annotated[
    int, Field(ge=MIN_TIME_LIMIT_MS, le=MAX_TIME_LIMIT_MS, strict=True), BeforeValidator(_whole)
]
# An organisation's own id for a session or a job (an ATS application or requisition id), carried in events.
ExternalId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="Your own id for it (for example your applicant tracking system's), up to 200 "
        "characters: returned as given and carried in every webhook event",
    ),
]
# The most follow-up questions per main question (start-interview, recruiter create, jobs).
FollowUps = Annotated[int, Field(ge=0, le=MAX_FOLLOW_UPS, strict=True), BeforeValidator(_whole)]
_PYTHON_ONLY, _SQL_ONLY = ("call", "expected"), ("expected_rows", "ordered")
_CODING_FIELDS = ("language", "starter_code", "sql_schema", "tests", "reference_solution", "time_limit_ms")


class CodingFields(Model):
    """How a coding question is checked, beside its text wherever one is written (custom questions, jobs).
    The sandbox's checks (expressions parse, the reference solution passes) are the service's:
    services.coding.vet, at creation."""

    model_config = ConfigDict(populate_by_name=True)
    language: CodingLanguage | None = Field(default=None, description="python or sql: the question runs code")
    starter_code: Code | None = None
    sql_schema: SqlSchema | None = Field(
        default=None,
        alias="schema",
        description="SQL: builds a fresh in-memory SQLite database for every run",
    )
    tests: list[CodeTestIn] = Field(default_factory=list, max_length=MAX_TESTS)
    reference_solution: Code | None = Field(
        default=None, description="Run against the tests at creation: a question it fails is refused"
    )
    time_limit_ms: TimeLimit | None = Field(default=None, description="Per run")

    def coding_problems(self, type: QuestionType | None) -> list[str]:
        """What is inconsistent in the coding fields, each naming its field (relative to the question)."""
        given = [f for f in _CODING_FIELDS if f in self.model_fields_set and f != "language"]
        if self.language is None:
            return [f"{f}: only a coding question with a language has it" for f in given]
        if type == "text":
            return [
                "language: a text question runs no code (send type coding, or leave out the coding fields)"
            ]
        wrong = _SQL_ONLY if self.language == "python" else _PYTHON_ONLY
        needed = _PYTHON_ONLY if self.language == "python" else ("expected_rows",)
        problems = [
            f"tests.{i}.{f}: {'a ' + self.language + ' test needs it' if f in needed else 'not for ' + self.language}"
            for i, t in enumerate(self.tests)
            for f in (*needed, *wrong)
            if (f in needed and getattr(t, f) is None) or (f in wrong and f in t.model_fields_set)
        ]
        if self.language == "sql" and self.tests and not self.sql_schema:
            problems.append("schema: SQL tests need the schema their database is built from")
        if self.language == "python" and self.sql_schema is not None:
            problems.append("schema: only SQL questions have one")
        names = [t.name for t in self.tests]
        problems += [
            f"tests.{i}.name: {n!r} names another test too"
            for i, n in enumerate(names)
            if names.index(n) != i
        ]
        spec = None if problems else self.coding_spec()
        if spec is not None and len(spec.model_dump_json()) > MAX_CODING_CHARS:
            problems.append(f"tests: the code, schema and tests total over {MAX_CODING_CHARS} characters")
        return problems

    def coding_spec(self) -> CodingSpec | None:
        if self.language is None:
            return None
        return CodingSpec(
            language=self.language,
            starter_code=self.starter_code,
            sql_schema=self.sql_schema,
            tests=[CodeTest(**dict(t)) for t in self.tests],
            reference_solution=self.reference_solution,
            **({"time_limit_ms": self.time_limit_ms} if self.time_limit_ms is not None else {}),
        )


class QuestionIn(Rubric, CodingFields):
    """A question the organisation writes: custom questions at session creation, and a job's."""

    text: QuestionText
    type: QuestionType | None = Field(
        default=None, description="text or coding; left out: the request's question_types, else text"
    )

    def checked(self, field: str) -> "QuestionIn":
        """The rules between fields that the schema cannot state (coding fields need a language; a language
        makes the question a coding one), refused as a 400 of the service's: a body the schema allows is
        never a validation error."""
        if problems := self.coding_problems(self.type):
            raise InvalidRequest(f"{field}: " + "; ".join(problems))
        # a question that runs code is one, whatever question_types says
        return self.model_copy(update={"type": "coding"}) if self.language is not None else self


@cache
def _question_text() -> TypeAdapter[str]:
    return TypeAdapter(QuestionText)


def _question_object(value: Any) -> Any:
    if isinstance(
        value, str
    ):  # checked here, so its errors name the question (questions.0) as they always did
        return {"text": _question_text().validate_python(value)}
    if isinstance(value, dict | QuestionIn):
        return value
    raise PydanticCustomError("question_type", "A question is its text, or an object with its text")


# The seed sends question texts; a text with a rubric is an object. Both are read as a QuestionIn.
QuestionItem = Annotated[
    QuestionIn, BeforeValidator(_question_object, json_schema_input_type=QuestionText | QuestionIn)
]


# -- what a candidate is shown, over HTTP and the live channel alike ----------------------------------


_SHOWN = (
    "A coding question's language, starter code, schema (SQL), time limit and visible tests, with how many "
    "tests are hidden"
)
# Beside a question's text wherever a candidate is shown one. Live messages send every field (ShownCoding:
# null for a text question); HTTP responses leave it out for one (ShownCodingIfAny), so a text question's
# body stays exactly what the seeds' clients know.
ShownCoding = Annotated[CandidateCoding | None, Field(description=f"{_SHOWN}; null for a text question")]
ShownCodingIfAny = Annotated[
    CandidateCoding | None,
    Field(description=f"{_SHOWN}; left out for a text question", exclude_if=lambda coding: coding is None),
]


def candidate_coding(question: Question | None) -> CandidateCoding | None:
    """What a candidate may see of a question's coding spec: null for a question that runs no code (or for
    no question at all: a session not in progress)."""
    return question.coding.for_candidate() if question is not None and question.coding is not None else None


class CodeTestResult(Model):
    name: str
    call: str | None = Field(description="Null for SQL: every test runs the one query")
    passed: bool
    expected: str | None = Field(description="repr of the expected value (Python) or the rows as JSON (SQL)")
    actual: str | None
    error: str | None = Field(description="The code's error for this test, or why it did not run")
    duration_ms: float | None


class CodeRunResponse(Model):
    """A run of a coding question's visible tests: the body of POST /api/code/run and of the live channel's
    `code_result`. Built from the sandbox's RunResult after its for_candidate()."""

    status: Literal["success"] = "success"
    passed: int
    total: int = Field(description="The question's visible tests: hidden ones run only when it is graded")
    timed_out: bool
    stdout: str = Field(description="What the code printed (stdout and stderr), at most 8 KB")
    stdout_truncated: bool
    error: str | None = Field(description="Why the code did not run at all (a syntax error...)")
    results: list[CodeTestResult]

    @classmethod
    def of(cls, run: RunResult) -> Self:
        return cls.model_validate(run, from_attributes=True)
