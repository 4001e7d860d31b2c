from typing import Literal

from fastapi import Depends, Query

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import SessionListResponse
from interview_core.api.recruiter_views import session_row
from interview_core.api.routing import RecruiterRouter
from interview_core.domain import SessionStatus
from interview_core.services.recruiter import RecruiterService
from interview_core.wiring import recruiter_service

router = RecruiterRouter(prefix="/api/parallel_interview", tags=["recruiter"])


@router.get(
    "/sessions",
    response_model=SessionListResponse,
    summary="The organisation's sessions, newest first",
    description="Page with `cursor` (from `next_cursor`): it reads only the page. `offset` works as existing "
    "clients use it but re-reads every row it skips.",
    responses={400: {"model": ErrorResponse}, 401: {"model": ErrorResponse}},
)
def list_sessions(
    status: Literal["initialized", "in_progress", "completed", "abandoned"] | None = None,
    limit: int = Query(default=50, ge=1, le=200),
    offset: int = Query(default=0, ge=0, le=10_000),
    cursor: str | None = Query(default=None, max_length=2000),
    service: RecruiterService = Depends(recruiter_service),
    who: Caller = Depends(caller),
) -> SessionListResponse:
    page = service.list(who.organisation, SessionStatus(status) if status else None, limit, offset, cursor)
    return SessionListResponse(
        sessions=[session_row(r) for r in page.rows],
        total=page.total,
        limit=limit,
        offset=0 if cursor else offset,
        next_cursor=page.next_cursor,
    )
