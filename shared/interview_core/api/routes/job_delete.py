from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.routing import RecruiterRouter
from interview_core.jobs import JobStore
from interview_core.model import Model
from interview_core.wiring import job_store

router = RecruiterRouter(prefix="/api/jobs", tags=["jobs"])


class JobDeleted(Model):
    status: str = "success"
    message: str = "Job deleted"
    job_id: str


@router.delete(
    "/{job_id}",
    response_model=JobDeleted,
    summary="Delete a job (sessions created from it keep their questions)",
    responses={401: {"model": ErrorResponse}, 404: {"model": ErrorResponse}},
)
def delete_job(job_id: str, jobs: JobStore = Depends(job_store), who: Caller = Depends(caller)) -> JobDeleted:
    jobs.delete(who.organisation, job_id)
    return JobDeleted(job_id=job_id)
