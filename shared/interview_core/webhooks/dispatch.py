"""One queued event for one endpoint, as the dispatching worker handles it: claimed once per `webhook-id`,
signed for this attempt, sent, and logged for the organisation to read.

  WEBHOOK#<endpoint> / MSG#<webhook-id>   the delivery: attempts, a short lease, when it finished (30 days)

Each attempt goes to the endpoint's log (`log`). A message delivered before is acknowledged
without a request, so a redelivered message is never sent twice; two copies at once meet the lease, and one
waits. The payload travels in the message and is sent as it is on every attempt; only the timestamp and
signatures are new."""

import random
from collections.abc import Callable
from typing import Any, Literal

from botocore.exceptions import ClientError

from interview_core.aws import client
from interview_core.domain import epoch_now, utc_now
from interview_core.errors import WebhookNotFound
from interview_core.store.codec import from_item, to_item
from interview_core.webhooks.delivery import Attempt
from interview_core.webhooks.endpoints import WebhookEndpoints
from interview_core.webhooks.log import DeliveryLog, expiry
from interview_core.webhooks.messages import Message
from interview_core.webhooks.signing import signed_headers

# Seconds to wait after each failed attempt: about 23.6 hours from the first to the last of 9 attempts.
RETRY_DELAYS = (10, 60, 300, 1_800, 7_200, 18_000, 28_800, 28_800)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1  # the queue's maxReceiveCount: after it, the dead-letter queue
JITTER = 0.2  # each delay is spread by up to 20% either way, so a receiver's outage does not end in a burst
LEASE_SECONDS = 60  # longer than one attempt takes (3 s to connect, 10 s per read)

Post = Callable[[str, dict[str, str], bytes], Attempt]


def retry_delay(attempt: int, rng: Callable[[], float] = random.random) -> int | None:
    """Seconds before the next attempt after failed attempt `attempt` (1-based); None after the last."""
    if attempt >= MAX_ATTEMPTS:
        return None
    base = RETRY_DELAYS[max(attempt, 1) - 1]
    return max(1, round(base * (1 + JITTER * (2 * rng() - 1))))


Outcome = Literal["delivered", "retry", "gave_up", "duplicate", "busy", "dropped"]


class Dispatcher:
    def __init__(self, table: str, endpoints: WebhookEndpoints, post: Post) -> None:
        self.table, self.endpoints, self.post = table, endpoints, post
        self.log = DeliveryLog(table)

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def handle(self, message: Message, attempt: int) -> Outcome:
        """Attempt `attempt` (the queue's receive count) of `message`."""
        now = epoch_now()
        claimed = self._claim(message, now)
        if claimed != "claimed":
            return claimed
        try:
            endpoint = self.endpoints.stored(message.org_id, message.endpoint_id)
        except WebhookNotFound:
            self._finish(message, "the endpoint was deleted")
            return "dropped"
        if not endpoint.enabled:
            why = f"not sent: the endpoint is disabled ({endpoint.disabled_reason})"
            self.log.add(message.endpoint_id, message.webhook_id, message.event_type, attempt, None, why)
            self._finish(message, "the endpoint is disabled")
            return "dropped"
        headers = signed_headers(endpoint.signing_secrets(now), message.webhook_id, now, message.payload)
        sent = self.post(endpoint.url, headers, message.payload.encode())
        self.log.add(message.endpoint_id, message.webhook_id, message.event_type, attempt, sent)
        if sent.ok:
            self._finish(message, "delivered", delivered=True)
            self.endpoints.record(message.org_id, message.endpoint_id, delivered=True)
            return "delivered"
        if retry_delay(attempt) is None:
            self._finish(message, f"given up after {attempt} attempts: {sent.error}")
            self.endpoints.record(
                message.org_id, message.endpoint_id, delivered=False, reason=sent.error or ""
            )
            return "gave_up"
        self._release(message)
        return "retry"

    def _key(self, message: Message) -> dict[str, Any]:
        return to_item({"pk": f"WEBHOOK#{message.endpoint_id}", "sk": f"MSG#{message.webhook_id}"})

    def _claim(self, message: Message, now: int) -> Literal["claimed", "duplicate", "busy"]:
        try:
            self._db.update_item(
                TableName=self.table,
                Key=self._key(message),
                UpdateExpression="SET lease_until = :lease, expires_at = :expires ADD attempts :one",
                ConditionExpression="attribute_not_exists(delivered_at) AND "
                "(attribute_not_exists(lease_until) OR lease_until < :now)",
                ExpressionAttributeValues=to_item(
                    {":lease": now + LEASE_SECONDS, ":expires": expiry(), ":one": 1, ":now": now}
                ),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as err:
            if err.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            found = from_item(err.response.get("Item") or {})
            return "duplicate" if "delivered_at" in found else "busy"
        return "claimed"

    def _finish(self, message: Message, how: str, delivered: bool = False) -> None:
        """Only a delivery is final: a message given up and redriven from the dead-letter queue is tried again."""
        at = "delivered_at" if delivered else "finished_at"
        self._db.update_item(
            TableName=self.table,
            Key=self._key(message),
            UpdateExpression=f"SET finished = :how, {at} = :at REMOVE lease_until",
            ExpressionAttributeValues=to_item({":how": how, ":at": utc_now()}),
        )

    def _release(self, message: Message) -> None:
        """The next attempt need not wait for the lease (the queue's delay spaces attempts)."""
        self._db.update_item(
            TableName=self.table, Key=self._key(message), UpdateExpression="REMOVE lease_until"
        )
