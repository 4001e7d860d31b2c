"""Who may do what: every row of access.ROUTES and access.MESSAGES driven with the organisation's key, the
session's candidate token and no credentials, with access control on; and the rules the services add
(a candidate never erases a recruiter session, reads only the released report, ends only when done)."""

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interview_core.access import MESSAGES, ROUTES, Role, render_table
from tests.support.apigw import ApiGateway

ROOT = Path(__file__).resolve().parents[2]
P = "/api/parallel_interview"
UNKNOWN = "6f1c1e6e-0000-4000-8000-000000000000"  # a well-formed id nothing has
CANDIDATE = {"name": "Rae Candidate", "email": "rae@example.com"}
PRINCIPALS = ("organisation", "candidate", "nobody")


def recruiter_session(
    acme: ApiGateway, questions: int | list[Any] = 2, **extra: Any
) -> tuple[str, ApiGateway]:
    written = questions if isinstance(questions, list) else [f"Question {i + 1}?" for i in range(questions)]
    body = {**CANDIDATE, "questions": written, **extra}
    made = acme.post(f"{P}/create", json=body).json()
    return made["session_id"], ApiGateway({"x-session-token": made["candidate_token"]})


def practice_session(acme: ApiGateway) -> str:
    return acme.post("/start-interview", json={"topic": "SQL", "num_questions": 1}).json()["session_id"]


# One request per row, with ids that exist; bodies may be incomplete: a caller who is let in then gets a
# validation error (400/422), one who is refused gets 401/403 before the body is looked at.
Sample = Callable[[dict[str, str]], tuple[str, str, dict[str, Any]]]
SAMPLES: dict[str, Sample] = {
    "GET /": lambda ids: ("GET", "/", {}),
    "GET /health": lambda ids: ("GET", "/health", {}),
    "GET /api/config": lambda ids: ("GET", "/api/config", {}),
    "POST /start-interview": lambda ids: ("POST", "/start-interview", {"json_body": {"topic": "SQL"}}),
    "POST /api/resume-text": lambda ids: ("POST", "/api/resume-text", {"json_body": {}}),
    "POST /submit-answer": lambda ids: (
        "POST", "/submit-answer", {"json_body": {"session_id": ids["recruiter"], "answer": "An answer."}}
    ),
    "POST /audio-answer/{session_id}": lambda ids: ("POST", f"/audio-answer/{ids['recruiter']}", {"json_body": {}}),
    "POST /audio-upload/{session_id}": lambda ids: (
        "POST", f"/audio-upload/{ids['recruiter']}", {"json_body": {"content_type": "audio/webm"}}
    ),
    "POST /transcribe-audio": lambda ids: ("POST", "/transcribe-audio", {"json_body": {}}),
    "POST /text-to-speech": lambda ids: ("POST", "/text-to-speech", {"json_body": {}}),
    "GET /session/{session_id}": lambda ids: ("GET", f"/session/{ids['recruiter']}", {}),
    "DELETE /session/{session_id}": lambda ids: ("DELETE", f"/session/{ids['practice']}", {}),
    "GET /sessions": lambda ids: ("GET", "/sessions", {}),
    "POST /generate-questions": lambda ids: ("POST", "/generate-questions", {"json_body": {}}),
    "POST /evaluate-answers": lambda ids: ("POST", "/evaluate-answers", {"json_body": []}),
    "GET /api/reports/{session_id}": lambda ids: ("GET", f"/api/reports/{ids['recruiter']}", {}),
    "POST /api/reports/{session_id}/share": lambda ids: (
        "POST", f"/api/reports/{ids['recruiter']}/share", {"json_body": {"expires_in_days": 0}}
    ),
    "DELETE /api/reports/{session_id}/share": lambda ids: ("DELETE", f"/api/reports/{ids['recruiter']}/share", {}),
    "GET /api/shared-reports/{token}": lambda ids: ("GET", "/api/shared-reports/" + "x" * 43, {}),
    "GET /r/{token}": lambda ids: ("GET", "/r/" + "x" * 43, {}),
    "POST /api/webhooks": lambda ids: ("POST", "/api/webhooks", {"json_body": {}}),
    "GET /api/webhooks": lambda ids: ("GET", "/api/webhooks", {}),
    "DELETE /api/webhooks/{webhook_id}": lambda ids: ("DELETE", f"/api/webhooks/{UNKNOWN}", {}),
    "POST /api/webhooks/{webhook_id}/rotate-secret": lambda ids: (
        "POST", f"/api/webhooks/{UNKNOWN}/rotate-secret", {}
    ),
    "POST /api/webhooks/{webhook_id}/enable": lambda ids: ("POST", f"/api/webhooks/{UNKNOWN}/enable", {}),
    "POST /api/webhooks/{webhook_id}/test": lambda ids: ("POST", f"/api/webhooks/{UNKNOWN}/test", {}),
    "GET /api/webhooks/{webhook_id}/deliveries": lambda ids: (
        "GET", f"/api/webhooks/{UNKNOWN}/deliveries", {}
    ),
    "POST /api/parallel_interview/create": lambda ids: ("POST", f"{P}/create", {"json_body": {}}),
    "GET /api/parallel_interview/sessions": lambda ids: ("GET", f"{P}/sessions", {}),
    "GET /api/parallel_interview/session/{session_id}": lambda ids: ("GET", f"{P}/session/{ids['recruiter']}", {}),
    "POST /api/parallel_interview/session/{session_id}/start": lambda ids: (
        "POST", f"{P}/session/{ids['recruiter']}/start", {}
    ),
    "POST /api/parallel_interview/session/{session_id}/end": lambda ids: (
        "POST", f"{P}/session/{ids['recruiter']}/end", {}
    ),
    "POST /api/parallel_interview/session/{session_id}/release-report": lambda ids: (
        "POST", f"{P}/session/{ids['recruiter']}/release-report", {"json_body": {"share": "scores"}}
    ),
    "POST /api/parallel_interview/session/{session_id}/consent": lambda ids: (
        "POST", f"{P}/session/{ids['recruiter']}/consent", {}
    ),
    "DELETE /api/parallel_interview/session/{session_id}": lambda ids: (
        "DELETE", f"{P}/session/{ids['recruiter']}", {}
    ),
    "GET /api/parallel_interview/stats": lambda ids: ("GET", f"{P}/stats", {}),
    "GET /api/usage": lambda ids: ("GET", "/api/usage", {}),
    "POST /api/jobs": lambda ids: ("POST", "/api/jobs", {"json_body": {}}),
    "GET /api/jobs": lambda ids: ("GET", "/api/jobs", {}),
    "GET /api/jobs/{job_id}": lambda ids: ("GET", f"/api/jobs/{ids['job']}", {}),
    "PUT /api/jobs/{job_id}": lambda ids: ("PUT", f"/api/jobs/{ids['job']}", {"json_body": {}}),
    "DELETE /api/jobs/{job_id}": lambda ids: ("DELETE", f"/api/jobs/{ids['job']}", {}),
    "POST /capture_reference_face": lambda ids: ("POST", "/capture_reference_face", {"json_body": {}}),
    "POST /api/proctoring/{session_id}/snapshot": lambda ids: (
        "POST", f"/api/proctoring/{ids['recruiter']}/snapshot", {"json_body": {}}
    ),
    "POST /api/proctoring/{session_id}/events": lambda ids: (
        "POST", f"/api/proctoring/{ids['recruiter']}/events", {"json_body": {"events": [{"type": "paste"}]}}
    ),
    "POST /api/code/run": lambda ids: (
        "POST", "/api/code/run", {"json_body": {"session_id": ids["recruiter"], "question_number": 1, "code": "x = 1"}}
    ),
    "POST /api/livekit/webhook": lambda ids: ("POST", "/api/livekit/webhook", {"json_body": {}}),
}  # fmt: skip


