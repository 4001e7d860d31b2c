"""Standard Webhooks (https://www.standardwebhooks.com): `whsec_` secrets, and the `webhook-id`,
`webhook-timestamp` and `webhook-signature` headers, signed by the `standardwebhooks` package. While a
secret is rotated, a delivery carries one signature per secret still valid, so receivers holding either
verify it."""

import base64
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signed_headers(keys: Sequence[str], message_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The three headers for `body` (the exact bytes sent, as text), signed with each of `keys`."""
    if not keys:
        raise ValueError("no signing secret")
    at = datetime.fromtimestamp(timestamp, tz=UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(Webhook(k).sign(message_id, at, body) for k in keys),
    }
