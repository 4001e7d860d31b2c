from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import Stats, StatsResponse
from interview_core.api.routing import RecruiterRouter
from interview_core.services.recruiter import RecruiterService
from interview_core.wiring import recruiter_service

router = RecruiterRouter(prefix="/api/parallel_interview", tags=["recruiter"])


@router.get(
    "/stats",
    response_model=StatsResponse,
    summary="The organisation's session counts (sharded counters: the same cost at any table size)",
    responses={401: {"model": ErrorResponse}},
)
def stats(
    service: RecruiterService = Depends(recruiter_service), who: Caller = Depends(caller)
) -> StatsResponse:
    c = service.counts(who.organisation)
    return StatsResponse(
        stats=Stats(
            total_sessions=c["total"],
            active_sessions=c["in_progress"],
            completed_sessions=c["completed"],
            initialized_sessions=c["initialized"],
            abandoned_sessions=c["abandoned"],
            in_memory_sessions=0,
            active_livekit_rooms=c["livekit_rooms_open"],
        )
    )
