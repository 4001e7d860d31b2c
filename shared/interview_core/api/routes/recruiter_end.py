from fastapi import Depends, Request

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import EndResponse
from interview_core.api.routing import RecruiterRouter
from interview_core.api.urls import report_url
from interview_core.domain import EvaluationStatus
from interview_core.services.recruiter import RecruiterService
from interview_core.wiring import recruiter_service

router = RecruiterRouter(prefix="/api/parallel_interview", tags=["recruiter"])


@router.post(
    "/session/{session_id}/end",
    response_model=EndResponse,
    summary="End the interview and queue its evaluation (idempotent once ended)",
    responses={404: {"model": ErrorResponse}, 409: {"model": ErrorResponse, "description": "Not started"}},
)
def end_session(
    request: Request,
    session_id: str,
    service: RecruiterService = Depends(recruiter_service),
    who: Caller = Depends(caller),
) -> EndResponse:
    s = service.end(session_id, who)
    return EndResponse(
        session_id=s.session_id,
        report_available=s.evaluation_status is EvaluationStatus.READY,
        questions_answered=s.answered,
        average_score=None,  # the report has it once the evaluation is done
        report_url=report_url(request, s.session_id),
    )
