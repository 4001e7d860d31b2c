"""OpenAI transcription and speech. Imported only when selected."""

import openai

from interview_core.audio import AudioClip
from interview_core.domain import Word
from interview_core.errors import ProviderUnavailable
from interview_core.providers.base import DISFLUENT_PROMPT, Transcript
from interview_core.providers.openai_client import openai_client
from interview_core.settings import Settings


class OpenAITranscriber:
    name = "openai"

    def __init__(self, settings: Settings) -> None:
        self.model = settings.openai_transcription_model
        self._client = openai_client(settings)

    def transcribe(self, clip: AudioClip) -> Transcript:
        try:
            result = self._client.audio.transcriptions.create(
                model=self.model,
                file=(f"answer.{clip.format.extension}", clip.data, clip.format.content_type),
                language="en",
                prompt=DISFLUENT_PROMPT,
                response_format="verbose_json",
                timestamp_granularities=["word"],
            )
        except openai.OpenAIError as err:
            raise ProviderUnavailable(f"Speech to text unavailable: {type(err).__name__}") from err
        words = [
            Word(word=w.word.strip(), start=round(w.start, 2), end=round(w.end, 2))
            for w in (getattr(result, "words", None) or [])
            if w.word.strip()
        ]
        return Transcript(
            text=result.text.strip(),
            words=words,
            language=getattr(result, "language", None) or "en",
            provider=self.name,
            model=self.model,
        )


class OpenAISpeech:
    name = "openai"

    def __init__(self, settings: Settings) -> None:
        self.model = settings.openai_tts_model
        self.voice = settings.openai_tts_voice
        self._client = openai_client(settings)

    def synthesize(self, text: str) -> bytes:
        try:
            response = self._client.audio.speech.create(
                model=self.model, voice=self.voice, input=text, response_format="mp3"
            )
        except openai.OpenAIError as err:
            raise ProviderUnavailable(f"Text to speech unavailable: {type(err).__name__}") from err
        return response.content