def test_every_route_has_a_rule_and_a_sample() -> None:
    from interview_core.api.full import build

    paths = build().openapi()["paths"]
    served = {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}
    served -= {"GET /docs", "GET /redoc"}
    assert served == set(ROUTES) == set(SAMPLES)


@pytest.mark.parametrize("route", list(ROUTES))
def test_each_route_lets_in_exactly_who_its_rule_names(acme: ApiGateway, route: str) -> None:
    rule = ROUTES[route]
    statuses = {}
    for principal in PRINCIPALS:
        sid, candidate = recruiter_session(acme)  # fresh state for every caller: some calls delete
        acme.post(f"{P}/session/{sid}/release-report", json={"share": "feedback"})
        ids = {
            "recruiter": sid,
            "practice": practice_session(acme),
            "job": acme.post("/api/jobs", json={"title": "Role", "questions": [{"text": "Q?"}]}).json()[
                "job_id"
            ],
        }
        client = {"organisation": acme, "candidate": candidate, "nobody": ApiGateway()}[principal]
        method, path, kwargs = SAMPLES[route](ids)
        statuses[principal] = status = client.request(method, path, **kwargs).status_code
        if Role.PUBLIC in rule.roles:
            continue
        if principal != "nobody" and Role(principal) in rule.roles:
            assert status not in (401, 403), (route, principal, status)
        else:
            assert status == (401 if principal == "nobody" else 403), (route, principal, status)
    if Role.PUBLIC in rule.roles:  # credentials change nothing (the LiveKit webhook checks its signature)
        assert len(set(statuses.values())) == 1 and 403 not in statuses.values(), statuses


