"""The proctoring log: SESSION#<id> / EVENT#<ms>#<n> timeline items, kept apart so the session item stays
small, and SESSION#<id> / DROPPED_EVENTS, the per-type counts of events beyond the stored cap."""

import uuid
from typing import Any

from interview_core.domain import transitions as move
from interview_core.domain.transitions import EventLimits, EventWindow
from interview_core.store.codec import from_item, to_item, value
from interview_core.store.table import Table, session_key

DROPPED_EVENTS = "DROPPED_EVENTS"
EVENT_PAGE = 500


class ProctoringLog(Table):
    def _log_items(
        self, session_id: str, kept: list[dict[str, Any]], dropped: dict[str, int]
    ) -> list[dict[str, Any]]:
        """The timeline items of `kept`, and the per-type counts of `dropped`."""
        puts: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {
                        **session_key(session_id, f"EVENT#{e['at_ms']:013d}#{uuid.uuid4().hex[:8]}"),
                        **to_item(e),
                    },
                }
            }
            for e in kept
        ]
        if dropped:
            types = list(dropped)
            puts.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": session_key(session_id, DROPPED_EVENTS),
                        "UpdateExpression": "ADD " + ", ".join(f"#t{i} :c{i}" for i in range(len(types))),
                        "ExpressionAttributeNames": {f"#t{i}": t for i, t in enumerate(types)},
                        "ExpressionAttributeValues": {
                            f":c{i}": value(dropped[t]) for i, t in enumerate(types)
                        },
                    }
                }
            )
        return puts

    def add_events(
        self,
        session_id: str,
        kept: list[dict[str, Any]],
        dropped: dict[str, int],
        violations: int,
        window: EventWindow | None,
        limits: EventLimits,
    ) -> None:
        """Store `kept` as timeline items and count `dropped` (beyond the stored cap) by type, with the
        session's violation count and this minute's event count (`window`; None: not rate limited, as
        for server events), in one transaction.

        Conditional as `log_events` says. Raises EventWindowChanged with the session's current counts
        when a condition fails on a live session."""
        change = move.log_events(session_id, len(kept), sum(dropped.values()), violations, window, limits)
        self.apply(change, also=self._log_items(session_id, kept, dropped))

    def events(self, session_id: str, limit: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """The session's stored proctoring events in time order (at most `limit`, read page by page) and
        the per-type counts of those dropped beyond the cap."""
        out: list[dict[str, Any]] = []
        args: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :event)",
            "ExpressionAttributeValues": {":pk": {"S": f"SESSION#{session_id}"}, ":event": {"S": "EVENT#"}},
            "ConsistentRead": True,
        }
        while len(out) < limit:
            resp = self._db.query(**args, Limit=min(EVENT_PAGE, limit - len(out)))
            out += [from_item(i) for i in resp["Items"]]
            if "LastEvaluatedKey" not in resp:
                break
            args["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        resp = self._db.get_item(
            TableName=self.table, Key=session_key(session_id, DROPPED_EVENTS), ConsistentRead=True
        )
        dropped = {k: int(v) for k, v in from_item(resp.get("Item", {})).items() if k not in ("pk", "sk")}
        return out, dropped
