"""PUT /api/jobs/{job_id}: the job's title, description, questions and report default, replaced as a whole
(as POST /api/jobs takes them, `generate` included). Sessions already made from it keep their copy."""

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


@router.put(
    "/{job_id}",
    response_model=Job,
    summary="Edit a job: its questions (written or generated), title, description and report default",
    responses={
        400: {"model": ErrorResponse},
        401: {"model": ErrorResponse},
        404: {"model": ErrorResponse},
        **documented(503),
    },
)
def update_job(
    job_id: str,
    body: CreateJobRequest,
    jobs: JobStore = Depends(job_store),
    who: Caller = Depends(caller),
    llm: LanguageModel = Depends(language_model),
    pays: Payer = Depends(payer),
) -> Job:
    # a foreign or missing job is 404 before any model call is charged
    stored = jobs.get(who.organisation, job_id)
    generate = (body.generate.difficulty, body.generate.count) if body.generate else None
    questions = questions_for(
        body.questions, body.title, body.description, generate, llm, pays, stored.questions
    )
    return jobs.update(
        who.organisation,
        job_id,
        body.title,
        questions,
        body.description,
        body.candidate_report,
        body.follow_ups,
        body.external_id,
    )
