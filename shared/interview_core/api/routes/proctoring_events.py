from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import ProctoringEventsRequest, ProctoringEventsResponse
from interview_core.api.responses import documented
from interview_core.api.routing import RecruiterRouter
from interview_core.services.proctoring import ProctoringService, make_event
from interview_core.wiring import proctoring_service

router = RecruiterRouter(prefix="/api/proctoring", tags=["proctoring"])


@router.post(
    "/{session_id}/events",
    response_model=ProctoringEventsResponse,
    summary="Record what the candidate's browser saw: tab hidden, window blur, paste, fullscreen exit...",
    responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, **documented(429)},
)
def record_events(
    session_id: str,
    body: ProctoringEventsRequest,
    service: ProctoringService = Depends(proctoring_service),
    who: Caller = Depends(caller),
) -> ProctoringEventsResponse:
    session = service.session(session_id, who)
    question = session.current_number if session.is_active else None
    events = [make_event(e.type, "client", e.at, e.detail, question) for e in body.events]
    recorded = service.record(session, events)
    return ProctoringEventsResponse(
        session_id=session_id,
        recorded=recorded,
        violations_count=session.proctoring_violations + sum(e.violation for e in events),
    )
