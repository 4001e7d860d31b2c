from typing import Annotated

from fastapi import Depends
from pydantic import ConfigDict, EmailStr, Field, WithJsonSchema

from interview_core import text as hygiene
from interview_core.access import Caller
from interview_core.api.auth import caller, payer
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import CreateSessionResponse, Name, Phone
from interview_core.api.recruiter_views import interview_config, user_details
from interview_core.api.routing import RecruiterRouter
from interview_core.contracts import ExternalId, FollowUps, QuestionItem
from interview_core.domain import QuestionType, ReportShare
from interview_core.model import Body
from interview_core.quota import Payer
from interview_core.services.recruiter import NewSession, RecruiterService
from interview_core.wiring import recruiter_service

router = RecruiterRouter(prefix="/api/parallel_interview", tags=["recruiter"])

# The only input that carries an email address, so the only function that loads email-validator (its own
# layer, EmailLayer): FastAPI imports the package wherever it is installed, ~30 ms of each cold start.
Email = Annotated[
    EmailStr, WithJsonSchema({"type": "string", "format": "email", "pattern": hygiene.EMAIL_PATTERN})
]


class CreateSessionRequest(Body):
    model_config = ConfigDict(extra="ignore")  # the seed's clients may send fields this API does not use

    name: Name
    email: Email
    phone: Phone | None = None
    job_id: str | None = Field(default=None, max_length=100)
    external_id: ExternalId | None = None
    questions: list[QuestionItem] | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description="Each a question's text, or an object with its text and rubric (reference_answer, "
        "key_points, competency, weight) and perhaps its type",
    )
    question_types: list[QuestionType] | QuestionType | None = Field(
        default=None,
        description="One type for all questions, or one per question (text or coding); a question "
        "object's own type wins",
    )
    max_questions: int | None = Field(default=None, ge=1, le=50)
    text_question_timer: int = Field(default=120, ge=10, le=3600, description="Seconds per text question")
    coding_question_timer: int = Field(default=300, ge=10, le=7200, description="Seconds per coding question")
    candidate_report: ReportShare | None = Field(
        default=None,
        description="What the candidate may read of their report: none (default, or the job's "
        "candidate_report), feedback, or scores; release-report changes it later",
    )
    follow_ups: FollowUps | None = Field(
        default=None,
        description="The most follow-up questions per main question: 0 (the default, or the job's "
        "follow_ups) asks none",
    )


@router.post(
    "/create",
    response_model=CreateSessionResponse,
    summary="Create a candidate's interview session (custom questions or a job)",
    responses={
        400: {"model": ErrorResponse},
        401: {"model": ErrorResponse},
        404: {"model": ErrorResponse},
    },
)
def create_session(
    body: CreateSessionRequest,
    service: RecruiterService = Depends(recruiter_service),
    who: Caller = Depends(caller),
    pays: Payer = Depends(payer),
) -> CreateSessionResponse:
    created = service.create(who.organisation, NewSession(**dict(body)), pays)  # the questions as models
    s = created.session
    assert s.livekit is not None
    return CreateSessionResponse(
        session_id=s.session_id,
        livekit_room_name=s.livekit.name,
        livekit_token=created.room_token,
        livekit_url=created.room_url,
        livekit_fallback=s.livekit.fallback,
        livekit_fallback_reason=s.livekit.fallback_reason,
        candidate_token=created.candidate_token,
        user_details=user_details(s.candidate),
        interview_config=interview_config(s),
        proctoring={"initialized": True, "consent_received": False, "reference_face_captured": False},
    )
