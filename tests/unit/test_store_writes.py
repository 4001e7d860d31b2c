"""How the store writes a domain Change, with a recording stand-in for DynamoDB (no AWS): one call per
change, the counters in the same transaction, the condition as the domain stated it, and every refusal
decoded into the domain's error from the item DynamoDB returned."""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from interview_core.domain import SessionStatus
from interview_core.domain import transitions as move
from interview_core.domain.transitions import Stale
from interview_core.errors import AnswerConflict, IllegalTransition, SessionNotFound
from interview_core.store.codec import from_item, to_item, value
from interview_core.store.table import Table, rejection
from tests.unit.test_transitions import AT, LIFE, T, recruiter, session


class Recorder:
    def __init__(self, fail: ClientError | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail = fail

    def __getattr__(self, operation: str) -> Any:
        def call(**kwargs: Any) -> dict[str, Any]:
            self.calls.append((operation, kwargs))
            if self.fail:
                raise self.fail
            return {"Attributes": to_item({"session_id": "sid", "evaluation_attempts": 1})}

        return call


class Store(Table):
    def __init__(self, db: Recorder) -> None:
        super().__init__("sessions", LIFE, counter_shards=1)
        self.db = db

    @property
    def _db(self) -> Recorder:
        return self.db


def condition_failed(item: dict[str, Any] | None) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": "ConditionalCheckFailedException", "Message": "failed"}}
    if item is not None:
        response["Item"] = to_item(item)
    return ClientError(response, "UpdateItem")


def cancelled(*reasons: dict[str, Any]) -> ClientError:
    response = {
        "Error": {"Code": "TransactionCanceledException", "Message": "x"},
        "CancellationReasons": list(reasons),
    }
    return ClientError(response, "TransactWriteItems")


def rendered(update: dict[str, Any]) -> str:
    """The update's expressions with the placeholders filled in, to read as DynamoDB would."""
    text = f"{update['UpdateExpression']} IF {update['ConditionExpression']}"
    for placeholder, name in update.get("ExpressionAttributeNames", {}).items():
        text = text.replace(placeholder + " ", name + " ").replace(placeholder + ")", name + ")")
        text = text.replace(placeholder + ",", name + ",")
    for placeholder, v in sorted(
        update.get("ExpressionAttributeValues", {}).items(), key=lambda kv: -len(kv[0])
    ):
        text = text.replace(placeholder, repr(from_item({"v": v})["v"]))
    return text


def test_a_change_without_counters_is_one_conditional_update_item() -> None:
    db = Recorder()
    Store(db).apply(move.record_answer(session(), "A list.", AT, LIFE))
    [(operation, update)] = db.calls
    assert operation == "update_item" and update["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"
    text = rendered(update)
    assert "answers = list_append(answers, " in text and "question_index = 1" in text
    assert text.endswith(f"IF status = 'in_progress' AND size(answers) = 0 AND expires_at > {T}")


def test_a_change_of_status_moves_counters_and_listing_in_the_same_transaction() -> None:
    db = Recorder()
    Store(db).apply(move.start(recruiter(SessionStatus.INITIALIZED), AT, LIFE))
    [(operation, args)] = db.calls
    assert operation == "transact_write_items"
    first, counter = args["TransactItems"]
    text = rendered(first["Update"])
    assert "status = 'in_progress'" in text and "status_pk = 'recruiter#acme#in_progress'" in text
    assert text.endswith(f"IF status = 'initialized' AND expires_at > {T}")
    assert counter["Update"]["Key"]["pk"] == {"S": "COUNTER#recruiter#acme"}
    assert (
        rendered({**counter["Update"], "ConditionExpression": ""}) == "ADD initialized -1, in_progress 1 IF "
    )


def test_a_new_session_is_put_once_with_its_counters() -> None:
    db = Recorder()
    Store(db).apply(move.create(session(), AT, LIFE))
    [(_, args)] = db.calls
    put, counter = args["TransactItems"]
    assert put["Put"]["ConditionExpression"] == "attribute_not_exists(pk)"
    assert put["Put"]["Item"]["due_at"] == value(T + 3600) and "Update" in counter


def test_removes_adds_and_the_item_as_written() -> None:
    db = Recorder()
    claimed = Store(db).apply(move.claim_evaluation("sid", "c", AT, 90))
    assert claimed == {"session_id": "sid", "evaluation_attempts": 1}
    assert db.calls[0][1]["ReturnValues"] == "ALL_NEW"
    assert "ADD evaluation_attempts 1" in rendered(db.calls[0][1])
    Store(db).apply(move.release_evaluation("sid", "c", "boom"))
    assert "REMOVE evaluation_lease_until" in rendered(db.calls[1][1])


def test_a_refused_write_raises_the_domains_error_from_the_item_found() -> None:
    lost = condition_failed(
        {"status": "in_progress", "answers": [{}], "expires_at": T + 3600 * 24 * 365 * 20}
    )
    with pytest.raises(AnswerConflict, match="the session is now at question 2"):
        Store(Recorder(lost)).apply(move.record_answer(session(), "x", AT, LIFE))
    with pytest.raises(SessionNotFound):
        Store(Recorder(condition_failed(None))).apply(move.share_report(session(), "feedback"))


def test_a_cancelled_transaction_is_decoded_from_its_first_item() -> None:
    change = move.start(recruiter(SessionStatus.INITIALIZED), AT, LIFE)
    found = {"Code": "ConditionalCheckFailed", "Item": to_item({"status": "completed", "expires_at": 2**40})}
    refused = rejection(cancelled(found, {"Code": "None"}), change)
    assert isinstance(refused, IllegalTransition)
    assert refused.detail == "Session is completed: it cannot move to in_progress"
    assert isinstance(rejection(cancelled({"Code": "None"}, {"Code": "TransactionConflict"}), change), Stale)
    throttled = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "UpdateItem")
    assert rejection(throttled, change) is throttled


def test_a_batch_of_events_is_one_transaction_with_its_counters_conditions() -> None:
    db = Recorder()
    change = move.log_events("sid", 2, 0, 1, move.EventWindow(500, fresh=False), move.EventLimits(100, 20))
    Store(db).apply(change, also=[{"Put": {"TableName": "sessions", "Item": {}}}] * 2)
    [(operation, args)] = db.calls
    assert operation == "transact_write_items" and len(args["TransactItems"]) == 3
    text = rendered(args["TransactItems"][0]["Update"])
    assert text.startswith(
        "ADD proctoring_violations 1, proctoring_minute_events 2, proctoring_events_stored 2 IF "
    )
    assert "proctoring_minute = 500" in text
    assert "(attribute_not_exists(proctoring_minute_events) OR proctoring_minute_events <= 18)" in text
    assert "(attribute_not_exists(proctoring_events_stored) OR proctoring_events_stored <= 98)" in text


def test_cleanup_moves_a_session_its_status_no_longer_allows_into_nothing() -> None:
    """Cleanup acts on what its index said: a session that moved on meanwhile (here: already erasing) is
    left alone, with no write and no error, as a changed due time is."""
    from interview_core.store.cleanup import CleanupIndex

    class Index(CleanupIndex, Store):
        pass

    db = Recorder()
    index = Index(db)
    assert index.begin_erase("sid", SessionStatus.ERASING, "practice#public") is False
    assert db.calls == []
