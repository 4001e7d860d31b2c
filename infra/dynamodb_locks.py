"""Locks that make the stand-in's DynamoDB as atomic as DynamoDB while unrelated requests run in parallel.

moto's DynamoDB backend takes no locks: two racing conditional writes could both pass their conditions,
and a Scan iterating a table's dicts while another request inserts into them fails ("dictionary changed
size during iteration"). While moto serves a DynamoDB request, the request holds:

- each partition (table, partition key value) it reads or writes, a mutex: one for GetItem, PutItem,
  UpdateItem and DeleteItem, all those named for the batch and transaction operations, the one a Query of
  the table reads (served from that partition alone by the stand-in's `_indexed_queries`);
- each table it names, shared, or alone when it reads or changes the table as a whole: a Scan, a Query of an
  index, DescribeTable (its item count), UpdateTimeToLive, anything else naming a table. moto serves those
  by iterating the table's dicts, which a request on any partition changes (even a GetItem of a missing
  item inserts an empty partition into moto's defaultdict);
- the whole backend alone for what names no table (ListTables, PartiQL, tagging by ARN) or what it cannot
  tell (a malformed request: moto refuses it, and the strictest lock is always correct).

Locks are taken backend, then tables, then partitions, each group in sorted order, so two requests never
wait for each other in a cycle. A request waiting to hold a table alone goes before newcomers that would
share it, so a stream of writes cannot starve a Scan.
"""

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

Partition = tuple[str, tuple[str, str]]  # (table name, (attribute type, canonical value))


@dataclass
class Scope:
    """What one request holds: `tables` maps each name to True when held alone."""

    everything: bool = False
    tables: dict[str, bool] = field(default_factory=dict)
    partitions: set[Partition] = field(default_factory=set)


EVERYTHING = Scope(everything=True)


class SharedExclusive:
    """Held by many at once (shared) or by one alone (exclusive); a waiting exclusive holder goes first."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._shared = 0
        self._exclusive = False
        self._waiting = 0  # exclusive holders waiting: newcomers to share wait behind them

    def acquire(self, exclusive: bool) -> None:
        with self._cond:
            if exclusive:
                self._waiting += 1
                try:
                    while self._exclusive or self._shared:
                        self._cond.wait()
                finally:
                    self._waiting -= 1
                self._exclusive = True
            else:
                while self._exclusive or self._waiting:
                    self._cond.wait()
                self._shared += 1

    def release(self, exclusive: bool) -> None:
        with self._cond:
            if exclusive:
                self._exclusive = False
            else:
                self._shared -= 1
            if not self._shared:
                self._cond.notify_all()


class DynamoLocks:
    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._backend = SharedExclusive()
        self._tables: dict[str, SharedExclusive] = {}
        # a mutex and how many requests hold or await it; dropped at 0, so the map stays as small as the
        # number of requests in flight however many partitions the tables hold
        self._partitions: dict[Partition, list[Any]] = {}

    @contextmanager
    def hold(self, scope: Scope) -> Iterator[None]:
        held_tables: list[tuple[SharedExclusive, bool]] = []
        held_partitions: list[Partition] = []
        self._backend.acquire(scope.everything)
        try:
            for name in sorted(scope.tables):
                with self._mutex:
                    table = self._tables.setdefault(name, SharedExclusive())
                table.acquire(scope.tables[name])
                held_tables.append((table, scope.tables[name]))
            # a table held alone needs no partition of its own
            for key in sorted(p for p in scope.partitions if not scope.tables.get(p[0])):
                with self._mutex:
                    entry = self._partitions.setdefault(key, [threading.Lock(), 0])
                    entry[1] += 1
                try:
                    entry[0].acquire()
                except BaseException:
                    self._leave(key)
                    raise
                held_partitions.append(key)
            yield
        finally:
            for key in reversed(held_partitions):
                self._partitions[key][0].release()
                self._leave(key)
            for table, exclusive in reversed(held_tables):
                table.release(exclusive)
            self._backend.release(scope.everything)

    def _leave(self, key: Partition) -> None:
        with self._mutex:
            entry = self._partitions[key]
            entry[1] -= 1
            if not entry[1]:
                del self._partitions[key]

    def partition(self, table: str, hash_key: dict[str, Any]) -> Any:
        """Hold one partition as a request on it does (`hash_key` as in a request, e.g. {"S": "a"})."""
        return self.hold(Scope(tables={table: False}, partitions={(table, _canonical(hash_key))}))


LOCKS = DynamoLocks()


def _canonical(value: dict[str, Any]) -> tuple[str, str]:
    """A partition key value as one string per value: DynamoDB's numbers 1, 1.0 and 1e0 are one key."""
    ((kind, raw),) = value.items()
    if kind == "N":
        try:
            return kind, str(Decimal(raw).normalize())
        except InvalidOperation:
            pass
    return kind, str(raw)


def _named_items(action: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any]]] | None:
    """(table, key or item) for every item the request names; None when it is no item operation."""
    if action in ("GetItem", "UpdateItem", "DeleteItem"):
        return [(params["TableName"], params["Key"])]
    if action == "PutItem":
        return [(params["TableName"], params["Item"])]
    if action == "BatchGetItem":
        return [(t, key) for t, batch in params["RequestItems"].items() for key in batch["Keys"]]
    if action == "BatchWriteItem":
        return [
            (t, (r.get("PutRequest") or {}).get("Item") or r["DeleteRequest"]["Key"])
            for t, batch in params["RequestItems"].items()
            for r in batch
        ]
    if action in ("TransactWriteItems", "TransactGetItems"):
        return [
            (op["TableName"], op.get("Key") or op["Item"])
            for entry in params["TransactItems"]
            for op in entry.values()
        ]
    return None


