"""Candidates see and run coding questions (issue 14): every response and live message that presents a
recruiter session's question carries `coding`, what CodingSpec.for_candidate() shows (starter code, schema,
visible tests, how many are hidden) and never a hidden test or the reference solution; the live channel's
`run_code` runs the visible tests as POST /api/code/run does, against the same 30 runs a question.

Through the Lambda handlers with API Gateway's HTTP events, and the API Gateway WebSocket functions with
its WebSocket events (replies captured by a local management API), against the moto stand-in."""

import json
import os
from pathlib import Path
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from interview_core.api.full import build
from interview_core.domain import MAX_CODE_RUNS, MAX_TIME_LIMIT_MS
from interview_core.settings import get_settings
from interview_core.store.table import session_key
from tests.support.apigw import ApiGateway
from tests.support.audio import speech
from tests.support.ws_gateway import WebSocketGateway

ROOT = Path(__file__).resolve().parents[2]
P = "/api/parallel_interview"
CANDIDATE = {"name": "Rae Candidate", "email": "rae@example.com"}

# Strings only the organisation's side of a question holds: a candidate's body that has one leaks it.
HIDDEN_CALL = "reverse(['zq-hidden-77'])"
HIDDEN_EXPECTED = "['zq-hidden-77']"
REFERENCE = "def reverse(items):\n    return items[::-1]  # zq-ref-88"
SQL_REFERENCE = "SELECT name FROM users WHERE age > 30 -- zq-ref-sql-99"
SECRETS = ("zq-hidden-77", "zq-ref-88", "zq-hidden-sql-66", "zq-ref-sql-99")

TIME_LIMIT_MS = MAX_TIME_LIMIT_MS  # the most: a run's wall clock must not expire on a loaded test machine
STARTER = "def reverse(items):\n    pass  # zq-starter-55"
VISIBLE = {"name": "three items", "call": "reverse([1, 2, 3])", "expected": "[3, 2, 1]", "visible": True}
PYTHON: dict[str, Any] = {
    "text": "Write reverse(items) that returns a new list in reverse order.",
    "type": "coding",
    "language": "python",
    "starter_code": STARTER,
    "tests": [VISIBLE, {"name": "hidden zq-hidden-77", "call": HIDDEN_CALL, "expected": HIDDEN_EXPECTED}],
    "reference_solution": REFERENCE,
    "time_limit_ms": TIME_LIMIT_MS,
}
SCHEMA = "CREATE TABLE users (name TEXT, age INT); INSERT INTO users VALUES ('ann', 31), ('bo', 20);"
SQL: dict[str, Any] = {
    "text": "List the names of users older than 30.",
    "language": "sql",
    "schema": SCHEMA,
    "tests": [
        {"name": "older", "expected_rows": [["ann"]], "visible": True},
        {"name": "zq-hidden-sql-66", "expected_rows": [["ann"]], "ordered": True},
    ],
    "reference_solution": SQL_REFERENCE,
    "time_limit_ms": TIME_LIMIT_MS,
}
QUESTIONS = [PYTHON, "What is a deadlock?", SQL]

# What the candidate is shown of each (null for the text question), as every response and message has it.
PYTHON_SHOWN = {
    "language": "python", "starter_code": STARTER, "schema": None, "time_limit_ms": TIME_LIMIT_MS,
    "tests": [{**VISIBLE, "expected_rows": None, "ordered": False}], "hidden_tests": 1,
}  # fmt: skip
SQL_SHOWN = {
    "language": "sql", "starter_code": None, "schema": SCHEMA, "time_limit_ms": TIME_LIMIT_MS,
    "tests": [{"name": "older", "visible": True, "call": None, "expected": None, "expected_rows": [["ann"]],
               "ordered": False}],
    "hidden_tests": 1,
}  # fmt: skip
RIGHT = "def reverse(items):\n    print('ran')\n    return items[::-1]\n"
WRONG = "def reverse(items):\n    return items\n"
SERVER_SCHEMA = Draft202012Validator(json.loads((ROOT / "docs/schemas/server-message.json").read_text()))


