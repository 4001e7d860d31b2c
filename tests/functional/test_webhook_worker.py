"""The webhook_dispatch and webhook_delivery functions, driven with real SQS and invocation events against the
stand-in: a queued event reaches a receiver on loopback once, a failure waits in the queue for its retry,
the last attempt goes to the dead-letter queue, and the delivery function takes only delivery requests."""

import base64
import json

import boto3
import pytest

from infra.sqs_poller import sqs_event
from interview_core.webhooks.dispatch import MAX_ATTEMPTS
from interview_core.webhooks.endpoints import WebhookEndpoints
from interview_core.webhooks.messages import Message
from interview_core.webhooks.remote import poster
from tests.support.apigw import invoke


def queued(aws, endpoint_id: str, webhook_id: str = "msg_w1") -> list[dict]:
    sqs = boto3.client("sqs")
    url = aws.queue_urls["WebhookQueue"]
    payload = json.dumps({"type": "session.completed", "data": {"session_id": "s-1"}})
    sqs.send_message(
        QueueUrl=url,
        MessageBody=Message(webhook_id, "session.completed", "acme", endpoint_id, payload).body(),
    )
    return receive(aws)


def receive(aws) -> list[dict]:
    got = boto3.client("sqs").receive_message(
        QueueUrl=aws.queue_urls["WebhookQueue"], AttributeNames=["All"], MaxNumberOfMessages=10
    )
    return got.get("Messages", [])


def dispatch(aws, messages: list[dict]) -> dict:
    arn = "arn:aws:sqs:us-east-1:123456789012:WebhookQueue"
    return invoke("webhook_dispatch", sqs_event(messages, arn, "us-east-1"))


def test_a_queued_event_is_delivered_once(aws, receiver) -> None:
    made, _ = WebhookEndpoints(aws.env["SESSIONS_TABLE"]).create(
        "acme", receiver.url, ["session.completed"], None
    )
    messages = queued(aws, made.webhook_id)
    assert dispatch(aws, messages) == {"batchItemFailures": []}
    assert dispatch(aws, messages) == {"batchItemFailures": []}  # the same message again: acknowledged
    assert len(receiver.got) == 1 and receiver.got[0][0]["webhook-id"] == "msg_w1"


def test_a_failure_waits_for_its_retry_and_the_last_goes_to_the_dead_letter_queue(aws, receiver) -> None:
    receiver.status = 500
    made, _ = WebhookEndpoints(aws.env["SESSIONS_TABLE"]).create(
        "acme", receiver.url, ["session.completed"], None
    )
    messages = queued(aws, made.webhook_id)
    result = dispatch(aws, messages)
    assert result == {"batchItemFailures": [{"itemIdentifier": messages[0]["MessageId"]}]}
    assert receive(aws) == []  # hidden for the retry's delay (10 s, give or take 20%)
    last = [
        {
            **messages[0],
            "Attributes": {**messages[0]["Attributes"], "ApproximateReceiveCount": str(MAX_ATTEMPTS)},
        }
    ]
    assert dispatch(aws, last)["batchItemFailures"]  # given up: visible at once, for the redrive to move
    [again] = receive(aws)
    assert again["MessageId"] == messages[0]["MessageId"] and len(receiver.got) == 2
    assert WebhookEndpoints(aws.env["SESSIONS_TABLE"]).get("acme", made.webhook_id).consecutive_failures == 1


def test_a_malformed_message_is_a_failure_not_a_request(aws, receiver) -> None:
    boto3.client("sqs").send_message(QueueUrl=aws.queue_urls["WebhookQueue"], MessageBody="{not json")
    messages = receive(aws)
    assert dispatch(aws, messages)["batchItemFailures"] == [{"itemIdentifier": messages[0]["MessageId"]}]
    assert receiver.got == []


def test_the_delivery_function_makes_one_checked_request(aws, receiver) -> None:
    body = b'{"type": "session.completed"}'
    request = {
        "url": receiver.url,
        "headers": {"webhook-id": "msg_d1"},
        "body": base64.b64encode(body).decode(),
    }
    attempt = invoke("webhook_delivery", request)
    assert attempt["ok"] is True and attempt["status"] == 204
    assert receiver.got[0][1] == body and receiver.got[0][0]["webhook-id"] == "msg_d1"
    refused = invoke("webhook_delivery", {**request, "url": "https://169.254.169.254/latest/meta-data/"})
    assert refused["ok"] is False and refused["status"] is None and "refused" in refused["error"]
    with pytest.raises(ValueError):
        invoke("webhook_delivery", {"headers": {}})
    assert len(receiver.got) == 1


def test_a_delivery_function_that_cannot_be_invoked_is_a_failed_attempt(aws) -> None:
    attempt = poster("no-such-function")("https://ats.example.com/", {}, b"{}")
    assert attempt.ok is False and "delivery function" in (attempt.error or "")
