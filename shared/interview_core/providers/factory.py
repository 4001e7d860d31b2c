from functools import cache

from interview_core.providers import llm_status
from interview_core.providers.base import LanguageModel, SpeechToText, TextToSpeech
from interview_core.settings import Settings, get_settings


@cache
def _language_model(kind: str) -> LanguageModel:
    settings: Settings = get_settings()
    if kind == "openai":
        from interview_core.providers.openai_llm import OpenAILanguageModel

        return OpenAILanguageModel(settings)
    from interview_core.providers.offline import OfflineLanguageModel

    return OfflineLanguageModel()


def language_model() -> LanguageModel:
    return _language_model(get_settings().llm_kind)


@cache
def _speech_to_text(kind: str) -> SpeechToText:
    settings = get_settings()
    if kind == "openai":
        from interview_core.providers.openai_speech import OpenAITranscriber

        return OpenAITranscriber(settings)
    from interview_core.providers.whisper_offline import FasterWhisperTranscriber

    return FasterWhisperTranscriber(settings)


def speech_to_text() -> SpeechToText:
    return _speech_to_text(get_settings().stt_kind)


@cache
def _text_to_speech(kind: str) -> TextToSpeech:
    settings = get_settings()
    if kind == "openai":
        from interview_core.providers.openai_speech import OpenAISpeech

        return OpenAISpeech(settings)
    if kind == "polly":
        from interview_core.providers.polly import PollySpeech

        return PollySpeech(settings)
    from interview_core.providers.espeak import EspeakSpeech

    return EspeakSpeech(settings)


def text_to_speech() -> TextToSpeech:
    return _text_to_speech(get_settings().tts_kind)


def reset() -> None:
    for built in (_language_model, _speech_to_text, _text_to_speech):
        built.cache_clear()
    llm_status.reset()
