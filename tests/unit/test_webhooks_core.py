"""Webhook signing against the Standard Webhooks specification's published example, the address guard
against every kind of address a delivery must not reach, and real deliveries to a receiver on loopback."""

import json

import pytest
from standardwebhooks.webhooks import Webhook

from interview_core.errors import InvalidRequest
from interview_core.webhooks import new_secret
from interview_core.webhooks.delivery import KEPT_BYTES, post
from interview_core.webhooks.signing import signed_headers
from interview_core.webhooks.targets import check
from tests.support.webhook_receiver import Receiver

# The specification's example (standard-webhooks/standard-webhooks, spec and its libraries' tests)
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID, SPEC_TS, SPEC_BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signing_gives_the_specification_s_example_signature() -> None:
    headers = signed_headers([SPEC_SECRET], SPEC_ID, SPEC_TS, SPEC_BODY)
    assert headers == {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(SPEC_TS),
        "webhook-signature": SPEC_SIGNATURE,
    }


def test_during_a_rotation_either_secret_verifies() -> None:
    old, new = new_secret(), new_secret()
    assert old.startswith("whsec_") and old != new and len(old) > 40
    import time

    now = int(time.time())
    headers = signed_headers([new, old], "msg_1", now, '{"a": 1}')
    assert len(headers["webhook-signature"].split(" ")) == 2
    for key in (old, new):
        assert Webhook(key).verify('{"a": 1}', headers) == {"a": 1}
    with pytest.raises(Exception, match="signature"):
        Webhook(new_secret()).verify('{"a": 1}', headers)
    with pytest.raises(ValueError):
        signed_headers([], "msg_1", now, "{}")


def public(host: str, port: int) -> list[str]:
    return ["93.184.215.14"]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://hooks.example.com/in", "https"),
        ("ftp://hooks.example.com/in", "https"),
        ("https:///no-host", "https"),
        ("https://user:pw@hooks.example.com/", "user name"),
        ("https://127.0.0.1/", "loopback"),
        ("https://127.8.9.10:8443/", "loopback"),
        ("https://[::1]/", "loopback"),
        ("https://[::ffff:127.0.0.1]/", "loopback"),
        ("https://10.0.0.8/", "private"),
        ("https://172.16.3.4/", "private"),
        ("https://192.168.1.1/", "private"),
        ("https://100.64.0.1/", "private"),  # shared address space (carrier-grade NAT)
        ("https://0.0.0.0/", "private"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),  # the instance metadata service
        ("https://[fd00:ec2::254]/", "private"),  # its IPv6 address
        ("https://[fe80::1]/", "link-local"),
        ("https://224.0.0.1/", "multicast"),
        ("https://hooks.example.com:99999/", "valid URL"),
        ("https://" + "a" * 2_001, "2000"),
    ],
)
def test_urls_that_reach_anything_but_the_public_internet_are_refused(url: str, why: str) -> None:
    with pytest.raises(InvalidRequest, match=why):
        check(url, resolver=public)


def test_a_name_is_judged_by_every_address_it_resolves_to() -> None:
    assert check("https://hooks.example.com/in?x=1", resolver=public).path == "/in?x=1"
    with pytest.raises(InvalidRequest, match="loopback"):
        check("https://localhost/")  # the real resolver
    with pytest.raises(InvalidRequest, match="private"):
        check("https://mixed.example.com/", resolver=lambda h, p: ["93.184.215.14", "10.1.2.3"])
    with pytest.raises(InvalidRequest, match="does not resolve"):
        check("https://nothing.invalid/")


def test_loopback_is_allowed_only_by_the_setting_and_plain_http_only_there() -> None:
    target = check("http://127.0.0.1:9000/hook", allow_loopback=True)
    assert (target.host, target.port, target.addresses) == ("127.0.0.1", 9000, ("127.0.0.1",))
    with pytest.raises(InvalidRequest, match="https"):
        check("http://hooks.example.com/", allow_loopback=True, resolver=public)
    with pytest.raises(InvalidRequest, match="private"):
        check("https://10.0.0.1/", allow_loopback=True)


def test_a_signed_delivery_reaches_a_loopback_receiver_that_verifies_it(receiver: Receiver) -> None:
    secret, body = new_secret(), json.dumps({"type": "report.ready", "data": {"session_id": "s1"}})
    import time

    headers = signed_headers([secret], "msg_abc", int(time.time()), body)
    attempt = post(receiver.url, headers, body.encode(), allow_loopback=True)
    assert attempt.ok and attempt.status == 204 and attempt.error is None and attempt.latency_ms >= 0
    [(got_headers, got_body)] = receiver.got
    assert Webhook(secret).verify(got_body, got_headers)["type"] == "report.ready"
    assert got_headers["content-type"] == "application/json" and got_headers["host"].startswith("127.0.0.1")


def test_failures_redirects_and_long_replies_are_recorded_not_followed(receiver: Receiver) -> None:
    receiver.status, receiver.body = 500, b"x" * 5_000
    failed = post(receiver.url, {}, b"{}", allow_loopback=True)
    assert not failed.ok and failed.status == 500 and len(failed.response) == KEPT_BYTES
    receiver.status, receiver.body, receiver.location = 302, b"", "http://169.254.169.254/latest/meta-data/"
    moved = post(receiver.url, {}, b"{}", allow_loopback=True)
    assert not moved.ok and moved.status == 302 and "redirect" in (moved.error or "")
    assert len(receiver.got) == 2  # the redirect's target was never asked
    refused = post(receiver.url, {}, b"{}")  # loopback not allowed: no connection at all
    assert not refused.ok and refused.status is None and "loopback" in (refused.error or "")
    assert len(receiver.got) == 2


def test_a_name_that_rebinds_to_a_private_address_after_registration_is_refused_at_delivery(
    receiver: Receiver,
) -> None:
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])
    check("https://rebind.example.com/", resolver=lambda h, p: next(answers))  # registration: public
    attempt = post("https://rebind.example.com/", {}, b"{}", resolver=lambda h, p: next(answers))
    assert not attempt.ok and "loopback" in (attempt.error or "") and receiver.got == []


def test_an_unreachable_receiver_is_a_failed_attempt_not_an_exception() -> None:
    attempt = post("http://127.0.0.1:9/", {}, b"{}", allow_loopback=True)  # discard port: nothing listens
    assert not attempt.ok and attempt.status is None and attempt.error
