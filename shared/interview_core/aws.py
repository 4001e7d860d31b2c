"""AWS clients, created once per process and lazily, so cold starts only pay for what a function uses.

boto3 honours AWS_ENDPOINT_URL itself, so the same code talks to AWS, the local stand-in and moto.
"""

import threading
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=10)
_lock = threading.Lock()


@cache
def _session() -> boto3.session.Session:
    # One session for every client: the second client reuses the first's loaded endpoint rules and
    # partitions (a separate session per client cost ~100 ms of CPU more per client on a cold start).
    return boto3.session.Session()


def client(service: str, **kwargs: Any) -> Any:
    """The process's client for `service`; `kwargs` (an endpoint_url, a config) make a separate one."""
    return _client(service, tuple(sorted(kwargs.items())))


@cache
def _client(service: str, options: tuple[tuple[str, Any], ...]) -> Any:
    with _lock:  # a boto3 session is not thread-safe while it creates clients (the local stack's threads)
        return _session().client(service, **{"config": _CONFIG, **dict(options)})


def reset_clients() -> None:
    """Forget cached clients and their session (tests point the process at a fresh endpoint)."""
    _client.cache_clear()
    _session.cache_clear()
