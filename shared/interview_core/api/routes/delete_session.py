from fastapi import APIRouter, Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.schemas import SessionDeletedResponse
from interview_core.services.interview import PRACTICE
from interview_core.services.retention import RetentionService
from interview_core.wiring import retention_service

router = APIRouter(tags=["interview"])


@router.delete(
    "/session/{session_id}",
    response_model=SessionDeletedResponse,
    summary="Erase a session now",
    description="Deletes a practice session, its answers, its report and its stored audio at once "
    "(not when the retention period or DynamoDB TTL gets to it). Recruiter sessions are erased by their "
    "organisation with DELETE /api/parallel_interview/session/{session_id}.",
    responses={
        403: {"model": ErrorResponse, "description": "A recruiter session"},
        404: {"model": ErrorResponse},
    },
)
def delete_session(
    session_id: str, service: RetentionService = Depends(retention_service), who: Caller = Depends(caller)
) -> SessionDeletedResponse:
    service.erase(session_id, who, kind=PRACTICE)
    return SessionDeletedResponse(session_id=session_id)
