"""Counts and listings: what an organisation sees of its sessions without a scan.

Counter items COUNTER#<scope> / SHARD#nn hold per-status counts (moved by `apply` in the transaction of
each change of status); recruiter sessions are listed newest first through ListIndex (all) and
StatusIndex (one status), whose keys `session_item` and `apply` keep up to date.
"""

from typing import Any

from interview_core.domain import COUNTED_STATES, SessionStatus
from interview_core.store.codec import from_item
from interview_core.store.table import Table, list_scope

COUNTED_FIELDS = ("total", *(s.value for s in COUNTED_STATES))
LIST_INDEX = "ListIndex"
STATUS_INDEX = "StatusIndex"


class Listings(Table):
    def counts(self, scope: str) -> dict[str, int]:
        """Sum of the counter shards: one Query, independent of how many sessions exist."""
        totals = dict.fromkeys(COUNTED_FIELDS, 0)
        resp = self._db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"COUNTER#{scope}"}},
            ConsistentRead=True,
        )
        for item in resp["Items"]:
            for field, value in from_item(item).items():
                if field in totals:
                    totals[field] += int(value)
        return totals

    def list_sessions(
        self, scope: str, status: SessionStatus | None, limit: int, offset: int = 0, cursor: Any = None
    ) -> tuple[list[dict[str, Any]], Any]:
        """A page of an organisation's recruiter sessions, newest first, from ListIndex or StatusIndex.

        `cursor` (DynamoDB's own LastEvaluatedKey) continues where the last page stopped without reading
        what came before; `offset` is what existing clients send and reads the skipped rows to drop them."""
        listed = list_scope(scope)
        if status is None:
            index, key, value = LIST_INDEX, "list_pk", listed
        else:
            index, key, value = STATUS_INDEX, "status_pk", f"{listed}#{status.value}"
        rows: list[dict[str, Any]] = []
        start = cursor
        want = offset + limit
        while len(rows) < want:
            args: dict[str, Any] = {
                "TableName": self.table,
                "IndexName": index,
                "KeyConditionExpression": "#k = :v",
                "ExpressionAttributeNames": {"#k": key},
                "ExpressionAttributeValues": {":v": {"S": value}},
                "ScanIndexForward": False,
                "Limit": want - len(rows),
            }
            if start:
                args["ExclusiveStartKey"] = start
            resp = self._db.query(**args)
            for item in resp["Items"]:
                data = from_item(item)
                if data.get("status") != SessionStatus.ERASING.value:
                    rows.append(data)
            start = resp.get("LastEvaluatedKey")
            if not start:
                break
        return rows[offset:want], start
