"""Standard Webhooks (https://www.standardwebhooks.com): `whsec_` secrets, and the `webhook-id`,
`webhook-timestamp` and `webhook-signature` headers, signed by the `standardwebhooks` package. While a
secret is rotated, a delivery carries one signature per secret still valid, so receivers holding either
verify it."""

from collections.abc import Sequence
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook


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
