"""Every function's invocation writes what it recorded as one EMF line, and tags its log lines with its ids.

Each kind of entry point is driven with its sample event (events/*.json) as Lambda would: HTTP behind
Mangum, the SQS worker, the scheduled cleanup, the WebSocket routes; then the local ways in: the app under
uvicorn's ASGI interface and the workers called with no Lambda context.
"""

import copy
import json
import uuid
import warnings
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from interview_core import observability
from interview_core.api.full import build
from interview_core.domain import EvaluationStatus, SessionStatus
from interview_core.live.channel import LiveChannel
from interview_core.live.connections import ConnectionStore
from tests.functional import test_logs_and_errors
from tests.support.apigw import ApiGateway, LambdaContext, function_module
from tests.support.seeding import Kind, seed
from tests.support.ws_gateway import WebSocketGateway

ROOT = Path(__file__).resolve().parents[2]
log_lines = test_logs_and_errors.log_lines
log_output = test_logs_and_errors.log_output  # the fixture: what the handlers logged


def sample(function: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((ROOT / "events" / f"{function}.json").read_text()))


def call(function: str, event: dict[str, Any]) -> tuple[str, Any]:
    """Invoke functions/<function>/app.py's handler as Lambda does: (the invocation's request id, result)."""
    request_id = str(uuid.uuid4())
    return request_id, function_module(function).handler(
        event, LambdaContext(function_name=function, aws_request_id=request_id)
    )


def emf_lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]


def metric_names(emf: dict[str, Any]) -> set[str]:
    return {m["Name"] for m in emf["_aws"]["CloudWatchMetrics"][0]["Metrics"]}


def finished_session(api: ApiGateway) -> str:
    sid = api.post("/start-interview", json={"topic": "SQL", "num_questions": 1}).json()["session_id"]
    api.post("/submit-answer", json={"session_id": sid, "answer": "A join combines rows of two tables."})
    return sid


def test_an_http_invocation_writes_one_emf_line_and_tags_its_logs(aws, capsys, log_output) -> None:
    event = sample("start_interview")
    request_id, result = call("start_interview", event)
    assert result["statusCode"] == 200, result
    [emf] = emf_lines(capsys.readouterr().out)
    assert metric_names(emf) == {"SessionsStarted"} and emf["SessionsStarted"] == [1.0]
    started = next(line for line in log_lines(log_output.getvalue()) if line["message"] == "session started")
    assert started["request_id"] == started["function_request_id"] == request_id
    assert (
        started["correlation_id"] == event["requestContext"]["requestId"]
    )  # API Gateway's, as clients see it
    assert started["function_name"] == "start_interview" and "cold_start" in started
    assert started["session_id"] == json.loads(result["body"])["session_id"]

    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        next_id, result = call("health", sample("health"))
    assert result["statusCode"] == 200
    assert emf_lines(capsys.readouterr().out) == []  # it recorded nothing: nothing written,
    assert not [w for w in warned if "metrics" in str(w.message)]  # and no warning that there was nothing
    keys = observability.logger.get_current_keys()
    assert (
        keys["request_id"] == next_id and "session_id" not in keys
    )  # the previous invocation's keys are gone


def test_each_http_invocation_writes_its_own_metrics(api: ApiGateway, capsys) -> None:
    sid = api.post("/start-interview", json={"topic": "SQL", "num_questions": 2}).json()["session_id"]
    api.post("/submit-answer", json={"session_id": sid, "answer": "First."})
    api.post("/submit-answer", json={"session_id": sid, "answer": "Second."})
    emf = emf_lines(capsys.readouterr().out)
    assert [metric_names(line) for line in emf] == [
        {"SessionsStarted"},
        {"AnswersRecorded"},
        {"AnswersRecorded", "SessionsCompleted"},
    ]


