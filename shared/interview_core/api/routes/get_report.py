from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.schemas import ErrorResponse, ReportPendingResponse
from interview_core.api.views import report_url
from interview_core.domain import EvaluationStatus, Report
from interview_core.services.evaluation import EvaluationService
from interview_core.wiring import evaluation_service

router = APIRouter(tags=["reports"])

_PENDING_DETAIL = {
    EvaluationStatus.NOT_REQUESTED: "The interview is still in progress; the report is prepared after the last answer",
    EvaluationStatus.PENDING: "The evaluation is queued",
    EvaluationStatus.RUNNING: "The answers are being evaluated",
}


@router.get(
    "/api/reports/{session_id}",
    response_model=Report,
    summary="A session's evaluation report",
    responses={
        202: {"model": ReportPendingResponse, "description": "Not ready yet"},
        404: {"model": ErrorResponse},
    },
)
def get_report(
    request: Request,
    session_id: str,
    service: EvaluationService = Depends(evaluation_service),
    who: Caller = Depends(caller),
) -> Report | JSONResponse:
    session, report = service.report(session_id, who)
    if report is not None:
        return report
    detail = _PENDING_DETAIL.get(session.evaluation_status, "The evaluation is queued")
    if session.evaluation_error:
        detail += f" (retrying after: {session.evaluation_error})"
    pending = ReportPendingResponse(
        session_id=session_id,
        evaluation_status=session.evaluation_status,
        detail=detail,
        report_url=report_url(request, session_id),
    )
    return JSONResponse(pending.model_dump(mode="json"), status_code=202, headers={"Retry-After": "1"})
