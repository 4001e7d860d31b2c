"""What this process last heard from the language model, for /health. Kept apart from the provider so the
health route reads it without importing the OpenAI client."""

import threading
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass
class LlmStatus:
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_error: str | None = None
    output_mode: str | None = None  # the structured-output mode that last worked
    deep_checked_at: datetime | None = None  # the last /health?deep=true call to the model
    deep_ok: bool | None = None
    deep_error: str | None = None

    @property
    def failing(self) -> bool:
        """The latest call failed (no success since)."""
        return self.last_failure_at is not None and (
            self.last_success_at is None or self.last_failure_at > self.last_success_at
        )


STATUS = LlmStatus()
LOCK = threading.Lock()
# The output mode that worked, per (base URL, model), so "auto" probes a server once per process.
WORKING_MODES: dict[tuple[str, str], str] = {}


def record_success(mode: str) -> None:
    with LOCK:
        STATUS.last_success_at = datetime.now(UTC)
        STATUS.output_mode = mode


def record_failure(error: str) -> None:
    with LOCK:
        STATUS.last_failure_at = datetime.now(UTC)
        STATUS.last_error = error


def reset() -> None:
    with LOCK:
        STATUS.__init__()  # type: ignore[misc]  # in place: importers hold this object
        WORKING_MODES.clear()
