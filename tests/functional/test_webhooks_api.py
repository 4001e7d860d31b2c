"""The organisation's webhook endpoints through API Gateway events and the webhooks function: registered
with a secret shown once, listed without it, rotated, deleted; refused URLs of every kind; one organisation
never sees or touches another's."""

import pytest

from tests.support.apigw import ApiGateway

HOOKS = "/api/webhooks"
RECEIVER = "http://127.0.0.1:8765/hooks"  # loopback: allowed by the local stand-in's setting only


def register(org: ApiGateway, **body: object) -> dict:
    r = org.post(HOOKS, json={"url": RECEIVER, "events": ["report.ready"], **body})
    assert r.status_code == 201, r.text
    return r.json()


def test_an_endpoint_is_registered_listed_rotated_and_deleted(orgs) -> None:
    acme = orgs["acme"]
    made = register(acme, events=["report.ready", "session.created"], description="Our ATS")
    assert made["secret"].startswith("whsec_") and made["events"] == ["session.created", "report.ready"]
    assert made["enabled"] is True and made["description"] == "Our ATS"
    listed = acme.get(HOOKS).json()["webhooks"]
    assert [w["webhook_id"] for w in listed] == [made["webhook_id"]]
    assert "secret" not in listed[0] and made["secret"] not in str(listed)
    rotated = acme.post(f"{HOOKS}/{made['webhook_id']}/rotate-secret").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != made["secret"]
    assert rotated["secret_rotated_at"]
    gone = acme.request("DELETE", f"{HOOKS}/{made['webhook_id']}")
    assert gone.status_code == 200 and gone.json()["webhook_id"] == made["webhook_id"]
    assert acme.get(HOOKS).json()["webhooks"] == []
    again = acme.request("DELETE", f"{HOOKS}/{made['webhook_id']}")
    assert again.status_code == 404 and "not found" in again.json()["detail"]


def test_only_the_organisation_s_key_manages_its_endpoints(orgs) -> None:
    acme, globex = orgs["acme"], orgs["globex"]
    made = register(acme)
    assert globex.get(HOOKS).json()["webhooks"] == []
    for method, path in (("DELETE", made["webhook_id"]), ("POST", f"{made['webhook_id']}/rotate-secret")):
        r = globex.request(method, f"{HOOKS}/{path}")
        assert r.status_code == 404 and "detail" in r.json()
    assert len(acme.get(HOOKS).json()["webhooks"]) == 1
    assert ApiGateway().get(HOOKS).status_code == 401
    assert ApiGateway().post(HOOKS, json={"url": RECEIVER, "events": ["report.ready"]}).status_code == 401


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://10.0.0.5/hooks", "private"),
        ("https://192.168.0.10/", "private"),
        ("https://[fd00:ec2::254]/", "private"),
        ("ftp://ats.example.com/", "https"),
        ("https://user:secret@ats.example.com/", "user name"),
        ("https://nothing.invalid/", "does not resolve"),
    ],
)
def test_urls_that_reach_anything_but_the_public_internet_are_400_and_store_nothing(
    orgs, url: str, why: str
) -> None:
    r = orgs["acme"].post(HOOKS, json={"url": url, "events": ["report.ready"]})
    assert r.status_code == 400 and why in r.json()["detail"]
    assert orgs["acme"].get(HOOKS).json()["webhooks"] == []


def test_bad_bodies_are_refused_with_a_detail(orgs) -> None:
    acme = orgs["acme"]
    unknown = acme.post(HOOKS, json={"url": RECEIVER, "events": ["payment.failed"]})
    assert unknown.status_code == 422 and "session.created" in str(unknown.json()["detail"])
    for body in ({"url": RECEIVER}, {"url": RECEIVER, "events": []}, {"events": ["report.ready"]},
                 {"url": RECEIVER, "events": ["report.ready"], "extra": 1}):  # fmt: skip
        r = acme.post(HOOKS, json=body)
        assert r.status_code in (400, 422) and r.json()["detail"], body
    assert acme.get(HOOKS).json()["webhooks"] == []


def test_the_organisation_reads_its_endpoint_s_deliveries_and_enables_it_again(orgs, aws, receiver) -> None:
    from interview_core.webhooks.delivery import post
    from interview_core.webhooks.dispatch import Dispatcher
    from interview_core.webhooks.endpoints import DISABLE_AFTER, WebhookEndpoints
    from interview_core.webhooks.messages import Message

    acme, globex = orgs["acme"], orgs["globex"]
    made = acme.post(HOOKS, json={"url": receiver.url, "events": ["report.ready"]}).json()
    endpoints = WebhookEndpoints(aws.env["SESSIONS_TABLE"])
    dispatcher = Dispatcher(aws.env["SESSIONS_TABLE"], endpoints, lambda u, h, b: post(u, h, b, True))
    receiver.status, receiver.body = 500, b"boom"
    for n in range(DISABLE_AFTER):
        dispatcher.handle(Message(f"msg_{n}", "report.ready", "acme", made["webhook_id"], "{}"), attempt=9)
    [shown] = acme.get(HOOKS).json()["webhooks"]
    assert shown["enabled"] is False and "HTTP 500" in shown["disabled_reason"]
    page = acme.get(f"{HOOKS}/{made['webhook_id']}/deliveries", query={"limit": "3"}).json()
    assert [d["webhook_id"] for d in page["deliveries"]] == [f"msg_{n}" for n in (19, 18, 17)]
    assert {(d["status"], d["response_code"], d["response"]) for d in page["deliveries"]} == {
        ("failed", 500, "boom")
    }
    assert globex.get(f"{HOOKS}/{made['webhook_id']}/deliveries").status_code == 404
    assert globex.post(f"{HOOKS}/{made['webhook_id']}/enable").status_code == 404
    assert acme.get(f"{HOOKS}/{made['webhook_id']}/deliveries", query={"limit": "0"}).status_code in (
        400,
        422,
    )
    enabled = acme.post(f"{HOOKS}/{made['webhook_id']}/enable").json()
    assert enabled["enabled"] is True and enabled["consecutive_failures"] == 0
    assert enabled.get("disabled_reason") is None
    receiver.status = 204
    assert (
        dispatcher.handle(Message("msg_ok", "report.ready", "acme", made["webhook_id"], "{}"), 1)
        == "delivered"
    )
