"""GET /api/shared-reports/{token} (JSON) and GET /r/{token} (a page for browsers): a report through a share
link, without a key. An expired, revoked or unknown link is 404; garbage is refused before any read."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import Field

from interview_core.api.responses import documented
from interview_core.api.schemas import ReportPendingResponse
from interview_core.api.shared_page import error_page, page, pending_page
from interview_core.api.urls import share_urls
from interview_core.domain import CandidateReport
from interview_core.errors import InterviewError
from interview_core.model import Model
from interview_core.services.sharing import ReportSharing, SharedReport
from interview_core.wiring import sharing_service

router = APIRouter(tags=["reports"])

# The token is in the URL: never send it on as a referrer, never cache or index the page.
_HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
}
_PAGE_HEADERS = {
    **_HEADERS,
    # nothing on the page runs or loads: candidates' text can never become markup that does
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}


class SharedReportResponse(Model):
    report: CandidateReport
    expires_at: str = Field(description="When the link stops working")


def _pending(request: Request, token: str, shared: SharedReport) -> ReportPendingResponse:
    return ReportPendingResponse(
        session_id=shared.session.session_id,
        evaluation_status=shared.session.evaluation_status,
        detail="The report is not ready yet",
        report_url=share_urls(request, token)[1],
    )


def _iso(epoch: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


@router.get(
    "/api/shared-reports/{token}",
    response_model=SharedReportResponse,
    summary="A shared report, read with its link's token (no key)",
    responses={202: {"model": ReportPendingResponse, "description": "Not ready yet"}, **documented(403)},
)
def shared_report(
    request: Request, token: str, service: ReportSharing = Depends(sharing_service)
) -> SharedReportResponse | JSONResponse:
    shared = service.read(token)
    if shared.report is None:
        pending = _pending(request, token, shared).model_dump(mode="json")
        return JSONResponse(pending, status_code=202, headers={**_HEADERS, "Retry-After": "5"})
    body = SharedReportResponse(report=shared.report, expires_at=_iso(shared.link.expires_at))
    return JSONResponse(body.model_dump(mode="json"), headers=_HEADERS)


@router.get(
    "/r/{token}",
    response_class=HTMLResponse,
    summary="A shared report as a page for browsers (no key)",
    responses={
        code: {"content": {"text/html": {}}, "description": description}
        for code, description in {
            200: "The report",
            202: "Not ready yet",
            403: "The organisation no longer releases it",
            404: "Expired, revoked or unknown",
        }.items()
    },  # fmt: skip
)
def shared_report_page(token: str, service: ReportSharing = Depends(sharing_service)) -> HTMLResponse:
    try:
        shared = service.read(token)
    except InterviewError as err:  # a person followed the link: a page, not JSON
        return HTMLResponse(error_page(err.detail), status_code=err.status, headers=_PAGE_HEADERS)
    if shared.report is None:
        return HTMLResponse(pending_page(), status_code=202, headers={**_PAGE_HEADERS, "Retry-After": "5"})
    return HTMLResponse(page(shared.report, _iso(shared.link.expires_at)), headers=_PAGE_HEADERS)
