"""The OpenAI client every OpenAI provider (language model, transcription, speech) shares."""

import re
from typing import Any

import httpx2
import openai

from interview_core.errors import ProviderUnavailable
from interview_core.settings import Settings

# What a server says when it refuses a structured-output mode (llama.cpp answers json_schema with a 500
# naming response_format): such a refusal will not change on a retry.
_REFUSAL = re.compile(r"response_format|json_schema|json_object|tool_choice|\btools?\b|function", re.I)
_SECRET = re.compile(r"(sk-|Bearer\s+)[A-Za-z0-9_\-]{6,}")


def error_text(err: openai.APIStatusError, limit: int = 300) -> str:
    """The server's own message, short and with anything key-like masked."""
    body: Any = err.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        text = str(inner.get("message") or inner) if isinstance(inner, dict) else str(inner)
    else:
        try:
            text = err.response.text
        except Exception:
            text = ""
    text = _SECRET.sub(r"\1***", " ".join((text or err.message).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_refusal(status: int, text: str) -> bool:
    return status in (400, 422, 500, 501) and bool(_REFUSAL.search(text))


class _Client(openai.OpenAI):
    """Retries 408, 429, 5xx and timeouts (the SDK's backoff), but never another 4xx, nor a server's
    refusal of a request it will refuse again."""

    def _should_retry(self, response: httpx2.Response) -> bool:
        status = response.status_code
        if 400 <= status < 500 and status not in (408, 429):
            return False
        if status >= 500:
            try:
                text = response.text
            except Exception:
                text = ""
            if is_refusal(status, text):
                return False
        return super()._should_retry(response)


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


def openai_client(settings: Settings, *, language_model: bool = False) -> openai.OpenAI:
    """The language model's client goes to LLM_BASE_URL when set (with LLM_API_KEY, or the OpenAI key, or
    none: local servers take any); speech clients always go to OpenAI (or OPENAI_BASE_URL)."""
    base_url = settings.openai_base_url
    if language_model and settings.llm_base_url:
        base_url = settings.llm_base_url
        if settings.llm_api_key and settings.llm_api_key.get_secret_value():
            key = settings.llm_api_key.get_secret_value()
        else:
            key = _api_key(settings) if settings.openai_configured else "not-needed"
    elif not settings.openai_configured:
        raise ProviderUnavailable("Service not available. Check OPENAI_API_KEY configuration.")
    else:
        key = _api_key(settings)
    return _Client(
        api_key=key,
        base_url=base_url,
        timeout=settings.openai_timeout_seconds,
        max_retries=settings.openai_max_retries,  # exponential backoff with jitter, honours Retry-After
    )
