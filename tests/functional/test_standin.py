"""The embedded AWS stand-in keeps DynamoDB's guarantees that the design relies on."""

import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from infra.dynamodb_locks import LOCKS


def key(pk: str, sk: str = "x") -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def unretried():  # noqa: ANN201
    """A client that shows moto's failures (a 500 from an exception) instead of retrying them away."""
    return boto3.client("dynamodb", config=Config(retries={"total_max_attempts": 1}, max_pool_connections=32))


@pytest.fixture
def interleaved() -> Iterator[None]:
    """Threads switch every few microseconds instead of every 5 ms: a race that moto would otherwise win
    within one time slice of the GIL shows up in a few tries."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


def run_all(*fns) -> list[BaseException]:  # noqa: ANN002
    """Runs the callables on threads at once; returns what they raised."""
    with ThreadPoolExecutor(len(fns)) as pool:
        futures = [pool.submit(fn) for fn in fns]
    return [f.exception() for f in futures if f.exception()]


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


def test_racing_transactions_on_one_item_have_one_winner(aws, interleaved) -> None:
    db, table = unretried(), aws.env["SESSIONS_TABLE"]
    for round_ in range(5):
        claim, tally = key(f"claim{round_}"), key(f"tally{round_}")
        wins: list[int] = []
        barrier = threading.Barrier(12)

        def take(i: int, claim=claim, tally=tally, wins=wins, barrier=barrier) -> None:
            barrier.wait()
            try:
                db.transact_write_items(
                    TransactItems=[
                        {"Put": {"TableName": table, "Item": {**claim, "by": {"N": str(i)}},
                                 "ConditionExpression": "attribute_not_exists(pk)"}},
                        {"Update": {"TableName": table, "Key": tally, "UpdateExpression": "ADD n :one",
                                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
                    ]
                )  # fmt: skip
                wins.append(i)
            except ClientError as e:
                assert e.response["Error"]["Code"] == "TransactionCanceledException"

        assert run_all(*(lambda i=i: take(i) for i in range(12))) == []
        assert len(wins) == 1
        assert db.get_item(TableName=table, Key=claim)["Item"]["by"] == {"N": str(wins[0])}
        assert db.get_item(TableName=table, Key=tally)["Item"]["n"] == {"N": "1"}


def test_a_request_waits_for_its_own_partition_only(aws) -> None:
    db, table = unretried(), aws.env["SESSIONS_TABLE"]
    for pk in ("a", "b"):
        db.put_item(TableName=table, Item={**key(pk), "n": {"N": "0"}})
    bump = {"UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}
    with ThreadPoolExecutor(3) as pool:
        with LOCKS.partition(table, {"S": "a"}):  # as a slow request on partition a would
            on_a = pool.submit(db.update_item, TableName=table, Key=key("a"), **bump)
            on_b = pool.submit(db.update_item, TableName=table, Key=key("b"), **bump)
            on_b.result(timeout=10)  # served meanwhile
            scan = pool.submit(db.scan, TableName=table)  # reads the whole table: waits too
            assert wait([on_a, scan], timeout=1).done == set()
        on_a.result(timeout=10)
        assert scan.result(timeout=10)["Count"] == 2
    assert [db.get_item(TableName=table, Key=key(pk))["Item"]["n"] for pk in "ab"] == [{"N": "1"}] * 2


def test_scans_and_index_queries_racing_writes_never_fail(aws, interleaved) -> None:
    db, table = unretried(), aws.env["SESSIONS_TABLE"]
    writers, each, present = 3, 30, 200
    for start in range(0, present, 25):  # a longer scan: a wider window for a write to land in
        batch = [{"PutRequest": {"Item": key(f"p{i}")}} for i in range(start, start + 25)]
        db.batch_write_item(RequestItems={table: batch})
    done = threading.Event()

    def write(w: int) -> None:
        for i in range(each):
            item = {**key(f"w{w}-{i}"), "list_pk": {"S": "race"}, "list_sk": {"S": f"{w}-{i:03}"}}
            db.put_item(TableName=table, Item=item)
            db.update_item(TableName=table, Key=key(f"w{w}-{i}"), UpdateExpression="SET v = :v",
                           ExpressionAttributeValues={":v": {"S": "x" * 100}})  # fmt: skip
            db.get_item(TableName=table, Key=key(f"missing{w}-{i}"))  # moto inserts an empty partition

    def read(index: bool) -> None:
        seen = 0
        while not done.is_set():
            if index:
                count = db.query(TableName=table, IndexName="ListIndex", KeyConditionExpression="list_pk = :p",
                                 ExpressionAttributeValues={":p": {"S": "race"}}, Select="COUNT")["Count"]  # fmt: skip
            else:
                count = db.scan(TableName=table, Select="COUNT")["Count"]
            assert count >= seen  # items are only added: a read never sees a half-applied table
            seen = count
            done.wait(0.01)  # the reads take the table alone: give the writes some turns

    def writers_then_done() -> None:
        try:
            assert run_all(*(lambda w=w: write(w) for w in range(writers))) == []
        finally:
            done.set()

    assert run_all(writers_then_done, lambda: read(index=True), lambda: read(index=False)) == []
    assert db.scan(TableName=table, Select="COUNT")["Count"] == present + writers * each


def test_a_failed_transaction_undoes_its_own_items_only(aws, interleaved) -> None:
    """A cancelled transaction puts back the items it named, not an older copy of their table: writes that
    other requests made meanwhile, to other partitions or to other items of its partition, all stay."""
    db, table = unretried(), aws.env["SESSIONS_TABLE"]
    db.put_item(TableName=table, Item={**key("guard"), "n": {"N": "0"}})
    stop = threading.Event()
    cancelled = []

    def fail() -> None:
        while not stop.is_set():
            puts = [{"Put": {"TableName": table, "Item": key("tx", f"t{i}")}} for i in range(8)]
            check = {"ConditionCheck": {"TableName": table, "Key": key("guard"), "ConditionExpression": "n = :one",
                                        "ExpressionAttributeValues": {":one": {"N": "1"}}}}  # fmt: skip
            with pytest.raises(ClientError, match="TransactionCanceled"):
                db.transact_write_items(TransactItems=[*puts, check])
            cancelled.append(1)

    def write(w: int) -> None:
        for i in range(30):
            db.put_item(TableName=table, Item=key(f"w{w}-{i}"))
            db.put_item(TableName=table, Item=key("tx", f"w{w}-{i}"))

    def writers_then_stop() -> None:
        try:
            assert run_all(*(lambda w=w: write(w) for w in range(4))) == []
        finally:
            stop.set()

    assert run_all(writers_then_stop, fail, fail) == []
    assert len(cancelled) > 10
    items = db.scan(TableName=table)["Items"]
    keys = {(i["pk"]["S"], i["sk"]["S"]) for i in items}
    assert {(f"w{w}-{i}", "x") for w in range(4) for i in range(30)} <= keys
    assert {("tx", f"w{w}-{i}") for w in range(4) for i in range(30)} <= keys
    assert not [k for k in keys if k[1].startswith("t")]
    assert len(items) == 1 + 2 * 4 * 30


def test_every_attribute_type_reads_back_as_written(aws) -> None:
    """The stand-in writes AttributeValues to its responses itself (moto's model-driven serializer costs
    milliseconds per item): every type, nested or not, binary included, reads back exactly."""
    db, table = boto3.client("dynamodb"), aws.env["SESSIONS_TABLE"]
    values = {
        "s": {"S": "text é"}, "empty": {"S": ""}, "n": {"N": "-1.5"}, "b": {"B": b"\x00\xffbytes"},
        "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"\x01", b"\x02"]},
        "yes": {"BOOL": True}, "no": {"BOOL": False}, "null": {"NULL": True}, "l0": {"L": []}, "m0": {"M": {}},
        "nested": {"L": [{"M": {"b": {"B": b"\x03"}, "l": {"L": [{"N": "7"}, {"NULL": True}]}}}, {"S": "x"}]},
    }  # fmt: skip
    item = {**key("types"), **values}
    db.put_item(TableName=table, Item=item)
    by_key = {"TableName": table, "Key": key("types")}
    reads = [
        db.get_item(**by_key)["Item"],
        db.query(TableName=table, KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues={":p": {"S": "types"}})["Items"][0],
        db.batch_get_item(RequestItems={table: {"Keys": [key("types")]}})["Responses"][table][0],
        db.transact_get_items(TransactItems=[{"Get": by_key}])["Responses"][0]["Item"],
        db.update_item(**by_key, UpdateExpression="SET n = :n", ExpressionAttributeValues={":n": {"N": "-1.5"}},
                       ReturnValues="ALL_NEW")["Attributes"],
    ]  # fmt: skip
    assert reads == [item] * len(reads)


def test_updates_return_the_values_they_ask_for_and_leave_no_change_when_refused(aws) -> None:
    """UpdateItem without old values reads the stored item in place (aws_standin._updates_without_copies):
    each ReturnValues still gets what DynamoDB returns, and a refused update changes nothing."""
    db, table = boto3.client("dynamodb"), aws.env["SESSIONS_TABLE"]
    db.put_item(
        TableName=table, Item={**key("u"), "n": {"N": "1"}, "tags": {"L": [{"S": "a"}]}, "s": {"S": "x"}}
    )

    def update(returns: str, **extra: object) -> dict:
        return db.update_item(
            TableName=table, Key=key("u"), ReturnValues=returns,
            UpdateExpression="SET n = n + :one, tags = list_append(tags, :t)",
            ExpressionAttributeValues={":one": {"N": "1"}, ":t": {"L": [{"S": "b"}]}}, **extra,
        )  # fmt: skip

    assert "Attributes" not in update("NONE")
    assert update("ALL_NEW")["Attributes"]["n"] == {"N": "3"}
    assert update("UPDATED_OLD")["Attributes"] == {"n": {"N": "3"}, "tags": {"L": [{"S": x} for x in "abb"]}}
    old = update("ALL_OLD")["Attributes"]
    assert (old["n"], old["s"]) == ({"N": "4"}, {"S": "x"})
    assert update("UPDATED_NEW")["Attributes"]["n"] == {"N": "6"}
    with pytest.raises(ClientError, match="ConditionalCheckFailed") as refused:
        update("NONE", ConditionExpression="n = :one", ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert refused.value.response["Item"]["n"] == {"N": "6"}
    stored = db.get_item(TableName=table, Key=key("u"))["Item"]
    assert (stored["n"], len(stored["tags"]["L"])) == ({"N": "6"}, 6)