@pytest.mark.parametrize("message", [m for m in MESSAGES if m != "connect"])
def test_each_live_channel_message_lets_in_who_its_rule_names(
    acme: ApiGateway, gateway, message: str
) -> None:
    frames = {
        "state": {"type": "state"},
        "ping": {"type": "ping"},
        "start": {"type": "start"},
        "answer": {"type": "answer", "question_number": 1, "answer": "An answer."},
        "proctoring": {"type": "proctoring", "events": [{"type": "paste"}]},
        "end": {"type": "end"},
        "run_code": {"type": "run_code", "code": "x = 1"},  # a text question: refused, but let in
    }
    for principal in ("organisation", "candidate"):
        sid, candidate = recruiter_session(acme, questions=1)
        acme.post(f"{P}/session/{sid}/start")
        if message == "end":  # a candidate's end needs the interview done: answer first
            candidate.post("/submit-answer", json={"session_id": sid, "answer": "Done."})
        query = {"session_id": sid}
        query |= (
            {"api_key": acme.headers["x-api-key"]}
            if principal == "organisation"
            else {"token": candidate.headers["x-session-token"]}
        )
        status, conn = gateway.connect(query)
        assert status == 200
        replies = gateway.send(conn, frames[message])
        errors = [m for m in replies if m["type"] == "error"]
        assert not [e for e in errors if e["code"] in ("unauthorized", "forbidden")], (
            message,
            principal,
            errors,
        )
    assert gateway.connect({"session_id": sid})[0] == 401, "connecting needs credentials"


def test_the_access_table_in_the_readme_and_design_notes_is_the_enforced_one() -> None:
    table = render_table()
    for doc in ("README.md", "docs/design.md"):
        assert table in (ROOT / doc).read_text(), f"{doc}: paste access.render_table() output"


def test_the_practice_delete_never_erases_a_recruiter_session(acme: ApiGateway) -> None:
    sid, candidate = recruiter_session(acme)
    for who in (candidate, acme):
        r = who.delete(f"/session/{sid}")
        assert r.status_code == 403, r.text
    assert "only its organisation can erase it" in acme.delete(f"/session/{sid}").json()["detail"]
    assert acme.get(f"{P}/session/{sid}").status_code == 200, "nothing was erased"
    assert candidate.delete(f"{P}/session/{sid}").status_code == 403
    practice = practice_session(acme)
    assert acme.delete(f"/session/{practice}").status_code == 200
    assert acme.delete(f"{P}/session/{sid}").status_code == 200


def finish(acme: ApiGateway, candidate: ApiGateway, sid: str, aws) -> None:
    assert candidate.post(f"{P}/session/{sid}/start").status_code == 200
    for text in ("A hash map stores key value pairs in buckets.", "Reverse the pointers one by one."):
        assert candidate.post("/submit-answer", json={"session_id": sid, "answer": text}).status_code == 200
    candidate.post(f"/api/proctoring/{sid}/events", json={"events": [{"type": "paste"}]})
    assert aws.drain_evaluations() == 1


# Graded offline against these, so the report has key points missed that must stay the organisation's.
WITH_RUBRICS = [
    {
        "text": "What is a hash map?",
        "key_points": ["Keys map to values", "Collisions chain in a bucket's list"],
    },
    {
        "text": "How do you reverse a linked list?",
        "key_points": ["Keep three references: prev, current, next"],
    },
]


def test_a_candidate_reads_only_what_the_organisation_released(acme: ApiGateway, aws) -> None:
    sid, candidate = recruiter_session(acme, WITH_RUBRICS)
    finish(acme, candidate, sid, aws)
    refused = candidate.get(f"/api/reports/{sid}")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "The organisation has not released this report"}
    full = acme.get(f"/api/reports/{sid}").json()
    assert full["integrity"]["reasons"] and full["questions"][0]["missing"] is not None

    acme.post(f"{P}/session/{sid}/release-report", json={"share": "feedback"})
    feedback = candidate.get(f"/api/reports/{sid}")
    assert feedback.status_code == 200
    body = feedback.json()
    assert body["share"] == "feedback" and body["overall_score"] is None
    assert [q["score"] for q in body["questions"]] == [None, None]
    assert [q["feedback"] for q in body["questions"]] == [q["feedback"] for q in full["questions"]]
    for secret in ("integrity", "missing", "timeline", "reasons", "violations", "/10"):
        assert secret not in feedback.text, secret
    key_points = {point for q in full["questions"] for point in q["missing"]}
    assert key_points and not [p for p in key_points if p in feedback.text], "the rubric stays private"

    released = acme.post(f"{P}/session/{sid}/release-report", json={"share": "scores"})
    assert released.status_code == 200 and released.json()["share"] == "scores"
    scores = candidate.get(f"/api/reports/{sid}").json()
    assert scores["overall_score"] == full["overall_score"]
    assert [q["score"] for q in scores["questions"]] == [q["score"] for q in full["questions"]]
    assert "integrity" not in scores
    assert not [p for p in key_points if p in json.dumps(scores)]

    assert candidate.post(f"{P}/session/{sid}/release-report", json={"share": "scores"}).status_code == 403
    acme.post(f"{P}/session/{sid}/release-report", json={"share": "none"})
    assert candidate.get(f"/api/reports/{sid}").status_code == 403, "a release can be withdrawn"
    bad = acme.post(f"{P}/session/{sid}/release-report", json={"share": "everything"})
    assert bad.status_code == 400 and "share" in bad.json()["detail"]


