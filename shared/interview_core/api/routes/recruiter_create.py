from fastapi import APIRouter, Depends

from interview_core.access import Caller
from interview_core.api.auth import caller, payer
from interview_core.api.recruiter_schemas import CreateSessionRequest, CreateSessionResponse
from interview_core.api.recruiter_views import interview_config, user_details
from interview_core.api.schemas import ErrorResponse
from interview_core.quota import Payer
from interview_core.services.recruiter import NewSession, RecruiterService
from interview_core.wiring import recruiter_service

router = APIRouter(prefix="/api/parallel_interview", tags=["recruiter"])


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
    created = service.create(who.org_id, NewSession(**body.model_dump()), pays)
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
