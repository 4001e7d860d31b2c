from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import ReleaseReportRequest, ReleaseReportResponse
from interview_core.api.routing import RecruiterRouter
from interview_core.services.recruiter import RecruiterService
from interview_core.wiring import recruiter_service

router = RecruiterRouter(prefix="/api/parallel_interview", tags=["recruiter"])


@router.post(
    "/session/{session_id}/release-report",
    response_model=ReleaseReportResponse,
    summary="Decide what the candidate may read of their report: none, feedback, or scores",
    description="Until the organisation releases it, the candidate's GET /api/reports/{session_id} answers "
    "403. The candidate never sees the integrity details.",
    responses={
        400: {"model": ErrorResponse},
        401: {"model": ErrorResponse},
        403: {"model": ErrorResponse},
        404: {"model": ErrorResponse},
    },
)
def release_report(
    session_id: str,
    body: ReleaseReportRequest,
    service: RecruiterService = Depends(recruiter_service),
    who: Caller = Depends(caller),
) -> ReleaseReportResponse:
    s = service.release_report(session_id, who, body.share)
    return ReleaseReportResponse(session_id=s.session_id, share=s.report_share)