def _query_hash_key(table: Any, params: dict[str, Any]) -> dict[str, Any] | None:
    """The partition key value a Query of the table (not an index) reads."""
    if expression := params.get("KeyConditionExpression"):
        from moto.dynamodb.parsing.key_condition_expression import parse_expression

        hash_conditions, _, _ = parse_expression(
            key_condition_expression=expression,
            expression_attribute_values=params.get("ExpressionAttributeValues", {}),
            expression_attribute_names=params.get("ExpressionAttributeNames", {}),
            schema=table.schema,
        )
        return next((value for name, value in hash_conditions if name == table.hash_key_attr), None)
    condition = (params.get("KeyConditions") or {}).get(table.hash_key_attr)
    if condition and condition.get("ComparisonOperator") == "EQ":
        return condition["AttributeValueList"][0]
    return None


def scope_of(backend: Any, action: str, params: dict[str, Any]) -> Scope:
    """What a request must hold while moto serves it; EVERYTHING when it cannot tell."""
    from moto.dynamodb.exceptions import ResourceNotFoundException

    def table_of(name: str) -> Any:
        try:
            return backend.get_table(name)  # by name or ARN
        except ResourceNotFoundException:
            return None

    try:
        if (items := _named_items(action, params)) is not None:
            scope = Scope()
            for name, key in items:
                table = table_of(name)
                if table is None or not isinstance(key.get(table.hash_key_attr), dict):
                    scope.tables[name] = True  # moto refuses it; nothing to share meanwhile
                    continue
                scope.tables.setdefault(table.name, False)
                scope.partitions.add((table.name, _canonical(key[table.hash_key_attr])))
            return scope
        if action == "Query" and not params.get("IndexName"):
            table = table_of(params["TableName"])
            # a table without a sort key is queried by moto iterating all of it, not its partition
            if table is not None and table.range_key_attr and (hash_key := _query_hash_key(table, params)):
                return Scope(tables={table.name: False}, partitions={(table.name, _canonical(hash_key))})
        if "TableName" in params:
            table = table_of(params["TableName"])
            return Scope(tables={table.name if table else params["TableName"]: True})
    except Exception:  # a malformed request: moto says what is wrong with it
        return EVERYTHING
    return EVERYTHING


_IN_TRANSACTION: ContextVar[bool] = ContextVar("in_transaction", default=False)


def _roll_back_named_items_only() -> None:
    """moto deep-copies every table a TransactWriteItems names before running it (seconds per transaction
    once a table holds thousands of sessions) and, when it fails, puts the copies in the tables' place: with
    requests in parallel that would undo every write another partition received meanwhile, and lose those
    still writing to the replaced table. Instead copy only the items the transaction names, and when it
    fails put them back where they were: all that it can have changed, under its own partition locks.
    (A stream, which no table of the template has, would keep the records of the undone writes.)"""
    from moto.dynamodb.exceptions import MockValidationException, ResourceNotFoundException
    from moto.dynamodb.models import DynamoDBBackend, Table
    from moto.dynamodb.models.dynamo_type import DynamoType

    if getattr(DynamoDBBackend, "_rolls_back_named_items", False):
        return
    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        saved: dict[tuple[str, Any, Any], tuple[Any, Any]] = {}  # -> (table, a copy of the item or None)
        for entry in transact_items:
            for op in entry.values():
                try:
                    table = self.get_table(op["TableName"])
                    key = op.get("Key") or op["Item"]
                    hash_key = DynamoType(key[table.hash_key_attr])
                    range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
                    item = table.get_item(hash_key, range_key)
                except (
                    LookupError,
                    TypeError,
                    AttributeError,
                    ResourceNotFoundException,
                    MockValidationException,
                ):
                    continue  # moto refuses this operation before it writes anything
                saved.setdefault((table.name, hash_key, range_key), (table, copy.deepcopy(item)))
        token = _IN_TRANSACTION.set(True)
        try:
            return original(self, transact_items)
        except BaseException:
            for (_, hash_key, range_key), (table, item) in saved.items():
                if range_key is None:
                    if item is None:
                        table.items.pop(hash_key, None)
                    else:
                        table.items[hash_key] = item
                elif item is None:
                    table.items[hash_key].pop(range_key, None)
                else:
                    table.items[hash_key][range_key] = item
            raise
        finally:
            _IN_TRANSACTION.reset(token)

    def deepcopy_table(self: Any, memo: dict[int, Any]) -> Any:
        if _IN_TRANSACTION.get():  # moto's snapshot for its rollback, which then puts back this very table
            return self
        clone = copy.copy(self)  # any other copy (a backup, a restore) is moto's full one
        memo[id(self)] = clone
        clone.__dict__ = copy.deepcopy(self.__dict__, memo)
        return clone

    DynamoDBBackend.transact_write_items = transact_write_items
    Table.__deepcopy__ = deepcopy_table
    DynamoDBBackend._rolls_back_named_items = True


def install() -> None:
    """Serve every DynamoDB request of this process's moto under LOCKS."""
    from moto.dynamodb.responses import DynamoHandler

    _roll_back_named_items_only()
    if getattr(DynamoHandler, "_locked", False):
        return
    original = DynamoHandler.call_action

    def call_action(self: Any) -> Any:
        # the response is serialised inside too: it reads items another request may be updating
        with LOCKS.hold(scope_of(self.dynamodb_backend, self._get_action(), getattr(self, "params", {}))):
            return original(self)

    DynamoHandler.call_action = call_action
    DynamoHandler._locked = True
