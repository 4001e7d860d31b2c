from fastapi import APIRouter, Depends

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.schemas import AudioUploadRequest, AudioUploadResponse
from interview_core.services.voice import VoiceService
from interview_core.wiring import voice_service

router = APIRouter(tags=["interview"])


@router.post(
    "/audio-upload/{session_id}",
    response_model=AudioUploadResponse,
    summary="A presigned upload for a recorded answer too large to send directly",
    description=(
        "POST the returned `fields` and then the file (field `file`) as multipart/form-data to `upload_url`, "
        "then call POST /audio-answer/{session_id} with `audio_key`. The upload is bound to the declared "
        "content type and to `max_bytes`."
    ),
    responses={
        400: {"model": ErrorResponse, "description": "Session is not active"},
        404: {"model": ErrorResponse, "description": "Session not found"},
    },
)
def audio_upload(
    session_id: str,
    body: AudioUploadRequest,
    service: VoiceService = Depends(voice_service),
    who: Caller = Depends(caller),
) -> AudioUploadResponse:
    upload = service.presign_upload(session_id, body.content_type, who)
    return AudioUploadResponse(
        session_id=session_id,
        audio_key=upload.audio_key,
        upload_url=upload.url,
        fields=upload.fields,
        max_bytes=upload.max_bytes,
        expires_in=upload.expires_in,
    )
