from fastapi import APIRouter, Depends

from interview_core.api.auth import payer
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.schemas import QuotaUsage, UsageResponse
from interview_core.quota import LIMIT_NAMES, Payer

router = APIRouter(tags=["usage"])


@router.get(
    "/api/usage",
    response_model=UsageResponse,
    summary="Today's usage and daily quotas of the calling organisation (or address, without access control)",
    responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}},
)
def usage(pays: Payer = Depends(payer)) -> UsageResponse:
    assert pays.subject  # the access rule lets only organisations through
    u = pays.quotas.usage(pays.subject)
    shown = {}
    for metric, name in LIMIT_NAMES.items():
        used = u.used[metric]
        if metric == "audio_seconds":
            shown[name] = QuotaUsage(used=round(used / 60, 2), limit=u.limits.audio_minutes)
        else:
            shown[name] = QuotaUsage(used=used, limit=u.limits.of(metric))
    return UsageResponse(
        subject=u.subject, day=u.day, resets_at=u.resets_at.strftime("%Y-%m-%dT%H:%M:%SZ"), usage=shown
    )
