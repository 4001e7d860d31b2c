from fastapi import APIRouter

from interview_core import __version__
from interview_core.api.schemas import RootResponse

router = APIRouter(tags=["service"])


@router.get("/", response_model=RootResponse, summary="Service banner")
def root() -> RootResponse:
    return RootResponse(
        message="Mock Interview API is running", status="running", version=__version__, docs="/docs"
    )
