"""The embedded AWS stand-in: a moto server whose tables, queues and buckets come from template.yaml."""

import argparse
import base64
import copy
import gc
import json
import logging
import os
import signal
import subprocess
import sys
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from infra import dynamodb_locks
from infra import template as tpl

REGION = "us-east-1"
PROVISIONED = "provisioned"  # start() tells its child process so, once the template's resources exist
# moto accepts any credentials; these are placeholders, not secrets.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": REGION,
}


_QUERY_SCOPE: ContextVar[tuple[str, Any] | None] = ContextVar("query_scope", default=None)


def _indexed_queries() -> None:
    """moto answers every Query by sorting the whole table (all_items), even for one partition: a query
    costs O(n log n) in the table size, so the stand-in slows down as sessions accumulate. Serve a
    table query from its partition, and an index query from the unsorted items (moto sorts the
    matches itself), which is what DynamoDB's own indexes do."""
    import inspect

    from moto.dynamodb.models import Table

    if getattr(Table, "_indexed_queries", False):
        return
    original_query, original_all_items = Table.query, Table.all_items
    signature = inspect.signature(original_query)

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs).arguments
        hash_key = bound.get("hash_key")
        if bound.get("index_name"):
            scope: tuple[str, Any] = ("unsorted", None)
        elif hash_key is not None and self.range_key_attr:
            scope = ("partition", hash_key)
        else:
            return original_query(self, *args, **kwargs)
        token = _QUERY_SCOPE.set(scope)
        try:
            return original_query(self, *args, **kwargs)
        finally:
            _QUERY_SCOPE.reset(token)

    def all_items(self: Any) -> Any:
        scope = _QUERY_SCOPE.get()
        if scope is None:
            return original_all_items(self)
        kind, hash_key = scope
        if kind == "partition":
            return sorted(self.items.get(hash_key, {}).values(), key=lambda item: item.range_key)
        if self.range_key_attr:
            return [item for partition in self.items.values() for item in partition.values()]
        return list(self.items.values())

    Table.query = query
    Table.all_items = all_items
    Table._indexed_queries = True


