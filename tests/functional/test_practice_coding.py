"""Practice sessions with coding questions (issue 14, part 4): POST /start-interview's question_types, the
offline coding bank by topic and difficulty, and POST /api/code/run on a practice session's question."""

import json
from typing import Any

import pytest

from interview_core import wiring
from interview_core.domain import Question
from interview_core.providers import coding_bank
from tests.support.apigw import ApiGateway

SEED_KEYS = {"session_id", "greeting", "current_question", "question_number", "total_questions", "status"}


def start(api: ApiGateway, status: int = 200, **spec: Any) -> dict[str, Any]:
    r = api.post("/start-interview", json={"topic": "Python", **spec})
    assert r.status_code == status, r.text
    return r.json()


def stored(sid: str) -> list[Question]:
    return wiring.interview_service().store.get(sid).questions


def problem(question: Question) -> coding_bank.CodingProblem:
    """The bank problem a question was made from (by its text, which the response shows unchanged)."""
    found = next((p for p in coding_bank.bank().problems if p.text == question.text), None)
    assert found is not None, question.text[:80]
    return found


def candidate_view(question: Question) -> Any:
    assert question.coding is not None
    return json.loads(question.coding.for_candidate().model_dump_json(by_alias=True))


@pytest.mark.parametrize("difficulty", ["simple", "medium", "hard"])
@pytest.mark.parametrize(("topic", "bank_topic"), [("SQL", "sql"), ("Python", "python")])
def test_coding_questions_are_the_banks_on_the_topic_and_level_without_repeats(
    api: ApiGateway, topic: str, bank_topic: str, difficulty: str
) -> None:
    n = min(10, len(coding_bank.problems(bank_topic, difficulty)))  # type: ignore[arg-type]
    body = start(api, topic=topic, difficulty=difficulty, num_questions=n, question_types=["coding"])
    questions = stored(body["session_id"])
    assert body["total_questions"] == len(questions) == n
    drawn = [problem(q) for q in questions]
    assert {(p.topic, p.difficulty) for p in drawn} == {(bank_topic, difficulty)}
    assert len({p.id for p in drawn}) == n, "no problem twice in a session"
    assert all(q.type == "coding" and q.coding is not None for q in questions)
    assert body["current_question"] == drawn[0].text
    assert body["coding"] == candidate_view(questions[0])
    assert body["coding"]["language"] == ("sql" if bank_topic == "sql" else "python")


@pytest.mark.parametrize(
    ("topic", "bank_topic"),
    [("Databases", "sql"), ("PostgreSQL", "sql"), ("Data Structures", "algorithms"), ("Algorithms", "algorithms"),
     ("Rust", "python"), ("System Design", "python")],
)  # fmt: skip
def test_the_session_topic_picks_the_banks_topic(api: ApiGateway, topic: str, bank_topic: str) -> None:
    body = start(api, topic=topic, num_questions=2, question_types=["coding"])
    assert {problem(q).topic for q in stored(body["session_id"])} == {bank_topic}


def test_more_sql_problems_than_the_bank_holds_at_a_level_come_from_its_other_levels(api: ApiGateway) -> None:
    body = start(api, topic="SQL", difficulty="simple", num_questions=10, question_types=["coding"])
    drawn = [problem(q) for q in stored(body["session_id"])]
    assert len({p.id for p in drawn}) == 10
    sql = coding_bank.problems("sql")
    assert [p for p in drawn if p.topic == "sql"] and {p.id for p in sql} <= {p.id for p in drawn}
    assert {p.difficulty for p in drawn[:2]} == {"simple"}, "the level asked for comes first"


def test_a_mix_alternates_text_and_coding_through_the_whole_session(api: ApiGateway) -> None:
    body = start(
        api, topic="Algorithms", difficulty="medium", num_questions=5, question_types=["text", "coding"]
    )
    questions = stored(body["session_id"])
    assert [q.type for q in questions] == ["text", "coding", "text", "coding", "text"]
    assert "coding" not in body and set(body) == SEED_KEYS
    assert [q.coding is None for q in questions] == [True, False, True, False, True]
    assert {(problem(q).topic, problem(q).difficulty) for q in questions if q.coding} == {
        ("algorithms", "medium")
    }
    asked = [body["current_question"]]
    for _ in range(4):
        r = api.post(
            "/submit-answer", json={"session_id": body["session_id"], "answer": "An answer of mine."}
        )
        assert r.status_code == 200, r.text
        asked.append(r.json()["next_question"])
    assert asked == [q.text for q in questions]

    first_coding = start(api, num_questions=3, question_types=["coding", "text"])
    assert [q.type for q in stored(first_coding["session_id"])] == ["coding", "text", "coding"]
    assert first_coding["coding"]["language"] == "python"


@pytest.mark.parametrize("spec", [{}, {"question_types": ["text"]}, {"question_types": ["text", "text"]}])
def test_without_coding_the_session_and_response_are_as_before(api: ApiGateway, spec: dict[str, Any]) -> None:
    body = start(api, topic="Data Structures", difficulty="medium", num_questions=3, **spec)
    assert set(body) == SEED_KEYS
    assert [(q.type, q.coding) for q in stored(body["session_id"])] == [("text", None)] * 3
    assert problem_free(body["current_question"])


def problem_free(text: str) -> bool:
    return all(p.text != text for p in coding_bank.bank().problems)


