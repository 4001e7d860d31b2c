"""Spoken answers: validate the audio, transcribe it, keep it in S3, record the transcript as the answer.

Order matters for "nothing is lost, nothing half-recorded": the audio is checked and transcribed before
anything is stored; it is stored under a fresh key before the answer that links to it is written; and if
the answer is refused (a race, a finished session), only that fresh copy is deleted again. A presigned
upload is consumed (deleted) once its answer is recorded, so one upload can never back two answers.
"""

import math
import re
import time
import uuid
from dataclasses import dataclass

from interview_core.access import Caller
from interview_core.audio import FORMATS, UPLOAD_CONTENT_TYPES, AudioClip, inspect
from interview_core.blobs import MediaStore, session_prefix
from interview_core.domain import AudioRecording, SpeakingInsights
from interview_core.domain import transitions as move
from interview_core.errors import AudioRejected, PayloadTooLarge, SessionNotActive
from interview_core.insights import speaking_insights
from interview_core.observability import count, logger, milliseconds, tag_session
from interview_core.providers.base import SpeechToText, Transcript
from interview_core.quota import Payer
from interview_core.services.interview import AnswerOutcome, InterviewService
from interview_core.settings import Settings

_UPLOAD_KEY = re.compile(
    r"^sessions/(?P<session>[0-9a-f-]{36})/uploads/[0-9a-f]{32}\.(?P<ext>[a-z0-9]{2,4})$"
)


@dataclass(frozen=True)
class HeardAnswer:
    clip: AudioClip
    transcript: Transcript
    speaking: SpeakingInsights


@dataclass(frozen=True)
class VoiceAnswerOutcome:
    answer: AnswerOutcome
    heard: HeardAnswer
    recording: AudioRecording


@dataclass(frozen=True)
class PresignedUpload:
    audio_key: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_in: int


class VoiceService:
    def __init__(self, interview: InterviewService, media: MediaStore, settings: Settings) -> None:
        self.interview = interview
        self.media = media
        self.settings = settings

    def check_direct_upload(self, size: int, session_id: str | None = None) -> None:
        limit = self.settings.max_direct_upload_bytes
        if size > limit:
            hint = (
                f" Ask POST /audio-upload/{session_id} for a presigned upload, put the file there, then send "
                "its audio_key instead of audio_file."
                if session_id
                else ""
            )
            raise PayloadTooLarge(
                f"The audio file is {size / 1e6:.1f} MB; direct uploads are limited to {limit / 1e6:g} MB.{hint}"
            )

    def hear(self, stt: SpeechToText, data: bytes, payer: Payer | None = None) -> HeardAnswer:
        """Validate, transcribe and measure; stores nothing. The audio's length is charged to `payer`
        once decoding has measured it, before the transcription that costs money."""
        clip = inspect(data, self.settings.max_audio_seconds, self.settings.min_audio_seconds)
        if payer is not None:
            payer.charge(audio_seconds=math.ceil(clip.duration_seconds))
        started = time.monotonic()
        transcript = stt.transcribe(clip)
        milliseconds("TranscriptionLatency", (time.monotonic() - started) * 1000)
        speaking = speaking_insights(
            transcript.text, transcript.words, clip.duration_seconds, self.settings.long_pause_seconds
        )
        return HeardAnswer(clip, transcript, speaking)

    def answer(
        self,
        stt: SpeechToText,
        session_id: str,
        *,
        data: bytes | None = None,
        audio_key: str | None = None,
        question_number: int | None = None,
        caller: Caller | None = None,
        payer: Payer | None = None,
        turn: int | None = None,
    ) -> VoiceAnswerOutcome:
        tag_session(session_id)
        # Cheap checks first: no transcription for a finished session or a stale question.
        session = self.interview.get(session_id, caller)
        move.answerable(session, question_number, turn)
        if audio_key is not None:
            data = self._read_upload(session_id, audio_key)
        assert data is not None
        try:
            heard = self.hear(stt, data, payer.for_session(session.org_id) if payer else None)
            if not heard.transcript.text:
                raise AudioRejected("No speech was recognised in the audio; nothing was recorded")
        except AudioRejected:
            if audio_key is not None:
                self.media.delete(audio_key)  # unusable: keep no rejected audio
            raise

        key = (
            f"{session_prefix(session_id)}answers/{session.turn}-{uuid.uuid4().hex}"
            f".{heard.clip.format.extension}"
        )
        recording = AudioRecording(
            key=key,
            format=heard.clip.format.name,
            content_type=heard.clip.format.content_type,
            duration_seconds=heard.clip.duration_seconds,
        )
        self.media.put(key, data, heard.clip.format.content_type)
        # Word timestamps are kept beside the audio (the session item holds only the insights).
        self.media.put(
            f"{key}.transcript.json", heard.transcript.model_dump_json().encode(), "application/json"
        )
        try:
            outcome = self.interview.submit_answer(
                session_id,
                heard.transcript.text,
                question_number,
                source="audio",
                audio=recording,
                speaking=heard.speaking,
                caller=caller,
                turn=turn,
            )
        except Exception:
            for stored in (key, f"{key}.transcript.json"):
                self.media.delete(stored)
            raise
        if audio_key is not None:
            self.media.delete(audio_key)
        count("AudioAnswersRecorded")
        logger.info(
            "audio answer recorded",
            extra={"format": recording.format, "duration_seconds": recording.duration_seconds},
        )
        return VoiceAnswerOutcome(outcome, heard, recording)

    def presign_upload(
        self, session_id: str, content_type: str, caller: Caller | None = None
    ) -> PresignedUpload:
        tag_session(session_id)
        session = self.interview.get(session_id, caller)
        if not session.is_active:
            raise SessionNotActive()
        fmt = FORMATS[UPLOAD_CONTENT_TYPES[content_type]]
        key = f"{session_prefix(session_id)}uploads/{uuid.uuid4().hex}.{fmt.extension}"
        expires = self.settings.presigned_upload_seconds
        limit = self.settings.max_presigned_upload_bytes
        post = self.media.presigned_post(key, content_type, limit, expires)
        return PresignedUpload(key, post["url"], post["fields"], limit, expires)

    def recording_url(self, recording: AudioRecording) -> str:
        return self.media.presigned_get(recording.key, self.settings.presigned_upload_seconds)

    def _read_upload(self, session_id: str, audio_key: str) -> bytes:
        match = _UPLOAD_KEY.match(audio_key)
        if match is None or match["session"] != session_id:
            raise AudioRejected(
                "audio_key is not an upload of this session: use the key /audio-upload returned"
            )
        size = self.media.size(audio_key)
        if size is None:
            raise AudioRejected(
                "Nothing was uploaded at audio_key: upload the file with the presigned POST first"
            )
        if size > self.settings.max_presigned_upload_bytes:
            self.media.delete(audio_key)  # S3 enforces the bound; this is for a store that does not
            raise PayloadTooLarge(
                f"The uploaded audio is {size / 1e6:.1f} MB; the limit is "
                f"{self.settings.max_presigned_upload_bytes / 1e6:g} MB"
            )
        return self.media.read(audio_key)
