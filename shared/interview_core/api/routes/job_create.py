from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller, payer
from interview_core.api.recruiter_schemas import CreateJobRequest
from interview_core.api.responses import documented
from interview_core.api.routing import RecruiterRouter
from interview_core.api.schemas import ErrorResponse
from interview_core.errors import InvalidRequest
from interview_core.jobs import Job, JobQuestion, JobStore
from interview_core.providers.base import LanguageModel
from interview_core.quota import Payer
from interview_core.services.coding import vet
from interview_core.services.interview import job_questions
from interview_core.wiring import job_store, language_model

router = RecruiterRouter(prefix="/api/jobs", tags=["jobs"])


@router.post(
    "",
    response_model=Job,
    status_code=201,
    summary="Create a job: a question set sessions can be created from by job_id",
    responses={400: {"model": ErrorResponse}, 401: {"model": ErrorResponse}, **documented(503)},
)
def create_job(
    body: CreateJobRequest,
    jobs: JobStore = Depends(job_store),
    who: Caller = Depends(caller),
    llm: LanguageModel = Depends(language_model),
    pays: Payer = Depends(payer),
) -> Job:
    if not body.questions and body.generate is None:
        raise InvalidRequest("questions: send at least one question, or `generate` to write them")
    questions = [JobQuestion.written(q.checked(f"questions.{i}")) for i, q in enumerate(body.questions)]
    vet([q.as_question(q.text, q.type, q.coding_spec()) for q in questions])  # before it is stored
    if body.generate is not None:
        if not body.description:
            raise InvalidRequest("generate: the questions are written from the description; send one")
        pays.charge(llm_calls=1)  # before the model is called
        questions += job_questions(
            llm, body.title, body.description, body.generate.difficulty, body.generate.count
        )
    return jobs.create(who.organisation, body.title, questions[:50], body.description, body.candidate_report)
