from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.routing import RecruiterRouter
from interview_core.jobs import Job, JobStore
from interview_core.wiring import job_store

router = RecruiterRouter(prefix="/api/jobs", tags=["jobs"])


@router.get(
    "/{job_id}",
    response_model=Job,
    summary="One job",
    responses={401: {"model": ErrorResponse}, 404: {"model": ErrorResponse}},
)
def get_job(job_id: str, jobs: JobStore = Depends(job_store), who: Caller = Depends(caller)) -> Job:
    return jobs.get(who.organisation, job_id)
