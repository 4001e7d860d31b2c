from fastapi import APIRouter, Depends

from interview_core.access import Caller
from interview_core.api.auth import caller, payer
from interview_core.api.responses import documented
from interview_core.api.schemas import StartInterviewRequest, StartInterviewResponse
from interview_core.contracts import candidate_coding
from interview_core.domain import Background
from interview_core.providers.base import LanguageModel
from interview_core.quota import Payer
from interview_core.services.interview import InterviewService
from interview_core.wiring import interview_service, language_model

router = APIRouter(tags=["interview"])


@router.post(
    "/start-interview",
    response_model=StartInterviewResponse,
    summary="Start a practice interview",
    responses=documented(503),
)
def start_interview(
    spec: StartInterviewRequest,
    service: InterviewService = Depends(interview_service),
    llm: LanguageModel = Depends(language_model),
    who: Caller = Depends(caller),
    pays: Payer = Depends(payer),
) -> StartInterviewResponse:
    background = Background(spec.job_description or None, spec.resume_text or None)
    session = service.start(
        llm,
        spec.topic,
        spec.difficulty,
        spec.num_questions,
        who.organisation,
        spec.question_types,
        pays,
        background or None,
        spec.follow_ups,
    )
    first = session.questions[0]
    return StartInterviewResponse(
        session_id=session.session_id,
        greeting=f"Hello! Welcome to your {spec.difficulty} level mock interview for {spec.topic}.",
        current_question=first.text,
        question_number=1,
        total_questions=session.total_questions,
        coding=candidate_coding(first),
        turn=1 if session.follow_ups else None,
    )
