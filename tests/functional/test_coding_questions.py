"""Coding questions (issue 14, items 1-2): written with their tests and vetted at creation (refused naming
the field), stored, shown to the organisation; their visible tests run by POST /api/code/run, 30 runs per
question; hidden tests never in a body the candidate reads."""

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from interview_core import coding, wiring
from interview_core.domain import MAX_CODE_RUNS, MAX_TIME_LIMIT_MS
from tests.support.apigw import ApiGateway

P = "/api/parallel_interview"
CANDIDATE = {"name": "Rae Candidate", "email": "rae@example.com"}
HIDDEN_CALL = "reverse(['OKAPI-HIDDEN-CALL'])"
HIDDEN_EXPECTED = "['OKAPI-HIDDEN-CALL']"
REFERENCE = "def reverse(items):\n    return items[::-1]  # PANGOLIN-REFERENCE\n"
PYTHON: dict[str, Any] = {
    "text": "Write reverse(items) that returns a new list in reverse order.",
    "type": "coding",
    "language": "python",
    "starter_code": "def reverse(items):\n    pass\n",
    "tests": [
        {"name": "three items", "call": "reverse([1, 2, 3])", "expected": "[3, 2, 1]", "visible": True},
        {"name": "hidden", "call": HIDDEN_CALL, "expected": HIDDEN_EXPECTED},
    ],
    "reference_solution": REFERENCE,
    "time_limit_ms": 2000,
}
SQL: dict[str, Any] = {
    "text": "List the names of users older than 30.",
    "language": "sql",  # no type: a language makes it a coding question
    "schema": "CREATE TABLE users (name TEXT, age INT); INSERT INTO users VALUES ('ann', 31), ('bo', 20);",
    "tests": [{"name": "older", "expected_rows": [["ann"]], "visible": True}],
    "reference_solution": "SELECT name FROM users WHERE age > 30",
}
SECRETS = ("OKAPI-HIDDEN", "PANGOLIN-REFERENCE")


def create(org: ApiGateway, questions: list[Any], status: int = 200) -> dict[str, Any]:
    r = org.post(f"{P}/create", json={**CANDIDATE, "questions": questions})
    assert r.status_code == status, r.text
    return r.json()


def started(org: ApiGateway, questions: list[Any]) -> tuple[str, ApiGateway, str]:
    made = create(org, questions)
    candidate = ApiGateway({"x-session-token": made["candidate_token"]})
    r = candidate.post(f"{P}/session/{made['session_id']}/start")
    assert r.status_code == 200, r.text
    return made["session_id"], candidate, r.text


def run(client: ApiGateway, sid: str, code: str, number: int = 1) -> Any:
    return client.post("/api/code/run", json={"session_id": sid, "question_number": number, "code": code})


def test_the_time_limit_is_the_sandboxs() -> None:
    assert MAX_TIME_LIMIT_MS == coding.MAX_TIME_LIMIT_MS


def test_coding_questions_are_stored_and_the_organisation_sees_their_tests(acme: ApiGateway) -> None:
    made = create(acme, [PYTHON, SQL, "What is a deadlock?"])
    assert made["interview_config"]["question_types"] == ["coding", "coding", "text"]
    detail = acme.get(f"{P}/session/{made['session_id']}").json()["questions"]
    assert detail[0]["coding"] == {
        "language": "python", "starter_code": PYTHON["starter_code"].strip(), "schema": None,
        "tests": [{**t, "visible": t.get("visible", False), "expected_rows": None, "ordered": False, "setup": None}
                  for t in PYTHON["tests"]],
        "reference_solution": REFERENCE.strip(), "time_limit_ms": 2000,
    }  # fmt: skip
    assert detail[1]["coding"]["schema"] == SQL["schema"] and detail[1]["coding"]["time_limit_ms"] == 2000
    assert detail[2]["coding"] is None
    stored = wiring.recruiter_service().store.get(made["session_id"]).questions  # through the codec
    assert stored[1].coding is not None and stored[1].coding.tests[0].expected_rows == [["ann"]]


def test_a_job_keeps_its_coding_questions_and_its_sessions_copy_them(acme: ApiGateway) -> None:
    job = acme.post("/api/jobs", json={"title": "Engineer", "questions": [PYTHON]})
    assert job.status_code == 201, job.text
    assert (
        acme.get(f"/api/jobs/{job.json()['job_id']}").json()["questions"][0]["tests"][1]["call"]
        == HIDDEN_CALL
    )
    made = acme.post(f"{P}/create", json={**CANDIDATE, "job_id": job.json()["job_id"]}).json()
    assert made["interview_config"]["question_types"] == ["coding"]
    detail = acme.get(f"{P}/session/{made['session_id']}").json()["questions"]
    assert detail[0]["coding"]["tests"][1]["expected"] == HIDDEN_EXPECTED


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


@pytest.mark.parametrize(
    ("question", "field"),
    [
        (_with(PYTHON, tests=[{"name": "t", "call": "reverse([1", "expected": "[1]"}], reference_solution=None),
         "questions.0.tests.0.call"),
        (_with(PYTHON, tests=[{"name": "t", "call": "f()", "expected": "1 +"}], reference_solution=None),
         "questions.0.tests.0.expected"),
        (_with(PYTHON, tests=[{"name": "t", "call": "f()"}]), "tests.0.expected"),
        (_with(PYTHON, tests=[{"name": f"t{i}", "call": "f()", "expected": "1"} for i in range(51)]),
         "questions.0.tests"),
        (_with(PYTHON, time_limit_ms=10_001), "questions.0.time_limit_ms"),
        (_with(PYTHON, starter_code="x" * 20_001), "questions.0.starter_code"),
        (_with(PYTHON, tests=[{"name": "t", "call": "f(" + "1," * 999 + ")", "expected": "1"}]),
         "questions.0.tests.0.call"),
        (_with(SQL, schema=None), "schema"),
        (_with(PYTHON, type="text"), "language"),
        ({"text": "Explain.", "tests": [{"name": "t", "call": "f()", "expected": "1"}]}, "tests"),
        (_with(PYTHON, tests=[{"name": "t", "expected_rows": [[1]], "call": "f()", "expected": "1"}]),
         "tests.0.expected_rows"),
        (_with(PYTHON, tests=[{"name": "t", "call": "f()", "expected": "1", "hint": "x"}]),
         "questions.0.tests.0.hint"),
    ],
)  # fmt: skip
def test_invalid_coding_questions_are_refused_naming_the_field(
    acme: ApiGateway, question: dict[str, Any], field: str
) -> None:
    detail = create(acme, [question], status=400)["detail"]
    assert field in detail, detail


