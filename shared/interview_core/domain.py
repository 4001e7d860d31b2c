"""The session model and its state machine, shared by the practice and the recruiter API."""

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

Difficulty = Literal["simple", "medium", "hard"]
AnswerSource = Literal["text", "audio"]

MAX_ANSWER_CHARS = 5000  # ~10 minutes of speech; keeps a 10-answer session far below the 400 KB item limit
MAX_TOPIC_CHARS = 100


class SessionStatus(StrEnum):
    INITIALIZED = "initialized"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"  # no activity for the inactivity timeout
    ERASING = "erasing"  # being deleted with everything it owns; reads treat it as gone


# States a session is counted in (an erasing session has already left the counters).
COUNTED_STATES = (
    SessionStatus.INITIALIZED,
    SessionStatus.IN_PROGRESS,
    SessionStatus.COMPLETED,
    SessionStatus.ABANDONED,
)


class EvaluationStatus(StrEnum):
    NOT_REQUESTED = "not_requested"  # answers still being collected
    PENDING = "pending"  # queued, waiting for a worker
    RUNNING = "running"  # a worker holds the lease
    READY = "ready"


# Public status of the practice API (seed 000 says active/completed).
PRACTICE_STATUS = {
    SessionStatus.INITIALIZED: "active",
    SessionStatus.IN_PROGRESS: "active",
    SessionStatus.COMPLETED: "completed",
    SessionStatus.ABANDONED: "abandoned",
    SessionStatus.ERASING: "erasing",
}


@dataclass(frozen=True)
class Lifecycle:
    """How long things may sit before the scheduled cleanup acts on them."""

    inactivity: timedelta  # an active session untouched this long is abandoned
    retention: timedelta  # a finished session is erased this long after it ended
    evaluation_grace: timedelta  # a completed session whose report is still missing is queued again
    ttl: timedelta  # DynamoDB TTL: the backstop if cleanup never ran; longer than the others

    def after(self, delta: timedelta, now: int | None = None) -> int:
        return (epoch_now() if now is None else now) + int(delta.total_seconds())


class KeyPoint(BaseModel):
    point: str
    keywords: list[str] = Field(default_factory=list)


class Question(BaseModel):
    text: str
    key_points: list[KeyPoint] = Field(default_factory=list)


class Word(BaseModel):
    word: str
    start: float  # seconds from the start of the recording
    end: float


class SpeakingInsights(BaseModel):
    """How an answer was spoken, from the transcript's word timestamps; advice, not part of the score."""

    duration_seconds: float
    word_count: int
    words_per_minute: float
    pace: Literal["slow", "conversational", "fast"]
    filler_words: dict[str, int]
    filler_count: int
    fillers_per_minute: float
    long_pauses: int
    longest_pause_seconds: float
    pause_threshold_seconds: float


class AudioRecording(BaseModel):
    """Where a spoken answer is kept: a key the server chose, below the session's S3 prefix."""

    key: str
    format: str
    content_type: str
    duration_seconds: float


class Answer(BaseModel):
    question_number: int
    text: str
    submitted_at: str
    source: AnswerSource = "text"
    audio: AudioRecording | None = None
    speaking: SpeakingInsights | None = None


class Session(BaseModel):
    session_id: str
    kind: Literal["practice", "recruiter"] = "practice"
    topic: str
    difficulty: Difficulty
    status: SessionStatus
    questions: list[Question]
    answers: list[Answer] = Field(default_factory=list)
    created_at: str
    updated_at: str
    completed_at: str | None = None
    evaluation_status: EvaluationStatus = EvaluationStatus.NOT_REQUESTED
    evaluation_attempts: int = 0
    evaluation_error: str | None = None
    expires_at: int

    @property
    def total_questions(self) -> int:
        return len(self.questions)

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def is_active(self) -> bool:
        return self.status in (SessionStatus.INITIALIZED, SessionStatus.IN_PROGRESS)

    @property
    def current_question(self) -> Question | None:
        if self.status is SessionStatus.IN_PROGRESS and self.answered < self.total_questions:
            return self.questions[self.answered]
        return None


class QuestionScore(BaseModel):
    question_number: int
    question: str
    answer: str
    score: int = Field(ge=0, le=10)
    evidence: list[str]
    missing: list[str]
    feedback: str
    speaking: SpeakingInsights | None = None


class TokenUsage(BaseModel):
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: "TokenUsage") -> "TokenUsage":
        return TokenUsage(
            calls=self.calls + other.calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class Report(BaseModel):
    session_id: str
    topic: str
    difficulty: Difficulty
    overall_score: float = Field(ge=0, le=10)
    questions: list[QuestionScore]
    strengths: list[str]
    improvements: list[str]
    summary: str
    speaking_summary: str | None = None  # only when answers were spoken
    provider: str
    model: str
    rubric_version: str
    token_usage: TokenUsage
    generated_at: str
    evaluation_seconds: float


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch_now() -> int:
    return int(time.time())


def new_session_id() -> str:
    return str(uuid.uuid4())
