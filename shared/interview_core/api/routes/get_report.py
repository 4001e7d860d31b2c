from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.schemas import ReportPendingResponse
from interview_core.api.urls import report_url
from interview_core.domain import CandidateReport, EvaluationStatus, Report
from interview_core.services.evaluation import EvaluationService, report_pdf
from interview_core.wiring import evaluation_service

router = APIRouter(tags=["reports"])

_PENDING_DETAIL = {
    EvaluationStatus.NOT_REQUESTED: "The interview is still in progress; the report is prepared after the last answer",
    EvaluationStatus.PENDING: "The evaluation is queued",
    EvaluationStatus.RUNNING: "The answers are being evaluated",
}


@router.get(
    "/api/reports/{session_id}",
    response_model=Report | CandidateReport,
    summary="A session's evaluation report",
    description="The full report for the organisation (and a practice session's owner). A recruiter "
    "session's candidate reads only what the organisation released with release-report (CandidateReport). "
    "format=pdf: the same report, as the caller may read it, as a PDF (a 202 while pending stays JSON).",
    responses={
        200: {"content": {"application/pdf": {}}},
        202: {"model": ReportPendingResponse, "description": "Not ready yet"},
        403: {"model": ErrorResponse, "description": "A candidate, before the organisation released it"},
        404: {"model": ErrorResponse},
    },
)
def get_report(
    request: Request,
    session_id: str,
    service: EvaluationService = Depends(evaluation_service),
    who: Caller = Depends(caller),
    output: Literal["json", "pdf"] = Query("json", alias="format", description="pdf: the report as a PDF"),
) -> Report | CandidateReport | Response:
    session, report = service.readable_report(session_id, who)
    if report is not None and output == "pdf":
        return Response(
            report_pdf(session, report),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="report-{session_id}.pdf"'},
        )
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
