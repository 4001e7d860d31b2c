"""Builds the services once per process from settings (FastAPI dependencies and workers call these).

Each builder imports what it builds: a function loads only the services its route uses (cold start).
"""

from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING

from interview_core.providers.factory import language_model, speech_to_text, text_to_speech
from interview_core.settings import get_settings

if TYPE_CHECKING:
    from interview_core.access import ApiKeys
    from interview_core.jobs import JobStore
    from interview_core.livekit_rooms import LiveKitRooms
    from interview_core.queue import EvaluationQueue
    from interview_core.quota import Quotas
    from interview_core.services.coding import CodingService
    from interview_core.services.evaluation import EvaluationService
    from interview_core.services.interview import InterviewService
    from interview_core.services.proctoring import ProctoringService
    from interview_core.services.recruiter import RecruiterService
    from interview_core.services.retention import RetentionService
    from interview_core.services.sharing import ReportSharing
    from interview_core.services.voice import VoiceService
    from interview_core.services.webhooks import WebhookService
    from interview_core.store import SessionStore
    from interview_core.webhooks.delivery import Attempt
    from interview_core.webhooks.dispatch import Dispatcher
    from interview_core.webhooks.events import Events

__all__ = [
    "interview_service",
    "evaluation_service",
    "retention_service",
    "voice_service",
    "api_keys",
    "quotas",
    "recruiter_service",
    "proctoring_service",
    "coding_service",
    "job_store",
    "livekit_rooms",
    "language_model",
    "speech_to_text",
    "text_to_speech",
    "webhook_service",
    "webhook_dispatcher",
    "webhook_events",
    "reset",
]


@cache
def _store() -> "SessionStore":
    from interview_core.store import SessionStore

    s = get_settings()
    return SessionStore(s.sessions_table, s.lifecycle, s.counter_shards)


def _queue() -> "EvaluationQueue":
    from interview_core.queue import EvaluationQueue

    return EvaluationQueue(get_settings().evaluation_queue_url)


@cache
def interview_service() -> "InterviewService":
    from interview_core.services.interview import InterviewService

    return InterviewService(_store(), _queue(), get_settings().late_grace_seconds, events=webhook_events())


@cache
def livekit_rooms() -> "LiveKitRooms":
    from interview_core.livekit_rooms import LiveKitRooms  # livekit-api: only functions that use rooms

    return LiveKitRooms(get_settings())


@cache
def recruiter_service() -> "RecruiterService":
    from interview_core.services.recruiter import RecruiterService

    return RecruiterService(
        _store(), job_store(), _queue(), retention_service(), livekit_rooms, events=webhook_events()
    )


@cache
def job_store() -> "JobStore":
    from interview_core.jobs import JobStore

    return JobStore(get_settings().sessions_table)


@cache
def proctoring_service() -> "ProctoringService":
    from interview_core.blobs import MediaStore
    from interview_core.services.proctoring import ProctoringService
    from interview_core.store import EventLimits

    s = get_settings()
    limits = EventLimits(s.proctoring_max_events, s.proctoring_events_per_minute)
    return ProctoringService(_store(), MediaStore(s.media_bucket), s.max_image_bytes, limits)


@cache
def coding_service() -> "CodingService":
    from interview_core.services.coding import CodingService

    return CodingService(_store())


@cache
def retention_service() -> "RetentionService":
    from interview_core.blobs import MediaStore
    from interview_core.services.retention import RetentionService

    s = get_settings()
    return RetentionService(
        _store(), MediaStore(s.media_bucket), _queue(), s.lifecycle, events=webhook_events()
    )


@cache
def api_keys() -> "ApiKeys":
    from interview_core.access import ApiKeys

    s = get_settings()
    return ApiKeys(s.sessions_table, s.api_key_cache_seconds)


