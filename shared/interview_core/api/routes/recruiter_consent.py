from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import ConsentResponse
from interview_core.api.responses import documented
from interview_core.api.routing import RecruiterRouter
from interview_core.services.proctoring import ProctoringService
from interview_core.wiring import proctoring_service

router = RecruiterRouter(prefix="/api/parallel_interview", tags=["proctoring"])


@router.post(
    "/session/{session_id}/consent",
    response_model=ConsentResponse,
    summary="The candidate consents to proctoring (camera, tab and paste events)",
    responses={404: {"model": ErrorResponse}, **documented(429)},
)
def give_consent(
    session_id: str, service: ProctoringService = Depends(proctoring_service), who: Caller = Depends(caller)
) -> ConsentResponse:
    service.consent(service.session(session_id, who))
    return ConsentResponse(session_id=session_id)
