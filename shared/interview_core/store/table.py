"""What every part of the store shares: the table, its keys, and the one write path.

`apply` turns a domain `Change` into one call: an UpdateItem (or a Put for a new item), or a
TransactWriteItems when the change moves counters or comes with other items. `rejection` turns any
conditional failure into the domain's error, from the item as found (ReturnValuesOnConditionCheckFailure
ALL_OLD), so no write needs a read to say why it was refused.
"""

import random
import uuid
from typing import Any

from botocore.exceptions import ClientError

from interview_core.aws import client
from interview_core.domain import Lifecycle, Session, SessionStatus, epoch_now
from interview_core.domain.transitions import Change, Expect, Stale, refusal
from interview_core.store.codec import from_item, to_item, value

META = "META"
REPORT = "REPORT"
DUE_SHARDS = 16  # fixed: items are found by shard, so changing it would hide existing items


def session_key(session_id: str, sk: str = META) -> dict[str, Any]:
    return {"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": sk}}


def valid_id(session_id: str) -> bool:
    try:
        return str(uuid.UUID(session_id)) == session_id
    except ValueError:
        return False


def due_shard_name(n: int) -> str:
    return f"DUE#{n:02d}"


def due_shard(session_id: str) -> str:
    return due_shard_name(int(session_id.replace("-", "")[:8], 16) % DUE_SHARDS)


def list_scope(scope: str) -> str | None:
    """The listing partition of a counter scope: recruiter sessions with and without a LiveKit room are
    counted apart (for active_livekit_rooms) but listed together."""
    kind, _, org = scope.partition("#")
    return f"recruiter#{org}" if kind.startswith("recruiter") else None


def status_pk(scope: str, status: SessionStatus | str) -> str | None:
    listed = list_scope(scope)
    return f"{listed}#{SessionStatus(status).value}" if listed else None


def session_item(session: Session, due_at: int) -> dict[str, Any]:
    """The whole session item, with the keys of the indexes it is listed and found by."""
    item = {**session_key(session.session_id), **to_item(session.model_dump(mode="json"))}
    item["due_shard"] = {"S": due_shard(session.session_id)}
    item["due_at"] = value(due_at)
    if listed := list_scope(session.scope):
        item["list_pk"] = {"S": listed}
        item["list_sk"] = {"S": f"{session.created_at}#{session.session_id}"}
        item["status_pk"] = {"S": status_pk(session.scope, session.status)}
        item["question_index"] = value(session.answered)
    return item


NOT_REFUSED = object()


def refused_item(err: ClientError) -> Any:
    """The item a conditional write found (None when there was none), or NOT_REFUSED when `err` is no
    conditional failure. A transaction's first item is the session's write."""
    code = err.response.get("Error", {}).get("Code")
    if code == "ConditionalCheckFailedException":
        return err.response.get("Item")
    if code == "TransactionCanceledException":
        first = (err.response.get("CancellationReasons") or [{}])[0]
        if first.get("Code") == "ConditionalCheckFailed":
            return first.get("Item")
    return NOT_REFUSED


def rejection(err: ClientError, change: Change) -> Exception:
    """The domain's error for a write `change` that DynamoDB refused; `err` itself if it was no refusal.
    A transaction cancelled for another reason (another item's condition, a conflicting write) is Stale."""
    found = refused_item(err)
    if found is NOT_REFUSED:
        if err.response.get("Error", {}).get("Code") == "TransactionCanceledException":
            return Stale(str(err))
        unrefused: Exception = err  # botocore ships no types: ClientError is Any to the checker
        return unrefused
    return refusal(change, from_item(found) if found else None, epoch_now())


