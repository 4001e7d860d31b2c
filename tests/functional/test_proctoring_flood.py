"""A candidate cannot push their own session out of reach by flooding it with proctoring events, over
HTTP or the live channel: the session and its report are keyed reads, events are capped per session and
rate limited per minute, and what is beyond the cap still counts."""

import json
import threading
import time
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest

from interview_core import wiring
from tests.functional.test_answer_races_and_budget import dynamodb_calls
from tests.support.apigw import ApiGateway
from tests.support.images import two_faces_jpeg

P = "/api/parallel_interview"
DETAIL = "x" * 200  # the longest detail a client may send
CAP = 2000


@pytest.fixture
def same_minute(monkeypatch) -> None:
    """The rate limit's clock held in the middle of one minute, so no test races the minute turning."""
    from interview_core.services import proctoring

    held = (time.time() // 60) * 60 + 30
    monkeypatch.setattr(proctoring, "time", SimpleNamespace(time=lambda: held))


def create(api: ApiGateway) -> tuple[str, ApiGateway]:
    r = api.post(
        f"{P}/create", json={"name": "Flo Candidate", "email": "flo@example.com", "questions": ["Q1?", "Q2?"]}
    )
    assert r.status_code == 200, r.text
    made = r.json()
    return made["session_id"], ApiGateway({"x-session-token": made["candidate_token"]})


def batch(n: int = 50, kind: str = "tab_hidden") -> dict[str, Any]:
    return {"events": [{"type": kind, "detail": DETAIL} for _ in range(n)]}


def finish(candidate: ApiGateway, sid: str, aws) -> None:
    assert candidate.post(f"{P}/session/{sid}/start").status_code == 200
    for text in ("first answer", "second answer"):
        assert candidate.post("/submit-answer", json={"session_id": sid, "answer": text}).status_code == 200
    assert aws.drain_evaluations() == 1


def test_a_flood_past_the_old_1_mb_page_leaves_detail_report_and_live_channel_working(
    acme: ApiGateway, aws, gateway, monkeypatch
) -> None:
    monkeypatch.setenv("PROCTORING_EVENTS_PER_MINUTE", "100000")  # the flood itself, not the rate limit
    wiring.reset()
    sid, candidate = create(acme)
    token = candidate.headers["x-session-token"]
    # 3,400 events of ~400 bytes over HTTP and the live channel at once: ~1.4 MB, past the single 1 MB
    # Query page the session used to be read with.
    status, conn = gateway.connect({"session_id": sid, "token": token})
    assert status == 200
    frame = json.dumps({"type": "proctoring", **batch()})
    threads = [
        threading.Thread(
            target=lambda: [candidate.post(f"/api/proctoring/{sid}/events", json=batch()) for _ in range(17)]
        )
        for _ in range(3)
    ] + [threading.Thread(target=lambda: [gateway.send(conn, frame) for _ in range(17)])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    finish(candidate, sid, aws)

    acme.get(f"{P}/stats")  # the API key is looked up once per warm function
    with dynamodb_calls() as calls:
        detail = acme.get(f"{P}/session/{sid}")
    assert detail.status_code == 200, detail.text
    budget = Counter({"BatchGetItem": 1})  # one call, as in test_answer_races_and_budget.py
    assert calls == budget
    assert detail.json()["session"]["proctoring_violations_count"] == 3400, "every event counts"
    with dynamodb_calls() as calls:
        report = acme.get(f"/api/reports/{sid}")
    assert report.status_code == 200 and calls == budget, (report.text, calls)
    integrity = report.json()["integrity"]
    assert len(integrity["timeline"]) <= CAP
    stored_violations = sum(e["violation"] for e in integrity["timeline"])
    assert integrity["events_not_listed"] == 3400 - stored_violations
    assert integrity["violations"]["tab_hidden"] == 3400, "events beyond the stored cap still count"
    assert integrity["score"] == 0

    status, watcher = gateway.connect({"session_id": sid, "api_key": acme.headers["x-api-key"]})
    assert status == 200
    replies = gateway.send(watcher, {"type": "state"})
    assert [m["type"] for m in replies] == ["state", "completed", "report_ready"]
    assert replies[0]["proctoring_violations"] == 3400


def test_the_timeline_stops_at_the_cap_and_racing_calls_never_pass_it(acme: ApiGateway, monkeypatch) -> None:
    monkeypatch.setenv("PROCTORING_MAX_EVENTS", "120")
    monkeypatch.setenv("PROCTORING_EVENTS_PER_MINUTE", "100000")
    wiring.reset()
    sid, candidate = create(acme)
    barrier = threading.Barrier(6)
    codes: list[int] = []

    def send() -> None:
        barrier.wait()
        codes.append(candidate.post(f"/api/proctoring/{sid}/events", json=batch(30, "paste")).status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 6, "past the cap events are counted, not refused"
    stored, dropped = wiring.proctoring_service().store.events(sid, 10_000)
    assert len(stored) == 120
    assert dropped == {"paste": 60}
    assert acme.get(f"{P}/session/{sid}").json()["session"]["proctoring_violations_count"] == 180


def test_more_than_300_events_a_minute_get_429_and_record_nothing(acme: ApiGateway, same_minute) -> None:
    sid, candidate = create(acme)
    for _ in range(6):
        assert candidate.post(f"/api/proctoring/{sid}/events", json=batch()).status_code == 200
    refused = candidate.post(f"/api/proctoring/{sid}/events", json=batch(1))
    assert refused.status_code == 429
    assert "300 proctoring events per minute" in refused.json()["detail"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert acme.get(f"{P}/session/{sid}").json()["session"]["proctoring_violations_count"] == 300


def test_racing_calls_never_pass_the_minute_limit(acme: ApiGateway, monkeypatch, same_minute) -> None:
    monkeypatch.setenv("PROCTORING_EVENTS_PER_MINUTE", "100")
    wiring.reset()
    sid, candidate = create(acme)
    barrier = threading.Barrier(8)
    codes: list[int] = []

    def send() -> None:
        barrier.wait()
        codes.append(candidate.post(f"/api/proctoring/{sid}/events", json=batch(20)).status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(codes) == Counter({200: 5, 429: 3}), "exactly 5 batches of 20 fit the minute"
    stored, _ = wiring.proctoring_service().store.events(sid, 10_000)
    assert len(stored) == 20 * Counter(codes)[200]


def test_the_live_channel_proctoring_message_has_the_same_limit(
    acme: ApiGateway, gateway, same_minute
) -> None:
    sid, candidate = create(acme)
    ws = gateway
    status, conn = ws.connect({"session_id": sid, "token": candidate.headers["x-session-token"]})
    assert status == 200
    ws.send(conn, {"type": "state"})  # the first frame also gets the connect snapshot
    frame = json.dumps({"type": "proctoring", **batch()})
    for _ in range(6):
        assert [m["type"] for m in ws.send(conn, frame)] == ["proctoring_recorded"]
    refused = ws.send(conn, frame)
    assert refused[0]["type"] == "error" and refused[0]["code"] == "rate_limited"
    assert "per minute" in refused[0]["detail"]
    assert acme.get(f"{P}/session/{sid}").json()["session"]["proctoring_violations_count"] == 300


def test_a_report_fits_its_item_however_many_bytes_the_events_hold(
    acme: ApiGateway, aws, monkeypatch
) -> None:
    monkeypatch.setenv("PROCTORING_EVENTS_PER_MINUTE", "100000")
    wiring.reset()
    sid, candidate = create(acme)
    wide = {
        "events": [{"type": "window_blur", "detail": "\U0001f600" * 200} for _ in range(50)]
    }  # 800 B each
    for _ in range(CAP // 50):
        assert candidate.post(f"/api/proctoring/{sid}/events", json=wide).status_code == 200
    finish(candidate, sid, aws)
    report = acme.get(f"/api/reports/{sid}")
    assert report.status_code == 200, report.text
    integrity = report.json()["integrity"]
    assert integrity["violations"]["window_blur"] == CAP
    assert integrity["events_not_listed"] == CAP - len(integrity["timeline"]) > 0


def test_a_candidate_filling_the_minute_cannot_crowd_out_server_evidence(
    acme: ApiGateway, same_minute
) -> None:
    sid, candidate = create(acme)
    for _ in range(5):  # consent repeated: recorded once, whatever the candidate sends
        assert candidate.post(f"{P}/session/{sid}/consent").status_code == 200
    for _ in range(6):
        assert candidate.post(f"/api/proctoring/{sid}/events", json=batch(kind="paste")).status_code == 200
    assert candidate.post(f"/api/proctoring/{sid}/events", json=batch(1)).status_code == 429
    snap = candidate.post_files(
        f"/api/proctoring/{sid}/snapshot", {"image": ("frame.jpg", two_faces_jpeg(), "image/jpeg")}
    )
    assert snap.status_code == 200 and snap.json()["verdict"] == "multiple_faces", snap.text
    assert acme.get(f"{P}/session/{sid}").json()["session"]["proctoring_violations_count"] == 301
    stored, _ = wiring.proctoring_service().store.events(sid, 10_000)
    assert [e["type"] for e in stored].count("consent_given") == 1
