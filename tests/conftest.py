import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from infra import aws_standin
from infra.sqs_poller import SqsPoller
from tests.support.apigw import ApiGateway
from tests.support.webhook_receiver import Receiver
from tests.support.ws_gateway import ManagementApi, WebSocketGateway


@dataclass
class Aws:
    endpoint: str
    env: dict[str, str]
    queue_urls: dict[str, str]

    def drain_evaluations(self) -> int:
        """Run the evaluation worker over whatever is queued, as the SQS event source mapping would."""
        from interview_core.workers.evaluate import handle

        return SqsPoller(self.queue_urls["EvaluationQueue"], handle).drain()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = aws_standin.MotoServer()
    server.start()
    yield server.endpoint
    server.stop()


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    """A fresh AWS stand-in provisioned from template.yaml, with the process pointed at it."""
    from interview_core import wiring

    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")).read()
    env, queues = aws_standin.provision(moto_endpoint)
    for key in [k for k in os.environ if k.startswith("OPENAI_")]:
        monkeypatch.delenv(key)
    for key, value in {**aws_standin.FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": moto_endpoint, **env}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("LLM_PROVIDER", "offline")
    wiring.reset()
    yield Aws(moto_endpoint, env, queues)
    wiring.reset()


@pytest.fixture
def api(aws: Aws) -> ApiGateway:
    return ApiGateway()


@pytest.fixture
def gateway(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebSocketGateway]:
    """The API Gateway WebSocket functions (functions/ws_*), replies captured by a local management API."""
    from interview_core import wiring

    mgmt = ManagementApi().start()
    monkeypatch.setenv("WS_MANAGEMENT_ENDPOINT", mgmt.endpoint)
    wiring.reset()
    yield WebSocketGateway(mgmt)
    mgmt.stop()


@pytest.fixture
def acme(gateway: WebSocketGateway, monkeypatch: pytest.MonkeyPatch) -> ApiGateway:
    """Access control on (the deployed default) and a client with the key of organisation acme."""
    from interview_core import wiring

    monkeypatch.setenv("AUTH_REQUIRED", "true")
    wiring.reset()
    key, _ = wiring.api_keys().create("acme", "tests")
    return ApiGateway({"x-api-key": key})


@pytest.fixture
def orgs(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> dict[str, ApiGateway]:
    """Access control on (the deployed default), two organisations with a key each."""
    from interview_core import wiring

    monkeypatch.setenv("AUTH_REQUIRED", "true")
    monkeypatch.setenv("API_KEY_CACHE_SECONDS", "0")
    wiring.reset()
    acme, _ = wiring.api_keys().create("acme", "tests")
    globex, _ = wiring.api_keys().create("globex", "tests")
    return {"acme": ApiGateway({"x-api-key": acme}), "globex": ApiGateway({"x-api-key": globex})}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback."""
    r = Receiver()
    yield r
    r.server.shutdown()
