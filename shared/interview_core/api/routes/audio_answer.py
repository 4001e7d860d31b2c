from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

from interview_core.access import Caller
from interview_core.api.auth import caller, payer
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.schemas import (
    AudioCompletedResponse,
    AudioNextQuestionResponse,
)
from interview_core.api.views import answer_response
from interview_core.errors import AudioRejected
from interview_core.providers.base import SpeechToText
from interview_core.quota import Payer
from interview_core.services.voice import VoiceService
from interview_core.wiring import speech_to_text, voice_service

router = APIRouter(tags=["interview"])


@router.post(
    "/audio-answer/{session_id}",
    response_model=AudioNextQuestionResponse | AudioCompletedResponse,
    summary="Answer the current question by voice",
    description=(
        "Send the recording as the multipart field `audio_file` (wav, mp3, m4a, flac, webm or ogg, up to "
        "4.5 MB), or upload a larger one with POST /audio-upload/{session_id} and send its `audio_key`."
    ),
    responses={
        400: {"model": ErrorResponse, "description": "Unsupported audio format, or session is not active"},
        404: {"model": ErrorResponse, "description": "Session not found"},
        409: {"model": ErrorResponse, "description": "Another request already answered this question"},
        413: {"model": ErrorResponse, "description": "Too large for a direct upload: use the presigned one"},
        503: {"model": ErrorResponse, "description": "No speech-to-text provider available"},
    },
)
def audio_answer(
    request: Request,
    session_id: str,
    # Annotated without `| None`: a multipart field is absent or present, never null (so says the schema)
    audio_file: UploadFile = File(default=None, description="The recorded answer"),
    audio_key: str = Form(
        default=None, min_length=1, max_length=200, description="Key of a presigned upload"
    ),
    question_number: int = Form(default=None, ge=1, description="Optional: the question answered"),
    turn: int = Form(default=None, ge=1, description="Optional: the turn answered (follow-ups count)"),
    service: VoiceService = Depends(voice_service),
    stt: SpeechToText = Depends(speech_to_text),
    who: Caller = Depends(caller),
    pays: Payer = Depends(payer),
) -> AudioNextQuestionResponse | AudioCompletedResponse:
    if (audio_file is None) == (audio_key is None):
        raise AudioRejected("Send exactly one of audio_file (multipart) or audio_key (from /audio-upload)")
    data = None
    if audio_file is not None:
        service.check_direct_upload(audio_file.size or 0, session_id)
        data = audio_file.file.read()
    outcome = service.answer(
        stt,
        session_id,
        data=data,
        audio_key=audio_key,
        question_number=question_number,
        caller=who,
        payer=pays,
        turn=turn,
    )
    base = answer_response(request, outcome.answer).model_dump()
    heard = {
        "transcript": outcome.heard.transcript.text,
        "speaking": outcome.heard.speaking,
        "audio_duration_seconds": outcome.recording.duration_seconds,
    }
    model = AudioCompletedResponse if outcome.answer.completed else AudioNextQuestionResponse
    return model(**base, **heard)
