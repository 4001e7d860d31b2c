from fastapi import APIRouter, Depends, File, UploadFile

from interview_core.api.auth import caller, payer
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.schemas import TranscriptionResponse
from interview_core.providers.base import SpeechToText
from interview_core.quota import Payer
from interview_core.services.voice import VoiceService
from interview_core.wiring import speech_to_text, voice_service

router = APIRouter(dependencies=[Depends(caller)], tags=["speech"])


@router.post(
    "/transcribe-audio",
    response_model=TranscriptionResponse,
    summary="Transcribe a recording, with word timestamps and speaking insights (nothing is stored)",
    responses={
        400: {"model": ErrorResponse, "description": "Unsupported audio format"},
        413: {"model": ErrorResponse, "description": "Larger than a direct upload allows"},
        503: {"model": ErrorResponse, "description": "No speech-to-text provider available"},
    },
)
def transcribe_audio(
    audio_file: UploadFile = File(description="wav, mp3, m4a, flac, webm or ogg"),
    service: VoiceService = Depends(voice_service),
    stt: SpeechToText = Depends(speech_to_text),
    pays: Payer = Depends(payer),
) -> TranscriptionResponse:
    service.check_direct_upload(audio_file.size or 0)
    heard = service.hear(stt, audio_file.file.read(), pays)
    return TranscriptionResponse(
        transcript=heard.transcript.text,
        filename=audio_file.filename,
        format=heard.clip.format.name,
        language=heard.transcript.language,
        words=heard.transcript.words,
        speaking=heard.speaking,
        audio_duration_seconds=heard.clip.duration_seconds,
        provider=heard.transcript.provider,
        model=heard.transcript.model,
    )
