"""What operators see: structured logs with request and session ids, no answer text; JSON 500s."""

import io
import json
from collections.abc import Iterator

import boto3
import pytest

from interview_core.observability import logger
from tests.support.apigw import ApiGateway


def log_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the Lambda would write to CloudWatch: the Powertools handler's JSON lines."""
    buffer = io.StringIO()
    previous = logger.registered_handler.setStream(buffer)
    yield buffer
    logger.registered_handler.setStream(previous)


def test_log_lines_carry_request_and_session_ids_but_no_answer_text(api: ApiGateway, log_output) -> None:
    sid = api.post("/start-interview", json={"topic": "Python", "num_questions": 2}).json()["session_id"]
    api.post("/submit-answer", json={"session_id": sid, "answer": "zebra-marker private words"})
    out = log_output.getvalue()
    lines = log_lines(out)
    recorded = [line for line in lines if line["message"] == "answer recorded"]
    assert len(recorded) == 1
    assert recorded[0]["session_id"] == sid
    assert recorded[0]["request_id"]
    assert recorded[0]["service"] == "mock-interview-api"
    started = next(line for line in lines if line["message"] == "session started")
    assert started["request_id"] != recorded[0]["request_id"]
    assert "zebra-marker" not in out


def test_an_unexpected_failure_is_a_json_500(api: ApiGateway, aws) -> None:
    boto3.client("dynamodb").delete_table(TableName=aws.env["SESSIONS_TABLE"])
    r = api.get("/sessions")
    assert r.status_code == 500
    assert r.json() == {"detail": "Internal server error"}
