"""One settings object, read from the environment (template.yaml sets the same variables in Lambda)."""

from datetime import timedelta
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from interview_core.domain import Lifecycle


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

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

    # Language model: "auto" picks OpenAI when a key is set, otherwise the offline question bank and rubric.
    llm_provider: Literal["auto", "openai", "offline"] = "auto"
    openai_api_key: SecretStr | None = None
    # In AWS the key lives in SSM Parameter Store (SecureString); this names the parameter.
    openai_api_key_parameter: str = ""
    openai_model: str = "gpt-4o-mini"
    openai_base_url: str | None = None
    openai_timeout_seconds: float = Field(default=20.0, gt=0)
    openai_max_retries: int = Field(default=2, ge=0)

    # Where clients fetch reports; relative unless a public base URL is configured.
    public_base_url: str = ""

    @field_validator("openai_base_url", "openai_api_key", mode="before")
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
    def llm_kind(self) -> Literal["openai", "offline"]:
        if self.llm_provider == "auto":
            return "openai" if self.openai_configured else "offline"
        return self.llm_provider


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
