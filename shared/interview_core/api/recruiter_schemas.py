"""Request and response models of the recruiter API (seed 002). Kept apart from the practice schemas:
the larger models load only in the recruiter functions (the one that validates email addresses lives
with its route, api.routes.recruiter_create)."""

from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field

from interview_core import text as hygiene
from interview_core.contracts import (
    MAX_GENERATED_QUESTIONS,
    ExternalId,
    FollowUps,
    ProctoringEvents,
    QuestionIn,
    ShownCodingIfAny,
)
from interview_core.domain import (
    CodingSpec,
    Difficulty,
    IntegrityReport,
    QuestionType,
    ReportShare,
)
from interview_core.model import Body, Model

Success = Literal["success"]
if TYPE_CHECKING:  # the checker sees plain strings; pydantic the cleaned, bounded types below
    Name = str
    Phone = str
    Description = str
else:
    Name = hygiene.line(200)
    Phone = hygiene.line(40, required=False)
    Description = hygiene.text(5000, required=False)


class UserDetails(Model):
    name: str
    email: str
    phone: str | None = None


class InterviewConfig(Model):
    total_questions: int
    max_questions: int
    text_question_timer: int
    coding_question_timer: int
    question_types: list[QuestionType]


class CreateSessionResponse(Model):
    status: Success = "success"
    session_id: str
    livekit_room_name: str
    livekit_token: str | None = Field(description="Candidate's LiveKit token; null in fallback mode")
    livekit_url: str | None
    livekit_fallback: bool = Field(description="True when LiveKit is not configured or was unreachable")
    livekit_fallback_reason: str | None = None
    candidate_token: str = Field(
        description="The candidate's per-session secret (header X-Session-Token); shown only here"
    )
    user_details: UserDetails
    interview_config: InterviewConfig
    proctoring: dict[str, Any]


class SessionRow(Model):
    proctoring_session_id: str
    session_id: str
    user_details: UserDetails
    status: str
    created_at: str
    job_id: str | None = None
    job_title: str | None = None
    question_index: int
    consent_received: bool


class SessionListResponse(Model):
    status: Success = "success"
    sessions: list[SessionRow]
    total: int
    limit: int
    offset: int
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page: it reads only that page (offset re-reads the rows "
        "it skips). Null on the last page."
    )


class SessionDetails(Model):
    session_id: str
    user_details: UserDetails
    status: str
    is_active: bool
    current_question_count: int
    max_questions: int
    consent_received: bool
    reference_face_captured: bool
    total_questions: int
    current_question_index: int
    current_question: str | None = None
    current_question_type: QuestionType | None = None
    current_coding: ShownCodingIfAny = None  # the candidate's view; `questions` has the whole spec
    current_deadline: int | None = Field(default=None, description="Epoch seconds; the server enforces it")
    average_score: float | None
    proctoring_violations_count: int
    job_id: str | None = None
    job_title: str | None = None
    external_id: str | None = None
    job_external_id: str | None = None
    created_at: str
    started_at: str | None = None
    completed_at: str | None = None
    evaluation_status: str
    report_share: ReportShare = Field(
        default="none", description="What the candidate may read of their report (release-report)"
    )


class InterviewState(Model):
    dialogue_length: int
    evaluations_count: int
    text_question_timer: int
    coding_question_timer: int
    late_answers: int


class LiveKitRoomInfo(Model):
    name: str
    num_participants: int
    creation_time: int | None
    fallback: bool


class SessionQuestion(Model):
    """A question with its rubric, as the organisation wrote it."""

    number: int = Field(description="1-based")
    text: str
    type: QuestionType
    reference_answer: str | None
    key_points: list[str]
    competency: str | None
    weight: float
    coding: CodingSpec | None = Field(
        default=None,
        description="How a coding question is run: its language, starter code, schema, every "
        "test (hidden ones too), reference solution and time limit",
    )


class SessionDetailResponse(Model):
    status: Success = "success"
    session: SessionDetails
    interview_state: InterviewState
    livekit_room: LiveKitRoomInfo
    integrity: IntegrityReport | None = None
    questions: list[SessionQuestion] | None = Field(
        default=None, description="The questions with their rubrics: for the organisation only"
    )


class StartResponse(Model):
    status: Success = "success"
    message: str = "Interview session started"
    session_id: str
    livekit_room_name: str
    current_question: str
    question_number: int
    question_type: QuestionType
    deadline_at: int | None
    coding: ShownCodingIfAny = None  # of current_question


class EndResponse(Model):
    status: Success = "success"
    message: str = "Interview session ended"
    session_id: str
    report_available: bool
    questions_answered: int
    average_score: float | None
    report_url: str


class ReleaseReportRequest(Body):
    model_config = ConfigDict(extra="forbid")
    share: ReportShare = Field(
        description="none: the candidate reads nothing; feedback: the feedback without scores; scores: both. "
        "Never the integrity details, reference answers or key points."
    )


class ReleaseReportResponse(Model):
    status: Success = "success"
    session_id: str
    share: ReportShare


class DeleteResponse(Model):
    status: Success = "success"
    message: str = "Session deleted"
    session_id: str


class Stats(Model):
    total_sessions: int
    active_sessions: int
    completed_sessions: int
    initialized_sessions: int
    abandoned_sessions: int
    in_memory_sessions: int = Field(
        description="Always 0: sessions live in DynamoDB, no process holds any (kept for the seed's clients)"
    )
    active_livekit_rooms: int


class StatsResponse(Model):
    status: Success = "success"
    stats: Stats


class GenerateJobQuestions(Model):
    model_config = ConfigDict(extra="forbid")
    count: int = Field(default=5, ge=1, le=MAX_GENERATED_QUESTIONS)
    difficulty: Difficulty = "medium"
    question_types: list[Literal["text"]] = Field(
        default=["text"], min_length=1, max_length=1, description="Text questions only, for now"
    )


class CreateJobRequest(Body):
    model_config = ConfigDict(extra="forbid")
    title: Name
    description: Description | None = None
    questions: list[QuestionIn] = Field(
        default_factory=list, max_length=50, description="Required unless `generate` is given"
    )
    generate: GenerateJobQuestions | None = Field(
        default=None,
        description="Write `count` questions with rubrics from the description (a language model, else the "
        "offline skill list and question bank), after `questions`; each says which skill it comes from",
    )
    candidate_report: ReportShare = Field(
        default="none", description="Default for its sessions: what candidates may read of their reports"
    )
    follow_ups: FollowUps = Field(
        default=0,
        description="Default for its sessions: the most follow-up questions per main question (0: none)",
    )
    external_id: ExternalId | None = None


class ProctoringEventsRequest(Body):
    model_config = ConfigDict(extra="forbid")
    events: ProctoringEvents


class ProctoringEventsResponse(Model):
    status: Success = "success"
    session_id: str
    recorded: int
    violations_count: int


class FaceCheckResponse(Model):
    status: Success = "success"
    session_id: str
    faces: int
    verdict: Literal["ok", "no_face", "multiple_faces"]
    message: str


class ConsentResponse(Model):
    status: Success = "success"
    session_id: str
    consent_received: bool = True