@cache
def quotas() -> "Quotas":
    from interview_core.quota import Limits, Quotas

    s = get_settings()
    defaults = Limits(
        sessions=s.quota_sessions_per_day,
        llm_calls=s.quota_llm_calls_per_day,
        tts_chars=s.quota_tts_chars_per_day,
        audio_minutes=s.quota_audio_minutes_per_day,
    )
    return Quotas(s.sessions_table, defaults, s.quota_cache_seconds)


@cache
def voice_service() -> "VoiceService":
    from interview_core.blobs import MediaStore
    from interview_core.services.voice import VoiceService

    s = get_settings()
    return VoiceService(interview_service(), MediaStore(s.media_bucket), s)


@cache
def evaluation_service() -> "EvaluationService":
    from interview_core.services.evaluation import EvaluationService

    return EvaluationService(
        _store(),
        timedelta(seconds=get_settings().evaluation_lease_seconds),
        proctoring_service().integrity,
        events=webhook_events(),
    )


@cache
def sharing_service() -> "ReportSharing":
    from interview_core.services.sharing import ReportSharing

    return ReportSharing(_store())


@cache
def webhook_service() -> "WebhookService":
    from interview_core.services.webhooks import WebhookService
    from interview_core.webhooks.endpoints import WebhookEndpoints
    from interview_core.webhooks.log import DeliveryLog

    s = get_settings()
    return WebhookService(
        WebhookEndpoints(s.sessions_table),
        DeliveryLog(s.sessions_table),
        s.webhook_allow_loopback,
        webhook_events(),
    )


@cache
def webhook_events() -> "Events":
    """Events queued with the changes they report, for the organisations' webhooks."""
    from interview_core.webhooks.endpoints import WebhookEndpoints
    from interview_core.webhooks.events import Events

    s = get_settings()
    return Events(s.sessions_table, WebhookEndpoints(s.sessions_table), s.webhook_queue_url)


@cache
def webhook_dispatcher() -> "Dispatcher":
    """Requests made by the webhook_delivery function where one is named (AWS), else by this process."""
    from interview_core.webhooks.delivery import post
    from interview_core.webhooks.dispatch import Dispatcher
    from interview_core.webhooks.endpoints import WebhookEndpoints
    from interview_core.webhooks.remote import poster

    s = get_settings()

    def here(url: str, headers: dict[str, str], body: bytes) -> "Attempt":
        return post(url, headers, body, allow_loopback=s.webhook_allow_loopback)

    sends = poster(s.webhook_delivery_function) if s.webhook_delivery_function else here
    return Dispatcher(s.sessions_table, WebhookEndpoints(s.sessions_table), sends)


def reset() -> None:
    """Forget everything built from settings and the environment (tests change both)."""
    from interview_core import aws, settings
    from interview_core.providers import factory

    for fn in (
        _store,
        interview_service,
        evaluation_service,
        sharing_service,
        webhook_service,
        webhook_dispatcher,
        webhook_events,
        retention_service,
        voice_service,
        api_keys,
        quotas,
        recruiter_service,
        proctoring_service,
        coding_service,
        job_store,
        livekit_rooms,
        settings.get_settings,
        factory.reset,
        aws.reset_clients,
    ):
        (fn.cache_clear if hasattr(fn, "cache_clear") else fn)()


# -- the live channel (WebSocket) -------------------------------------------------------------------
# Built on each use from the cached services above (cheap, and never stale after reset()); imported
# lazily so that only the functions serving the channel load it.

if TYPE_CHECKING:
    from interview_core.live.channel import LiveChannel
    from interview_core.live.connections import ConnectionStore


def live_channel() -> "LiveChannel":
    from interview_core.live.channel import LiveChannel

    return LiveChannel(
        interview_service(),
        recruiter_service(),
        proctoring_service(),
        evaluation_service(),
        coding_service(),
        api_keys(),
        get_settings(),
    )


def live_connections() -> "ConnectionStore":
    from interview_core.live.connections import ConnectionStore

    return ConnectionStore(get_settings().connections_table)