def test_a_worker_invocation_writes_one_emf_line_and_tags_its_logs(
    api: ApiGateway,
    aws,
    capsys,
    log_output,
) -> None:
    sid = finished_session(api)
    event = sample("evaluate_worker")
    event["Records"][0]["body"] = json.dumps({"type": "evaluate_session", "session_id": sid})
    capsys.readouterr()
    request_id, result = call("evaluate_worker", event)
    assert result == {"batchItemFailures": []}
    [emf] = emf_lines(capsys.readouterr().out)
    assert {"EvaluationsCompleted", "EvaluationLatency"} <= metric_names(emf)
    [done] = [line for line in log_lines(log_output.getvalue()) if line["message"] == "evaluation written"]
    assert done["request_id"] == request_id and done["session_id"] == sid
    assert done["function_name"] == "evaluate_worker"
    assert "correlation_id" not in done  # an SQS event has no API Gateway request id


def test_the_scheduled_cleanup_writes_one_emf_line(aws, capsys) -> None:
    stale = Kind("stale", SessionStatus.IN_PROGRESS, EvaluationStatus.NOT_REQUESTED, due_in=-3600)
    seed(aws.env["SESSIONS_TABLE"], aws.env["MEDIA_BUCKET"], [(stale, 3)])
    _, result = call("cleanup", sample("cleanup"))
    assert result["abandoned"] == 3
    [emf] = emf_lines(capsys.readouterr().out)
    assert emf["SessionsAbandoned"] == [3.0]


def test_the_websocket_routes_each_write_their_metrics_before_they_return(
    gateway: WebSocketGateway,
    api: ApiGateway,
    capsys,
    log_output,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """$connect and $disconnect record no metric of their own today: here each records one, which must be
    written by its invocation, not left for whichever the process serves next."""
    sid = api.post("/start-interview", json={"topic": "SQL", "num_questions": 1}).json()["session_id"]
    capsys.readouterr()

    def counting(method: Any, name: str) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            observability.count(name)
            return method(*args, **kwargs)

        return counted

    monkeypatch.setattr(LiveChannel, "on_connect", counting(LiveChannel.on_connect, "Connected"))
    monkeypatch.setattr(ConnectionStore, "delete", counting(ConnectionStore.delete, "Disconnected"))

    status, cid = gateway.connect({"session_id": sid})
    assert status == 200
    assert [metric_names(line) for line in emf_lines(capsys.readouterr().out)] == [{"Connected"}]
    opened = next(
        line for line in log_lines(log_output.getvalue()) if line["message"] == "live connection opened"
    )
    assert opened["request_id"] and opened["function_name"] == "ws_connect" and opened["session_id"] == sid

    gateway.send(cid, {"type": "answer", "question_number": 1, "answer": "A join combines rows."})
    assert [metric_names(line) for line in emf_lines(capsys.readouterr().out)] == [
        {"AnswersRecorded", "SessionsCompleted"}
    ]

    gateway.disconnect(cid)
    assert [metric_names(line) for line in emf_lines(capsys.readouterr().out)] == [{"Disconnected"}]
    assert not observability.metrics.metric_set


def test_served_locally_each_request_gets_a_request_id_and_its_own_emf_line(aws, capsys, log_output) -> None:
    with TestClient(build()) as client:
        r = client.post(
            "/start-interview", json={"topic": "SQL", "num_questions": 1}, headers={"x-request-id": "req-1"}
        )
        sid = r.json()["session_id"]
        client.post("/submit-answer", json={"session_id": sid, "answer": "A join combines rows."})
    emf = emf_lines(capsys.readouterr().out)
    assert [metric_names(line) for line in emf] == [
        {"SessionsStarted"},
        {"AnswersRecorded", "SessionsCompleted"},
    ]
    lines = log_lines(log_output.getvalue())
    started = next(line for line in lines if line["message"] == "session started")
    recorded = next(line for line in lines if line["message"] == "answer recorded")
    assert started["request_id"] == "req-1" and "function_name" not in started  # no Lambda context here
    assert recorded["request_id"] not in ("req-1", None)


def test_run_locally_with_no_lambda_context_the_worker_still_writes_one_emf_line(
    api: ApiGateway,
    aws,
    capsys,
    log_output,
) -> None:
    finished_session(api)
    capsys.readouterr()
    assert aws.drain_evaluations() == 1  # the local poller: handle(event, None)
    [emf] = emf_lines(capsys.readouterr().out)
    assert "EvaluationsCompleted" in metric_names(emf)
    [done] = [line for line in log_lines(log_output.getvalue()) if line["message"] == "evaluation written"]
    assert "function_name" not in done and "request_id" not in done
