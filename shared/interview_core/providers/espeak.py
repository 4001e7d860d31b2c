"""Offline text to speech: the espeak-ng program (Debian package), encoded to MP3 with PyAV."""

import io
import shutil
import subprocess

from interview_core.errors import ProviderUnavailable
from interview_core.settings import Settings

_TIMEOUT_SECONDS = 20


class EspeakSpeech:
    name = "espeak-ng"

    def __init__(self, settings: Settings) -> None:
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise ProviderUnavailable(
                "Text to speech is not available: espeak-ng is not installed (apt-get install espeak-ng), "
                "and no other speech provider is configured"
            )
        self.binary = binary
        self.voice = settings.espeak_voice
        self.speed = settings.espeak_words_per_minute

    def synthesize(self, text: str) -> bytes:
        try:
            done = subprocess.run(
                [self.binary, "-v", self.voice, "-s", str(self.speed), "--stdout"],
                input=text.encode(),  # on stdin: the text is never parsed as options
                capture_output=True,
                timeout=_TIMEOUT_SECONDS,
                check=True,
            )
        except (subprocess.SubprocessError, OSError) as err:
            raise ProviderUnavailable(f"Text to speech failed: espeak-ng ({type(err).__name__})") from err
        return wav_to_mp3(done.stdout)


def wav_to_mp3(wav: bytes) -> bytes:
    try:
        import av
    except ImportError as err:
        raise ProviderUnavailable(
            "Text to speech is not available: PyAV (MP3 encoder) is not installed"
        ) from err
    out = io.BytesIO()
    with (
        av.open(io.BytesIO(wav), mode="r", format="wav") as source,
        av.open(out, mode="w", format="mp3") as target,
    ):
        stream = target.add_stream("libmp3lame", rate=source.streams.audio[0].rate)
        stream.bit_rate = 64_000
        for frame in source.decode(audio=0):
            frame.pts = None
            for packet in stream.encode(frame):
                target.mux(packet)
        for packet in stream.encode(None):
            target.mux(packet)
    return out.getvalue()
