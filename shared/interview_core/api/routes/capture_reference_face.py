from fastapi import Depends, File, Form, UploadFile

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import FaceCheckResponse
from interview_core.api.responses import documented
from interview_core.api.routing import RecruiterRouter
from interview_core.services.proctoring import ProctoringService
from interview_core.wiring import proctoring_service

router = RecruiterRouter(tags=["proctoring"])


@router.post(
    "/capture_reference_face",
    response_model=FaceCheckResponse,
    summary="Store the candidate's reference photo; it must show exactly one face",
    responses={
        400: {"model": ErrorResponse, "description": "Not a JPEG, PNG or WebP image"},
        404: {"model": ErrorResponse},
        413: {"model": ErrorResponse},
        422: {"model": ErrorResponse, "description": "No face, or more than one"},
        **documented(429),
    },
)
def capture_reference_face(
    session_id: str = Form(min_length=1, max_length=100),  # an empty form field reads as a missing one
    image: UploadFile = File(description="A webcam photo (JPEG, PNG or WebP)"),
    service: ProctoringService = Depends(proctoring_service),
    who: Caller = Depends(caller),
) -> FaceCheckResponse:
    session = service.session(session_id, who)
    check = service.check_photo(session, service.read_image(image.file, image.size), "reference")
    return FaceCheckResponse(
        session_id=session_id, faces=check.faces, verdict=check.verdict, message="Reference face captured"
    )
