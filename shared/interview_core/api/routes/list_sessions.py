from fastapi import APIRouter, Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.schemas import SessionCountsResponse
from interview_core.services.interview import InterviewService
from interview_core.wiring import interview_service

router = APIRouter(tags=["interview"])


@router.get(
    "/sessions",
    response_model=SessionCountsResponse,
    summary="Practice session counts",
    description="Counts come from counters updated with every state change (one read, never a table scan).",
)
def list_sessions(
    service: InterviewService = Depends(interview_service), who: Caller = Depends(caller)
) -> SessionCountsResponse:
    c = service.counts(who.organisation)
    return SessionCountsResponse(
        active_sessions=c["initialized"] + c["in_progress"],
        completed_sessions=c["completed"],
        total_sessions=c["total"],
        abandoned_sessions=c["abandoned"],
    )
