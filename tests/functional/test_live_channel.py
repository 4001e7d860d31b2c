"""The live channel (`/ws/interview`), one protocol over two transports, without a browser: the local
FastAPI WebSocket route through Starlette's TestClient, and the API Gateway WebSocket functions driven
with real event JSON, replies captured by a local management API. Both against the moto stand-in."""

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from interview_core import wiring
from interview_core.api.full import build
from interview_core.live import channel as live_channel
from interview_core.live.protocol import SERVER_MESSAGES, json_schemas, render
from interview_core.services import interview, recruiter
from tests.support.apigw import ApiGateway
from tests.support.ws_gateway import WebSocketGateway

ROOT = Path(__file__).resolve().parents[2]
P = "/api/parallel_interview"
CANDIDATE = {"name": "Jane Candidate", "email": "jane.candidate@example.com"}


@pytest.fixture
def orgs(aws, monkeypatch) -> dict[str, Any]:
    """Access control on (the deployed default), two organisations with a key each."""
    monkeypatch.setenv("AUTH_REQUIRED", "true")
    monkeypatch.setenv("API_KEY_CACHE_SECONDS", "0")
    wiring.reset()
    acme, _ = wiring.api_keys().create("acme", "tests")
    globex, _ = wiring.api_keys().create("globex", "tests")
    return {"acme": ApiGateway({"x-api-key": acme}), "globex": ApiGateway({"x-api-key": globex}),
            "acme_key": acme, "globex_key": globex}  # fmt: skip


@pytest.fixture
def client(aws) -> Iterator[TestClient]:
    with TestClient(build()) as c:
        yield c


