from fastapi import APIRouter, Depends, Response

from interview_core.api.auth import caller, payer
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.schemas import TextToSpeechRequest
from interview_core.providers.base import TextToSpeech
from interview_core.quota import Payer
from interview_core.wiring import text_to_speech as speech_provider

router = APIRouter(dependencies=[Depends(caller)], tags=["speech"])


@router.post(
    "/text-to-speech",
    response_class=Response,
    summary="Speak a text (e.g. a question) as MP3",
    responses={
        200: {"content": {"audio/mpeg": {}}, "description": "MP3 audio"},
        503: {"model": ErrorResponse, "description": "No text-to-speech provider available"},
    },
)
def text_to_speech(
    body: TextToSpeechRequest,
    tts: TextToSpeech = Depends(speech_provider),
    pays: Payer = Depends(payer),
) -> Response:
    pays.charge(tts_chars=len(body.text))
    return Response(
        content=tts.synthesize(body.text),
        media_type="audio/mpeg",
        headers={"Content-Disposition": "attachment; filename=speech.mp3", "X-Speech-Provider": tts.name},
    )
