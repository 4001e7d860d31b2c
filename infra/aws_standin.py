"""The embedded AWS stand-in: a moto server whose tables, queues and buckets come from template.yaml."""

import json
import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from infra import template as tpl

REGION = "us-east-1"
# moto accepts any credentials; these are placeholders, not secrets.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": REGION,
}


class _AtomicDynamoDB:
    """DynamoDB applies every request, conditional writes and transactions included, atomically; moto's
    backend takes no lock, so racing writes could both pass their conditions. This serves one DynamoDB
    request at a time; other services stay concurrent (an SQS long poll blocks nothing)."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            with self.lock:
                return list(self.app(environ, start_response))
        return self.app(environ, start_response)


class MotoServer(ThreadedMotoServer):
    """moto in server mode on a thread, with DynamoDB's atomicity restored."""

    def __init__(self, port: int = 0) -> None:
        super().__init__(ip_address="127.0.0.1", port=port, verbose=False)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call drowns the API's log

    def _server_entry(self) -> None:
        app = _AtomicDynamoDB(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()

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

    def stop(self) -> None:
        if self._server:
            self._server.stop()


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def provision(endpoint: str, template: dict[str, Any] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Create the template's resources on `endpoint`; return (Lambda environment, queue URLs by logical id)."""
    template = template or tpl.load()
    refs: dict[str, str] = dict(tpl.parameter_defaults(template))
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
        attrs = {k: str(props[k]) for k in ("VisibilityTimeout", "MessageRetentionPeriod") if k in props}
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
    return env, {name: refs[name] for name in queues}


def _resolve(value: Any, refs: dict[str, str]) -> str:
    if isinstance(value, dict) and "Ref" in value:
        return refs[value["Ref"]]
    return str(value)


def start(port: int = 0) -> StandIn:
    """Start moto on loopback and provision it. The caller applies `env` (plus FAKE_CREDENTIALS)."""
    server = MotoServer(port)
    server.start()
    endpoint = server.endpoint
    env, queues = provision(endpoint)
    env = {**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": endpoint, **env}
    return StandIn(endpoint=endpoint, env=env, queue_urls=queues, _server=server)


def apply_env(env: dict[str, str]) -> None:
    """Template values are defaults: what the user already exported wins (e.g. OPENAI_API_KEY, LLM_PROVIDER)."""
    for key, value in env.items():
        if key.startswith("AWS_") or key not in os.environ:
            os.environ[key] = value
