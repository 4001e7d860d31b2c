from fastapi import APIRouter, Depends, Request

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.schemas import (
    CompletedResponse,
    NextQuestionResponse,
    SubmitAnswerRequest,
)
from interview_core.api.views import answer_response
from interview_core.services.interview import InterviewService
from interview_core.wiring import interview_service

router = APIRouter(tags=["interview"])


@router.post(
    "/submit-answer",
    response_model=NextQuestionResponse | CompletedResponse,
    summary="Answer the current question by text",
    responses={
        400: {"model": ErrorResponse, "description": "Session is not active"},
        404: {"model": ErrorResponse, "description": "Session not found"},
        409: {"model": ErrorResponse, "description": "Another request already answered this question"},
    },
)
def submit_answer(
    request: Request,
    body: SubmitAnswerRequest,
    service: InterviewService = Depends(interview_service),
    who: Caller = Depends(caller),
) -> NextQuestionResponse | CompletedResponse:
    outcome = service.submit_answer(
        body.session_id, body.answer, body.question_number, caller=who, turn=body.turn
    )
    return answer_response(request, outcome)
