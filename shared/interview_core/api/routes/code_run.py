"""POST /api/code/run: the candidate runs their code against a coding question's visible tests before
answering (services.coding); hidden tests never run here, so nothing of them can reach the response."""

from typing import TYPE_CHECKING

from fastapi import Depends
from pydantic import ConfigDict, Field

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.responses import documented
from interview_core.api.routing import RecruiterRouter
from interview_core.contracts import Code, CodeRunResponse, QuestionNumber
from interview_core.model import Body
from interview_core.wiring import coding_service

if TYPE_CHECKING:
    from interview_core.services.coding import CodingService

router = RecruiterRouter(prefix="/api/code", tags=["coding"])


class CodeRunRequest(Body):
    model_config = ConfigDict(extra="forbid")
    session_id: str = Field(max_length=100)
    question_number: QuestionNumber
    code: Code = Field(description="Python: the candidate's code; SQL: one query")


@router.post(
    "/run",
    response_model=CodeRunResponse,
    summary="Run code against a coding question's visible tests (candidate token or organisation key)",
    responses={
        400: {
            "model": ErrorResponse,
            "description": "Not started, not a coding question, not the current one",
        },
        404: {"model": ErrorResponse},
        **documented(429, 503, _429="This question's runs in this session are used up (30); no Retry-After"),
    },
)
def run_code(
    body: CodeRunRequest,
    service: "CodingService" = Depends(coding_service),
    who: Caller = Depends(caller),
) -> CodeRunResponse:
    return CodeRunResponse.of(service.run_visible(body.session_id, body.question_number, body.code, who))
