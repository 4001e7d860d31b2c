"""Events for the organisations' webhooks, queued in the same step as the change they report.

A change that is an event is written with an outbox item in the same transaction:

  OUTBOX#<webhook-id> / META   the event's payload and its endpoints; on DueIndex (shard OUTBOX) 2 min on

After the write the event is sent to the webhook queue (a message per endpoint) and the outbox item deleted.
If sending fails, or the process dies in between, the scheduled cleanup finds the item due and sends it:
nothing is lost between "state saved" and "event queued". A copy sent twice is delivered once (the
dispatcher's claim per webhook-id). Recruiter sessions only. The endpoints are those subscribed when the
change is made: one Query, and no outbox at all for an organisation with none.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from interview_core.aws import client
from interview_core.domain import Session, epoch_now, scope_owner, utc_now
from interview_core.domain.transitions import DueItem
from interview_core.observability import logger
from interview_core.store.codec import from_item, to_item
from interview_core.webhooks import Event
from interview_core.webhooks.endpoints import StoredEndpoint, WebhookEndpoints
from interview_core.webhooks.messages import Message

OUTBOX_SHARD = "OUTBOX"  # DueIndex's partition for outbox items; sessions use DUE#nn
SEND_GRACE_SECONDS = 120  # an outbox item still there this long after its change was not sent
BATCH = 10  # SendMessageBatch's most
TEST_EVENT = "webhook.test"  # POST /api/webhooks/{id}/test: to that endpoint only, whatever it subscribes to


@dataclass(frozen=True)
class Pending:
    """An event to queue once its change is written: one message per endpoint."""

    messages: list[Message]

    @property
    def webhook_id(self) -> str:
        return self.messages[0].webhook_id


def payload(event: Event, session: Session, **data: Any) -> str:
    """The body every endpoint gets, made once: what the organisation's system needs to match the session
    (its ids, and its job's), never the candidate's name, email or answers."""
    about = {
        "session_id": session.session_id,
        "kind": session.kind,
        "status": session.status.value,
        "external_id": session.external_id,
        "job_id": session.job_id,
        "job_external_id": session.job_external_id,
        **data,
    }
    return json.dumps({"type": event, "timestamp": utc_now(), "data": about}, separators=(",", ":"))


class Events:
    def __init__(self, table: str, endpoints: WebhookEndpoints, queue_url: str) -> None:
        self.table, self.endpoints, self.queue_url = table, endpoints, queue_url

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def pending(
        self, session: Session, event: Event, targets: list[StoredEndpoint] | None = None, **data: Any
    ) -> Pending | None:
        """The event for `session`'s organisation, or None when none of its endpoints takes it. Recruiter
        sessions only: they are what an organisation's systems track, and a practice answer stays one read
        and one write. `targets`: the subscribed endpoints, when the caller has looked them up."""
        if not self.queue_url or session.kind != "recruiter":
            return None
        if targets is None:
            targets = self.endpoints.subscribed(session.org_id, event)
        if not targets:
            return None
        webhook_id, body = f"msg_{uuid.uuid4().hex}", payload(event, session, **data)
        return Pending([Message(webhook_id, event, session.org_id, t.webhook_id, body) for t in targets])

    def outbox(self, pending: Pending | None) -> list[dict[str, Any]]:
        """The transaction items that keep `pending` until it is sent (none for no event)."""
        if pending is None:
            return []
        item = {
            "pk": f"OUTBOX#{pending.webhook_id}",
            "sk": "META",
            "due_shard": OUTBOX_SHARD,
            "due_at": epoch_now() + SEND_GRACE_SECONDS,
            "messages": [m.body() for m in pending.messages],
        }
        return [{"Put": {"TableName": self.table, "Item": to_item(item)}}]

    def send(self, pending: Pending | None) -> None:
        """Queue `pending` (written already); on failure the sweep sends it later."""
        if pending is None:
            return
        try:
            self._send([m.body() for m in pending.messages], pending.webhook_id)
        except Exception:
            logger.exception(
                "could not queue a webhook event; the sweep will", extra={"webhook_id": pending.webhook_id}
            )

    def test(self, org_id: str, endpoint_id: str) -> str:
        """Queue a `webhook.test` event for one endpoint (the caller has checked whose it is); its webhook-id."""
        webhook_id = f"msg_{uuid.uuid4().hex}"
        body = json.dumps({"type": TEST_EVENT, "timestamp": utc_now(), "data": {"webhook_id": endpoint_id}})
        message = Message(webhook_id, TEST_EVENT, org_id, endpoint_id, body)
        client("sqs").send_message(QueueUrl=self.queue_url, MessageBody=message.body())
        return webhook_id

    def for_cleanup(self, read: Callable[[str], Session | None]) -> "CleanupEvents":
        return CleanupEvents(self, read)

    def sweep(self, now: int) -> int:
        """Send the events whose outbox items are due; how many."""
        sent = 0
        for page in self._db.get_paginator("query").paginate(
            TableName=self.table,
            IndexName="DueIndex",
            KeyConditionExpression="due_shard = :shard AND due_at <= :now",
            ExpressionAttributeValues=to_item({":shard": OUTBOX_SHARD, ":now": now}),
        ):
            for key in page["Items"]:
                found = self._db.get_item(
                    TableName=self.table, Key={"pk": key["pk"], "sk": key["sk"]}, ConsistentRead=True
                ).get("Item")
                if found:  # sent and deleted meanwhile otherwise
                    item = from_item(found)
                    self._send(list(item["messages"]), item["pk"].removeprefix("OUTBOX#"))
                    sent += 1
        return sent

    def _send(self, bodies: list[str], webhook_id: str) -> None:
        sqs = client("sqs")
        for start in range(0, len(bodies), BATCH):
            entries = [{"Id": str(n), "MessageBody": b} for n, b in enumerate(bodies[start : start + BATCH])]
            resp = sqs.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            if resp.get("Failed"):
                raise RuntimeError(f"{len(resp['Failed'])} webhook messages were not queued")
        self._db.delete_item(TableName=self.table, Key=to_item({"pk": f"OUTBOX#{webhook_id}", "sk": "META"}))


@dataclass
class CleanupEvents:
    """Events for the sessions one cleanup run changes, which it knows only by their index rows (id and
    counter scope): an organisation's endpoints are looked up once a run, and a session is read (`read`,
    expired ones included) only when its organisation takes the event."""

    events: Events
    read: Callable[[str], Session | None]
    targets: dict[tuple[str, str], list[StoredEndpoint]] = field(default_factory=dict)

    def pending(self, item: DueItem, event: Event, **data: Any) -> Pending | None:
        kind, org_id = scope_owner(item.scope)
        if kind != "recruiter" or not self.events.queue_url:
            return None
        if (org_id, event) not in self.targets:
            self.targets[org_id, event] = self.events.endpoints.subscribed(org_id, event)
        if not self.targets[org_id, event] or (session := self.read(item.session_id)) is None:
            return None
        return self.events.pending(session, event, self.targets[org_id, event], **data)
