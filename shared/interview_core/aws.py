"""AWS clients, created once per process and lazily, so cold starts only pay for what a function uses.

boto3 honours AWS_ENDPOINT_URL itself, so the same code talks to AWS, the local stand-in and moto.
"""

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=10)


@cache
def client(service: str) -> Any:
    return boto3.session.Session().client(service, config=_CONFIG)


def reset_clients() -> None:
    """Forget cached clients (tests point the process at a fresh endpoint)."""
    client.cache_clear()
