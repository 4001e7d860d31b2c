"""DynamoDB persistence: one table, single-table design.

Items (pk / sk):
  SESSION#<id> / META          the session: everything the hot path needs, so an answer is 1 read + 1 write
  SESSION#<id> / REPORT        the evaluation report (kept apart: it is large and written once)
  SESSION#<id> / EVENT#<ms>#<n> proctoring events (timeline), kept apart so the session item stays small
  COUNTER#<scope> / SHARD#nn   session counts per status, sharded so no counter item becomes a hot key

Recruiter sessions also carry list_pk / list_sk (ListIndex: an organisation's sessions, newest first) and
status_pk (StatusIndex: the same, one status), so listings page through an index and never scan.

Every session carries `due_at`, the time the scheduled cleanup must next look at it (abandon, queue its
evaluation again, or erase it), kept up to date by the writes that change its state. The sparse index
DueIndex (due_shard, due_at) lets cleanup read only what is due: its cost follows the work, not the table.
"""

import random
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from interview_core.aws import client
from interview_core.domain import (
    COUNTED_STATES,
    Answer,
    EvaluationStatus,
    Lifecycle,
    Report,
    Session,
    SessionStatus,
    epoch_now,
    utc_now,
)
from interview_core.errors import (
    AnswerConflict,
    EvaluationBusy,
    IllegalTransition,
    SessionNotActive,
    SessionNotFound,
)

META = "META"
REPORT = "REPORT"
DROPPED_EVENTS = "DROPPED_EVENTS"  # per-type counts of proctoring events beyond the stored cap
MAX_BATCH_ATTEMPTS = 5
EVENT_PAGE = 500
COUNTED_FIELDS = ("total", *(s.value for s in COUNTED_STATES))
DUE_INDEX = "DueIndex"
LIST_INDEX = "ListIndex"
STATUS_INDEX = "StatusIndex"
DUE_SHARDS = 16  # fixed: items are found by shard, so changing it would hide existing items


def due_shard_name(n: int) -> str:
    return f"DUE#{n:02d}"


def due_shard(session_id: str) -> str:
    return due_shard_name(int(session_id.replace("-", "")[:8], 16) % DUE_SHARDS)


_ser = TypeSerializer()
_de = TypeDeserializer()


def _to_item(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _ser.serialize(_plain(v)) for k, v in data.items() if v is not None}


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _native(_de.deserialize(v)) for k, v in item.items()}


def _native(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_native(v) for v in value]
    return value


def list_scope(scope: str) -> str | None:
    """The listing partition of a counter scope: recruiter sessions with and without a LiveKit room are
    counted apart (for active_livekit_rooms) but listed together."""
    kind, _, org = scope.partition("#")
    return f"recruiter#{org}" if kind.startswith("recruiter") else None


def status_pk(scope: str, status: SessionStatus | str) -> str | None:
    listed = list_scope(scope)
    return f"{listed}#{SessionStatus(status).value}" if listed else None


def session_key(session_id: str, sk: str = META) -> dict[str, Any]:
    return {"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": sk}}


def _valid_id(session_id: str) -> bool:
    try:
        return str(uuid.UUID(session_id)) == session_id
    except ValueError:
        return False


def _is_live(data: dict[str, Any] | None) -> bool:
    """DynamoDB's TTL deletes late: an expired item is treated as gone, and so is one being erased."""
    return (
        bool(data)
        and int(data.get("expires_at", 0)) > epoch_now()
        and data.get("status") != SessionStatus.ERASING.value
    )


