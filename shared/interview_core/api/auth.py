"""FastAPI dependencies that say who is calling (see interview_core.access)."""

from typing import TYPE_CHECKING

from fastapi import Depends, Request

from interview_core.access import ROUTES, Caller, check, identify
from interview_core.errors import Forbidden
from interview_core.observability import logger
from interview_core.settings import get_settings
from interview_core.wiring import api_keys, quotas

if TYPE_CHECKING:
    from interview_core.quota import Payer


def caller(request: Request) -> Caller:
    """An organisation by `X-API-Key`, or a candidate by the session token (`X-Session-Token` or
    `Authorization: Bearer`), allowed by the route's rule in access.ROUTES (a route missing there is
    refused to everyone). With access control off, a request with neither acts for the public org."""
    rule = ROUTES.get(f"{request.method} {request.scope['route'].path}")
    if rule is None:
        raise Forbidden("This call has no access rule")
    token = request.headers.get("x-session-token")
    auth = request.headers.get("authorization", "")
    if not token and auth.lower().startswith("bearer "):
        token = auth[7:].strip()
    who = identify(
        request.headers.get("x-api-key"),
        token,
        api_keys(),
        get_settings().auth_required,
        "Missing X-API-Key header (candidates: their session token)",
    )
    if who.org_id:
        logger.append_keys(org_id=who.org_id)
    return check(who, rule)


def payer(request: Request, who: Caller = Depends(caller)) -> "Payer":
    """Who pays for the request's costly calls: the organisation, or with access control off the client's
    address (API Gateway's sourceIp; never a header the client can set)."""
    address = request.client.host if request.client else None
    return quotas().payer(get_settings().auth_required, who.org_id, address)