def without_nulls(value: Any) -> Any:
    """As a route with response_model_exclude_none (GET /session/{id}) sends it."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def create(acme: ApiGateway) -> tuple[str, str, ApiGateway]:
    r = acme.post(f"{P}/create", json={**CANDIDATE, "questions": QUESTIONS})
    assert r.status_code == 200, r.text
    made = r.json()
    assert made["interview_config"]["question_types"] == ["coding", "text", "coding"]
    return (
        made["session_id"],
        made["candidate_token"],
        ApiGateway({"x-session-token": made["candidate_token"]}),
    )


def stored(sid: str) -> dict[str, Any]:
    """The session's item as DynamoDB holds it, run counters (code_runs_<n>) and all: a refused run must
    leave it exactly as it was."""
    db = boto3.client("dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    item: dict[str, Any] = db.get_item(TableName=get_settings().sessions_table, Key=session_key(sid))["Item"]
    return item


def runs(sid: str, number: int) -> int:
    return int(stored(sid).get(f"code_runs_{number}", {"N": "0"})["N"])


def http_run(client: ApiGateway, sid: str, code: str, number: int = 1) -> Any:
    return client.post("/api/code/run", json={"session_id": sid, "question_number": number, "code": code})


def timeless(body: dict[str, Any]) -> dict[str, Any]:
    """A run's body without what differs between two runs of the same code (the type, the durations)."""
    results = [{k: v for k, v in r.items() if k != "duration_ms"} for r in body["results"]]
    return {**{k: v for k, v in body.items() if k != "type"}, "results": results}


class Socket:
    """One connection through the WebSocket functions; every message it gets is checked against the
    committed JSON Schema (docs/schemas/server-message.json) and kept."""

    def __init__(self, gateway: WebSocketGateway, query: dict[str, str]) -> None:
        self.gateway = gateway
        status, self.connection = gateway.connect(query)
        assert status == 200
        self.seen: list[dict[str, Any]] = []

    def send(self, frame: dict[str, Any]) -> list[dict[str, Any]]:
        replies = self.gateway.send(self.connection, frame)
        for message in replies:
            errors = [e.message for e in SERVER_SCHEMA.iter_errors(message)]
            assert not errors, (message, errors)
        self.seen += replies
        return [m for m in replies if m["type"] != "timer"]  # over API Gateway, every reply ends with one

    def one(self, frame: dict[str, Any], kind: str) -> dict[str, Any]:
        [reply] = self.send(frame)
        assert reply["type"] == kind, reply
        return reply

    def refused(self, frame: dict[str, Any], code: str) -> dict[str, Any]:
        reply = self.one(frame, "error")
        assert reply["code"] == code and reply["in_reply_to"] == frame["type"], reply
        return reply


def test_every_response_that_presents_a_question_carries_what_the_candidate_may_see(
    acme: ApiGateway,
) -> None:
    sid, _, candidate = create(acme)
    bodies: dict[str, str] = {}

    def seen(name: str, r: Any, status: int = 200) -> Any:
        assert r.status_code == status, (name, r.text)
        bodies[name] = r.text
        return r.json()

    assert "current_coding" not in seen("progress before start", candidate.get(f"/session/{sid}"))
    start = seen("start", candidate.post(f"{P}/session/{sid}/start"))
    assert start["coding"] == PYTHON_SHOWN
    assert (start["current_question"], start["question_type"]) == (PYTHON["text"], "coding")
    assert seen("progress", candidate.get(f"/session/{sid}"))["current_coding"] == without_nulls(PYTHON_SHOWN)
    seen("detail as candidate", candidate.get(f"{P}/session/{sid}"), 403)  # the organisation's route
    assert acme.get(f"{P}/session/{sid}").json()["session"]["current_coding"] == PYTHON_SHOWN

    text = seen("answer 1", candidate.post("/submit-answer", json={"session_id": sid, "answer": REFERENCE}))
    # A text question's bodies are what they were before coding questions: no `coding` key at all.
    assert (text["question_number"], text["next_question"], "coding" in text) == (2, QUESTIONS[1], False)
    assert "current_coding" not in seen("progress at the text question", candidate.get(f"/session/{sid}"))
    assert "current_coding" not in acme.get(f"{P}/session/{sid}").json()["session"]

    spoken = speech("Two threads each wait for a lock the other one holds, so neither moves on.")
    by_voice = seen(
        "answer 2 by voice",
        candidate.post_files(f"/audio-answer/{sid}", {"audio_file": ("a.wav", spoken, "audio/wav")}),
    )
    assert (by_voice["question_number"], by_voice["next_question"]) == (3, SQL["text"])
    assert by_voice["coding"] == SQL_SHOWN and "lock" in by_voice["transcript"].lower()
    assert seen("progress at the SQL question", candidate.get(f"/session/{sid}"))["current_coding"] == (
        without_nulls(SQL_SHOWN)
    )
    assert acme.get(f"{P}/session/{sid}").json()["session"]["current_coding"] == SQL_SHOWN

    last = seen(
        "answer 3", candidate.post("/submit-answer", json={"session_id": sid, "answer": SQL_REFERENCE})
    )
    assert last["status"] == "completed" and "coding" not in last
    assert "current_coding" not in seen("progress when done", candidate.get(f"/session/{sid}"))

    assert {name: leaks(body) for name, body in bodies.items() if leaks(body)} == {}
    assert leaks(acme.get(f"{P}/session/{sid}").text) == list(SECRETS), "the secrets were there to leak"


