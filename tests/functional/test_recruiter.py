"""The recruiter API (seed 002) through the Lambda handlers, with access control on, as deployed."""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from interview_core import wiring
from tests.support.apigw import ApiGateway

P = "/api/parallel_interview"
CANDIDATE = {"name": "Jane Candidate", "email": "jane.candidate@example.com", "phone": "+1 555 0100"}


def create(api: ApiGateway, **extra) -> dict:
    body = {**CANDIDATE, "questions": ["Explain a hash map.", "Reverse a linked list."], **extra}
    r = api.post(f"{P}/create", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_create_returns_the_contract_and_counts_the_session(orgs) -> None:
    acme = orgs["acme"]
    before = acme.get(f"{P}/stats").json()["stats"]
    made = create(acme, question_types=["text", "coding"], text_question_timer=90)
    assert made["status"] == "success"
    assert made["livekit_room_name"] == f"interview-{made['session_id']}"
    assert made["livekit_token"] is None and made["livekit_url"] is None and made["livekit_fallback"] is True
    assert made["user_details"] == {
        "name": "Jane Candidate",
        "email": "jane.candidate@example.com",
        "phone": "+1 555 0100",
    }
    assert made["interview_config"] == {
        "total_questions": 2,
        "max_questions": 2,
        "text_question_timer": 90,
        "coding_question_timer": 300,
        "question_types": ["text", "coding"],
    }
    assert made["candidate_token"] and made["proctoring"]["initialized"] is True
    after = acme.get(f"{P}/stats").json()["stats"]
    assert after["total_sessions"] == before["total_sessions"] + 1
    assert after["initialized_sessions"] == before["initialized_sessions"] + 1
    assert set(after) >= {"total_sessions", "active_sessions", "completed_sessions", "initialized_sessions",
                          "in_memory_sessions", "active_livekit_rooms"}  # fmt: skip


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"name": "A", "email": "not-an-email", "questions": ["Q"]}, "email"),
        ({"name": "A", "email": "a@example.com"}, "Either questions or job_id is required"),
        ({"email": "a@example.com", "questions": ["Q"]}, "name"),
        ({"name": "A", "email": "a@example.com", "questions": ["Q1", "Q2"], "question_types": ["text"]},
         "question_types has 1 entries for 2 questions"),
        ({"name": "A", "email": "a@example.com", "questions": ["Q"], "question_types": ["essay"]}, "question_types"),
        ({"name": "A", "email": "a@example.com", "questions": ["Q"], "text_question_timer": 1}, "text_question_timer"),
    ],
)  # fmt: skip
def test_invalid_create_requests_are_400_with_a_detail(orgs, body: dict, detail: str) -> None:
    r = orgs["acme"].post(f"{P}/create", json=body)
    assert r.status_code == 400, r.text
    assert detail in r.json()["detail"]


def test_lifecycle_with_candidate_token_timers_and_report(orgs, aws, monkeypatch) -> None:
    acme = orgs["acme"]
    made = create(acme, questions=["What is a mutex?", "Write FizzBuzz.", "What is a deadlock?"],
                  question_types=["text", "coding", "text"], max_questions=2)  # fmt: skip
    sid, token = made["session_id"], made["candidate_token"]
    candidate = ApiGateway({"x-session-token": token})
    assert made["interview_config"]["total_questions"] == 2  # max_questions caps the list

    early = candidate.post("/submit-answer", json={"session_id": sid, "answer": "Too early"})
    assert early.status_code == 400 and early.json() == {"detail": "Session is not active"}
    assert candidate.post(f"{P}/session/{sid}/end").status_code == 409

    started = candidate.post(f"{P}/session/{sid}/start")
    assert started.status_code == 200, started.text
    s = started.json()
    assert s["message"] == "Interview session started" and s["livekit_room_name"] == f"interview-{sid}"
    assert s["question_type"] == "text" and s["deadline_at"] is not None
    again = acme.post(f"{P}/session/{sid}/start")
    assert again.status_code == 409 and again.json() == {"detail": "Session already started"}

    first = candidate.post(
        "/submit-answer", json={"session_id": sid, "answer": "A mutex lets one thread in at a time."}
    )
    assert first.status_code == 200, first.text
    # The second (coding) question's time runs out before the candidate answers: recorded, flagged late.
    from interview_core.services import interview

    real = interview.epoch_now
    monkeypatch.setattr(interview, "epoch_now", lambda: real() + 400)
    last = candidate.post("/submit-answer", json={"session_id": sid, "answer": "for i in range(1, 101): ..."})
    assert last.status_code == 200 and last.json()["status"] == "completed"

    detail = acme.get(f"{P}/session/{sid}").json()
    assert detail["session"]["current_question_count"] == 2 and detail["session"]["max_questions"] == 2
    assert detail["session"]["is_active"] is False and detail["interview_state"]["late_answers"] == 1
    assert detail["livekit_room"]["name"] == f"interview-{sid}"

    ended = acme.post(f"{P}/session/{sid}/end")  # clients call /end after the last answer: no error
    assert ended.status_code == 200 and ended.json()["questions_answered"] == 2

    assert aws.drain_evaluations() == 1
    report = acme.get(f"/api/reports/{sid}").json()
    assert [q["late"] for q in report["questions"]] == [False, True]
    assert [q["question_type"] for q in report["questions"]] == ["text", "coding"]
    assert report["integrity"]["score"] == 100 and report["integrity"]["advisory"].startswith("Advisory only")
    assert acme.get(f"{P}/session/{sid}").json()["session"]["average_score"] == report["overall_score"]


