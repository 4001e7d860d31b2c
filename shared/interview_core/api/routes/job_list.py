from fastapi import Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.routing import RecruiterRouter
from interview_core.jobs import Job, JobStore
from interview_core.model import Model
from interview_core.wiring import job_store

router = RecruiterRouter(prefix="/api/jobs", tags=["jobs"])


class JobList(Model):
    jobs: list[Job]
    total: int


@router.get(
    "", response_model=JobList, summary="The organisation's jobs", responses={401: {"model": ErrorResponse}}
)
def list_jobs(jobs: JobStore = Depends(job_store), who: Caller = Depends(caller)) -> JobList:
    found = jobs.list(who.organisation)
    return JobList(jobs=found, total=len(found))
