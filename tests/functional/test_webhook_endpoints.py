"""The webhook endpoint store against the DynamoDB stand-in: made with a secret shown once, bounded per
organisation (with real concurrency), rotated with the old secret valid for 24 h, disabled after failures
in a row with the reason, and invisible across organisations."""

import threading

import pytest

from interview_core.errors import InvalidRequest, WebhookNotFound
from interview_core.webhooks.endpoints import DISABLE_AFTER, MAX_ENDPOINTS, ROTATION_SECONDS, WebhookEndpoints


@pytest.fixture
def endpoints(aws) -> WebhookEndpoints:
    return WebhookEndpoints(aws.env["SESSIONS_TABLE"])


def test_an_endpoint_is_made_listed_and_read_without_its_secret(endpoints: WebhookEndpoints) -> None:
    made, secret = endpoints.create(
        "acme", "https://ats.example.com/hooks", ["report.ready", "session.created"], "ATS"
    )
    assert secret.startswith("whsec_")
    assert made.events == ["session.created", "report.ready"] and made.enabled and made.description == "ATS"
    for read in (endpoints.get("acme", made.webhook_id), *endpoints.list("acme")):
        assert read == made and secret not in read.model_dump_json()
    assert endpoints.stored("acme", made.webhook_id).signing_secrets(0) == [secret]
    with pytest.raises(WebhookNotFound):
        endpoints.get("globex", made.webhook_id)  # another organisation's is not found
    assert endpoints.list("globex") == []
    with pytest.raises(WebhookNotFound):
        endpoints.get("acme", "not-a-uuid")


def test_events_must_be_known(endpoints: WebhookEndpoints) -> None:
    for events in ([], ["session.created", "payment.failed"]):
        with pytest.raises(InvalidRequest, match="events"):
            endpoints.create("acme", "https://ats.example.com/", events, None)
    assert endpoints.list("acme") == []


def test_an_organisation_has_at_most_its_bound_of_endpoints_even_when_they_race(
    endpoints: WebhookEndpoints,
) -> None:
    results: list[str] = []
    barrier = threading.Barrier(MAX_ENDPOINTS + 4)

    def make(i: int) -> None:
        barrier.wait()
        try:
            endpoints.create("acme", f"https://ats.example.com/{i}", ["report.ready"], None)
            results.append("made")
        except InvalidRequest:
            results.append("refused")

    threads = [threading.Thread(target=make, args=(i,)) for i in range(MAX_ENDPOINTS + 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("made") == MAX_ENDPOINTS == len(endpoints.list("acme"))
    first = endpoints.list("acme")[0]
    endpoints.delete("acme", first.webhook_id)
    endpoints.create("acme", "https://ats.example.com/again", ["report.ready"], None)  # room again
    with pytest.raises(WebhookNotFound):
        endpoints.delete("acme", first.webhook_id)


def test_a_rotated_secret_leaves_the_old_one_signing_for_a_day(endpoints: WebhookEndpoints) -> None:
    made, old = endpoints.create("acme", "https://ats.example.com/", ["report.ready"], None)
    rotated, new = endpoints.rotate("acme", made.webhook_id)
    assert new != old and rotated.secret_rotated_at
    stored = endpoints.stored("acme", made.webhook_id)
    until = stored.previous_secret_until or 0
    assert stored.signing_secrets(until - 1) == [new, old]
    assert stored.signing_secrets(until) == [new]
    assert stored.secret_rotated_at and until > ROTATION_SECONDS


def test_failures_in_a_row_disable_an_endpoint_saying_why_and_a_success_resets_them(
    endpoints: WebhookEndpoints,
) -> None:
    made, _ = endpoints.create("acme", "https://ats.example.com/", ["report.ready"], None)
    for _ in range(DISABLE_AFTER - 1):
        endpoints.record("acme", made.webhook_id, False, "HTTP 500")
    endpoints.record("acme", made.webhook_id, True)
    assert endpoints.get("acme", made.webhook_id).consecutive_failures == 0
    for _ in range(DISABLE_AFTER):
        endpoints.record("acme", made.webhook_id, False, "HTTP 503")
    read = endpoints.get("acme", made.webhook_id)
    assert (
        not read.enabled
        and "HTTP 503" in (read.disabled_reason or "")
        and str(DISABLE_AFTER) in (read.disabled_reason or "")
    )
    assert endpoints.subscribed("acme", "report.ready") == []
    endpoints.delete("acme", made.webhook_id)
    endpoints.record("acme", made.webhook_id, False, "late")  # deleted meanwhile: stays deleted
    assert endpoints.list("acme") == []
