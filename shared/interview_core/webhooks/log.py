"""An endpoint's recent delivery attempts, as GET /api/webhooks/{id}/deliveries shows them:

  WEBHOOK#<endpoint> / ATTEMPT#<ms>#<webhook-id>#<n>   one attempt, kept 30 days (TTL)

Apart from the dispatcher, so the API reads it without loading the signer."""

import time
from typing import Any, Literal

from interview_core.aws import client
from interview_core.domain import epoch_now, utc_now
from interview_core.model import Model
from interview_core.store.codec import from_item, to_item
from interview_core.webhooks.delivery import Attempt

KEPT_DAYS = 30


def expiry() -> int:
    return epoch_now() + KEPT_DAYS * 86_400


class DeliveryAttempt(Model):
    """One attempt, as the organisation reads it."""

    webhook_id: str
    event_type: str
    attempt: int
    at: str
    status: Literal["delivered", "failed", "skipped"]
    response_code: int | None = None
    latency_ms: int | None = None
    response: str = ""  # the first 1 KB of the reply
    error: str | None = None


class DeliveryLog:
    def __init__(self, table: str) -> None:
        self.table = table

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def add(
        self,
        endpoint_id: str,
        webhook_id: str,
        event_type: str,
        attempt: int,
        sent: Attempt | None,
        skipped: str | None = None,
    ) -> None:
        """Attempt `attempt`: `sent`, or None with why nothing was sent."""
        record = DeliveryAttempt(
            webhook_id=webhook_id,
            event_type=event_type,
            attempt=attempt,
            at=utc_now(),
            status="skipped" if sent is None else "delivered" if sent.ok else "failed",
            response_code=sent.status if sent else None,
            latency_ms=sent.latency_ms if sent else None,
            response=sent.response if sent else "",
            error=skipped if sent is None else sent.error,
        )
        item = {
            "pk": f"WEBHOOK#{endpoint_id}",
            "sk": f"ATTEMPT#{round(time.time() * 1000):015d}#{webhook_id}#{attempt}",
            "expires_at": expiry(),
            **record.model_dump(mode="json"),
        }
        self._db.put_item(TableName=self.table, Item=to_item(item))

    def recent(self, endpoint_id: str, limit: int = 50) -> list[DeliveryAttempt]:
        """The endpoint's latest attempts, newest first (the caller has checked whose endpoint it is)."""
        resp = self._db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)",
            ExpressionAttributeValues=to_item({":pk": f"WEBHOOK#{endpoint_id}", ":sk": "ATTEMPT#"}),
            ScanIndexForward=False,
            Limit=limit,
        )
        fields = set(DeliveryAttempt.model_fields)
        return [
            DeliveryAttempt.model_validate({k: v for k, v in from_item(i).items() if k in fields})
            for i in resp["Items"]
        ]