class _Expression:
    """Placeholders for one request's names and values."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def name(self, attribute: str) -> str:
        placeholder = f"#n{len(self.names)}"
        for known, attr in self.names.items():
            if attr == attribute:
                return known
        self.names[placeholder] = attribute
        return placeholder

    def value(self, v: Any) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value(v)
        return placeholder

    def args(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.names:
            out["ExpressionAttributeNames"] = self.names
        if self.values:
            out["ExpressionAttributeValues"] = self.values
        return out


def _condition(expect: Expect, e: _Expression) -> str:
    parts = []
    if expect.absent:
        parts.append("attribute_not_exists(pk)")
    if expect.present:
        parts.append(f"attribute_exists(pk) AND {e.name('status')} <> {e.value(SessionStatus.ERASING)}")
    if expect.status is not None:
        parts.append(f"{e.name('status')} = {e.value(expect.status)}")
    if expect.answered is not None:
        parts.append(f"size({e.name('answers')}) = {e.value(expect.answered)}")
    if expect.live_at is not None:
        parts.append(f"{e.name('expires_at')} > {e.value(expect.live_at)}")
    if expect.due_at is not None:
        parts.append(f"{e.name('due_at')} = {e.value(expect.due_at)}")
    if expect.claim is not None:
        parts.append(f"{e.name('evaluation_claim')} = {e.value(expect.claim)}")
    if expect.evaluation is not None:
        parts.append(f"{e.name('evaluation_status')} = {e.value(expect.evaluation)}")
    if expect.claimable_at is not None:
        evaluation, lease = e.name("evaluation_status"), e.name("evaluation_lease_until")
        parts.append(
            f"({evaluation} = {e.value('pending')} OR "
            f"({evaluation} = {e.value('running')} AND {lease} < {e.value(expect.claimable_at)}))"
        )
    for attr, n in expect.equal.items():
        parts.append(f"{e.name(attr)} = {e.value(n)}")
    for attr, n in expect.before.items():
        parts.append(f"(attribute_not_exists({e.name(attr)}) OR {e.name(attr)} < {e.value(n)})")
    for attr, n in expect.at_most.items():
        parts.append(f"(attribute_not_exists({e.name(attr)}) OR {e.name(attr)} <= {e.value(n)})")
    return " AND ".join(parts)


def _derived(change: Change) -> dict[str, Any]:
    """The index attributes a change moves with the session: its listing by status, its question."""
    sets = dict(change.sets)
    if (to := change.new_status) is not None and (listed := status_pk(change.scope, to)):
        sets["status_pk"] = listed
    if "answers" in change.append and change.session is not None:
        sets["question_index"] = change.session.answered
    return sets


class Table:
    """The sessions table: the base of each part of the store, which all write through `apply`."""

    def __init__(self, table: str, lifecycle: Lifecycle, counter_shards: int = 8) -> None:
        self.table = table
        self.lifecycle = lifecycle
        self.counter_shards = counter_shards

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def put_new(self, item: dict[str, Any]) -> dict[str, Any]:
        """A transaction Put that fails if the item already exists (written once)."""
        return {
            "Put": {"TableName": self.table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}
        }

    def counter_update(self, scope: str, deltas: dict[str, int]) -> dict[str, Any]:
        """Counts per status, added to one random shard so no counter item becomes a hot key."""
        shard = random.randrange(self.counter_shards)
        e = _Expression()
        adds = ", ".join(f"{e.name(field)} {e.value(delta)}" for field, delta in deltas.items())
        return {
            "Update": {
                "TableName": self.table,
                "Key": {"pk": {"S": f"COUNTER#{scope}"}, "sk": {"S": f"SHARD#{shard:02d}"}},
                "UpdateExpression": f"ADD {adds}",
                **e.args(),
            }
        }

    def _write(self, change: Change) -> dict[str, Any]:
        """The change as one transaction item: a Put of the new session, or an Update of the stored one."""
        if change.expect.absent:
            assert change.session is not None
            item = session_item(change.session, change.sets["due_at"])
            return self.put_new(item)
        e = _Expression()
        sets = [f"{e.name(k)} = {e.value(v)}" for k, v in _derived(change).items()]
        sets += [f"{e.name(k)} = list_append({e.name(k)}, {e.value(v)})" for k, v in change.append.items()]
        clauses = [f"SET {', '.join(sets)}"] if sets else []
        if change.remove:
            clauses.append("REMOVE " + ", ".join(e.name(k) for k in change.remove))
        if change.add:
            clauses.append("ADD " + ", ".join(f"{e.name(k)} {e.value(n)}" for k, n in change.add.items()))
        condition = _condition(change.expect, e)
        return {
            "Update": {
                "TableName": self.table,
                "Key": session_key(change.session_id),
                "UpdateExpression": " ".join(clauses),
                "ConditionExpression": condition,
                **e.args(),
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def apply(self, change: Change, also: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
        """Write `change` in one call: with its counters and `also` (other transaction items) a
        TransactWriteItems, else a single UpdateItem or PutItem. Raises the domain's error when the
        stored item no longer meets the change's condition. Returns the item as written when the change
        asks for it (`read_back`, single writes only)."""
        ((kind, write),) = self._write(change).items()
        others = [*(also or [])]
        if change.counters:
            others.append(self.counter_update(change.scope, change.counters))
        try:
            if others:
                self._db.transact_write_items(TransactItems=[{kind: write}, *others])
                return None
            call = self._db.update_item if kind == "Update" else self._db.put_item
            resp = call(**write, **({"ReturnValues": "ALL_NEW"} if change.read_back else {}))
        except ClientError as err:
            raise rejection(err, change) from err
        return from_item(resp["Attributes"]) if change.read_back else None