def test_the_live_channel_announces_the_report_to_a_candidate_only_once_released(
    acme: ApiGateway, gateway, aws
) -> None:
    sid, candidate = recruiter_session(acme)
    finish(acme, candidate, sid, aws)
    status, conn = gateway.connect({"session_id": sid, "token": candidate.headers["x-session-token"]})
    assert status == 200
    assert [m["type"] for m in gateway.send(conn, {"type": "state"})] == ["state", "completed"]
    acme.post(f"{P}/session/{sid}/release-report", json={"share": "feedback"})
    assert [m["type"] for m in gateway.send(conn, {"type": "state"})] == [
        "state",
        "completed",
        "report_ready",
    ]


def test_a_job_sets_the_default_release_and_a_session_may_override_it(acme: ApiGateway, aws) -> None:
    job = acme.post(
        "/api/jobs",
        json={
            "title": "Backend",
            "questions": WITH_RUBRICS,  # graded offline, so there are scores to share
            "candidate_report": "scores",
        },
    ).json()
    assert job["candidate_report"] == "scores"
    made = acme.post(f"{P}/create", json={**CANDIDATE, "job_id": job["job_id"]}).json()
    sid, candidate = made["session_id"], ApiGateway({"x-session-token": made["candidate_token"]})
    finish(acme, candidate, sid, aws)
    assert candidate.get(f"/api/reports/{sid}").json()["overall_score"] is not None
    other = acme.post(
        f"{P}/create", json={**CANDIDATE, "job_id": job["job_id"], "candidate_report": "none"}
    ).json()
    other_candidate = ApiGateway({"x-session-token": other["candidate_token"]})
    assert other_candidate.get(f"/api/reports/{other['session_id']}").status_code == 403


def test_a_practice_report_stays_its_owners_in_full(acme: ApiGateway, aws) -> None:
    sid = acme.post("/start-interview", json={"topic": "SQL", "num_questions": 1}).json()["session_id"]
    acme.post("/submit-answer", json={"session_id": sid, "answer": "SELECT with a JOIN on keys."})
    aws.drain_evaluations()
    report = acme.get(f"/api/reports/{sid}").json()
    assert "overall_score" in report and report["questions"][0]["missing"] is not None


def test_a_candidate_ends_only_after_the_last_answer_or_the_deadline(acme: ApiGateway, monkeypatch) -> None:
    sid, candidate = recruiter_session(acme)
    candidate.post(f"{P}/session/{sid}/start")
    early = candidate.post(f"{P}/session/{sid}/end")
    assert early.status_code == 403 and "2 unanswered question(s)" in early.json()["detail"]
    assert acme.get(f"{P}/session/{sid}").json()["session"]["status"] == "in_progress"

    org_ended, _ = recruiter_session(acme)
    acme.post(f"{P}/session/{org_ended}/start")
    assert acme.post(f"{P}/session/{org_ended}/end").json()["questions_answered"] == 0, "the org may end it"

    timed, timed_candidate = recruiter_session(acme, text_question_timer=10)
    timed_candidate.post(f"{P}/session/{timed}/start")
    later = time.time() + 11
    monkeypatch.setattr(time, "time", lambda: later)
    assert timed_candidate.post(f"{P}/session/{timed}/end").status_code == 200, "the time was up"

    candidate.post("/submit-answer", json={"session_id": sid, "answer": "One."})
    candidate.post("/submit-answer", json={"session_id": sid, "answer": "Two."})
    assert candidate.post(f"{P}/session/{sid}/end").status_code == 200, "after the last answer: a no-op"


def test_a_candidate_cannot_end_early_over_the_live_channel(acme: ApiGateway, gateway) -> None:
    sid, candidate = recruiter_session(acme)
    status, conn = gateway.connect({"session_id": sid, "token": candidate.headers["x-session-token"]})
    assert status == 200
    gateway.send(conn, {"type": "start"})
    refused = gateway.send(conn, {"type": "end"})
    assert [m["code"] for m in refused if m["type"] == "error"] == ["forbidden"], refused
    assert acme.get(f"{P}/session/{sid}").json()["session"]["status"] == "in_progress"
