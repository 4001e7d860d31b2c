from fastapi import APIRouter, Depends

from interview_core.api.auth import caller, payer
from interview_core.api.responses import documented
from interview_core.api.schemas import AnswerEvaluation, EvaluateAnswersRequest, EvaluateAnswersResponse
from interview_core.providers.base import LanguageModel
from interview_core.quota import Payer
from interview_core.services.evaluation import score_answers, summarize
from interview_core.settings import get_settings
from interview_core.wiring import language_model

router = APIRouter(dependencies=[Depends(caller)], tags=["utility"])


def load_grader() -> None:
    """The offline grader's encoder and rubric vectors, which its first answer would load (~0.25 s of CPU
    here): lambda_handler's `prime`. With a language model configured nothing is built, so no secret is
    read at init."""
    if get_settings().llm_kind == "offline":
        language_model().warm()


@router.post(
    "/evaluate-answers",
    response_model=EvaluateAnswersResponse,
    summary="Evaluate question/answer pairs synchronously",
    description="Each answer is scored on its own call, so one answer cannot sway another's score. An item "
    "may carry its rubric (reference_answer, key_points, competency, weight) to be graded against; without "
    "one, an answer the grader cannot judge is left for review (score null, needs_review).",
    responses=documented(503),
)
def evaluate_answers(
    body: EvaluateAnswersRequest,
    llm: LanguageModel = Depends(language_model),
    pays: Payer = Depends(payer),
) -> EvaluateAnswersResponse:
    pays.charge(llm_calls=len(body.root))  # one scoring call per pair
    items = [(qa.as_question(qa.question), qa.answer) for qa in body.root]
    scores, _ = score_answers(llm, items, topic="general", difficulty="medium")
    summary = summarize(scores, llm, "the submitted questions")
    return EvaluateAnswersResponse(
        feedback=summary.text,
        evaluated_answers=len(scores),
        overall_score=summary.overall_score,
        graded_answers=summary.graded,
        answers_needing_review=summary.needs_review,
        competencies=summary.competencies,
        evaluations=[
            AnswerEvaluation(
                question=s.question,
                score=s.score,
                evidence=s.evidence,
                missing=s.missing,
                feedback=s.feedback,
                needs_review=s.needs_review,
                review_reason=s.review_reason,
                detected=s.detected,
                competency=s.competency,
            )
            for s in scores
        ],
        provider=llm.name,
    )
