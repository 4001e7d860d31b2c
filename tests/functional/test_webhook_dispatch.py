"""The dispatching worker's core against the DynamoDB stand-in and a receiver on loopback: a signed delivery
made once per webhook-id (also when two copies race), the same payload on every retry, spaced retries for
about a day and then given up, deleted and disabled endpoints, and the log the organisation reads."""

import json
import threading
import time

import pytest
from standardwebhooks.webhooks import Webhook

from interview_core.webhooks.delivery import post
from interview_core.webhooks.dispatch import MAX_ATTEMPTS, RETRY_DELAYS, Dispatcher, retry_delay
from interview_core.webhooks.endpoints import WebhookEndpoints
from interview_core.webhooks.messages import Message
from tests.support.webhook_receiver import Receiver


@pytest.fixture
def endpoints(aws) -> WebhookEndpoints:
    return WebhookEndpoints(aws.env["SESSIONS_TABLE"])


@pytest.fixture
def dispatcher(aws, endpoints: WebhookEndpoints) -> Dispatcher:
    return Dispatcher(
        aws.env["SESSIONS_TABLE"], endpoints, lambda u, h, b: post(u, h, b, allow_loopback=True)
    )


def message(endpoint_id: str, webhook_id: str = "msg_1") -> Message:
    payload = json.dumps({"type": "report.ready", "data": {"session_id": "s-1", "external_id": "APP-9"}})
    return Message(webhook_id, "report.ready", "acme", endpoint_id, payload)


def test_a_delivery_is_signed_sent_once_and_logged(dispatcher, endpoints, receiver: Receiver) -> None:
    made, secret = endpoints.create("acme", receiver.url, ["report.ready"], None)
    sent = message(made.webhook_id)
    assert dispatcher.handle(sent, attempt=1) == "delivered"
    assert dispatcher.handle(sent, attempt=2) == "duplicate"  # redelivered by the queue: not sent again
    [(headers, body)] = receiver.got
    assert headers["webhook-id"] == "msg_1" and body == sent.payload.encode()
    assert Webhook(secret).verify(body, headers)["data"]["external_id"] == "APP-9"
    [logged] = dispatcher.log.recent(made.webhook_id)
    assert logged.status == "delivered" and logged.response_code == 204 and logged.attempt == 1
    assert logged.latency_ms is not None and logged.webhook_id == "msg_1"


def test_a_failing_receiver_gets_the_same_payload_until_it_is_given_up(
    dispatcher, endpoints, receiver: Receiver
) -> None:
    receiver.status, receiver.body = 503, b"down for maintenance"
    made, _ = endpoints.create("acme", receiver.url, ["report.ready"], None)
    sent = message(made.webhook_id)
    assert [dispatcher.handle(sent, attempt=n) for n in range(1, MAX_ATTEMPTS)] == ["retry"] * (
        MAX_ATTEMPTS - 1
    )
    assert endpoints.get("acme", made.webhook_id).consecutive_failures == 0  # not a final failure yet
    assert dispatcher.handle(sent, attempt=MAX_ATTEMPTS) == "gave_up"
    assert {body for _, body in receiver.got} == {sent.payload.encode()} and len(receiver.got) == MAX_ATTEMPTS
    assert len({h["webhook-id"] for h, _ in receiver.got}) == 1
    log = dispatcher.log.recent(made.webhook_id)
    assert [a.attempt for a in log] == list(range(MAX_ATTEMPTS, 0, -1))  # newest first
    assert log[0].status == "failed" and log[0].response_code == 503
    assert log[0].response == "down for maintenance" and log[0].error == "HTTP 503"
    assert endpoints.get("acme", made.webhook_id).consecutive_failures == 1
    # redriven from the dead-letter queue (its count starts again) once the receiver is back: delivered once
    receiver.status = 204
    assert dispatcher.handle(sent, attempt=1) == "delivered"
    assert dispatcher.handle(sent, attempt=2) == "duplicate"
    assert endpoints.get("acme", made.webhook_id).consecutive_failures == 0


def test_retries_are_spread_over_about_a_day() -> None:
    low = sum(retry_delay(n, rng=lambda: 0.0) or 0 for n in range(1, MAX_ATTEMPTS))
    high = sum(retry_delay(n, rng=lambda: 1.0) or 0 for n in range(1, MAX_ATTEMPTS))
    assert 18 * 3600 < low < sum(RETRY_DELAYS) < high < 30 * 3600
    assert retry_delay(MAX_ATTEMPTS) is None
    assert len({retry_delay(1) for _ in range(50)}) > 1  # jittered


def test_deleted_and_disabled_endpoints_get_nothing(dispatcher, endpoints, receiver: Receiver) -> None:
    gone, _ = endpoints.create("acme", receiver.url, ["report.ready"], None)
    endpoints.delete("acme", gone.webhook_id)
    assert dispatcher.handle(message(gone.webhook_id), attempt=1) == "dropped"
    off, _ = endpoints.create("acme", receiver.url, ["report.ready"], None)
    for _ in range(20):
        endpoints.record("acme", off.webhook_id, delivered=False, reason="HTTP 500")
    assert dispatcher.handle(message(off.webhook_id), attempt=1) == "dropped"
    assert receiver.got == []
    [skipped] = dispatcher.log.recent(off.webhook_id)
    assert skipped.status == "skipped" and "disabled" in (skipped.error or "")
    # another organisation's message for this endpoint id finds no endpoint
    foreign = Message("msg_2", "report.ready", "globex", off.webhook_id, "{}")
    assert dispatcher.handle(foreign, attempt=1) == "dropped"


def test_two_copies_at_once_make_one_request(aws, endpoints) -> None:
    slow = Receiver()
    try:
        made, _ = endpoints.create("acme", slow.url, ["report.ready"], None)

        def slowly(url: str, headers: dict[str, str], body: bytes):  # noqa: ANN202
            time.sleep(0.5)
            return post(url, headers, body, allow_loopback=True)

        dispatcher = Dispatcher(aws.env["SESSIONS_TABLE"], endpoints, slowly)
        outcomes: list[str] = []
        threads = [
            threading.Thread(target=lambda: outcomes.append(dispatcher.handle(message(made.webhook_id), 1)))
            for _ in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["busy", "delivered"] and len(slow.got) == 1
    finally:
        slow.server.shutdown()


@pytest.mark.parametrize(
    "body", ["{}", "[]", "not json", json.dumps({"type": "evaluate_session", "session_id": "s"}),
             json.dumps({"type": "webhook_delivery", "webhook_id": "m"})],
)  # fmt: skip
def test_anything_but_a_delivery_message_is_refused(body: str) -> None:
    with pytest.raises(ValueError):
        Message.parse(body)


def test_a_message_survives_the_queue() -> None:
    sent = message("e-1")
    assert Message.parse(sent.body()) == sent
