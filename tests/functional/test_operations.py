"""Operator tooling: dead letters and their redrive, erasure and cleanup commands, metrics."""

import json
import threading
import time

import boto3
import pytest

from infra import admin
from infra.sqs_poller import SqsPoller
from interview_core import wiring
from interview_core.workers.evaluate import handle
from tests.support.apigw import ApiGateway


def finished(api: ApiGateway) -> str:
    sid = api.post("/start-interview", json={"topic": "SQL", "num_questions": 1}).json()["session_id"]
    api.post("/submit-answer", json={"session_id": sid, "answer": "A join combines rows of two tables."})
    return sid


def visible(queue_url: str) -> int:
    attrs = boto3.client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"])


def test_failed_evaluations_land_in_the_dlq_and_redrive_after_the_fix(api, aws, monkeypatch, capsys) -> None:
    sid = finished(api)
    queue, dlq = aws.queue_urls["EvaluationQueue"], aws.queue_urls["EvaluationDeadLetterQueue"]
    monkeypatch.setenv("LLM_PROVIDER", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-placeholder")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # the model is down
    monkeypatch.setenv("OPENAI_MAX_RETRIES", "0")
    wiring.reset()
    poller = SqsPoller(queue, handle, retry_seconds=0)
    for _ in range(6):  # maxReceiveCount is 5: the sixth receive moves it to the dead-letter queue
        poller.poll_once(wait_seconds=0)
    assert (visible(queue), visible(dlq)) == (0, 1)
    assert api.get(f"/api/reports/{sid}").status_code == 202

    monkeypatch.setenv("LLM_PROVIDER", "offline")  # the fix
    wiring.reset()
    monkeypatch.setenv("EVALUATION_DLQ_URL", dlq)
    admin.main(["redrive"])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {"redriven": 1}
    assert visible(dlq) == 0
    poller.drain()
    assert api.get(f"/api/reports/{sid}").status_code == 200


def test_the_local_poller_handles_batches_side_by_side(aws) -> None:
    """As the event source mapping runs several invocations at once (its MaximumConcurrency), so that a
    class finishing together is not evaluated one after another."""
    queue = aws.queue_urls["EvaluationQueue"]
    for i in range(3):
        boto3.client("sqs").send_message(QueueUrl=queue, MessageBody=str(i))
    together = threading.Barrier(3, timeout=10)
    handled: list[str] = []

    def handler(event: dict, _context: object) -> dict:
        together.wait()  # passes only while three batches are in hand at once
        handled.extend(r["body"] for r in event["Records"])
        return {"batchItemFailures": []}

    poller = SqsPoller(queue, handler, batch_size=1, workers=3).start()
    try:
        deadline = time.monotonic() + 20
        while len(handled) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        poller.stop()
    assert sorted(handled) == ["0", "1", "2"]


def test_erase_command(api, aws, capsys) -> None:
    sid = finished(api)
    admin.main(["erase", sid])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {"erased": sid}
    assert api.get(f"/session/{sid}").status_code == 404
    with pytest.raises(SystemExit, match="not found"):
        admin.main(["erase", sid])


def test_cleanup_command_reports_what_it_did(aws, capsys) -> None:
    admin.main(["cleanup"])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["complete"] is True and result["examined"] == 0


def test_metrics_are_emitted_as_emf_without_personal_data(api, capsys) -> None:
    sid = api.post("/start-interview", json={"topic": "SQL", "num_questions": 1}).json()["session_id"]
    api.post("/submit-answer", json={"session_id": sid, "answer": "zebra-marker answer"})
    out = capsys.readouterr().out
    emf = [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]
    names = {m["Name"] for line in emf for m in line["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert {"SessionsStarted", "AnswersRecorded", "SessionsCompleted"} <= names
    assert all(line["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "MockInterviewApi" for line in emf)
    assert "zebra-marker" not in out and sid not in "".join(json.dumps(line) for line in emf)
