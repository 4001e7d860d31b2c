"""One settings object, read from the environment (template.yaml sets the same variables in Lambda)."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    service_name: str = "Mock Interview API"

    # AWS resources (names in AWS come from template.yaml; the local stack uses the logical ids).
    sessions_table: str = "SessionsTable"
    evaluation_queue_url: str = ""
    aws_endpoint_url: str | None = None

    # Sessions
    session_ttl_days: int = Field(default=90, ge=1)
    counter_shards: int = Field(default=8, ge=1, le=100)
    evaluation_lease_seconds: int = Field(default=300, ge=10)

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