def test_the_live_channel_shows_the_coding_and_runs_the_visible_tests(
    acme: ApiGateway, gateway: WebSocketGateway
) -> None:
    sid, token, candidate = create(acme)
    ws = Socket(gateway, {"session_id": sid, "token": token})
    assert [m["type"] for m in ws.send({"type": "state"})] == ["state"]  # initialized: no question yet
    untouched = stored(sid)
    ws.refused({"type": "run_code", "code": RIGHT}, "not_active")
    assert stored(sid) == untouched, "a refused run changes nothing"

    state, question = ws.send({"type": "start"})
    assert state["status"] == "in_progress" and question["type"] == "question"
    assert (question["question_type"], question["coding"]) == ("coding", PYTHON_SHOWN)

    right = ws.one({"type": "run_code", "code": RIGHT}, "code_result")  # the current question
    assert (right["status"], right["passed"], right["total"], right["stdout"]) == ("success", 1, 1, "ran\n")
    [result] = right["results"]
    assert (result["name"], result["passed"], result["actual"]) == ("three items", True, "[3, 2, 1]")
    over_http = http_run(candidate, sid, RIGHT)
    assert over_http.status_code == 200 and timeless(right) == timeless(over_http.json())
    wrong = ws.one({"type": "run_code", "code": WRONG, "question_number": 1}, "code_result")
    assert (wrong["passed"], wrong["total"], wrong["results"][0]["actual"]) == (0, 1, "[1, 2, 3]")

    # A candidate runs only the current question; the refusal is not counted.
    untouched = stored(sid)
    not_current = ws.refused({"type": "run_code", "code": SQL_REFERENCE, "question_number": 3}, "bad_request")
    assert "not the current question" in not_current["detail"]
    assert stored(sid) == untouched

    assert runs(sid, 1) == 3  # two runs over the socket and one over HTTP: one count for both
    for _ in range(MAX_CODE_RUNS - 3):
        assert ws.one({"type": "run_code", "code": WRONG}, "code_result")["passed"] == 0
    untouched = stored(sid)
    assert runs(sid, 1) == MAX_CODE_RUNS
    limited = ws.refused({"type": "run_code", "code": RIGHT}, "rate_limited")
    refused_over_http = http_run(candidate, sid, RIGHT)
    assert refused_over_http.status_code == 429
    assert limited["detail"] == refused_over_http.json()["detail"] and "30 times" in limited["detail"]
    assert stored(sid) == untouched

    ack, text = ws.send({"type": "answer", "question_number": 1, "answer": REFERENCE})
    assert ack["type"] == "ack" and (text["question_number"], text["coding"]) == (2, None)
    untouched = stored(sid)
    refused = ws.refused({"type": "run_code", "code": RIGHT}, "bad_request")
    assert "not a coding question" in refused["detail"]
    assert stored(sid) == untouched

    # The organisation may run any question of the session: the SQL one before it is current.
    org = Socket(gateway, {"session_id": sid, "api_key": acme.headers["x-api-key"]})
    assert org.send({"type": "state"})[1]["coding"] is None  # it sees what the candidate sees
    sql = org.one({"type": "run_code", "code": SQL_REFERENCE, "question_number": 3}, "code_result")
    assert (sql["passed"], sql["total"], sql["results"][0]["call"]) == (1, 1, None)
    assert (runs(sid, 1), runs(sid, 2), runs(sid, 3)) == (MAX_CODE_RUNS, 0, 1)

    ack, question = ws.send({"type": "answer", "question_number": 2, "answer": "Each waits on the other."})
    assert (question["question_number"], question["coding"]) == (3, SQL_SHOWN)
    again = Socket(gateway, {"session_id": sid, "token": token})  # a reconnect gets the same question
    assert again.send({"type": "state"})[1]["coding"] == SQL_SHOWN
    ws.send({"type": "answer", "question_number": 3, "answer": SQL_REFERENCE})
    ws.refused({"type": "run_code", "code": SQL_REFERENCE}, "not_active")  # completed

    candidate_frames = json.dumps(ws.seen + again.seen)
    assert leaks(candidate_frames) == []
    assert {"question", "code_result", "error"} <= {m["type"] for m in ws.seen}


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"type": "run_code"}, "code"),
        ({"type": "run_code", "code": "   "}, "code"),
        ({"type": "run_code", "code": "x = 1", "question_number": 0}, "question_number"),
        ({"type": "run_code", "code": "x = 1", "tests": [HIDDEN_CALL]}, "tests"),  # no tests of one's own
    ],
)
def test_a_malformed_run_code_is_refused_naming_its_field(
    acme: ApiGateway, gateway: WebSocketGateway, frame: dict[str, Any], field: str
) -> None:
    sid, token, candidate = create(acme)
    assert candidate.post(f"{P}/session/{sid}/start").status_code == 200
    ws = Socket(gateway, {"session_id": sid, "token": token})
    ws.send({"type": "state"})
    untouched = stored(sid)
    assert ws.refused(frame, "invalid_message")["detail"].startswith(f"{field}: "), frame
    assert stored(sid) == untouched