def create(api: ApiGateway, questions: list[str], types: list[str] | None = None, **extra: Any) -> dict:
    body = {
        **CANDIDATE,
        "questions": questions,
        "question_types": types or ["text"] * len(questions),
        **extra,
    }
    r = api.post(f"{P}/create", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def receive(ws: Any, n: int) -> list[dict[str, Any]]:
    """The next n messages, each checked against the protocol's server models."""
    out = [ws.receive_json() for _ in range(n)]
    for message in out:
        SERVER_MESSAGES.validate_python(message)
    return out


def ask(ws: Any, frame: dict[str, Any] | str, n: int) -> list[dict[str, Any]]:
    ws.send_text(frame if isinstance(frame, str) else json.dumps(frame))
    return receive(ws, n)


def types(messages: list[dict[str, Any]]) -> list[str]:
    return [m["type"] for m in messages]


def answer(n: int, text: str) -> dict[str, Any]:
    return {"type": "answer", "question_number": n, "answer": text}


# -- protocol documents -----------------------------------------------------------------------------


def test_committed_json_schemas_are_generated_from_the_protocol_models() -> None:
    folder = ROOT / "docs" / "schemas"
    expected = json_schemas()
    assert {p.name for p in folder.glob("*.json")} == set(expected), "regenerate: see docs/live-channel.md"
    for name, schema in expected.items():
        assert (folder / name).read_text() == render(schema), f"{name} drifted: regenerate docs/schemas"


# -- local transport (FastAPI WebSocket) ------------------------------------------------------------


def test_practice_interview_over_the_socket_end_to_end(client: TestClient, api: ApiGateway, aws) -> None:
    sid = api.post("/start-interview", json={"topic": "Python", "num_questions": 2}).json()["session_id"]
    with client.websocket_connect(f"/ws/interview?session_id={sid}") as ws:
        state, q1 = receive(ws, 2)
        assert state["type"] == "state" and state["kind"] == "practice" and state["status"] == "in_progress"
        assert (state["answered"], state["total_questions"]) == (0, 2)
        assert q1["type"] == "question" and q1["question_number"] == 1 and q1["deadline_at"] is None
        ack, q2 = ask(ws, answer(1, "Lists are mutable; tuples are not."), 2)
        assert ack == {"type": "ack", "question_number": 1, "late": False}
        assert q2["question_number"] == 2 and q2["text"] != q1["text"]
        ack, done = ask(ws, answer(2, "A generator yields values lazily."), 2)
        assert ack["question_number"] == 2 and done["type"] == "completed"
        assert done["report_url"] == f"http://testserver/api/reports/{sid}"
        assert done["evaluation_status"] == "pending" and done["answered"] == 2
        [refused] = ask(ws, {"type": "end"}, 1)
        assert refused["code"] == "illegal_state" and "last answer" in refused["detail"]
        assert aws.drain_evaluations() == 1
        assert types(ask(ws, {"type": "state"}, 3)) == ["state", "completed", "report_ready"]
        [pong] = ask(ws, {"type": "ping"}, 1)
        assert pong["type"] == "pong" and abs(pong["server_time"] - time.time()) < 5
    assert api.get(f"/api/reports/{sid}").status_code == 200


def test_recruiter_interview_with_the_candidate_token(client: TestClient, orgs, aws) -> None:
    acme = orgs["acme"]
    made = create(acme, ["What is a mutex?", "Reverse a linked list.", "What is a deadlock?"],
                  ["text", "coding", "text"])  # fmt: skip
    sid, token = made["session_id"], made["candidate_token"]
    with client.websocket_connect(f"/ws/interview?session_id={sid}&token={token}") as ws:
        [state] = receive(ws, 1)  # initialized: no question until started
        assert state["status"] == "initialized" and state["kind"] == "recruiter"
        assert state["consent_received"] is False and state["reference_face_captured"] is False
        [early] = ask(ws, answer(1, "Too early"), 1)
        assert early["code"] == "not_active" and early["in_reply_to"] == "answer"
        state, q1 = ask(ws, {"type": "start"}, 2)
        assert state["status"] == "in_progress" and q1["question_type"] == "text"
        assert q1["deadline_at"] is not None and 115 <= q1["seconds_left"] <= 120
        [again] = ask(ws, {"type": "start"}, 1)
        assert again["code"] == "illegal_state" and again["detail"] == "Session already started"
        events = [
            {"type": "tab_hidden"},
            {"type": "paste", "detail": "42 characters", "at": int(time.time() * 1000)},
        ]
        [recorded] = ask(ws, {"type": "proctoring", "events": events}, 1)
        assert recorded == {"type": "proctoring_recorded", "recorded": 2, "violations_count": 2}
        _, q2 = ask(ws, answer(1, "A mutex lets one thread in at a time."), 2)
        assert q2["question_type"] == "coding" and q2["seconds_left"] > 250  # the coding timer, 300 s
        code = "\n".join(  # a coding answer: indentation and newlines as typed
            ["def reverse(head):", "    prev = None", "    while head:",
             "        head.next, prev, head = prev, head, head.next", "    return prev"]
        )  # fmt: skip
        ack, q3 = ask(ws, answer(2, code), 2)
        assert ack["type"] == "ack" and q3["question_number"] == 3
        [early_end] = ask(ws, {"type": "end"}, 1)  # a candidate may not end with a question left
        assert early_end["code"] == "forbidden" and "1 unanswered question" in early_end["detail"]
        assert acme.post(f"{P}/session/{sid}/end").json()["questions_answered"] == 2  # the organisation may
        [state, done] = ask(ws, {"type": "state"}, 2)
        assert done["type"] == "completed" and done["answered"] == 2 and done["total_questions"] == 3
        assert aws.drain_evaluations() == 1
        # Ending an ended session is a no-op, as over HTTP; its report is ready by now, and announced to
        # the candidate once the organisation released it.
        assert types(ask(ws, {"type": "end"}, 1)) == ["completed"]
        acme.post(f"{P}/session/{sid}/release-report", json={"share": "feedback"})
        assert types(ask(ws, {"type": "end"}, 2)) == ["completed", "report_ready"]
    detail = acme.get(f"{P}/session/{sid}").json()["session"]
    assert detail["status"] == "completed" and detail["current_question_count"] == 2
    assert detail["proctoring_violations_count"] == 2
    report = acme.get(f"/api/reports/{sid}").json()
    assert [(q["question_type"], q["answer"]) for q in report["questions"]][1] == ("coding", code)
    assert report["integrity"]["violations"] == {"tab_hidden": 1, "paste": 1}


def test_connections_without_valid_credentials_are_refused(client: TestClient, orgs) -> None:
    a = create(orgs["acme"], ["Q1?"])
    b = create(orgs["acme"], ["Q2?"])
    cases = {
        f"session_id={a['session_id']}": 4401,  # access control on: credentials required
        f"session_id={a['session_id']}&api_key=mik_not-a-real-key": 4401,
        f"session_id={a['session_id']}&token=not-the-token": 4404,
        f"session_id={b['session_id']}&token={a['candidate_token']}": 4404,  # A's token never opens B
        f"session_id={a['session_id']}&api_key={orgs['globex_key']}": 4404,  # nor another organisation
        f"token={a['candidate_token']}": 4400,
    }
    for query, close_code in cases.items():
        with client.websocket_connect(f"/ws/interview?{query}") as ws:
            [refused] = receive(ws, 1)
            assert refused["type"] == "error" and refused["detail"], query
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == close_code, query
    with client.websocket_connect(
        f"/ws/interview?session_id={a['session_id']}&api_key={orgs['acme_key']}"
    ) as ws:
        assert receive(ws, 1)[0]["status"] == "initialized"  # the owning organisation's key opens it


def test_malformed_frames_get_an_error_and_change_nothing(client: TestClient, api: ApiGateway) -> None:
    sid = api.post("/start-interview", json={"topic": "SQL", "num_questions": 2}).json()["session_id"]
    bad: list[tuple[str | bytes, str]] = [
        ("not json", "invalid_json"),
        ("[1, 2]", "invalid_json"),
        ('{"type": "dance"}', "unknown_type"),
        ("{}", "unknown_type"),
        ('{"type": "answer"}', "invalid_message"),
        (json.dumps({**answer(1, "ok"), "extra": 1}), "invalid_message"),
        (json.dumps(answer(1, "x" * 5001)), "invalid_message"),
        (json.dumps(answer(1, "   ")), "invalid_message"),
        (json.dumps({"type": "proctoring", "events": [{"type": "sneezed"}]}), "invalid_message"),
        (json.dumps(answer(1, "y" * 17_000)), "too_large"),
        (b"\x00\x01binary", "invalid_json"),
    ]
    with client.websocket_connect(f"/ws/interview?session_id={sid}") as ws:
        receive(ws, 2)
        for frame, code in bad:
            ws.send_bytes(frame) if isinstance(frame, bytes) else ws.send_text(frame)
            [reply] = receive(ws, 1)
            assert (reply["type"], reply["code"]) == ("error", code), (frame[:40], reply)
        state, question = ask(ws, {"type": "state"}, 2)  # still open, nothing recorded
        assert state["answered"] == 0 and question["question_number"] == 1
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 0


def test_two_connections_racing_one_answer_record_it_once(client: TestClient, api: ApiGateway) -> None:
    sid = api.post("/start-interview", json={"topic": "SQL", "num_questions": 3}).json()["session_id"]
    url = f"/ws/interview?session_id={sid}"
    with client.websocket_connect(url) as one, client.websocket_connect(url) as two:
        receive(one, 2), receive(two, 2)
        for i, ws in enumerate((one, two)):
            ws.send_text(json.dumps(answer(1, f"answer from tab {i}")))
        first = [receive(one, 1)[0], receive(two, 1)[0]]
        assert sorted(types(first)) == ["ack", "error"]
        [refused] = [m for m in first if m["type"] == "error"]
        assert refused["code"] == "conflict" and refused["in_reply_to"] == "answer"
        winner = one if first[0]["type"] == "ack" else two
        assert receive(winner, 1)[0]["question_number"] == 2
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 1


def test_a_dropped_connection_resumes_where_it_was(client: TestClient, orgs) -> None:
    made = create(orgs["acme"], ["What is a mutex?", "What is a semaphore?"])
    url = f"/ws/interview?session_id={made['session_id']}&token={made['candidate_token']}"
    with client.websocket_connect(url) as ws:
        receive(ws, 1)
        _, before = ask(ws, {"type": "start"}, 2)
    with client.websocket_connect(url) as ws:  # a new socket: everything comes from DynamoDB
        state, after = receive(ws, 2)
        assert state["status"] == "in_progress" and state["answered"] == 0
        assert (after["question_number"], after["text"], after["deadline_at"]) == (
            1, before["text"], before["deadline_at"])  # fmt: skip
        ask(ws, answer(1, "One holder at a time."), 2)
    with client.websocket_connect(url) as ws:
        state, q2 = receive(ws, 2)
        assert state["answered"] == 1 and q2["question_number"] == 2


def test_an_answer_after_the_deadline_is_recorded_and_flagged_late(
    client: TestClient, orgs, monkeypatch
) -> None:
    made = create(orgs["acme"], ["What is a mutex?", "What is a semaphore?"])
    url = f"/ws/interview?session_id={made['session_id']}&token={made['candidate_token']}"
    with client.websocket_connect(url) as ws:
        receive(ws, 1)
        ask(ws, {"type": "start"}, 2)
        real = interview.epoch_now
        monkeypatch.setattr(interview, "epoch_now", lambda: real() + 400)  # the 120 s deadline is long gone
        ack, _ = ask(ws, answer(1, "Late, but recorded."), 2)
        assert ack == {"type": "ack", "question_number": 1, "late": True}


def test_the_local_timer_warns_then_says_expired(client: TestClient, orgs, monkeypatch) -> None:
    made = create(orgs["acme"], ["What is a mutex?"], text_question_timer=10)
    url = f"/ws/interview?session_id={made['session_id']}&token={made['candidate_token']}"
    # The server sets the deadline when the session starts: moved so that ~3 s of it are left, with a
    # warning at 1 s (instead of 60/30/10) to keep the test short.
    real = recruiter.epoch_now
    monkeypatch.setattr(recruiter, "epoch_now", lambda: real() - 7)
    monkeypatch.setattr(live_channel, "TIMER_WARNINGS", (1,))
    with client.websocket_connect(url) as ws:
        receive(ws, 1)
        _, question = ask(ws, {"type": "start"}, 2)
        assert 2 <= question["seconds_left"] <= 3
        warning, expired = receive(ws, 2)
        assert warning == {"type": "timer", "question_number": 1, "deadline_at": question["deadline_at"],
                           "seconds_left": 1, "expired": False}  # fmt: skip
        assert expired["expired"] is True and expired["seconds_left"] == 0
        assert time.time() >= question["deadline_at"]
        ack, done = ask(ws, answer(1, "Still recorded after the clock ran out."), 2)
        assert ack["type"] == "ack" and done["type"] == "completed"


# -- API Gateway WebSocket transport (functions/ws_*) -----------------------------------------------


def connection_item(aws, connection_id: str) -> dict[str, Any] | None:
    db = boto3.client("dynamodb", endpoint_url=aws.endpoint)
    return db.get_item(TableName="ConnectionsTable", Key={"connection_id": {"S": connection_id}}).get("Item")


def test_lambda_transport_connects_with_credentials_and_round_trips(
    gateway: WebSocketGateway, orgs, aws
) -> None:
    made = create(orgs["acme"], ["What is a mutex?", "Reverse a list."], ["text", "coding"])
    sid, token = made["session_id"], made["candidate_token"]
    assert gateway.connect({"session_id": sid})[0] == 401
    assert gateway.connect({"session_id": sid, "api_key": "mik_nope"})[0] == 401
    assert gateway.connect({"session_id": sid, "token": "wrong"})[0] == 404
    status, cid = gateway.connect({"session_id": sid, "token": token})
    assert status == 200
    item = connection_item(aws, cid)
    assert item and item["session_id"]["S"] == sid and token not in json.dumps(item)  # only its hash

    assert types(gateway.send(cid, {"type": "state"})) == ["state"]  # the greeting, not sent twice
    state, q1 = gateway.send(cid, {"type": "start"})
    assert state["status"] == "in_progress" and q1["seconds_left"] > 100
    pong, timer = gateway.send(cid, {"type": "ping"})  # no pushes over Lambda: the clock rides on replies
    assert pong["type"] == "pong" and timer["type"] == "timer" and timer["question_number"] == 1
    assert timer["deadline_at"] == q1["deadline_at"] and timer["expired"] is False
    [error, _] = gateway.send(cid, "not json")
    assert error["code"] == "invalid_json"
    assert gateway.send(cid, b"\x00binary")[0]["code"] == "invalid_json"
    recorded, _ = gateway.send(cid, {"type": "proctoring", "events": [{"type": "window_blur"}]})
    assert recorded["violations_count"] == 1
    ack, q2 = gateway.send(cid, answer(1, "One thread at a time."))
    assert ack["late"] is False and q2["question_type"] == "coding"
    ack, done = gateway.send(cid, answer(2, "return items[::-1]"))
    assert done["type"] == "completed" and done["report_url"].endswith(f"/api/reports/{sid}")

    # A second connection's first message, whatever it is, comes after the greeting.
    _, other = gateway.connect({"session_id": sid, "api_key": orgs["acme_key"]})
    assert types(gateway.send(other, {"type": "ping"})) == ["state", "completed", "pong"]
    for connection in (cid, other):
        gateway.disconnect(connection)
        assert connection_item(aws, connection) is None


def test_lambda_connections_racing_one_answer_record_it_once(
    gateway: WebSocketGateway, api: ApiGateway
) -> None:
    sid = api.post("/start-interview", json={"topic": "SQL", "num_questions": 2}).json()["session_id"]
    cids = [gateway.connect({"session_id": sid})[1] for _ in range(2)]
    for cid in cids:
        gateway.send(cid, {"type": "state"})
    barrier = threading.Barrier(2)
    replies: dict[str, list[dict[str, Any]]] = {}

    def race(cid: str) -> None:
        barrier.wait()
        replies[cid] = gateway.send(cid, answer(1, f"from {cid}"))

    threads = [threading.Thread(target=race, args=(cid,)) for cid in cids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    firsts = sorted(replies[cid][0]["type"] for cid in cids)
    assert firsts == ["ack", "error"]
    assert [m["code"] for cid in cids for m in replies[cid] if m["type"] == "error"] == ["conflict"]
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 1


def test_lambda_gone_and_unknown_connections_are_cleaned_up(
    gateway: WebSocketGateway, api: ApiGateway, aws
) -> None:
    sid = api.post("/start-interview", json={"topic": "SQL"}).json()["session_id"]
    _, cid = gateway.connect({"session_id": sid})
    gateway.api.gone.add(cid)  # the client vanished without API Gateway's $disconnect reaching us
    assert gateway.send(cid, {"type": "state"}) == []
    assert connection_item(aws, cid) is None
    [refused] = gateway.send("never-connected", {"type": "state"})
    assert refused["code"] == "unauthorized" and "reconnect" in refused["detail"]
    assert gateway.api.deleted == ["never-connected"]  # closed, so the client opens a new connection


def test_a_follow_up_over_the_socket_is_marked_and_a_stale_turn_is_a_conflict(
    client: TestClient, api: ApiGateway, aws
) -> None:
    body = {"topic": "Data Structures", "num_questions": 1, "follow_ups": 1}
    sid = api.post("/start-interview", json=body).json()["session_id"]
    with client.websocket_connect(f"/ws/interview?session_id={sid}") as ws:
        _, q1 = receive(ws, 2)
        assert (q1["turn"], q1["follow_up"]) == (1, False) and "follow_up_of" not in q1
        _, follow_up = ask(ws, {**answer(1, "I am not sure."), "turn": 1}, 2)
        assert follow_up["type"] == "question" and follow_up["follow_up"] is True
        assert (follow_up["question_number"], follow_up["follow_up_of"], follow_up["turn"]) == (1, 1, 2)
        assert follow_up["total_questions"] == 1 and follow_up["text"] != q1["text"]
        [stale] = ask(ws, {**answer(1, "again"), "turn": 1}, 1)
        assert stale["code"] == "conflict" and "Turn 1" in stale["detail"]
        _, done = ask(ws, {**answer(1, "Still not sure."), "turn": 2}, 2)
        assert done["type"] == "completed" and done["answered"] == 1