class SessionStore:
    def __init__(self, table: str, lifecycle: Lifecycle, counter_shards: int = 8) -> None:
        self.table = table
        self.lifecycle = lifecycle
        self.counter_shards = counter_shards

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def _put_new(self, item: dict[str, Any]) -> dict[str, Any]:
        """A transaction Put that fails if the item already exists (written once)."""
        return {
            "Put": {"TableName": self.table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}
        }

    # -- counters -----------------------------------------------------------------------------

    def _counter_update(self, scope: str, deltas: dict[str, int]) -> dict[str, Any]:
        shard = random.randrange(self.counter_shards)
        names = {f"#f{i}": field for i, field in enumerate(deltas)}
        values = {f":d{i}": {"N": str(delta)} for i, delta in enumerate(deltas.values())}
        return {
            "Update": {
                "TableName": self.table,
                "Key": {"pk": {"S": f"COUNTER#{scope}"}, "sk": {"S": f"SHARD#{shard:02d}"}},
                "UpdateExpression": "ADD " + ", ".join(f"#f{i} :d{i}" for i in range(len(deltas))),
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

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
            for field, value in _from_item(item).items():
                if field in totals:
                    totals[field] += int(value)
        return totals

    # -- sessions -----------------------------------------------------------------------------

    @staticmethod
    def session_item(session: Session, due_at: int) -> dict[str, Any]:
        item = {**session_key(session.session_id), **_to_item(session.model_dump(mode="json"))}
        item["due_shard"] = {"S": due_shard(session.session_id)}
        item["due_at"] = {"N": str(due_at)}
        if listed := list_scope(session.scope):
            item["list_pk"] = {"S": listed}
            item["list_sk"] = {"S": f"{session.created_at}#{session.session_id}"}
            item["status_pk"] = {"S": status_pk(session.scope, session.status)}
            item["question_index"] = {"N": str(session.answered)}
        return item

    def create(self, session: Session) -> None:
        item = self.session_item(session, self.lifecycle.after(self.lifecycle.inactivity))
        self._db.transact_write_items(
            TransactItems=[
                self._put_new(item),
                self._counter_update(session.scope, {"total": 1, session.status.value: 1}),
            ]
        )

    def get(self, session_id: str) -> Session:
        if not _valid_id(session_id):
            raise SessionNotFound()
        resp = self._db.get_item(TableName=self.table, Key=session_key(session_id), ConsistentRead=True)
        data = _from_item(resp["Item"]) if "Item" in resp else None
        if not _is_live(data):
            raise SessionNotFound()
        return _session(data)

    def get_with_report(self, session_id: str) -> tuple[Session, Report | None]:
        """The session and its report, if written: two keyed reads in one BatchGetItem, so nothing else in
        the partition (however many proctoring events) can push either off the page."""
        if not _valid_id(session_id):
            raise SessionNotFound()
        request: dict[str, Any] = {
            self.table: {
                "Keys": [session_key(session_id), session_key(session_id, REPORT)],
                "ConsistentRead": True,
            }
        }
        items: dict[str, dict[str, Any]] = {}
        for attempt in range(MAX_BATCH_ATTEMPTS):
            resp = self._db.batch_get_item(RequestItems=request)
            items.update({i["sk"]["S"]: _from_item(i) for i in resp["Responses"].get(self.table, [])})
            request = resp.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(0.05 * 2**attempt)  # throttled: back off as the SDKs do
        else:
            raise RuntimeError("DynamoDB kept the session read unprocessed; try again")
        if not _is_live(items.get(META)):
            raise SessionNotFound()
        report = items.get(REPORT)
        return _session(items[META]), (Report.model_validate(report) if report else None)

    def record_answer(self, session: Session, answer: Answer, next_deadline: int | None = None) -> Session:
        """Append the answer to the session's current question; completes the session on the last one.

        The write is conditional on the number of answers the caller read, so of two racing requests for
        the same question exactly one is recorded; the other gets AnswerConflict.
        """
        completes = session.answered + 1 == session.total_questions
        now = utc_now()
        sets = [
            "answers = list_append(answers, :answer)",
            "updated_at = :now",
            "due_at = :due",
            "question_index = :index",
            "current_deadline = :deadline",
        ]
        next_look = self.lifecycle.evaluation_grace if completes else self.lifecycle.inactivity
        values: dict[str, Any] = {
            ":due": {"N": str(self.lifecycle.after(next_look))},
            ":answer": {"L": [_ser.serialize(_plain(answer.model_dump(mode="json")))]},
            ":now": {"S": now},
            ":answered": {"N": str(session.answered)},
            ":active": {"S": SessionStatus.IN_PROGRESS.value},
            ":index": {"N": str(session.answered + 1)},
            ":deadline": {"NULL": True} if next_deadline is None else {"N": str(next_deadline)},
        }
        if completes:
            sets += [
                "#status = :completed",
                "completed_at = :now",
                "evaluation_status = :pending",
                "ended_at = :ended",
            ]
            values[":ended"] = {"N": str(epoch_now())}
            values[":completed"] = {"S": SessionStatus.COMPLETED.value}
            values[":pending"] = {"S": EvaluationStatus.PENDING.value}
            if listed := status_pk(session.scope, SessionStatus.COMPLETED):
                sets.append("status_pk = :status_pk")
                values[":status_pk"] = {"S": listed}
        update = {
            "TableName": self.table,
            "Key": session_key(session.session_id),
            "UpdateExpression": "SET " + ", ".join(sets),
            "ConditionExpression": "#status = :active AND size(answers) = :answered AND expires_at > :epoch",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {**values, ":epoch": {"N": str(epoch_now())}},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        try:
            if completes:
                counter = self._counter_update(
                    session.scope, {SessionStatus.IN_PROGRESS.value: -1, SessionStatus.COMPLETED.value: 1}
                )
                self._db.transact_write_items(TransactItems=[{"Update": update}, counter])
            else:
                self._db.update_item(**update)
        except ClientError as err:
            raise _answer_rejection(err, session) from err
        updated = session.model_copy(deep=True)
        updated.answers.append(answer)
        updated.updated_at = now
        updated.current_deadline = next_deadline
        if completes:
            updated.status = SessionStatus.COMPLETED
            updated.completed_at = now
            updated.evaluation_status = EvaluationStatus.PENDING
        return updated

    # -- recruiter lifecycle --------------------------------------------------------------------

    def transition(
        self,
        session: Session,
        to: SessionStatus,
        sets: dict[str, Any],
        not_found: Exception,
        due_at: int | None = None,
    ) -> None:
        """Move the session from the status it was read in to `to`, with its counters and listing, in one
        transaction. Conditional on that status: of two racing transitions one wins; the loser gets
        IllegalTransition naming the status it found."""
        now = epoch_now()
        fields = {**sets, "#status": to.value, "updated_at": utc_now()}
        if due_at is not None:
            fields["due_at"] = due_at
        if listed := status_pk(session.scope, to):
            fields["status_pk"] = listed
        names = {f"#a{i}": k.lstrip("#") for i, k in enumerate(fields)}
        values = {f":v{i}": _ser.serialize(_plain(v)) for i, v in enumerate(fields.values())}
        update = {
            "TableName": self.table,
            "Key": session_key(session.session_id),
            "UpdateExpression": "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(fields))),
            "ConditionExpression": "#s = :seen AND expires_at > :epoch",
            "ExpressionAttributeNames": {**names, "#s": "status"},
            "ExpressionAttributeValues": {
                **values,
                ":seen": {"S": session.status.value},
                ":epoch": {"N": str(now)},
            },
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        counter = self._counter_update(session.scope, {session.status.value: -1, to.value: 1})
        try:
            self._db.transact_write_items(TransactItems=[{"Update": update}, counter])
        except ClientError as err:
            reasons = err.response.get("CancellationReasons") or [{}]
            if reasons[0].get("Code") != "ConditionalCheckFailed":
                raise
            old = reasons[0].get("Item")
            current = _from_item(old) if old else None
            if not _is_live(current):
                raise not_found from err
            raise IllegalTransition(f"Session is {current['status']}: it cannot move to {to.value}") from err

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
                data = _from_item(item)
                if data.get("status") != SessionStatus.ERASING.value:
                    rows.append(data)
            start = resp.get("LastEvaluatedKey")
            if not start:
                break
        return rows[offset:want], start

    def set_fields(self, session_id: str, fields: dict[str, Any], add: dict[str, int] | None = None) -> None:
        """Plain attribute updates (consent, reference photo, participants) on a live session."""
        names = {f"#a{i}": k for i, k in enumerate(fields)}
        values = {f":v{i}": _ser.serialize(_plain(v)) for i, v in enumerate(fields.values())}
        expr = "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(fields))) if fields else ""
        if add:
            names.update({f"#n{i}": k for i, k in enumerate(add)})
            values.update({f":n{i}": {"N": str(v)} for i, v in enumerate(add.values())})
            expr += " ADD " + ", ".join(f"#n{i} :n{i}" for i in range(len(add)))
        try:
            self._db.update_item(
                TableName=self.table,
                Key=session_key(session_id),
                UpdateExpression=expr.strip(),
                ConditionExpression="attribute_exists(pk) AND #s <> :erasing",
                ExpressionAttributeNames={**names, "#s": "status"},
                ExpressionAttributeValues={**values, ":erasing": {"S": SessionStatus.ERASING.value}},
            )
        except ClientError as err:
            if err.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise SessionNotFound() from err
            raise

    def add_events(
        self,
        session_id: str,
        kept: list[dict[str, Any]],
        dropped: dict[str, int],
        violations: int,
        window: "EventWindow | None",
        limits: "EventLimits",
    ) -> None:
        """Store `kept` as timeline items and count `dropped` (beyond the stored cap) by type, with the
        session's violation count and this minute's event count (`window`; None: not rate limited, as
        for server events), in one transaction.

        Conditional on the session being live, on this minute's count leaving room for the whole batch and
        on the stored count leaving room for `kept`, so racing calls can never pass either cap. Raises
        EventWindowChanged with the session's current counts when a condition fails on a live session."""
        n = len(kept) + sum(dropped.values())
        conditions = ["attribute_exists(pk)", "#s <> :erasing"]
        values: dict[str, Any] = {
            ":erasing": {"S": SessionStatus.ERASING.value},
            ":v": {"N": str(violations)},
        }
        adds = ["proctoring_violations :v"]
        sets: list[str] = []
        if window is not None:
            values[":minute"], values[":n"] = {"N": str(window.minute)}, {"N": str(n)}
        if window is not None and window.fresh:  # the first events of this minute start its count
            sets = ["proctoring_minute = :minute", "proctoring_minute_events = :n"]
            conditions.append("(attribute_not_exists(proctoring_minute) OR proctoring_minute < :minute)")
        elif window is not None:
            adds.append("proctoring_minute_events :n")
            conditions.append("proctoring_minute = :minute AND proctoring_minute_events <= :room")
            values[":room"] = {"N": str(limits.per_minute - n)}
        if kept:
            adds.append("proctoring_events_stored :k")
            conditions.append(
                "(attribute_not_exists(proctoring_events_stored) OR proctoring_events_stored <= :stored_room)"
            )
            values[":k"] = {"N": str(len(kept))}
            values[":stored_room"] = {"N": str(limits.max_stored - len(kept))}
        if dropped:
            adds.append("proctoring_events_dropped :d")
            values[":d"] = {"N": str(sum(dropped.values()))}
        update = {
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
        puts = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {
                        **session_key(session_id, f"EVENT#{e['at_ms']:013d}#{uuid.uuid4().hex[:8]}"),
                        **_to_item(e),
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
                            f":c{i}": {"N": str(dropped[t])} for i, t in enumerate(types)
                        },
                    }
                }
            )
        try:
            self._db.transact_write_items(TransactItems=[update, *puts])
        except ClientError as err:
            reasons = err.response.get("CancellationReasons") or [{}]
            if err.response["Error"]["Code"] != "TransactionCanceledException" or (
                reasons[0].get("Code") != "ConditionalCheckFailed"
            ):
                raise
            old = reasons[0].get("Item")
            current = _from_item(old) if old else None
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
            out += [_from_item(i) for i in resp["Items"]]
            if "LastEvaluatedKey" not in resp:
                break
            args["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        resp = self._db.get_item(
            TableName=self.table, Key=session_key(session_id, DROPPED_EVENTS), ConsistentRead=True
        )
        dropped = {k: int(v) for k, v in _from_item(resp.get("Item", {})).items() if k not in ("pk", "sk")}
        return out, dropped

    # -- evaluation ---------------------------------------------------------------------------

    def claim_evaluation(self, session_id: str, claim: str, lease_seconds: int) -> Session | None:
        """Take the evaluation lease. None when there is nothing to do (already done or gone);
        raises EvaluationBusy while another worker's lease is still valid."""
        now = epoch_now()
        try:
            resp = self._db.update_item(
                TableName=self.table,
                Key=session_key(session_id),
                UpdateExpression="SET evaluation_status = :running, evaluation_claim = :claim, "
                "evaluation_lease_until = :until ADD evaluation_attempts :one",
                ConditionExpression="#status = :completed AND (evaluation_status = :pending OR "
                "(evaluation_status = :running AND evaluation_lease_until < :now))",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":completed": {"S": SessionStatus.COMPLETED.value},
                    ":running": {"S": EvaluationStatus.RUNNING.value},
                    ":pending": {"S": EvaluationStatus.PENDING.value},
                    ":claim": {"S": claim},
                    ":until": {"N": str(now + lease_seconds)},
                    ":now": {"N": str(now)},
                    ":one": {"N": "1"},
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as err:
            if err.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            old = _from_item(err.response["Item"]) if "Item" in err.response else None
            if old and old.get("evaluation_status") == EvaluationStatus.RUNNING.value:
                raise EvaluationBusy(session_id) from err
            return None
        return _session(_from_item(resp["Attributes"]))

    def save_report(self, report: Report, claim: str, expires_at: int) -> bool:
        """Write the report once. False when it was already written (a duplicate delivery)."""
        item = {**session_key(report.session_id, REPORT), **_to_item(report.model_dump(mode="json"))}
        item["expires_at"] = {"N": str(expires_at)}
        try:
            self._db.transact_write_items(
                TransactItems=[
                    self._put_new(item),
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": session_key(report.session_id),
                            "UpdateExpression": "SET evaluation_status = :ready, due_at = :due "
                            "REMOVE evaluation_lease_until",
                            # an erasure that began meanwhile wins: no report outlives its session
                            "ConditionExpression": "evaluation_claim = :claim AND #status = :completed",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {
                                ":completed": {"S": SessionStatus.COMPLETED.value},
                                ":ready": {"S": EvaluationStatus.READY.value},
                                ":claim": {"S": claim},
                                ":due": {"N": str(self.lifecycle.after(self.lifecycle.retention))},
                            },
                        }
                    },
                ]
            )
        except ClientError as err:
            if err.response["Error"]["Code"] == "TransactionCanceledException":
                return False
            raise
        return True

    def release_evaluation(self, session_id: str, claim: str, error: str) -> None:
        """Give the lease back after a failure so the retried message can claim it at once."""
        try:
            self._db.update_item(
                TableName=self.table,
                Key=session_key(session_id),
                UpdateExpression="SET evaluation_status = :pending, evaluation_error = :error "
                "REMOVE evaluation_lease_until",
                ConditionExpression="evaluation_claim = :claim AND evaluation_status = :running",
                ExpressionAttributeValues={
                    ":pending": {"S": EvaluationStatus.PENDING.value},
                    ":running": {"S": EvaluationStatus.RUNNING.value},
                    ":claim": {"S": claim},
                    ":error": {"S": error[:500]},
                },
            )
        except ClientError as err:
            if err.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    # -- cleanup and erasure ------------------------------------------------------------------

    def due(
        self, shard: str, now: int, limit: int, start: dict[str, Any] | None = None
    ) -> tuple[list["DueItem"], Any]:
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
        items = [DueItem.from_index(_from_item(i)) for i in resp["Items"]]
        return items, resp.get("LastEvaluatedKey")

    def abandon(self, item: "DueItem", now: int) -> bool:
        """Active -> abandoned, if nothing happened since the item was read (its due time is unchanged)."""
        update = {
            "TableName": self.table,
            "Key": session_key(item.session_id),
            "UpdateExpression": "SET #status = :abandoned, updated_at = :ts, due_at = :due, ended_at = :now"
            + (", status_pk = :status_pk" if status_pk(item.scope, SessionStatus.ABANDONED) else ""),
            "ConditionExpression": "#status = :seen AND due_at = :seen_due",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {
                ":abandoned": {"S": SessionStatus.ABANDONED.value},
                ":ts": {"S": utc_now()},
                ":due": {"N": str(self.lifecycle.after(self.lifecycle.retention, now))},
                ":now": {"N": str(now)},
                ":seen": {"S": item.status.value},
                ":seen_due": {"N": str(item.due_at)},
            },
        }
        if listed := status_pk(item.scope, SessionStatus.ABANDONED):
            update["ExpressionAttributeValues"][":status_pk"] = {"S": listed}
        counter = self._counter_update(item.scope, {item.status.value: -1, SessionStatus.ABANDONED.value: 1})
        return self._transact_if_unchanged([{"Update": update}, counter])

    def postpone(self, item: "DueItem", due_at: int) -> bool:
        """Move the session's next look to `due_at`, if nobody moved it since it was read."""
        try:
            self._db.update_item(
                TableName=self.table,
                Key=session_key(item.session_id),
                UpdateExpression="SET due_at = :due",
                ConditionExpression="due_at = :seen_due",
                ExpressionAttributeValues={":due": {"N": str(due_at)}, ":seen_due": {"N": str(item.due_at)}},
            )
        except ClientError as err:
            if err.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def begin_erase(
        self, session_id: str, status: SessionStatus, scope: str, seen_due: int | None = None
    ) -> bool:
        """Mark the session as being erased and take it out of the counters, once.

        Conditional on the status the caller read (and, for cleanup, on its due time), so a concurrent
        run or a retry cannot count it out twice. False if the session changed meanwhile."""
        condition = "#status = :seen" + (" AND due_at = :seen_due" if seen_due is not None else "")
        values = {
            ":erasing": {"S": SessionStatus.ERASING.value},
            ":seen": {"S": status.value},
            ":zero": {"N": "0"},
        }
        if seen_due is not None:
            values[":seen_due"] = {"N": str(seen_due)}
        sets = "SET #status = :erasing, due_at = :zero"
        if listed := status_pk(scope, SessionStatus.ERASING):
            sets += ", status_pk = :status_pk"
            values[":status_pk"] = {"S": listed}
        update = {
            "TableName": self.table,
            "Key": session_key(session_id),
            # due since forever: if the erasure stops half way, whatever run comes next finishes it
            "UpdateExpression": sets,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": values,
        }
        counter = self._counter_update(scope, {status.value: -1, "total": -1})
        return self._transact_if_unchanged([{"Update": update}, counter])

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
        for start in range(0, len(keys), 25):
            requests = [{"DeleteRequest": {"Key": k}} for k in keys[start : start + 25]]
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
            if err.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return len(keys)  # already gone: an earlier or concurrent run finished it
        return len(keys) + 1

    def status_of(self, session_id: str) -> tuple[SessionStatus, str] | None:
        """The status and counter scope of a session, erasing ones included; None when there is no such item."""
        if not _valid_id(session_id):
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
        data = _from_item(resp["Item"])
        return SessionStatus(data["status"]), data["scope"]

    def _transact_if_unchanged(self, items: list[dict[str, Any]]) -> bool:
        try:
            self._db.transact_write_items(TransactItems=items)
        except ClientError as err:
            if err.response["Error"]["Code"] == "TransactionCanceledException":
                return False
            raise
        return True


@dataclass(frozen=True)
class DueItem:
    """What DueIndex projects: enough to decide what cleanup does without reading the session."""

    session_id: str
    scope: str
    status: SessionStatus
    evaluation_status: EvaluationStatus
    due_at: int
    lease_until: int
    ended_at: int | None

    def past_retention(self, lifecycle: Lifecycle, now: int) -> bool:
        return self.ended_at is not None and now >= lifecycle.after(lifecycle.retention, self.ended_at)

    @classmethod
    def from_index(cls, data: dict[str, Any]) -> "DueItem":
        return cls(
            session_id=data["pk"].removeprefix("SESSION#"),
            scope=data["scope"],
            status=SessionStatus(data["status"]),
            evaluation_status=EvaluationStatus(data.get("evaluation_status", EvaluationStatus.NOT_REQUESTED)),
            due_at=int(data["due_at"]),
            lease_until=int(data.get("evaluation_lease_until", 0)),
            ended_at=int(data["ended_at"]) if "ended_at" in data else None,
        )


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


def _session(data: dict[str, Any]) -> Session:
    return Session.model_validate(data)


def _answer_rejection(err: ClientError, session: Session) -> Exception:
    code = err.response["Error"]["Code"]
    if code == "ConditionalCheckFailedException":
        old = err.response.get("Item")
    elif code == "TransactionCanceledException":
        reasons = err.response.get("CancellationReasons") or [{}]
        if reasons[0].get("Code") != "ConditionalCheckFailed":
            return err
        old = reasons[0].get("Item")
    else:
        return err
    if not old:
        return SessionNotFound()
    current = _from_item(old)
    if not _is_live(current):
        return SessionNotFound()
    if current.get("status") != SessionStatus.IN_PROGRESS.value:
        return SessionNotActive()
    return AnswerConflict(
        f"Question {session.answered + 1} was already answered by another request; "
        f"the session is now at question {min(len(current.get('answers', [])) + 1, session.total_questions)}"
    )