def test_a_reference_solution_that_fails_is_refused_and_nothing_is_stored(acme: ApiGateway) -> None:
    broken = _with(PYTHON, reference_solution="def reverse(items):\n    return items\n")
    detail = create(acme, [broken], status=400)["detail"]
    assert "questions.0.reference_solution" in detail and "'three items'" in detail, detail
    assert "'hidden'" not in detail, "the palindrome hidden test passes: only failing tests are named"
    assert acme.get(f"{P}/sessions").json()["total"] == 0
    assert acme.post("/api/jobs", json={"title": "Engineer", "questions": [broken]}).status_code == 400
    assert acme.get("/api/jobs").json()["jobs"] == []
    wrong_sql = _with(SQL, reference_solution="SELECT name FROM users")
    assert "questions.0.reference_solution" in create(acme, [wrong_sql], status=400)["detail"]


def test_a_coding_question_without_tests_is_allowed(acme: ApiGateway) -> None:
    made = create(acme, [{"text": "Sketch an LRU cache.", "language": "python"}])
    assert made["interview_config"]["question_types"] == ["coding"]


def test_the_candidate_runs_the_visible_tests_and_never_sees_the_hidden_ones(acme: ApiGateway) -> None:
    sid, candidate, start = started(acme, [PYTHON, SQL])
    bodies = {"start": start}
    right = run(candidate, sid, "def reverse(items):\n    print('hi')\n    return items[::-1]\n")
    assert right.status_code == 200, right.text
    assert right.json() == {
        "status": "success", "passed": 1, "total": 1, "timed_out": False, "stdout": "hi\n",
        "stdout_truncated": False, "error": None,
        "results": [{"name": "three items", "call": "reverse([1, 2, 3])", "passed": True, "expected": "[3, 2, 1]",
                     "actual": "[3, 2, 1]", "error": None, "duration_ms": right.json()["results"][0]["duration_ms"]}],
    }  # fmt: skip
    wrong = run(candidate, sid, "def reverse(items):\n    return items\n").json()
    assert (wrong["passed"], wrong["total"], wrong["results"][0]["actual"]) == (0, 1, "[1, 2, 3]")
    bodies |= {"right": right.text, "wrong": json.dumps(wrong)}
    bodies["progress"] = candidate.get(f"/session/{sid}").text
    bodies["detail as candidate"] = candidate.get(f"{P}/session/{sid}").text  # 403: the organisation's route
    # Not the next question before this one is answered; then the SQL question, with its schema.
    assert run(candidate, sid, "SELECT name FROM users WHERE age > 30", 2).status_code == 400
    assert candidate.post("/submit-answer", json={"session_id": sid, "answer": REFERENCE}).status_code == 200
    sql = run(candidate, sid, "SELECT name FROM users WHERE age > 30", 2)
    assert (sql.status_code, sql.json()["passed"], sql.json()["results"][0]["call"]) == (200, 1, None)
    assert run(candidate, sid, "x = 1", 1).status_code == 400, "an answered question is not run again"
    leaked = {name: [s for s in SECRETS if s in body] for name, body in bodies.items()}
    assert {k: v for k, v in leaked.items() if v} == {}
    assert all(s in acme.get(f"{P}/session/{sid}").text for s in SECRETS), "the secrets were there to leak"


def test_runs_are_limited_per_question_even_when_they_race(acme: ApiGateway) -> None:
    sid, candidate, _ = started(acme, [_with(PYTHON, tests=PYTHON["tests"][:1])])
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: run(candidate, sid, "reverse = list").status_code, range(35)))
    assert sorted(statuses) == [200] * MAX_CODE_RUNS + [429] * 5, statuses
    refused = run(acme, sid, "reverse = list")  # the organisation's runs count on the same question
    assert refused.status_code == 429 and "30 times" in refused.json()["detail"], refused.text


def test_runs_need_a_started_session_and_a_coding_question(acme: ApiGateway) -> None:
    made = create(acme, [PYTHON, "What is a deadlock?", {"text": "Reverse a list.", "type": "coding"}])
    sid, candidate = made["session_id"], ApiGateway({"x-session-token": made["candidate_token"]})
    before = run(candidate, sid, REFERENCE)
    assert before.status_code == 400 and before.json()["detail"] == "Session is not active", before.text
    assert candidate.post(f"{P}/session/{sid}/start").status_code == 200
    # The organisation may run any question; a text question, or a coding one without a language, has none.
    assert run(acme, sid, REFERENCE).json()["passed"] == 1
    for number in (2, 3):
        refused = run(acme, sid, "x = 1", number)
        assert refused.status_code == 400 and "not a coding question" in refused.json()["detail"], (
            refused.text
        )
    assert run(acme, sid, "x = 1", 9).status_code == 400
    assert run(ApiGateway({"x-session-token": "not-the-token"}), sid, REFERENCE).status_code == 404
