"""The limits and enumerations a client needs to build its forms, read from the server's own models,
constants and settings: the web app asks here instead of keeping copies that drift."""

from functools import cache
from typing import Any, get_args

from fastapi import APIRouter, Response
from pydantic import Field, TypeAdapter

from interview_core.api.schemas import InterviewSpec, StartInterviewRequest, TextToSpeechRequest
from interview_core.contracts import (
    MAX_GENERATED_QUESTIONS,
    Code,
    CodeTestIn,
    CodingFields,
    Competency,
    Expression,
    KeyPointText,
    QuestionText,
    ReferenceAnswer,
    Rubric,
    SqlSchema,
    TestName,
)
from interview_core.documents import MAX_DOCUMENT_BYTES
from interview_core.domain import (
    COUNTED_STATES,
    DEFAULT_SHARE_DAYS,
    DEFAULT_TIME_LIMIT_MS,
    MAX_ANSWER_CHARS,
    MAX_CODE_RUNS,
    MAX_CODING_CHARS,
    MAX_SESSION_CODING_CHARS,
    MAX_SHARE_DAYS,
    MAX_TOPIC_CHARS,
    MIN_SHARE_DAYS,
    CodingLanguage,
    Difficulty,
    QuestionType,
    ReportShare,
)
from interview_core.model import Model
from interview_core.settings import Settings, get_settings

router = APIRouter(prefix="/api", tags=["service"])

# Every client may cache it for five minutes: it changes only with a deployment.
CACHE_CONTROL = "public, max-age=300"


class Range(Model):
    minimum: int
    maximum: int
    default: int | None = None


class PracticeConfig(Model):
    topic_max_chars: int
    topics: list[str] = Field(description="Suggestions (the offline question bank's topics); any topic works")
    difficulties: list[Difficulty]
    num_questions: Range
    speech_max_chars: int = Field(description="The longest text POST /text-to-speech reads aloud")
    background_max_chars: int = Field(description="start-interview's job_description and resume_text, each")
    resume_file_max_bytes: int = Field(description="The largest file POST /api/resume-text reads")
    follow_ups: Range = Field(description="start-interview's follow_ups: the most per main question")


class AudioConfig(Model):
    max_seconds: float = Field(description="The longest recorded answer accepted")
    max_direct_bytes: int = Field(description="Larger recordings go through POST /audio-upload/{session_id}")
    max_presigned_bytes: int


class RecruiterConfig(Model):
    name_max_chars: int = Field(description="A candidate's name and a job's title")
    phone_max_chars: int
    job_description_max_chars: int
    question_max_chars: int
    question_types: list[QuestionType]
    statuses: list[str] = Field(description="The values GET /api/parallel_interview/sessions filters by")
    report_shares: list[ReportShare]
    share_link_days: Range = Field(description="POST /api/reports/{id}/share's expires_in_days")
    max_questions: Range
    text_question_timer: Range = Field(description="Seconds")
    coding_question_timer: Range = Field(description="Seconds")
    difficulties: list[Difficulty] = Field(description="POST /api/jobs's generate.difficulty")
    generated_questions: Range = Field(description="POST /api/jobs's generate.count")


class RubricConfig(Model):
    """What a question's rubric may hold, wherever a question is written (evaluate-answers, sessions, jobs)."""

    reference_answer_max_chars: int
    key_points_max: int = Field(description="Key points per question")
    key_point_max_chars: int
    competency_max_chars: int
    weight_min: float = Field(description="Weights are at least this")
    weight_max: float = Field(description="and at most this")
    weight_default: float


class CodingConfig(Model):
    """What a coding question may hold (custom questions and jobs), and how often its tests may be run."""

    languages: list[CodingLanguage]
    code_max_chars: int = Field(description="Starter code, a reference solution, and code sent to run")
    schema_max_chars: int
    tests_max: int = Field(description="Tests per question")
    test_name_max_chars: int
    expression_max_chars: int = Field(description="A Python test's call, and its expected value")
    expected_rows_max: int = Field(description="Rows a SQL test expects")
    question_max_chars: int = Field(description="A question's code, schema and tests together, as JSON")
    session_max_chars: int = Field(description="All coding questions of a session or job together")
    time_limit_ms: Range
    runs_per_question: int = Field(description="POST /api/code/run, per question and session")


class ConfigResponse(Model):
    answer_max_chars: int = Field(description="Typed answers, in practice and recruiter interviews alike")
    practice: PracticeConfig
    audio: AudioConfig
    recruiter: RecruiterConfig
    rubric: RubricConfig
    coding: CodingConfig


