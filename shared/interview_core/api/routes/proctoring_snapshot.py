from fastapi import Depends, File, UploadFile

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.recruiter_schemas import FaceCheckResponse
from interview_core.api.responses import documented
from interview_core.api.routing import RecruiterRouter
from interview_core.services.proctoring import ProctoringService
from interview_core.wiring import proctoring_service

router = RecruiterRouter(prefix="/api/proctoring", tags=["proctoring"])

_MESSAGES = {
    "ok": "One face in view",
    "no_face": "No face in view",
    "multiple_faces": "More than one face in view",
}


@router.post(
    "/{session_id}/snapshot",
    response_model=FaceCheckResponse,
    summary="A webcam snapshot during the interview: checked for faces and added to the timeline",
    responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, **documented(413, 429)},
)
def snapshot(
    session_id: str,
    image: UploadFile = File(description="A webcam frame (JPEG, PNG or WebP)"),
    service: ProctoringService = Depends(proctoring_service),
    who: Caller = Depends(caller),
) -> FaceCheckResponse:
    session = service.session(session_id, who)
    check = service.check_photo(session, service.read_image(image.file, image.size), "snapshot")
    return FaceCheckResponse(
        session_id=session_id, faces=check.faces, verdict=check.verdict, message=_MESSAGES[check.verdict]
    )
