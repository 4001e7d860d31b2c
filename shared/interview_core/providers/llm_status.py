"""What this process last heard from the language model, for /health. Kept apart from the provider so the
health route reads it without importing the OpenAI client."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from interview_core.errors import ProviderUnavailable


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


def deep_check(every_seconds: int, ping: Callable[[], None]) -> None:
    """Ask the model (`ping`), at most once per `every_seconds` per process: /health is public, and must
    not let anyone spend the quota. The outcome counts as any call's."""
    now = datetime.now(UTC)
    with LOCK:
        last = STATUS.deep_checked_at
        if last and now - last < timedelta(seconds=every_seconds):
            return
        STATUS.deep_checked_at = now
    try:
        ping()
    except ProviderUnavailable as err:
        with LOCK:
            STATUS.deep_ok, STATUS.deep_error = False, err.detail
        record_failure(err.detail)
        return
    with LOCK:
        STATUS.deep_ok, STATUS.deep_error = True, None
    record_success(STATUS.output_mode or "ping")


def reset() -> None:
    with LOCK:
        STATUS.__init__()  # type: ignore[misc]  # in place: importers hold this object
        WORKING_MODES.clear()