@pytest.mark.parametrize(
    "question_types",
    [["video"], [], "coding", ["Coding"], [None], ["text"] * 11, {"0": "coding"}],
)
def test_invalid_question_types_are_422_naming_the_field(api: ApiGateway, question_types: Any) -> None:
    r = api.post("/start-interview", json={"topic": "Python", "question_types": question_types})
    assert r.status_code == 422, r.text
    errors = r.json()["detail"]
    assert errors and all("question_types" in e["loc"] for e in errors), errors
    assert api.get("/sessions").json()["total_sessions"] == 0


def test_generate_questions_takes_no_question_types(api: ApiGateway) -> None:
    r = api.post("/generate-questions", json={"topic": "Python", "question_types": ["coding"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "question_types", r.text


def test_a_mix_charges_one_generation_per_type_and_a_scoring_call_per_question(api: ApiGateway) -> None:
    start(api, num_questions=3, question_types=["text", "coding"])
    start(api, num_questions=2, question_types=["coding"])
    assert api.get("/api/usage").json()["usage"]["llm_calls"]["used"] == (2 + 3) + (1 + 2)


def run(client: ApiGateway, sid: str, code: str, number: int = 1) -> Any:
    return client.post("/api/code/run", json={"session_id": sid, "question_number": number, "code": code})


def secrets(question: Question) -> list[str]:
    """What the candidate must never read: the hidden tests' calls and expected values and the reference
    solution, where they are not also part of what the candidate is shown."""
    assert question.coding is not None
    shown = question.text + json.dumps(candidate_view(question))
    hidden = [t for t in question.coding.tests if not t.visible]
    found = [s for t in hidden for s in (t.call, t.expected) if s and len(s) > 6 and s not in shown]
    found += [line.strip() for line in (question.coding.reference_solution or "").splitlines()]
    return [s for s in found if len(s) > 12 and s not in shown]


@pytest.mark.parametrize("topic", ["Python", "SQL"])
def test_the_organisation_runs_its_practice_coding_question_and_hidden_tests_stay_hidden(
    acme: ApiGateway, topic: str
) -> None:
    body = start(acme, topic=topic, difficulty="medium", num_questions=2, question_types=["coding"])
    sid, questions = body["session_id"], stored(body["session_id"])
    first = questions[0]
    assert first.coding is not None and first.coding.reference_solution
    visible = len(first.coding.visible_tests)
    bodies = {"start": json.dumps(body)}

    right = run(acme, sid, first.coding.reference_solution)
    assert right.status_code == 200, right.text
    assert (right.json()["passed"], right.json()["total"]) == (visible, visible)
    wrong = run(acme, sid, first.coding.starter_code or "x = 1")
    assert wrong.status_code == 200 and wrong.json()["passed"] < visible, wrong.text
    bodies |= {"right": right.text, "wrong": wrong.text, "session": acme.get(f"/session/{sid}").text}
    answered = acme.post(
        "/submit-answer", json={"session_id": sid, "answer": first.coding.reference_solution}
    )
    assert answered.status_code == 200, answered.text
    bodies["next"] = answered.text
    assert run(acme, sid, "x = 1", 2).status_code == 200, "the next coding question runs too"
    bodies["session after"] = acme.get(f"/session/{sid}").text

    kept = [s for q in questions for s in secrets(q)]
    assert kept, "there were secrets to leak"
    leaked = {name: [s for s in kept if s in text] for name, text in bodies.items()}
    assert {k: v for k, v in leaked.items() if v} == {}


def test_only_the_practice_sessions_organisation_may_run_its_code(acme: ApiGateway) -> None:
    sid = start(acme, num_questions=1, question_types=["coding"])["session_id"]
    other, _ = wiring.api_keys().create("globex", "tests")
    code = "x = 1"
    assert run(ApiGateway({"x-api-key": other}), sid, code).status_code == 404
    assert run(ApiGateway(), sid, code).status_code == 401
    assert run(acme, sid, code).status_code == 200


def test_a_text_question_of_a_practice_session_does_not_run(api: ApiGateway) -> None:
    sid = start(api, num_questions=2, question_types=["text", "coding"])["session_id"]
    refused = run(api, sid, "x = 1")
    assert refused.status_code == 400 and "not a coding question" in refused.json()["detail"], refused.text


def test_practice_coding_answers_are_scored_by_every_test_and_the_report_hides_the_hidden_ones(
    api: ApiGateway, aws: Any
) -> None:
    body = start(api, topic="SQL", difficulty="medium", num_questions=2, question_types=["coding"])
    sid = body["session_id"]
    drawn = [problem(q) for q in stored(sid)]
    answers = [drawn[0].reference_solution, "SELECT 1"]
    for answer in answers:
        assert api.post("/submit-answer", json={"session_id": sid, "answer": answer}).status_code == 200
    assert aws.drain_evaluations() == 1
    report = api.get(f"/api/reports/{sid}").json()
    right, wrong = report["questions"]
    # the hidden tests with their own data ran too
    assert right["tests"]["total"] == len(drawn[0].tests) > sum(t.visible for t in drawn[0].tests)
    assert right["tests"]["passed"] == right["tests"]["total"] and right["score"] >= 8
    assert wrong["tests"]["passed"] == 0 and wrong["score"] <= 2
    hidden = [t for t in right["tests"]["results"] if not t["visible"]]
    assert hidden and all(t["name"].startswith("hidden test ") and t["expected"] is None for t in hidden)