def _plain_attribute_values() -> None:
    """moto serialises a response by walking botocore's model of it shape by shape, looking each member up
    under several aliases. An item is a tree of AttributeValue structures, ten members each: a session with
    its answers or a report is hundreds of them, milliseconds per response, and under load most of the
    stand-in's CPU. What moto hands the serializer (dynamo_to_dict) is the wire form already but for
    binary values, which travel as base64: write AttributeValues directly, as the model-driven path would."""
    from moto.core.serialize import BaseJSONSerializer

    if getattr(BaseJSONSerializer, "_plain_attribute_values", False):
        return
    original = BaseJSONSerializer._serialize_type_structure

    def wire(serializer: Any, value: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind, v in value.items():
            if v is None:
                continue
            if kind in ("S", "N"):
                out[kind] = str(v)
            elif kind in ("SS", "NS"):
                out[kind] = [str(x) for x in v]
            elif kind == "B":
                out[kind] = serializer._base64(v)
            elif kind == "BS":
                out[kind] = [serializer._base64(x) for x in v]
            elif kind == "M":
                out[kind] = {k: wire(serializer, x) for k, x in v.items() if x is not None}
            elif kind == "L":
                out[kind] = [x if x is None else wire(serializer, x) for x in v]
            elif kind in ("BOOL", "NULL"):
                out[kind] = v
            # any other key is no member of AttributeValue: the model-driven path drops it too
        return out

    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if key and shape.name == "AttributeValue" and isinstance(value, dict) and self._dynamodb:
            self._default_serialize(serialized, wire(self, value), shape, key)
        else:
            original(self, serialized, value, shape, key)

    BaseJSONSerializer._serialize_type_structure = serialize_structure
    BaseJSONSerializer._dynamodb = property(
        lambda self: self.operation_model.service_model.service_name in ("dynamodb", "dynamodbstreams")
    )
    BaseJSONSerializer._plain_attribute_values = True


def _cheaper_item_sizes() -> None:
    """moto checks the 400 KB item limit on every attribute it stores, by measuring the whole item again,
    and measures a map by re-wrapping every value below it (DynamoType(v) copies the whole subtree): writing
    or updating a session with its answers cost tens of milliseconds, and so did ReturnValues, which
    deep-copies each attribute at every level it converts. The same sizes and values, without the copies;
    a new item is measured once, when all of its attributes are in (an item only grows as they go in)."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, Item
    from moto.dynamodb.models.utilities import bytesize

    if getattr(DynamoType, "_cheaper_sizes", False):
        return
    original_init = Item.__init__

    def size(self: Any) -> int:
        if self.is_number():
            return len(str(self.value))
        if self.is_set():
            measure = (lambda v: len(str(v))) if self.type == "NS" else bytesize
            return sum(measure(v) for v in self.value)
        if self.is_list():
            return sum(v.size() for v in self.value)
        if self.is_map():
            return sum(
                bytesize(k) + (v.size() if type(v) is DynamoType else DynamoType(v).size())
                for k, v in self.value.items()
            )
        if isinstance(self.value, bool):
            return 1
        return bytesize(self.value)

    def to_regular_json(self: Any) -> dict[str, Any]:
        value = self.value
        if isinstance(value, dict | list):
            convert = lambda v: v.to_regular_json() if isinstance(v, DynamoType) else copy.deepcopy(v)  # noqa: E731
            value = (
                {k: convert(v) for k, v in value.items()}
                if isinstance(value, dict)
                else list(map(convert, value))
            )
        if self.is_binary() and isinstance(value, str):
            value = base64.b64decode(value)
        return {self.type: value}

    def item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
        original_init(self, hash_key, range_key, {})
        for key, value in attrs.items():
            dict.__setitem__(self.attrs, key, DynamoType(value))
        if self.size() > 405000:  # LimitedSizeDict's limit
            raise ItemSizeTooLarge

    DynamoType.size = size
    DynamoType.to_regular_json = to_regular_json
    Item.__init__ = item_init
    DynamoType._cheaper_sizes = True


_SHARE_ITEM: ContextVar[bool] = ContextVar("share_item", default=False)


def _updates_without_copies() -> None:
    """moto's UpdateItem deep-copies the whole item twice, for the old values ReturnValues may ask for and
    for a stream's record, and a session with its answers is hundreds of values: a tenth of the stand-in's
    time under load. An update that wants neither (ReturnValues NONE or ALL_NEW, on a table without a
    stream, as every table of the template is) reads the item itself where moto made those copies."""
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.responses import DynamoHandler

    if getattr(Item, "_shared_in_updates", False):
        return
    original_update, original_copy = DynamoHandler.update_item, Item.__deepcopy__

    def update_item(self: Any) -> Any:
        wants_old = self.body.get("ReturnValues", "NONE") not in ("NONE", "ALL_NEW")
        if wants_old or self.dynamodb_backend.get_table(self.body["TableName"]).stream_shard is not None:
            return original_update(self)
        token = _SHARE_ITEM.set(True)
        try:
            return original_update(self)
        finally:
            _SHARE_ITEM.reset(token)

    def deepcopy_item(self: Any, memo: dict[int, Any]) -> Any:
        return self if _SHARE_ITEM.get() else original_copy(self, memo)

    DynamoHandler.update_item = update_item
    Item.__deepcopy__ = deepcopy_item
    Item._shared_in_updates = True


def _untracked_models() -> None:
    """moto appends every model object it ever creates to a class-level list, for its dashboard
    (/moto-api/data.json), and lets go of them only on a reset: every DynamoDB item written (and every
    replaced one, and every copy a transaction takes for its rollback), every SQS message and every S3
    object, deleted or not. A local stack that runs for a day keeps all of it: proctoring floods grew it by
    hundreds of MB. Create the objects without the registration; nothing else reads the lists (S3's reset
    disposes what its buckets still hold)."""
    from moto.core.common_models import BaseModel
    from moto.core.model_instances import reset_model_data

    if getattr(BaseModel, "_untracked", False):
        return

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        return object.__new__(cls)  # BaseModel's own base: what it would call after registering

    BaseModel.__new__ = __new__
    BaseModel._untracked = True
    reset_model_data()  # what was registered before


def _dispatch_once_per_host() -> None:
    """moto finds the service of every request anew, under one lock for the whole server: the local host
    matches no service, so it lists moto's ~150 package directories on disk (a listdir and an isdir each)
    and tries every service's URL patterns, then does it all again for the host the signature names. A
    host's service never changes: look each up once."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if getattr(DomainDispatcherApplication, "_cached_hosts", False):
        return
    original = DomainDispatcherApplication.get_backend_for_host
    found: dict[str | None, Any] = {}

    def get_backend_for_host(self: Any, host: str | None) -> Any:
        if host not in found:  # get_application calls this under its lock
            found[host] = original(self, host)
        return found[host]

    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host
    DomainDispatcherApplication._cached_hosts = True


class MotoServer(ThreadedMotoServer):
    """moto in server mode on a thread, with DynamoDB's atomicity restored (infra/dynamodb_locks.py)."""

    def __init__(self, port: int = 0) -> None:
        super().__init__(ip_address="127.0.0.1", port=port, verbose=False)
        dynamodb_locks.install()
        _indexed_queries()
        _plain_attribute_values()
        _cheaper_item_sizes()
        _updates_without_copies()
        _untracked_models()
        _dispatch_once_per_host()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call drowns the API's log

    @property
    def endpoint(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"


@dataclass
class StandIn:
    endpoint: str
    env: dict[str, str]  # the Lambda environment of template.yaml's Globals, resolved locally
    queue_urls: dict[str, str] = field(default_factory=dict)
    _server: MotoServer | None = None
    _process: subprocess.Popen | None = None

    def stop(self) -> None:
        if self._server:
            self._server.stop()
        if self._process:
            assert self._process.stdin is not None  # started with a pipe: it serves until its input ends
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


# Where the local stand-in differs from a deployment's defaults: the seed's scripts send no API key, so
# access control is off locally (AUTH_REQUIRED=true in the environment turns it on); and the daily quotas
# are far above what a test suite creating hundreds of sessions a minute from 127.0.0.1 spends (exported
# QUOTA_* variables lower them).
# Settings only a local stack has, never a deployment: webhook receivers on loopback (the tests').
LOCAL_ENVIRONMENT = {"WEBHOOK_ALLOW_LOOPBACK": "true"}
LOCAL_PARAMETERS = {
    "RequireApiKey": "false",
    "QuotaSessionsPerDay": "100000",
    "QuotaLlmCallsPerDay": "2000000",
    "QuotaTtsCharsPerDay": "50000000",
    "QuotaAudioMinutesPerDay": "100000",
}


def provision(endpoint: str, template: dict[str, Any] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Create the template's resources on `endpoint`; return (Lambda environment, queue URLs by logical id)."""
    template = template or tpl.load()
    refs: dict[str, str] = {**tpl.parameter_defaults(template), **LOCAL_PARAMETERS}
    arns: dict[str, str] = {}

    ddb = _client("dynamodb", endpoint)
    for name, props in tpl.resources(template, "AWS::DynamoDB::Table").items():
        args = {
            k: props[k] for k in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes") if k in props
        }
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **args)
        if ttl := props.get("TimeToLiveSpecification"):
            ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        refs[name] = name

    sqs = _client("sqs", endpoint)
    queues = tpl.resources(template, "AWS::SQS::Queue")
    for name in queues:
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        refs[name] = url
        arns[name] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
    for name, props in queues.items():
        attrs: dict[str, str] = {
            k: str(props[k]) for k in ("VisibilityTimeout", "MessageRetentionPeriod") if k in props
        }
        if redrive := props.get("RedrivePolicy"):
            target = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
            attrs["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": arns[target], "maxReceiveCount": str(redrive["maxReceiveCount"])}
            )
        if attrs:
            sqs.set_queue_attributes(QueueUrl=refs[name], Attributes=attrs)

    s3 = _client("s3", endpoint)
    for name in tpl.resources(template, "AWS::S3::Bucket"):
        s3.create_bucket(Bucket=name.lower())
        refs[name] = name.lower()

    env_spec = template["Globals"]["Function"]["Environment"]["Variables"]
    env = {key: _resolve(value, refs) for key, value in env_spec.items()}
    return {**env, **LOCAL_ENVIRONMENT}, {name: refs[name] for name in queues}


def _resolve(value: Any, refs: dict[str, str]) -> str:
    if isinstance(value, dict) and "Ref" in value:
        return refs[value["Ref"]]
    return str(value)


def start(port: int = 0, own_process: bool = False) -> StandIn:
    """Start moto on loopback and provision it. The caller applies `env` (plus FAKE_CREDENTIALS).

    `own_process` serves it from a child process, as AWS is served apart from the functions: the API and
    the stand-in then run on two cores instead of taking turns at one interpreter lock (under load each
    holds about half of it). The child stops when this process closes its input, or dies."""
    server = process = None
    if own_process:
        process = subprocess.Popen(
            [sys.executable, "-m", "infra.aws_standin", "--port", str(port)],
            cwd=tpl.ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        endpoint = process.stdout.readline().strip()  # type: ignore[union-attr]
        if not endpoint:
            raise RuntimeError(f"the AWS stand-in did not start (exit code {process.wait()})")
    else:
        server = MotoServer(port)
        server.start()
        endpoint = server.endpoint
    env, queues = provision(endpoint)
    if process:
        assert process.stdin is not None
        process.stdin.write(f"{PROVISIONED}\n")
        process.stdin.flush()
    env = {**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": endpoint, **env}
    return StandIn(endpoint=endpoint, env=env, queue_urls=queues, _server=server, _process=process)


def apply_env(env: dict[str, str]) -> None:
    """Template values are defaults: what the user already exported wins (e.g. OPENAI_API_KEY, LLM_PROVIDER)."""
    for key, value in env.items():
        if key.startswith("AWS_") or key not in os.environ:
            os.environ[key] = value


def _serve() -> None:
    """`python -m infra.aws_standin --port N`: serve moto until standard input ends (start(own_process=True)),
    which writes PROVISIONED to it once it has created the template's resources."""
    parser = argparse.ArgumentParser(description=_serve.__doc__)
    parser.add_argument("--port", type=int, default=0)
    port = parser.parse_args().port
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl+C reaches the whole group: the parent stops us
    logging.basicConfig(level=logging.WARNING)
    server = MotoServer(port)
    server.start()
    print(server.endpoint, flush=True)
    for line in sys.stdin:
        if line.strip() == PROVISIONED:
            # moto's backends and botocore's models, loaded while provisioning, are ~110,000 objects that
            # every full collection walked again under load: 40-75 ms with the interpreter lock held and
            # every AWS call in flight waiting, the slowest answers of bench/load.py. Later ones skip them.
            gc.collect()  # provisioning's own garbage is not kept
            gc.freeze()
    server.stop()


if __name__ == "__main__":
    _serve()