def test_the_local_transport_shows_the_coding_and_runs_code_alike(acme: ApiGateway) -> None:
    sid, token, candidate = create(acme)
    assert candidate.post(f"{P}/session/{sid}/start").status_code == 200
    with (
        TestClient(build()) as client,
        client.websocket_connect(f"/ws/interview?session_id={sid}&token={token}") as ws,
    ):
        state, question = ws.receive_json(), ws.receive_json()  # pushed as the socket opens
        assert (state["type"], question["coding"]) == ("state", PYTHON_SHOWN)
        ws.send_json({"type": "run_code", "code": RIGHT})
        result = ws.receive_json()
        assert (result["type"], result["passed"], result["total"]) == ("code_result", 1, 1)
        assert not list(SERVER_SCHEMA.iter_errors(result))
        assert leaks(json.dumps([state, question, result])) == []


def test_a_text_question_is_presented_as_before_coding_questions(acme: ApiGateway) -> None:
    made = acme.post(f"{P}/create", json={**CANDIDATE, "questions": ["What is a mutex?", "And a deadlock?"]})
    sid, candidate = (
        made.json()["session_id"],
        ApiGateway({"x-session-token": made.json()["candidate_token"]}),
    )
    start = candidate.post(f"{P}/session/{sid}/start").json()
    assert set(start) == {"status", "message", "session_id", "livekit_room_name", "current_question",
                          "question_number", "question_type", "deadline_at"}  # fmt: skip
    progress = candidate.get(f"/session/{sid}").json()
    assert "current_coding" not in progress and progress["current_question"] == "What is a mutex?"
    assert "current_coding" not in acme.get(f"{P}/session/{sid}").json()["session"]
    nxt = candidate.post("/submit-answer", json={"session_id": sid, "answer": "One thread at a time."}).json()
    assert set(nxt) == {
        "session_id",
        "message",
        "next_question",
        "question_number",
        "total_questions",
        "status",
    }
