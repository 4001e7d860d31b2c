"""The embedded AWS stand-in keeps DynamoDB's guarantees that the design relies on."""

import threading

import boto3
import pytest
from botocore.exceptions import ClientError


def key(pk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": "x"}}


def test_a_cancelled_transaction_leaves_no_partial_write(aws) -> None:
    db, table = boto3.client("dynamodb"), aws.env["SESSIONS_TABLE"]
    db.put_item(TableName=table, Item={**key("a"), "n": {"N": "1"}, "tags": {"L": [{"S": "keep"}]}})
    db.put_item(TableName=table, Item={**key("b"), "n": {"N": "1"}})
    db.put_item(TableName=table, Item={**key("d"), "n": {"N": "1"}})
    with pytest.raises(ClientError, match="TransactionCanceled"):
        db.transact_write_items(
            TransactItems=[
                {"Update": {"TableName": table, "Key": key("a"),
                            "UpdateExpression": "SET n = n + :one, tags = list_append(tags, :t)",
                            "ExpressionAttributeValues": {":one": {"N": "1"}, ":t": {"L": [{"S": "lost"}]}}}},
                {"Put": {"TableName": table, "Item": {**key("c"), "n": {"N": "1"}}}},
                {"Delete": {"TableName": table, "Key": key("b")}},
                {"ConditionCheck": {"TableName": table, "Key": key("d"), "ConditionExpression": "n = :two",
                                    "ExpressionAttributeValues": {":two": {"N": "2"}}}},
            ]
        )  # fmt: skip
    a = db.get_item(TableName=table, Key=key("a"))["Item"]
    assert (a["n"], a["tags"]) == ({"N": "1"}, {"L": [{"S": "keep"}]})
    assert "Item" in db.get_item(TableName=table, Key=key("b"))
    assert "Item" not in db.get_item(TableName=table, Key=key("c"))


def test_racing_conditional_writes_are_atomic(aws) -> None:
    db, table = boto3.client("dynamodb"), aws.env["SESSIONS_TABLE"]
    db.put_item(TableName=table, Item={**key("counter"), "n": {"N": "0"}})
    wins: list[int] = []
    barrier = threading.Barrier(8)

    def bump(i: int) -> None:
        barrier.wait()
        try:
            db.update_item(
                TableName=table,
                Key=key("counter"),
                UpdateExpression="SET n = :one",
                ConditionExpression="n = :zero",
                ExpressionAttributeValues={":one": {"N": "1"}, ":zero": {"N": "0"}},
            )
            wins.append(i)
        except ClientError:
            pass

    threads = [threading.Thread(target=bump, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1
