from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import SessionDetailResponse
from interview_core.api.recruiter_views import session_detail
from interview_core.api.routing import RecruiterRouter
from interview_core.services.recruiter import RecruiterService
from interview_core.wiring import recruiter_service

router = RecruiterRouter(prefix="/api/parallel_interview", tags=["recruiter"])


@router.get(
    "/session/{session_id}",
    response_model=SessionDetailResponse,
    summary="A session's progress, proctoring, LiveKit room, and its questions with their rubrics",
    responses={401: {"model": ErrorResponse}, 404: {"model": ErrorResponse}},
)
def get_session(
    session_id: str,
    service: RecruiterService = Depends(recruiter_service),
    who: Caller = Depends(caller),
) -> SessionDetailResponse:
    session, report = service.get(session_id, who)
    # The route admits organisations only (access.ROUTES); the rubric is kept from anyone else regardless.
    return session_detail(session, report, session.livekit_participants, with_rubrics=not who.is_candidate)
