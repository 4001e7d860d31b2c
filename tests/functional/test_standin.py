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


def test_written_items_and_transaction_snapshots_are_not_kept_after_use(aws) -> None:
    """moto registers every model object it creates for its dashboard; the stand-in does not, so what a
    long-running local stack holds is what its tables hold, not every write it ever served."""
    import gc

    from moto.dynamodb.models import Table
    from moto.dynamodb.models.dynamo_type import Item
    from moto.sqs.models import Message

    db, table = boto3.client("dynamodb"), aws.env["SESSIONS_TABLE"]
    for i in range(20):
        db.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": {"pk": {"S": "s"}, "sk": {"S": f"e{i}"}}}}]
        )
        db.put_item(TableName=table, Item={**key("replaced"), "n": {"N": str(i)}})
    boto3.client("sqs").send_message(QueueUrl=aws.queue_urls["EvaluationQueue"], MessageBody="{}")
    gc.collect()
    assert (Item.instances_tracked, Table.instances_tracked, Message.instances_tracked) == ([], [], [])
    tables = [o for o in gc.get_objects() if type(o) is Table and o.name == table]
    assert len(tables) == 1  # no transaction snapshot survives its transaction
    assert len(db.query(TableName=table, KeyConditionExpression="pk = :s",
                        ExpressionAttributeValues={":s": {"S": "s"}})["Items"]) == 20  # fmt: skip