def test_ending_an_interview_early_queues_its_evaluation(orgs, aws) -> None:
    acme = orgs["acme"]
    sid = create(acme)["session_id"]
    acme.post(f"{P}/session/{sid}/start")
    acme.post("/submit-answer", json={"session_id": sid, "answer": "A hash map maps keys to buckets."})
    ended = acme.post(f"{P}/session/{sid}/end").json()
    assert ended["message"] == "Interview session ended" and ended["report_available"] is False
    assert ended["questions_answered"] == 1 and ended["average_score"] is None
    stats = acme.get(f"{P}/stats").json()["stats"]
    assert stats["completed_sessions"] == 1 and stats["active_sessions"] == 0
    assert aws.drain_evaluations() == 1
    assert len(acme.get(f"/api/reports/{sid}").json()["questions"]) == 1
    late = acme.post("/submit-answer", json={"session_id": sid, "answer": "more"})
    assert late.status_code == 400


def test_listing_pages_by_offset_and_by_cursor_and_filters_by_status(orgs) -> None:
    acme = orgs["acme"]
    ids = [create(acme)["session_id"] for _ in range(7)]
    acme.post(f"{P}/session/{ids[0]}/start")
    everything = acme.get(f"{P}/sessions", query={"limit": "50"}).json()
    assert [s["session_id"] for s in everything["sessions"]] == ids[::-1]  # newest first
    assert everything["total"] == 7 and everything["next_cursor"] is None
    row = everything["sessions"][-1]
    assert row["proctoring_session_id"] == ids[0] and row["status"] == "in_progress"
    assert row["user_details"]["email"] == CANDIDATE["email"] and row["question_index"] == 0
    assert {"created_at", "job_id", "job_title", "consent_received"} <= set(row)

    by_offset = acme.get(f"{P}/sessions", query={"limit": "3", "offset": "3"}).json()
    assert [s["session_id"] for s in by_offset["sessions"]] == ids[::-1][3:6]
    assert (by_offset["limit"], by_offset["offset"], by_offset["total"]) == (3, 3, 7)

    seen, cursor = [], None
    while True:
        q = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = acme.get(f"{P}/sessions", query=q).json()
        seen += [s["session_id"] for s in page["sessions"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids[::-1]

    initialized = acme.get(f"{P}/sessions", query={"status": "initialized", "limit": "4"}).json()
    assert initialized["total"] == 6 and len(initialized["sessions"]) == 4
    assert all(s["status"] == "initialized" for s in initialized["sessions"])
    rest = acme.get(
        f"{P}/sessions", query={"status": "initialized", "limit": "4", "cursor": initialized["next_cursor"]}
    )
    assert len(rest.json()["sessions"]) == 2
    in_progress = acme.get(f"{P}/sessions", query={"status": "in_progress"}).json()
    assert [s["session_id"] for s in in_progress["sessions"]] == [ids[0]]

    bad = acme.get(f"{P}/sessions", query={"cursor": "not-a-cursor"})
    assert bad.status_code == 400 and "Invalid cursor" in bad.json()["detail"]
    wrong_listing = acme.get(
        f"{P}/sessions", query={"status": "completed", "cursor": initialized["next_cursor"]}
    )
    assert wrong_listing.status_code == 400
    assert acme.get(f"{P}/sessions", query={"limit": "500"}).status_code == 400


def test_jobs_are_question_sets_sessions_are_made_from(orgs) -> None:
    acme, globex = orgs["acme"], orgs["globex"]
    job = acme.post("/api/jobs", json={"title": "Backend Engineer", "questions": [
        {"text": "Design a rate limiter."}, {"text": "Implement an LRU cache.", "type": "coding"}]})  # fmt: skip
    assert job.status_code == 201, job.text
    job_id = job.json()["job_id"]
    assert acme.get(f"/api/jobs/{job_id}").json()["title"] == "Backend Engineer"
    assert [j["job_id"] for j in acme.get("/api/jobs").json()["jobs"]] == [job_id]
    assert globex.get("/api/jobs").json()["jobs"] == []
    assert globex.get(f"/api/jobs/{job_id}").status_code == 404

    made = create(acme, questions=None, job_id=job_id)
    assert made["interview_config"]["question_types"] == ["text", "coding"]
    row = acme.get(f"{P}/sessions").json()["sessions"][0]
    assert (row["job_id"], row["job_title"]) == (job_id, "Backend Engineer")

    both = acme.post(f"{P}/create", json={**CANDIDATE, "job_id": job_id, "questions": ["Q"]})
    assert both.status_code == 400
    foreign = globex.post(f"{P}/create", json={**CANDIDATE, "job_id": job_id})
    assert foreign.status_code == 404 and foreign.json() == {"detail": f"Job {job_id} not found"}

    assert globex.delete(f"/api/jobs/{job_id}").status_code == 404
    assert acme.delete(f"/api/jobs/{job_id}").json()["message"] == "Job deleted"
    assert acme.get(f"/api/jobs/{job_id}").status_code == 404
    assert acme.get(f"{P}/session/{made['session_id']}").json()["session"]["total_questions"] == 2


def test_every_route_refuses_a_missing_key_and_hides_other_organisations(orgs) -> None:
    acme, globex = orgs["acme"], orgs["globex"]
    made = create(acme)
    sid = made["session_id"]
    job_id = acme.post("/api/jobs", json={"title": "T", "questions": [{"text": "Q"}]}).json()["job_id"]
    practice = acme.post("/start-interview", json={"topic": "Python"}).json()["session_id"]
    anonymous = ApiGateway()
    stranger = ApiGateway({"x-api-key": "mik_not-a-real-key"})
    candidate = ApiGateway({"x-session-token": made["candidate_token"]})
    routes = [
        ("POST", f"{P}/create", {**CANDIDATE, "questions": ["Q"]}),
        ("GET", f"{P}/sessions", None),
        ("GET", f"{P}/session/{sid}", None),
        ("POST", f"{P}/session/{sid}/start", None),
        ("POST", f"{P}/session/{sid}/end", None),
        ("POST", f"{P}/session/{sid}/consent", None),
        ("DELETE", f"{P}/session/{sid}", None),
        ("GET", f"{P}/stats", None),
        ("GET", f"/api/reports/{sid}", None),
        ("POST", "/api/jobs", {"title": "T", "questions": [{"text": "Q"}]}),
        ("GET", "/api/jobs", None),
        ("GET", f"/api/jobs/{job_id}", None),
        ("DELETE", f"/api/jobs/{job_id}", None),
        ("POST", f"/api/proctoring/{sid}/events", {"events": [{"type": "paste"}]}),
        ("POST", "/start-interview", {"topic": "Python"}),
        ("POST", "/submit-answer", {"session_id": practice, "answer": "An answer."}),
        ("GET", f"/session/{practice}", None),
        ("DELETE", f"/session/{practice}", None),
        ("GET", "/sessions", None),
        ("POST", "/generate-questions", {"topic": "Python"}),
        ("POST", "/evaluate-answers", [{"question": "Q?", "answer": "A."}]),
        ("POST", "/text-to-speech", {"text": "Hello"}),
    ]
    for method, path, body in routes:
        for client, codes in ((anonymous, {401}), (stranger, {401})):
            r = client.request(method, path, json_body=body)
            assert r.status_code in codes, (method, path, r.status_code, r.text)
            assert r.json()["detail"]
        foreign = globex.request(method, path, json_body=body)
        if sid in path or job_id in path or practice in path or (body and practice in str(body)):
            assert foreign.status_code == 404, (method, path, foreign.status_code, foreign.text)
    # What the foreign organisation could call saw none of acme's data, and changed nothing.
    assert globex.get(f"{P}/sessions").json()["sessions"] != []  # its own create above
    assert sid not in str(globex.get(f"{P}/sessions").json())
    assert acme.get(f"{P}/session/{sid}").json()["session"]["is_active"] is True
    assert acme.get(f"/api/jobs/{job_id}").status_code == 200
    assert acme.get(f"/session/{practice}").status_code == 200
    # A candidate token opens its own session's candidate routes, never the recruiter's.
    for method, path in (("GET", f"{P}/sessions"), ("GET", f"{P}/stats"), ("GET", f"{P}/session/{sid}"),
                         ("DELETE", f"{P}/session/{sid}"), ("GET", "/api/jobs")):  # fmt: skip
        assert candidate.request(method, path).status_code == 403, path
    other = create(acme)["session_id"]
    assert candidate.post(f"{P}/session/{other}/start").status_code == 404


def test_a_revoked_key_stops_working(orgs, aws) -> None:
    key, info = wiring.api_keys().create("acme", "temporary")
    api = ApiGateway({"x-api-key": key})
    assert api.get(f"{P}/stats").status_code == 200
    wiring.api_keys().revoke("acme", info.key_id)
    r = api.get(f"{P}/stats")
    assert r.status_code == 401 and r.json() == {"detail": "Invalid or revoked API key"}


def test_500_concurrent_creates_count_exactly_500(orgs) -> None:
    acme = orgs["acme"]
    before = acme.get(f"{P}/stats").json()["stats"]["total_sessions"]
    start = threading.Barrier(16)

    def one(i: int) -> int:
        if i < 16:
            start.wait()
        return acme.post(f"{P}/create", json={**CANDIDATE, "questions": [f"Question {i}?"]}).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(one, range(500)))
    assert codes == [200] * 500
    stats = acme.get(f"{P}/stats").json()["stats"]
    assert stats["total_sessions"] == before + 500
    assert stats["initialized_sessions"] == before + 500
    assert orgs["globex"].get(f"{P}/stats").json()["stats"]["total_sessions"] == 0


def test_proctoring_events_feed_the_report_and_the_violation_count(orgs, aws) -> None:
    acme = orgs["acme"]
    made = create(acme)
    sid = made["session_id"]
    candidate = ApiGateway({"x-session-token": made["candidate_token"]})
    assert candidate.post(f"{P}/session/{sid}/consent").json()["consent_received"] is True
    candidate.post(f"{P}/session/{sid}/start")
    r = candidate.post(f"/api/proctoring/{sid}/events", json={"events": [
        {"type": "tab_hidden"}, {"type": "paste", "detail": "42 characters"}, {"type": "window_blur"}]})  # fmt: skip
    assert r.status_code == 200 and r.json()["recorded"] == 3 and r.json()["violations_count"] == 3
    bad = candidate.post(f"/api/proctoring/{sid}/events", json={"events": [{"type": "sneezed"}]})
    assert bad.status_code == 400
    detail = acme.get(f"{P}/session/{sid}").json()["session"]
    assert detail["proctoring_violations_count"] == 3 and detail["consent_received"] is True

    for answer in ("A hash map stores keys in buckets.", "Walk the list reversing each next pointer."):
        candidate.post("/submit-answer", json={"session_id": sid, "answer": answer})
    assert aws.drain_evaluations() == 1
    integrity = acme.get(f"/api/reports/{sid}").json()["integrity"]
    assert integrity["score"] == 100 - 5 - 8 - 3 and integrity["level"] == "medium"
    assert integrity["violations"] == {"tab_hidden": 1, "paste": 1, "window_blur": 1}
    types = [e["type"] for e in integrity["timeline"]]
    assert types[0] == "consent_given" and {"tab_hidden", "paste", "window_blur"} <= set(types)
    assert any("pasted text" in reason for reason in integrity["reasons"])


def test_personal_data_never_reaches_the_logs(orgs, caplog, capsys) -> None:
    caplog.set_level(logging.INFO)  # what a deployed function logs (LogLevel INFO)
    acme = orgs["acme"]
    made = create(acme)
    acme.get(f"{P}/session/{made['session_id']}")
    acme.get(f"{P}/sessions")
    logged = capsys.readouterr().out + capsys.readouterr().err + caplog.text
    assert made["session_id"] in logged  # the logs are there...
    for secret in (*CANDIDATE.values(), made["candidate_token"]):
        assert secret not in logged  # ...without name, email, phone or the candidate's token


def test_operators_create_list_and_revoke_keys_from_the_command_line(orgs, capsys) -> None:
    import json

    from infra import admin

    admin.main(["api-key", "create", "--org", "initech", "--name", "ATS"])
    created = json.loads(capsys.readouterr().out)
    assert created["api_key"].startswith("mik_") and created["org_id"] == "initech"
    api = ApiGateway({"x-api-key": created["api_key"]})
    assert api.get(f"{P}/stats").status_code == 200
    admin.main(["api-key", "list", "--org", "initech"])
    listed = json.loads(capsys.readouterr().out)
    assert [k["key_id"] for k in listed] == [created["key_id"]] and created["api_key"] not in str(listed)
    admin.main(["api-key", "revoke", "--org", "initech", created["key_id"]])
    assert json.loads(capsys.readouterr().out)["revoked"] is True
    assert api.get(f"{P}/stats").status_code == 401
    with pytest.raises(SystemExit, match="No API key nope in organisation initech"):
        admin.main(["api-key", "revoke", "--org", "initech", "nope"])
    with pytest.raises(SystemExit, match="organisation ids"):
        admin.main(["api-key", "create", "--org", "Bad Org!"])
