"""The cleanup index and erasure.

Every session carries `due_at`, the time the scheduled cleanup must next look at it (abandon, queue its
evaluation again, or erase it), set by the transition that changes its state. The sparse index DueIndex
(due_shard, due_at) lets cleanup read only what is due: its cost follows the work, not the table. Its
writes are conditional on what the index showed, so they report a session changed meanwhile as False.
"""

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from interview_core.domain import EvaluationStatus, SessionStatus
from interview_core.domain import transitions as move
from interview_core.domain.transitions import REFUSALS, Change, DueItem, Moment
from interview_core.store.codec import from_item
from interview_core.store.table import META, NOT_REFUSED, Table, refused_item, session_key, valid_id

DUE_INDEX = "DueIndex"
BATCH_WRITE = 25


def due_item(data: dict[str, Any]) -> DueItem:
    """A DueIndex row, as the domain's DueItem."""
    return DueItem(
        session_id=data["pk"].removeprefix("SESSION#"),
        scope=data["scope"],
        status=SessionStatus(data["status"]),
        evaluation_status=EvaluationStatus(data.get("evaluation_status", EvaluationStatus.NOT_REQUESTED)),
        due_at=int(data["due_at"]),
        lease_until=int(data.get("evaluation_lease_until", 0)),
        ended_at=int(data["ended_at"]) if "ended_at" in data else None,
    )


class CleanupIndex(Table):
    def due(
        self, shard: str, now: int, limit: int, start: dict[str, Any] | None = None
    ) -> tuple[list[DueItem], Any]:
        """Sessions of one shard that are due, oldest first; with the key to continue from."""
        args: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": DUE_INDEX,
            "KeyConditionExpression": "due_shard = :shard AND due_at <= :now",
            "ExpressionAttributeValues": {":shard": {"S": shard}, ":now": {"N": str(now)}},
            "Limit": limit,
        }
        if start:
            args["ExclusiveStartKey"] = start
        resp = self._db.query(**args)
        return [due_item(from_item(i)) for i in resp["Items"]], resp.get("LastEvaluatedKey")

    def apply_if_unchanged(
        self, change: Callable[[], Change], also: list[dict[str, Any]] | None = None
    ) -> bool:
        """Make the change and `apply` it (with `also`); False when the session, as read, no longer allows it
        or is no longer as read (nothing was written)."""
        try:
            self.apply(change(), also)
        except REFUSALS:
            return False
        return True

    def abandon(self, item: DueItem, now: int, also: list[dict[str, Any]] | None = None) -> bool:
        return self.apply_if_unchanged(lambda: move.abandon(item, Moment.now(now), self.lifecycle), also)

    def postpone(self, item: DueItem, due_at: int) -> bool:
        return self.apply_if_unchanged(lambda: move.postpone(item, due_at))

    def begin_erase(
        self,
        session_id: str,
        status: SessionStatus,
        scope: str,
        seen_due: int | None = None,
        also: list[dict[str, Any]] | None = None,
    ) -> bool:
        return self.apply_if_unchanged(lambda: move.begin_erase(session_id, scope, status, seen_due), also)

    def erase_items(self, session_id: str) -> int:
        """Delete every item of an erasing session, the session item last. Idempotent."""
        pk = {":pk": {"S": f"SESSION#{session_id}"}}
        keys = []
        for page in self._db.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=pk,
            ProjectionExpression="pk, sk",
            ConsistentRead=True,
        ):
            keys += [k for k in page["Items"] if k["sk"]["S"] != META]
        for start in range(0, len(keys), BATCH_WRITE):
            requests = [{"DeleteRequest": {"Key": k}} for k in keys[start : start + BATCH_WRITE]]
            while requests:
                resp = self._db.batch_write_item(RequestItems={self.table: requests})
                requests = resp.get("UnprocessedItems", {}).get(self.table, [])
        try:
            self._db.delete_item(
                TableName=self.table,
                Key=session_key(session_id),
                ConditionExpression="#status = :erasing",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":erasing": {"S": SessionStatus.ERASING.value}},
            )
        except ClientError as err:
            if refused_item(err) is NOT_REFUSED:
                raise
            return len(keys)  # already gone: an earlier or concurrent run finished it
        return len(keys) + 1

    def status_of(self, session_id: str) -> tuple[SessionStatus, str] | None:
        """The status and counter scope of a session, erasing ones included; None when there is no such item."""
        if not valid_id(session_id):
            return None
        resp = self._db.get_item(
            TableName=self.table,
            Key=session_key(session_id),
            ProjectionExpression="#status, #scope",
            ExpressionAttributeNames={"#status": "status", "#scope": "scope"},
            ConsistentRead=True,
        )
        if "Item" not in resp:
            return None
        data = from_item(resp["Item"])
        return SessionStatus(data["status"]), data["scope"]
