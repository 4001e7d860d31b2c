from functools import cache

from interview_core.providers.base import LanguageModel
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


def reset() -> None:
    _language_model.cache_clear()
