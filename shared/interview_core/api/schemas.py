"""Request and response models of the HTTP API (field names are the seeds' contract)."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import ConfigDict, Field, RootModel

from interview_core import text as hygiene
from interview_core.audio import UPLOAD_CONTENT_TYPES
from interview_core.contracts import (
    AnswerText,
    FollowUps,
    QuestionNumber,
    QuestionText,
    Rubric,
    ShownCodingIfAny,
)
from interview_core.domain import (
    MAX_BACKGROUND_CHARS,
    MAX_TOPIC_CHARS,
    CompetencyScore,
    Difficulty,
    EvaluationStatus,
    QuestionType,
    SpeakingInsights,
    Word,
)
from interview_core.model import Body, Model

if TYPE_CHECKING:  # the checker sees plain strings; pydantic the cleaned, bounded and enumerated types
    Topic = str
    UploadContentType = str
    BackgroundText = str
else:
    Topic = hygiene.line(MAX_TOPIC_CHARS)
    BackgroundText = hygiene.text(MAX_BACKGROUND_CHARS, required=False)
    UploadContentType = Literal[tuple(UPLOAD_CONTENT_TYPES)]


class Input(Body):
    model_config = ConfigDict(extra="forbid")


MAX_PRACTICE_QUESTIONS = 10


class InterviewSpec(Input):
    topic: Topic
    difficulty: Difficulty = "simple"
    num_questions: int = Field(default=2, ge=1, le=MAX_PRACTICE_QUESTIONS)


class StartInterviewRequest(InterviewSpec):
    question_types: list[QuestionType] = Field(
        default=["text"],
        min_length=1,
        max_length=MAX_PRACTICE_QUESTIONS,
        description="text or coding: question i takes question_types[i % len(question_types)], so "
        '["coding"] makes every question a coding problem and ["text", "coding"] alternates, text first',
    )
    job_description: BackgroundText | None = Field(
        default=None, description="Optional: the questions fit the role it describes (skills it names)"
    )
    resume_text: BackgroundText | None = Field(
        default=None,
        description="Optional: the candidate's résumé as text (POST /api/resume-text reads it from a PDF); "
        "the questions ask about what it names. Stored with the session, shown only to its organisation",
    )
    follow_ups: FollowUps = Field(
        default=0,
        description="The most follow-up questions the interviewer may ask about each main question, after "
        "an answer that misses a key point, makes a wrong claim or is strong enough to go deeper; 0 (the "
        "default): none, the questions are a fixed list",
    )


def _absent(value: object) -> bool:
    return value is None


# Only in sessions with follow-ups on: the responses of the others stay exactly what the seeds' clients know.
FollowUpFlag = Annotated[
    bool | None, Field(description="True when the question is a follow-up", exclude_if=_absent)
]
FollowUpOf = Annotated[
    int | None, Field(description="A follow-up's main question number", exclude_if=_absent)
]
Turn = Annotated[
    int | None,
    Field(description="The running count of every question asked, follow-ups included", exclude_if=_absent),
]


class StartInterviewResponse(Model):
    session_id: str
    greeting: str
    current_question: str
    question_number: int
    total_questions: int
    status: Literal["waiting_for_answer"] = "waiting_for_answer"
    coding: ShownCodingIfAny = None  # of current_question
    turn: Turn = None


class SubmitAnswerRequest(Input):
    session_id: str = Field(max_length=100)
    answer: AnswerText
    question_number: QuestionNumber | None = Field(
        default=None, description="Optional: the question this answers; a stale number gets 409"
    )
    turn: QuestionNumber | None = Field(
        default=None, description="Optional: the turn this answers (follow-ups count); a stale turn gets 409"
    )


class NextQuestionResponse(Model):
    session_id: str
    message: str = "Answer recorded successfully"
    next_question: str
    question_number: int
    total_questions: int
    status: Literal["waiting_for_answer"] = "waiting_for_answer"
    coding: ShownCodingIfAny = None  # of next_question
    follow_up: FollowUpFlag = None
    follow_up_of: FollowUpOf = None
    turn: Turn = None


class CompletedResponse(Model):
    session_id: str
    message: str = "Interview completed!"
    feedback: str
    total_answered: int
    status: Literal["completed"] = "completed"
    report_url: str
    evaluation_status: EvaluationStatus


class HeardFields(Model):
    transcript: str
    speaking: SpeakingInsights
    audio_duration_seconds: float


class AudioNextQuestionResponse(NextQuestionResponse, HeardFields):
    pass


class AudioCompletedResponse(CompletedResponse, HeardFields):
    pass


class TranscriptionResponse(HeardFields):
    filename: str | None
    format: str
    language: str
    words: list[Word]
    provider: str
    model: str


class AudioUploadRequest(Input):
    content_type: UploadContentType = Field(description="The recording's MIME type, e.g. audio/webm")


class AudioUploadResponse(Model):
    session_id: str
    audio_key: str = Field(description="Send this as audio_key to POST /audio-answer/{session_id}")
    upload_url: str
    fields: dict[str, str] = Field(description="Form fields to send before the file field, named `file`")
    method: Literal["POST"] = "POST"
    max_bytes: int
    expires_in: int


class TextToSpeechRequest(Input):
    text: hygiene.text(3000)  # type: ignore[valid-type]


class RecordingLink(Model):
    question_number: int
    audio_url: str = Field(description="Presigned, short-lived link to the recorded answer")
    format: str
    duration_seconds: float
    speaking: SpeakingInsights | None = None


class SessionResponse(Model):
    session_id: str
    topic: str
    difficulty: Difficulty
    status: str = Field(description="active, completed or abandoned")
    current_question_number: int
    total_questions: int
    answers_submitted: int
    current_question: str | None = Field(default=None, description="Only while the session is active")
    current_coding: ShownCodingIfAny = None
    follow_up: FollowUpFlag = None
    follow_up_of: FollowUpOf = None
    turn: Turn = None
    recordings: list[RecordingLink] | None = Field(default=None, description="Spoken answers, if any")
    job_description: str | None = Field(default=None, description="As sent to start-interview, if it was")
    resume_text: str | None = Field(
        default=None, description="As sent to start-interview: personal data, shown to the organisation only"
    )


class SessionCountsResponse(Model):
    active_sessions: int
    completed_sessions: int
    total_sessions: int
    abandoned_sessions: int


class GeneratedQuestionsResponse(Model):
    topic: str
    difficulty: Difficulty
    questions: list[str]


class QuestionAnswer(Rubric, Input):  # Input last: its config (built at import, extra fields refused) wins
    question: QuestionText
    answer: AnswerText


class EvaluateAnswersRequest(RootModel[list[QuestionAnswer]]):
    root: list[QuestionAnswer] = Field(min_length=1, max_length=20)


class AnswerEvaluation(Model):
    question: str
    score: int | None = Field(description="0-10; null when the answer needs a person's review")
    evidence: list[str]
    missing: list[str]
    feedback: str
    needs_review: bool
    review_reason: str | None
    detected: list[str] = Field(description="Gaming the grader found: keyword lists, restated questions...")
    competency: str | None


class EvaluateAnswersResponse(Model):
    feedback: str
    evaluated_answers: int
    overall_score: float | None = Field(description="Weighted mean of the graded answers; null if none was")
    graded_answers: int
    answers_needing_review: int
    competencies: list[CompetencyScore]
    evaluations: list[AnswerEvaluation]
    provider: str


class ReportPendingResponse(Model):
    session_id: str
    evaluation_status: EvaluationStatus
    detail: str
    report_url: str


class RootResponse(Model):
    message: str
    status: str
    version: str
    docs: str


class LlmHealth(Model):
    """What this instance last heard from the language model (each Lambda instance has its own)."""

    answered_recently: bool | None = Field(
        default=None,
        description="A call succeeded in the last 15 minutes and none failed since; null offline",
    )
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_error: str | None = Field(default=None, description="The server's own error text, truncated")
    output_mode: str | None = Field(default=None, description="json_schema, json_object or tools")
    deep_checked_at: datetime | None = Field(default=None, description="With ?deep=true: when it last asked")
    deep_ok: bool | None = None
    deep_error: str | None = None


class HealthResponse(Model):
    status: Literal["healthy", "degraded"]
    service: str
    openai_configured: bool
    service_ready: bool
    message: str
    providers: dict[str, str]
    llm: LlmHealth | None = None


class SessionDeletedResponse(Model):
    message: str = "Session deleted"
    session_id: str


class QuotaUsage(Model):
    used: int | float  # audio_minutes: minutes, to the hundredth
    limit: int


class UsageResponse(Model):
    subject: str = Field(description="org#<organisation>, or ip#<address> while access control is off")
    day: str = Field(description="the UTC day counted, YYYY-MM-DD")
    resets_at: str = Field(description="the next 00:00 UTC, when every quota starts again")
    usage: dict[str, QuotaUsage] = Field(description="sessions, llm_calls, tts_chars, audio_minutes")
