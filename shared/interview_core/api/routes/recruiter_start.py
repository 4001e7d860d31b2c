from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import StartResponse
from interview_core.api.routing import RecruiterRouter
from interview_core.contracts import candidate_coding
from interview_core.services.recruiter import RecruiterService
from interview_core.wiring import recruiter_service

router = RecruiterRouter(prefix="/api/parallel_interview", tags=["recruiter"])


@router.post(
    "/session/{session_id}/start",
    response_model=StartResponse,
    summary="Start the interview: the first question's timer starts now (recruiter key or candidate token)",
    responses={
        404: {"model": ErrorResponse},
        409: {"model": ErrorResponse, "description": "Already started"},
    },
)
def start_session(
    session_id: str, service: RecruiterService = Depends(recruiter_service), who: Caller = Depends(caller)
) -> StartResponse:
    s = service.start(session_id, who)
    assert s.livekit is not None
    first = s.questions[0]
    return StartResponse(
        session_id=s.session_id,
        livekit_room_name=s.livekit.name,
        current_question=first.text,
        question_number=1,
        question_type=first.type,
        deadline_at=s.current_deadline,
        coding=candidate_coding(first),
    )
