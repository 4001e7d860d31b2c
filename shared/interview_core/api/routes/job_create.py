from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller, payer
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import CreateJobRequest
from interview_core.api.responses import documented
from interview_core.api.routing import RecruiterRouter
from interview_core.jobs import Job, JobStore
from interview_core.providers.base import LanguageModel
from interview_core.quota import Payer
from interview_core.services.jobs import questions_for
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
    generate = (body.generate.difficulty, body.generate.count) if body.generate else None
    questions = questions_for(body.questions, body.title, body.description, generate, llm, pays)
    return jobs.create(
        who.organisation,
        body.title,
        questions,
        body.description,
        body.candidate_report,
        body.follow_ups,
        body.external_id,
    )
