"""The OpenAI client every OpenAI provider (language model, transcription, speech) shares."""

import openai

from interview_core.errors import ProviderUnavailable
from interview_core.settings import Settings


def _api_key(settings: Settings) -> str:
    if settings.openai_api_key and settings.openai_api_key.get_secret_value():
        return settings.openai_api_key.get_secret_value()
    from aws_lambda_powertools.utilities import parameters

    try:
        return str(parameters.get_parameter(settings.openai_api_key_parameter, decrypt=True, max_age=300))
    except Exception as err:  # missing parameter, no permission: the model is unavailable, not a crash
        raise ProviderUnavailable(
            f"Service not available. Could not read OPENAI_API_KEY_PARAMETER ({type(err).__name__})."
        ) from err


def openai_client(settings: Settings) -> openai.OpenAI:
    if not settings.openai_configured:
        raise ProviderUnavailable("Service not available. Check OPENAI_API_KEY configuration.")
    return openai.OpenAI(
        api_key=_api_key(settings),
        base_url=settings.openai_base_url,
        timeout=settings.openai_timeout_seconds,
        max_retries=settings.openai_max_retries,  # exponential backoff with jitter, honours Retry-After
    )
