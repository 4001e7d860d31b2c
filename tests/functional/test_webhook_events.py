"""Webhook events through API Gateway events, the workers and a receiver on loopback: a recruiter session's
lifecycle reaches the organisation's endpoint signed and in order with its own ids, an organisation without
endpoints queues nothing, and an event whose sending failed after its change was saved is sent by the
sweep, never lost."""

import json

import boto3
from standardwebhooks.webhooks import Webhook

from infra.sqs_poller import SqsPoller
from interview_core.webhooks import EVENTS
from interview_core.webhooks.events import Events
from tests.support.apigw import ApiGateway

P = "/api/parallel_interview"
CANDIDATE = {"name": "Jane Candidate", "email": "jane.candidate@example.com"}


def deliver(aws) -> int:
    from interview_core.workers.webhooks import handle

    return SqsPoller(aws.queue_urls["WebhookQueue"], handle, retry_seconds=None).drain()


def received(receiver, secret: str) -> list[dict]:
    return [Webhook(secret).verify(body, headers) for headers, body in receiver.got]


def queued(aws) -> int:
    attrs = boto3.client("sqs").get_queue_attributes(
        QueueUrl=aws.queue_urls["WebhookQueue"], AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


def test_a_session_s_lifecycle_reaches_the_organisation_s_endpoint(orgs, aws, receiver) -> None:
    acme = orgs["acme"]
    hook = acme.post("/api/webhooks", json={"url": receiver.url, "events": list(EVENTS)}).json()
    job = acme.post(
        "/api/jobs",
        json={"title": "SRE", "questions": [{"text": "What is a mutex?"}], "external_id": "REQ-7"},
    )
    made = acme.post(
        f"{P}/create", json={**CANDIDATE, "job_id": job.json()["job_id"], "external_id": "APP-42"}
    ).json()
    sid = made["session_id"]
    candidate = ApiGateway({"x-session-token": made["candidate_token"]})
    assert candidate.post(f"{P}/session/{sid}/start").status_code == 200
    done = candidate.post(
        "/submit-answer", json={"session_id": sid, "answer": "A lock for one thread at a time."}
    )
    assert done.json()["status"] == "completed"
    assert aws.drain_evaluations() == 1
    assert deliver(aws) == 4
    events = received(receiver, hook["secret"])
    assert [e["type"] for e in events] == [
        "session.created",
        "session.started",
        "session.completed",
        "report.ready",
    ]
    for e in events:
        assert e["data"]["session_id"] == sid and e["data"]["external_id"] == "APP-42"
        assert e["data"]["job_external_id"] == "REQ-7" and "jane" not in json.dumps(e).lower()
    assert events[3]["data"]["report_path"] == f"/api/reports/{sid}" and "overall_score" in events[3]["data"]
    assert acme.delete(f"{P}/session/{sid}").status_code == 200
    assert deliver(aws) == 1
    erased = received(receiver, hook["secret"])[-1]
    assert erased["type"] == "session.erased" and erased["data"]["reason"] == "request"
    ids = [h["webhook-id"] for h, _ in receiver.got]
    assert len(set(ids)) == 5
    log = acme.get(f"/api/webhooks/{hook['webhook_id']}/deliveries").json()["deliveries"]
    assert len(log) == 5 and {d["status"] for d in log} == {"delivered"}


def test_only_subscribed_endpoints_of_the_session_s_organisation_get_it(orgs, aws, receiver) -> None:
    acme, globex = orgs["acme"], orgs["globex"]
    globex.post("/api/webhooks", json={"url": receiver.url, "events": list(EVENTS)})
    acme.post("/api/webhooks", json={"url": receiver.url, "events": ["report.ready"]})
    acme.post(f"{P}/create", json={**CANDIDATE, "questions": ["What is a mutex?"]})
    assert queued(aws) == 0  # acme takes only report.ready; globex's endpoint never hears of acme's sessions
    table = boto3.client("dynamodb").scan(TableName=aws.env["SESSIONS_TABLE"])["Items"]
    assert not [i for i in table if i["pk"]["S"].startswith("OUTBOX#")]


def test_an_event_not_queued_after_its_change_is_sent_by_the_sweep(orgs, aws, receiver, monkeypatch) -> None:
    from interview_core import wiring

    acme = orgs["acme"]
    hook = acme.post("/api/webhooks", json={"url": receiver.url, "events": ["session.created"]}).json()

    def down(self, bodies, webhook_id):  # noqa: ANN001, ANN202 - the queue is unreachable
        raise ConnectionError("SQS is unreachable")

    with monkeypatch.context() as m:
        m.setattr(Events, "_send", down)
        made = acme.post(f"{P}/create", json={**CANDIDATE, "questions": ["What is a mutex?"]})
    assert made.status_code == 200  # the change is saved; the event waits in the outbox
    assert queued(aws) == 0
    assert wiring.retention_service().sweep().events_requeued == 0  # not due yet: the request may still send
    result = wiring.retention_service().sweep(now=10**10)  # long after the grace
    assert result.events_requeued == 1
    assert wiring.retention_service().sweep(now=10**10).events_requeued == 0  # sent once: the item is gone
    assert deliver(aws) == 1
    [event] = received(receiver, hook["secret"])
    assert event["type"] == "session.created" and event["data"]["session_id"] == made.json()["session_id"]


def test_practice_sessions_queue_no_event(api, aws, receiver) -> None:
    api.post(
        "/api/webhooks", json={"url": receiver.url, "events": ["session.completed"]}
    )  # access control off
    r = api.post(
        "/start-interview", json={"topic": "Data Structures", "difficulty": "simple", "num_questions": 1}
    )
    sid = r.json()["session_id"]
    assert (
        api.post("/submit-answer", json={"session_id": sid, "answer": "A list."}).json()["status"]
        == "completed"
    )
    assert queued(aws) == 0


def test_a_test_event_reaches_only_that_endpoint_and_is_logged(orgs, aws, receiver) -> None:
    acme, globex = orgs["acme"], orgs["globex"]
    hook = acme.post("/api/webhooks", json={"url": receiver.url, "events": ["report.ready"]}).json()
    queued_test = acme.post(f"/api/webhooks/{hook['webhook_id']}/test")
    assert queued_test.status_code == 202 and queued_test.json()["status"] == "queued"
    assert globex.post(f"/api/webhooks/{hook['webhook_id']}/test").status_code == 404
    assert deliver(aws) == 1
    [event] = received(receiver, hook["secret"])
    assert (
        event["type"] == "webhook.test"
        and receiver.got[0][0]["webhook-id"] == queued_test.json()["message_id"]
    )
    [logged] = acme.get(f"/api/webhooks/{hook['webhook_id']}/deliveries").json()["deliveries"]
    assert logged["event_type"] == "webhook.test" and logged["status"] == "delivered"


def test_cleanup_reports_the_sessions_it_abandons_and_erases_to_their_organisation(
    orgs, aws, receiver
) -> None:
    from interview_core import wiring
    from interview_core.domain import epoch_now

    acme, globex = orgs["acme"], orgs["globex"]
    hook = acme.post(
        "/api/webhooks", json={"url": receiver.url, "events": ["session.abandoned", "session.erased"]}
    ).json()
    made = acme.post(
        f"{P}/create", json={**CANDIDATE, "questions": ["What is a mutex?"], "external_id": "APP-9"}
    ).json()
    globex.post(f"{P}/create", json={**CANDIDATE, "questions": ["What is a mutex?"]})  # no endpoints
    day = 24 * 3600
    assert wiring.retention_service().sweep(now=epoch_now() + 2 * day).abandoned == 2
    assert wiring.retention_service().sweep(now=epoch_now() + 40 * day).erased == 2
    assert deliver(aws) == 2
    abandoned, erased = received(receiver, hook["secret"])
    assert abandoned["type"] == "session.abandoned" and abandoned["data"]["status"] == "abandoned"
    assert erased["type"] == "session.erased" and erased["data"]["reason"] == "retention"
    for e in (abandoned, erased):
        assert e["data"]["session_id"] == made["session_id"] and e["data"]["external_id"] == "APP-9"
    assert wiring.retention_service().sweep(now=epoch_now() + 80 * day).examined == 0
    assert deliver(aws) == 0  # nothing twice
