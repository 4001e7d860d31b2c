"""An organisation's webhook endpoints, stored beside its jobs and keys:

  ORG#<org> / WEBHOOK#<id>     the endpoint: URL, events, secret(s), whether it is enabled and why not
  ORG#<org> / WEBHOOKS         how many endpoints the organisation has (a bound kept in the same transaction)

The signing secret is kept (a receiver verifies an HMAC, so the sender needs the secret itself) and shown
once, when the endpoint is made or its secret rotated; the previous secret keeps signing for 24 hours."""

import uuid
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from interview_core.aws import client
from interview_core.domain import epoch_now, utc_now
from interview_core.errors import InvalidRequest, WebhookNotFound
from interview_core.model import Model
from interview_core.store.codec import from_item, to_item
from interview_core.webhooks import EVENTS, new_secret

MAX_ENDPOINTS = 10  # per organisation
ROTATION_SECONDS = 24 * 3600  # the old secret's life after a rotation
DISABLE_AFTER = 20  # consecutive failed deliveries (each after all its retries) disable an endpoint
# A disabled endpoint's reason as the organisation reads it
DISABLED = "disabled after {n} deliveries in a row failed; the last: {last}"


class WebhookEndpoint(Model):
    """What the organisation reads of an endpoint: never its secrets."""

    webhook_id: str
    url: str
    events: list[str]
    description: str | None = None
    enabled: bool = True
    disabled_reason: str | None = None
    consecutive_failures: int = 0
    created_at: str
    secret_rotated_at: str | None = None


class StoredEndpoint(WebhookEndpoint):
    org_id: str
    secret: str
    previous_secret: str | None = None
    previous_secret_until: int | None = None  # epoch seconds

    @property
    def public(self) -> WebhookEndpoint:
        return WebhookEndpoint.model_validate(self.model_dump(include=set(WebhookEndpoint.model_fields)))

    def signing_secrets(self, now: int) -> list[str]:
        """The secrets a delivery is signed with now: the current one, and the previous one within 24 h."""
        old = (
            self.previous_secret if self.previous_secret and (self.previous_secret_until or 0) > now else None
        )
        return [self.secret, *([old] if old else [])]


def _valid_id(webhook_id: str) -> bool:
    try:
        return str(uuid.UUID(webhook_id)) == webhook_id
    except ValueError:
        return False


def checked_events(events: Sequence[str]) -> list[str]:
    unknown = sorted(set(events) - set(EVENTS))
    if unknown or not events:
        raise InvalidRequest(
            f"events: choose from {', '.join(EVENTS)}" + (f" (not {', '.join(unknown)})" if unknown else "")
        )
    return [e for e in EVENTS if e in events]  # in a fixed order, once each