def _property(schema: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = schema["properties"][name]
    return found


def _range(schema: dict[str, Any], name: str) -> Range:
    p = _property(schema, name)
    return Range(minimum=p["minimum"], maximum=p["maximum"], default=p.get("default"))


def _max_chars(annotation: Any) -> int:
    limit: int = TypeAdapter(annotation).json_schema()["maxLength"]
    return limit


@cache
def _config() -> ConfigResponse:
    # Loaded on the first request, not at init (no practice-only function loads the recruiter's schemas).
    from interview_core.api.recruiter_schemas import CreateJobRequest, Description, Name, Phone
    from interview_core.providers.offline import _bank

    s = get_settings()
    # The create route's own model needs email-validator, a layer this function does without: its timers
    # are the settings' fields and its question count a job's (tests/functional/test_config.py checks).
    timers = Settings.model_json_schema()
    questions = _property(CreateJobRequest.model_json_schema(), "questions")
    rubric = Rubric.model_json_schema()
    weight = _property(rubric, "weight")
    fields, test = CodingFields.model_json_schema(), CodeTestIn.model_json_schema()
    time_limit = next(t for t in _property(fields, "time_limit_ms")["anyOf"] if t.get("type") == "integer")
    rows = next(t for t in _property(test, "expected_rows")["anyOf"] if t.get("type") == "array")
    return ConfigResponse(
        answer_max_chars=MAX_ANSWER_CHARS,
        practice=PracticeConfig(
            topic_max_chars=MAX_TOPIC_CHARS,
            topics=[entry["name"] for entry in _bank()["topics"]],
            difficulties=list(get_args(Difficulty)),
            num_questions=_range(InterviewSpec.model_json_schema(), "num_questions"),
            speech_max_chars=_property(TextToSpeechRequest.model_json_schema(), "text")["maxLength"],
            background_max_chars=_property(StartInterviewRequest.model_json_schema(), "resume_text")["anyOf"][
                0
            ]["maxLength"],
            resume_file_max_bytes=MAX_DOCUMENT_BYTES,
            follow_ups=_range(StartInterviewRequest.model_json_schema(), "follow_ups"),
        ),
        audio=AudioConfig(
            max_seconds=s.max_audio_seconds,
            max_direct_bytes=s.max_direct_upload_bytes,
            max_presigned_bytes=s.max_presigned_upload_bytes,
        ),
        recruiter=RecruiterConfig(
            name_max_chars=_max_chars(Name),
            phone_max_chars=_max_chars(Phone),
            job_description_max_chars=_max_chars(Description),
            question_max_chars=_max_chars(QuestionText),
            question_types=list(get_args(QuestionType)),
            statuses=[status.value for status in COUNTED_STATES],
            report_shares=list(get_args(ReportShare)),
            share_link_days=Range(minimum=MIN_SHARE_DAYS, maximum=MAX_SHARE_DAYS, default=DEFAULT_SHARE_DAYS),
            # a job with no questions of its own generates them: a session still has at least one
            max_questions=Range(minimum=questions.get("minItems", 1), maximum=questions["maxItems"]),
            text_question_timer=_range(timers, "text_question_timer"),
            coding_question_timer=_range(timers, "coding_question_timer"),
            difficulties=list(get_args(Difficulty)),
            generated_questions=Range(minimum=1, maximum=MAX_GENERATED_QUESTIONS, default=5),
        ),
        rubric=RubricConfig(
            reference_answer_max_chars=_max_chars(ReferenceAnswer),
            key_points_max=_property(rubric, "key_points")["maxItems"],
            key_point_max_chars=_max_chars(KeyPointText),
            competency_max_chars=_max_chars(Competency),
            weight_min=weight["minimum"],
            weight_max=weight["maximum"],
            weight_default=weight["default"],
        ),
        coding=CodingConfig(
            languages=list(get_args(CodingLanguage)),
            code_max_chars=_max_chars(Code),
            schema_max_chars=_max_chars(SqlSchema),
            tests_max=_property(fields, "tests")["maxItems"],
            test_name_max_chars=_max_chars(TestName),
            expression_max_chars=_max_chars(Expression),
            expected_rows_max=rows["maxItems"],
            question_max_chars=MAX_CODING_CHARS,
            session_max_chars=MAX_SESSION_CODING_CHARS,
            time_limit_ms=Range(
                minimum=time_limit["minimum"], maximum=time_limit["maximum"], default=DEFAULT_TIME_LIMIT_MS
            ),
            runs_per_question=MAX_CODE_RUNS,
        ),
    )


@router.get(
    "/config",
    response_model=ConfigResponse,
    summary="Limits and choices for building forms (public, cacheable)",
    description="The lengths, ranges and enumerations the API enforces, so that a client's forms can say "
    "them up front. The API still validates every request.",
)
def config(response: Response) -> ConfigResponse:
    response.headers["Cache-Control"] = CACHE_CONTROL
    return _config()
