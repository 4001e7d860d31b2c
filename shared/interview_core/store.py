"""DynamoDB persistence: one table, single-table design.

Items (pk / sk):
  SESSION#<id> / META          the session: everything the hot path needs, so an answer is 1 read + 1 write
  SESSION#<id> / REPORT        the evaluation report (kept apart: it is large and written once)
  COUNTER#<scope> / SHARD#nn   session counts per status, sharded so no counter item becomes a hot key
"""

import random
import uuid
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from interview_core.aws import client
from interview_core.domain import (
    Answer,
    EvaluationStatus,
    Report,
    Session,
    SessionStatus,
    epoch_now,
    utc_now,
)
from interview_core.errors import AnswerConflict, SessionNotActive, SessionNotFound

META = "META"
REPORT = "REPORT"
COUNTED_FIELDS = ("total", *(s.value for s in SessionStatus))

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


def session_key(session_id: str, sk: str = META) -> dict[str, Any]:
    return {"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": sk}}


def _valid_id(session_id: str) -> bool:
    try:
        return str(uuid.UUID(session_id)) == session_id
    except ValueError:
        return False


def _is_live(data: dict[str, Any] | None) -> bool:
    """DynamoDB's TTL deletes late: an expired item is treated as gone."""
    return bool(data) and int(data.get("expires_at", 0)) > epoch_now()


class SessionStore:
    def __init__(self, table: str, counter_shards: int = 8) -> None:
        self.table = table
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

    def create(self, session: Session) -> None:
        item = {**session_key(session.session_id), **_to_item(session.model_dump(mode="json"))}
        self._db.transact_write_items(
            TransactItems=[
                self._put_new(item),
                self._counter_update(session.kind, {"total": 1, session.status.value: 1}),
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
        """The session and its report, if written, in one Query."""
        if not _valid_id(session_id):
            raise SessionNotFound()
        resp = self._db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"SESSION#{session_id}"}},
            ConsistentRead=True,
        )
        items = {i["sk"]["S"]: _from_item(i) for i in resp["Items"]}
        if not _is_live(items.get(META)):
            raise SessionNotFound()
        report = items.get(REPORT)
        return _session(items[META]), (Report.model_validate(report) if report else None)

    def record_answer(self, session: Session, answer: Answer) -> Session:
        """Append the answer to the session's current question; completes the session on the last one.

        The write is conditional on the number of answers the caller read, so of two racing requests for
        the same question exactly one is recorded; the other gets AnswerConflict.
        """
        completes = session.answered + 1 == session.total_questions
        now = utc_now()
        sets = ["answers = list_append(answers, :answer)", "updated_at = :now"]
        values: dict[str, Any] = {
            ":answer": {"L": [_ser.serialize(_plain(answer.model_dump(mode="json")))]},
            ":now": {"S": now},
            ":answered": {"N": str(session.answered)},
            ":active": {"S": SessionStatus.IN_PROGRESS.value},
        }
        if completes:
            sets += ["#status = :completed", "completed_at = :now", "evaluation_status = :pending"]
            values[":completed"] = {"S": SessionStatus.COMPLETED.value}
            values[":pending"] = {"S": EvaluationStatus.PENDING.value}
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
                    session.kind, {SessionStatus.IN_PROGRESS.value: -1, SessionStatus.COMPLETED.value: 1}
                )
                self._db.transact_write_items(TransactItems=[{"Update": update}, counter])
            else:
                self._db.update_item(**update)
        except ClientError as err:
            raise _answer_rejection(err, session) from err
        updated = session.model_copy(deep=True)
        updated.answers.append(answer)
        updated.updated_at = now
        if completes:
            updated.status = SessionStatus.COMPLETED
            updated.completed_at = now
            updated.evaluation_status = EvaluationStatus.PENDING
        return updated

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
                ConditionExpression="attribute_exists(pk) AND (evaluation_status = :pending OR "
                "(evaluation_status = :running AND evaluation_lease_until < :now))",
                ExpressionAttributeValues={
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
                            "UpdateExpression": "SET evaluation_status = :ready REMOVE evaluation_lease_until",
                            "ConditionExpression": "evaluation_claim = :claim",
                            "ExpressionAttributeValues": {
                                ":ready": {"S": EvaluationStatus.READY.value},
                                ":claim": {"S": claim},
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


class EvaluationBusy(Exception):
    """Another worker holds a valid lease on this session's evaluation."""


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
