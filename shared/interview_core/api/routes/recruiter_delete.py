from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import DeleteResponse
from interview_core.api.routing import RecruiterRouter
from interview_core.services.recruiter import RecruiterService
from interview_core.wiring import recruiter_service

router = RecruiterRouter(prefix="/api/parallel_interview", tags=["recruiter"])


@router.delete(
    "/session/{session_id}",
    response_model=DeleteResponse,
    summary="Erase the session with its answers, report, photos and audio now",
    responses={401: {"model": ErrorResponse}, 404: {"model": ErrorResponse}},
)
def delete_session(
    session_id: str,
    service: RecruiterService = Depends(recruiter_service),
    who: Caller = Depends(caller),
) -> DeleteResponse:
    service.delete(session_id, who)
    return DeleteResponse(session_id=session_id)
