from fastapi import APIRouter, Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.schemas import SessionResponse
from interview_core.api.views import session_response
from interview_core.services.interview import InterviewService
from interview_core.services.voice import VoiceService
from interview_core.wiring import interview_service, voice_service

router = APIRouter(tags=["interview"])


@router.get(
    "/session/{session_id}",
    response_model=SessionResponse,
    response_model_exclude_none=True,
    summary="A practice session's progress, with links to its spoken answers",
    responses={404: {"model": ErrorResponse}},
)
def get_session(
    session_id: str,
    service: InterviewService = Depends(interview_service),
    voice: VoiceService = Depends(voice_service),
    who: Caller = Depends(caller),
) -> SessionResponse:
    session = service.get(session_id, who)
    links = {a.question_number: voice.recording_url(a.audio) for a in session.answers if a.audio}
    return session_response(session, links, owner=who.org_id == session.org_id)
