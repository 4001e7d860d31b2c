from fastapi import APIRouter, Depends

from interview_core.api.auth import caller, payer
from interview_core.api.responses import documented
from interview_core.api.schemas import GeneratedQuestionsResponse, InterviewSpec
from interview_core.providers.base import LanguageModel
from interview_core.quota import Payer
from interview_core.wiring import language_model

router = APIRouter(dependencies=[Depends(caller)], tags=["utility"])


@router.post(
    "/generate-questions",
    response_model=GeneratedQuestionsResponse,
    summary="Generate questions only",
    responses=documented(503),
)
def generate_questions(
    spec: InterviewSpec,
    llm: LanguageModel = Depends(language_model),
    pays: Payer = Depends(payer),
) -> GeneratedQuestionsResponse:
    pays.charge(llm_calls=1)
    generated = llm.generate_questions(spec.topic, spec.difficulty, spec.num_questions)
    return GeneratedQuestionsResponse(
        topic=spec.topic, difficulty=spec.difficulty, questions=[q.text for q in generated.questions]
    )
