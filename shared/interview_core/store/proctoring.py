"""The proctoring log: SESSION#<id> / EVENT#<ms>#<n> timeline items, kept apart so the session item stays
small, and SESSION#<id> / DROPPED_EVENTS, the per-type counts of events beyond the stored cap."""

import uuid
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from interview_core.domain import SessionStatus
from interview_core.errors import SessionNotFound
from interview_core.store.codec import from_item, to_item, value
from interview_core.store.table import NOT_REFUSED, Table, refused_item, session_key

DROPPED_EVENTS = "DROPPED_EVENTS"
EVENT_PAGE = 500


@dataclass(frozen=True)
class EventLimits:
    max_stored: int  # timeline items kept per session; later events are only counted
    per_minute: int  # events accepted per session and minute (HTTP and the live channel together)


@dataclass(frozen=True)
class EventCounts:
    """The proctoring counters on a session item."""

    stored: int = 0
    minute: int = 0  # epoch minute the per-minute count belongs to
    in_minute: int = 0

    @classmethod
    def of(cls, data: dict[str, Any]) -> "EventCounts":
        return cls(
            int(data.get("proctoring_events_stored", 0)),
            int(data.get("proctoring_minute", 0)),
            int(data.get("proctoring_minute_events", 0)),
        )


@dataclass(frozen=True)
class EventWindow:
    minute: int
    fresh: bool  # no events counted in this minute yet (as last read)


class EventWindowChanged(Exception):
    """Another call changed the session's proctoring counters since they were read."""

    def __init__(self, current: EventCounts) -> None:
        super().__init__("proctoring counters changed")
        self.current = current


class ProctoringLog(Table):
    def _counters_update(
        self, session_id: str, n: int, kept: int, dropped: int, violations: int,
        window: EventWindow | None, limits: EventLimits,
    ) -> dict[str, Any]:  # fmt: skip
        """The session's proctoring counters, conditional on both caps leaving room for this batch."""
        conditions = ["attribute_exists(pk)", "#s <> :erasing"]
        values: dict[str, Any] = {":erasing": value(SessionStatus.ERASING), ":v": value(violations)}
        adds = ["proctoring_violations :v"]
        sets: list[str] = []
        if window is not None:
            values[":minute"], values[":n"] = value(window.minute), value(n)
        if window is not None and window.fresh:  # the first events of this minute start its count
            sets = ["proctoring_minute = :minute", "proctoring_minute_events = :n"]
            conditions.append("(attribute_not_exists(proctoring_minute) OR proctoring_minute < :minute)")
        elif window is not None:
            adds.append("proctoring_minute_events :n")
            conditions.append("proctoring_minute = :minute AND proctoring_minute_events <= :room")
            values[":room"] = value(limits.per_minute - n)
        if kept:
            adds.append("proctoring_events_stored :k")
            conditions.append(
                "(attribute_not_exists(proctoring_events_stored) OR proctoring_events_stored <= :stored_room)"
            )
            values[":k"], values[":stored_room"] = value(kept), value(limits.max_stored - kept)
        if dropped:
            adds.append("proctoring_events_dropped :d")
            values[":d"] = value(dropped)
        return {
            "Update": {
                "TableName": self.table,
                "Key": session_key(session_id),
                "UpdateExpression": (f"SET {', '.join(sets)} " if sets else "") + "ADD " + ", ".join(adds),
                "ConditionExpression": " AND ".join(conditions),
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": values,
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

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

        Conditional on the session being live, on this minute's count leaving room for the whole batch and
        on the stored count leaving room for `kept`, so racing calls can never pass either cap. Raises
        EventWindowChanged with the session's current counts when a condition fails on a live session."""
        n_dropped = sum(dropped.values())
        update = self._counters_update(
            session_id, len(kept) + n_dropped, len(kept), n_dropped, violations, window, limits
        )
        puts = self._log_items(session_id, kept, dropped)
        try:
            self._db.transact_write_items(TransactItems=[update, *puts])
        except ClientError as err:
            found = refused_item(err)
            if found is NOT_REFUSED:
                raise
            current = from_item(found) if found else None
            if not current or current.get("status") == SessionStatus.ERASING.value:
                raise SessionNotFound() from err
            raise EventWindowChanged(EventCounts.of(current)) from err

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
