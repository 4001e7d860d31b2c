"""Amazon Polly: text to speech inside AWS with the function's own role, no external key."""

from botocore.exceptions import BotoCoreError, ClientError

from interview_core.aws import client
from interview_core.errors import ProviderUnavailable
from interview_core.settings import Settings


class PollySpeech:
    name = "polly"

    def __init__(self, settings: Settings) -> None:
        self.voice = settings.polly_voice
        self.engine = settings.polly_engine

    def synthesize(self, text: str) -> bytes:
        try:
            response = client("polly").synthesize_speech(
                Text=text, TextType="text", OutputFormat="mp3", VoiceId=self.voice, Engine=self.engine
            )
            with response["AudioStream"] as stream:
                audio: bytes = stream.read()
                return audio
        except (ClientError, BotoCoreError) as err:
            code = err.response["Error"]["Code"] if isinstance(err, ClientError) else type(err).__name__
            raise ProviderUnavailable(
                f"Text to speech unavailable: Polly refused the request ({code})"
            ) from err
