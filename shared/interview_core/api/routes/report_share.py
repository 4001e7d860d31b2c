"""POST and DELETE /api/reports/{session_id}/share: the organisation makes a read-only link to a report
that works without a key until it expires (1-30 days), or revokes every link of that report at once."""

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.responses import documented
from interview_core.api.urls import share_urls
from interview_core.domain import DEFAULT_SHARE_DAYS, MAX_SHARE_DAYS, MIN_SHARE_DAYS
from interview_core.model import Body, Model
from interview_core.services.sharing import ReportSharing
from interview_core.wiring import sharing_service

router = APIRouter(tags=["reports"])


class ShareReportRequest(Body):
    expires_in_days: int = Field(
        default=DEFAULT_SHARE_DAYS,
        ge=MIN_SHARE_DAYS,
        le=MAX_SHARE_DAYS,
        description="How long the link works",
    )


class ShareLinkResponse(Model):
    url: str = Field(description="The report page for browsers (GET /r/{token}); no key needed")
    api_url: str = Field(description="The same report as JSON (GET /api/shared-reports/{token})")
    token: str = Field(description="Shown once: only its SHA-256 is stored")
    expires_at: str
    session_id: str


class ShareRevokedResponse(Model):
    session_id: str
    message: str = "Every share link of this report was revoked"


@router.post(
    "/api/reports/{session_id}/share",
    response_model=ShareLinkResponse,
    summary="A read-only link to the report, for people without a key",
    description="The link shows what the candidate may read (CandidateReport): for a recruiter session its "
    "release setting (release-report must be feedback or scores first, else 400), for a practice session "
    "feedback and scores. Never the integrity details, hidden tests, rubric or contact details.",
    responses=documented(400),
)
def share_report(
    request: Request,
    session_id: str,
    body: ShareReportRequest | None = None,
    service: ReportSharing = Depends(sharing_service),
    who: Caller = Depends(caller),
) -> ShareLinkResponse:
    made = service.create(session_id, who, (body or ShareReportRequest()).expires_in_days)
    page, api = share_urls(request, made.token)
    return ShareLinkResponse(
        url=page, api_url=api, token=made.token, expires_at=made.expires_at_iso, session_id=session_id
    )


@router.delete(
    "/api/reports/{session_id}/share",
    response_model=ShareRevokedResponse,
    summary="Revoke every share link of the report",
)
def revoke_shares(
    session_id: str,
    service: ReportSharing = Depends(sharing_service),
    who: Caller = Depends(caller),
) -> ShareRevokedResponse:
    service.revoke(session_id, who)
    return ShareRevokedResponse(session_id=session_id)