class WebhookEndpoints:
    def __init__(self, table: str) -> None:
        self.table = table

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    @staticmethod
    def _key(org_id: str, webhook_id: str) -> dict[str, Any]:
        return to_item({"pk": f"ORG#{org_id}", "sk": f"WEBHOOK#{webhook_id}"})

    def create(
        self, org_id: str, url: str, events: Sequence[str], description: str | None
    ) -> tuple[WebhookEndpoint, str]:
        """The endpoint and its secret, shown this once. The URL is the caller's to have checked."""
        endpoint = StoredEndpoint(
            webhook_id=str(uuid.uuid4()),
            org_id=org_id,
            url=url,
            events=checked_events(events),
            description=description,
            created_at=utc_now(),
            secret=new_secret(),
        )
        counter = to_item({"pk": f"ORG#{org_id}", "sk": "WEBHOOKS"})
        item = {**self._key(org_id, endpoint.webhook_id), **to_item(endpoint.model_dump(mode="json"))}
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self.table, "ConditionExpression": "attribute_not_exists(pk)",
                             "Item": item}},
                    {"Update": {"TableName": self.table, "Key": counter,
                                "UpdateExpression": "ADD endpoints :one",
                                "ConditionExpression": "attribute_not_exists(endpoints) OR endpoints < :max",
                                "ExpressionAttributeValues": to_item({":one": 1, ":max": MAX_ENDPOINTS})}},
                ]
            )  # fmt: skip
        except ClientError as err:
            if err.response["Error"]["Code"] == "TransactionCanceledException":
                raise InvalidRequest(
                    f"An organisation has at most {MAX_ENDPOINTS} webhook endpoints: delete one first"
                ) from err
            raise
        return endpoint.public, endpoint.secret

    def stored(self, org_id: str, webhook_id: str) -> StoredEndpoint:
        if not _valid_id(webhook_id):
            raise WebhookNotFound(webhook_id)
        resp = self._db.get_item(TableName=self.table, Key=self._key(org_id, webhook_id), ConsistentRead=True)
        if "Item" not in resp:
            raise WebhookNotFound(webhook_id)
        return _endpoint(resp["Item"])

    def get(self, org_id: str, webhook_id: str) -> WebhookEndpoint:
        return self.stored(org_id, webhook_id).public

    def all_stored(self, org_id: str) -> list[StoredEndpoint]:
        found: list[StoredEndpoint] = []
        for page in self._db.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)",
            ExpressionAttributeValues=to_item({":pk": f"ORG#{org_id}", ":sk": "WEBHOOK#"}),
            ConsistentRead=True,
        ):
            found += [_endpoint(i) for i in page["Items"]]
        return sorted(found, key=lambda e: e.created_at)

    def subscribed(self, org_id: str, event: str) -> list[StoredEndpoint]:
        return [e for e in self.all_stored(org_id) if e.enabled and event in e.events]

    def delete(self, org_id: str, webhook_id: str) -> None:
        if not _valid_id(webhook_id):
            raise WebhookNotFound(webhook_id)
        counter = to_item({"pk": f"ORG#{org_id}", "sk": "WEBHOOKS"})
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {"Delete": {"TableName": self.table, "Key": self._key(org_id, webhook_id),
                                "ConditionExpression": "attribute_exists(pk)"}},
                    {"Update": {"TableName": self.table, "Key": counter, "UpdateExpression": "ADD endpoints :less",
                                "ExpressionAttributeValues": to_item({":less": -1})}},
                ]
            )  # fmt: skip
        except ClientError as err:
            if err.response["Error"]["Code"] == "TransactionCanceledException":
                raise WebhookNotFound(webhook_id) from err
            raise

    def rotate(self, org_id: str, webhook_id: str) -> tuple[WebhookEndpoint, str]:
        """A new secret, shown this once; the current one becomes the previous, valid for 24 h more."""
        current = self.stored(org_id, webhook_id)
        secret, now = new_secret(), epoch_now()
        try:
            resp = self._db.update_item(
                TableName=self.table,
                Key=self._key(org_id, webhook_id),
                UpdateExpression="SET secret = :new, previous_secret = :old, previous_secret_until = :until, "
                "secret_rotated_at = :at",
                ConditionExpression="secret = :old",  # two rotations at once: one wins, the other is retried
                ExpressionAttributeValues=to_item(
                    {
                        ":new": secret,
                        ":old": current.secret,
                        ":until": now + ROTATION_SECONDS,
                        ":at": utc_now(),
                    }
                ),
                ReturnValues="ALL_NEW",
            )
        except ClientError as err:
            if err.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return self.rotate(org_id, webhook_id)
            raise
        return _endpoint(resp["Attributes"]).public, secret

    def enable(self, org_id: str, webhook_id: str) -> WebhookEndpoint:
        """Deliveries resume (a disabled endpoint's failures start again from 0); already enabled: no change."""
        if not _valid_id(webhook_id):
            raise WebhookNotFound(webhook_id)
        try:
            resp = self._db.update_item(
                TableName=self.table, Key=self._key(org_id, webhook_id),
                UpdateExpression="SET enabled = :yes, consecutive_failures = :zero REMOVE disabled_reason",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues=to_item({":yes": True, ":zero": 0}), ReturnValues="ALL_NEW",
            )  # fmt: skip
        except ClientError as err:
            if err.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise WebhookNotFound(webhook_id) from err
            raise
        return _endpoint(resp["Attributes"]).public

    def record(self, org_id: str, webhook_id: str, delivered: bool, reason: str = "") -> None:
        """After a delivery's last attempt: a success resets the failures; the DISABLE_AFTER-th failure in
        a row disables the endpoint, saying why. An endpoint deleted meanwhile is left deleted."""
        key = self._key(org_id, webhook_id)
        try:
            if delivered:
                self._db.update_item(TableName=self.table, Key=key, UpdateExpression="SET consecutive_failures = :zero",
                                     ConditionExpression="attribute_exists(pk)",
                                     ExpressionAttributeValues=to_item({":zero": 0}))  # fmt: skip
                return
            resp = self._db.update_item(
                TableName=self.table, Key=key, UpdateExpression="ADD consecutive_failures :one",
                ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues=to_item({":one": 1}),
                ReturnValues="UPDATED_NEW",
            )  # fmt: skip
            failures = int(from_item(resp["Attributes"])["consecutive_failures"])
            if failures >= DISABLE_AFTER:
                self._db.update_item(
                    TableName=self.table, Key=key, UpdateExpression="SET enabled = :no, disabled_reason = :why",
                    ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeValues=to_item(
                        {":no": False, ":why": DISABLED.format(n=failures, last=reason[:300] or "no reply")}
                    ),
                )  # fmt: skip
        except ClientError as err:
            if err.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    # last: below it, `list` in an annotation would name this method
    def list(self, org_id: str) -> list[WebhookEndpoint]:
        return [e.public for e in self.all_stored(org_id)]


def _endpoint(item: dict[str, Any]) -> StoredEndpoint:
    return StoredEndpoint.model_validate({k: v for k, v in from_item(item).items() if k not in ("pk", "sk")})
