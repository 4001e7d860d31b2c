"""Builds the services once per process from settings (FastAPI dependencies and workers call these)."""

from datetime import timedelta
from functools import cache

from interview_core.blobs import MediaStore
from interview_core.providers.factory import language_model, speech_to_text, text_to_speech
from interview_core.queue import EvaluationQueue
from interview_core.services.evaluation import EvaluationService
from interview_core.services.interview import InterviewService
from interview_core.services.retention import RetentionService
from interview_core.services.voice import VoiceService
from interview_core.settings import get_settings
from interview_core.store import SessionStore

__all__ = [
    "interview_service",
    "evaluation_service",
    "retention_service",
    "voice_service",
    "language_model",
    "speech_to_text",
    "text_to_speech",
    "reset",
]


@cache
def _store() -> SessionStore:
    s = get_settings()
    return SessionStore(s.sessions_table, s.lifecycle, s.counter_shards)


def _queue() -> EvaluationQueue:
    return EvaluationQueue(get_settings().evaluation_queue_url)


@cache
def interview_service() -> InterviewService:
    return InterviewService(_store(), _queue())


@cache
def retention_service() -> RetentionService:
    s = get_settings()
    return RetentionService(_store(), MediaStore(s.media_bucket), _queue(), s.lifecycle)


@cache
def voice_service() -> VoiceService:
    s = get_settings()
    return VoiceService(interview_service(), MediaStore(s.media_bucket), s)


@cache
def evaluation_service() -> EvaluationService:
    return EvaluationService(_store(), timedelta(seconds=get_settings().evaluation_lease_seconds))


def reset() -> None:
    """Forget everything built from settings and the environment (tests change both)."""
    from interview_core import aws, settings
    from interview_core.providers import factory

    for fn in (
        _store,
        interview_service,
        evaluation_service,
        retention_service,
        voice_service,
        settings.get_settings,
        factory.reset,
        aws.reset_clients,
    ):
        (fn.cache_clear if hasattr(fn, "cache_clear") else fn)()
