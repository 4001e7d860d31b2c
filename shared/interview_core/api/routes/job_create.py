from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.recruiter_schemas import CreateJobRequest
from interview_core.api.routing import RecruiterRouter
from interview_core.api.schemas import ErrorResponse
from interview_core.jobs import Job, JobQuestion, JobStore
from interview_core.services.coding import vet
from interview_core.wiring import job_store

router = RecruiterRouter(prefix="/api/jobs", tags=["jobs"])


@router.post(
    "",
    response_model=Job,
    status_code=201,
    summary="Create a job: a question set sessions can be created from by job_id",
    responses={400: {"model": ErrorResponse}, 401: {"model": ErrorResponse}},
)
def create_job(
    body: CreateJobRequest, jobs: JobStore = Depends(job_store), who: Caller = Depends(caller)
) -> Job:
    questions = [JobQuestion.written(q.checked(f"questions.{i}")) for i, q in enumerate(body.questions)]
    vet([q.as_question(q.text, q.type, q.coding_spec()) for q in questions])  # before it is stored
    return jobs.create(who.organisation, body.title, questions, body.description, body.candidate_report)
