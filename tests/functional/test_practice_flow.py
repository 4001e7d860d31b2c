"""The practice API through API Gateway events and the Lambda handlers, against the moto stand-in."""

import pytest

from tests.support.apigw import ApiGateway

SCENARIO_ANSWERS = [
    "Load balancing distributes incoming requests across multiple servers to ensure no single server is overwhelmed.",
    "Microservices architecture breaks down applications into small, independent services that communicate via APIs.",
    "Caching improves performance by storing frequently accessed data in fast storage layers like Redis or Memcached.",
]


def start(api: ApiGateway, **spec: object) -> dict:
    r = api.post(
        "/start-interview", json={"topic": "System Design", "difficulty": "hard", "num_questions": 3, **spec}
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_start_interview_returns_first_question(api: ApiGateway) -> None:
    body = start(api, topic="Data Structures", difficulty="medium", num_questions=5)
    assert body["greeting"] == "Hello! Welcome to your medium level mock interview for Data Structures."
    assert body["question_number"] == 1
    assert body["total_questions"] == 5
    assert body["status"] == "waiting_for_answer"
    assert body["current_question"].endswith(("?", "."))

    session = api.get(f"/session/{body['session_id']}").json()
    assert session == {
        "session_id": body["session_id"],
        "topic": "Data Structures",
        "difficulty": "medium",
        "status": "active",
        "current_question_number": 1,
        "total_questions": 5,
        "answers_submitted": 0,
        "current_question": body["current_question"],
    }


def test_defaults_follow_the_seed(api: ApiGateway) -> None:
    body = api.post("/start-interview", json={"topic": "Python"}).json()
    assert body["total_questions"] == 2
    assert "simple level" in body["greeting"]


def test_full_interview_then_async_report(api: ApiGateway, aws) -> None:
    first = start(api)
    sid = first["session_id"]
    questions = [first["current_question"]]
    for number, answer in enumerate(SCENARIO_ANSWERS[:-1], start=1):
        r = api.post("/submit-answer", json={"session_id": sid, "answer": answer})
        assert r.status_code == 200
        body = r.json()
        assert body == {
            "session_id": sid,
            "message": "Answer recorded successfully",
            "next_question": body["next_question"],
            "question_number": number + 1,
            "total_questions": 3,
            "status": "waiting_for_answer",
        }
        questions.append(body["next_question"])
    assert len(set(questions)) == 3

    pending = api.get(f"/api/reports/{sid}")
    assert pending.status_code == 202
    assert pending.json()["evaluation_status"] == "not_requested"

    done = api.post("/submit-answer", json={"session_id": sid, "answer": SCENARIO_ANSWERS[-1]}).json()
    assert done["status"] == "completed"
    assert done["message"] == "Interview completed!"
    assert done["total_answered"] == 3
    assert done["evaluation_status"] == "pending"
    # absolute, from the address the client called (API Gateway's host in the event)
    assert done["report_url"] == f"https://abcdef1234.execute-api.us-east-1.amazonaws.com/api/reports/{sid}"
    assert done["feedback"]

    queued = api.get(f"/api/reports/{sid}")
    assert queued.status_code == 202
    assert queued.json()["evaluation_status"] == "pending"
    assert queued.headers.get("retry-after") == "1"

    assert aws.drain_evaluations() == 1
    report = api.get(f"/api/reports/{sid}")
    assert report.status_code == 200
    data = report.json()
    assert [q["question_number"] for q in data["questions"]] == [1, 2, 3]
    assert [q["question"] for q in data["questions"]] == questions
    assert [q["answer"] for q in data["questions"]] == SCENARIO_ANSWERS
    for q in data["questions"]:
        assert 0 <= q["score"] <= 10
        assert isinstance(q["evidence"], list) and isinstance(q["missing"], list) and q["feedback"]
    assert data["overall_score"] == round(sum(q["score"] for q in data["questions"]) / 3, 1)
    assert data["provider"] == "offline-rubric"
    assert data["rubric_version"]
    assert "not by a language model" in data["summary"]
    assert data["token_usage"] == {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0}
    assert isinstance(data["strengths"], list) and isinstance(data["improvements"], list)

    session = api.get(f"/session/{sid}").json()
    assert session["status"] == "completed"
    assert session["answers_submitted"] == 3
    assert "current_question" not in session


def test_answering_a_completed_session_is_rejected_and_changes_nothing(api: ApiGateway) -> None:
    sid = start(api, num_questions=1)["session_id"]
    assert (
        api.post("/submit-answer", json={"session_id": sid, "answer": "Caching stores hot data."}).status_code
        == 200
    )
    r = api.post("/submit-answer", json={"session_id": sid, "answer": "one more"})
    assert (r.status_code, r.json()) == (400, {"detail": "Session is not active"})
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/submit-answer", {"session_id": "00000000-0000-0000-0000-000000000000", "answer": "x"}),
        ("GET", "/session/00000000-0000-0000-0000-000000000000", None),
        ("GET", "/session/not-a-uuid", None),
        ("GET", "/api/reports/00000000-0000-0000-0000-000000000000", None),
    ],
)
def test_unknown_session_is_404(api: ApiGateway, method: str, path: str, body: dict | None) -> None:
    r = api.request(method, path, json_body=body)
    assert (r.status_code, r.json()) == (404, {"detail": "Session not found"})


@pytest.mark.parametrize(
    ("body", "field", "phrase"),
    [
        ({"topic": "Python", "difficulty": "expert"}, "difficulty", "'simple', 'medium' or 'hard'"),
        ({"topic": "Python", "num_questions": 0}, "num_questions", "greater than or equal to 1"),
        ({"topic": "Python", "num_questions": 11}, "num_questions", "less than or equal to 10"),
        ({"topic": "   "}, "topic", "must not be empty or only whitespace"),
        ({"topic": "x" * 101}, "topic", "at most 100 characters"),
        ({"difficulty": "simple"}, "topic", "Field required"),
        ({"topic": "Python", "unknown": 1}, "unknown", "Extra inputs are not permitted"),
    ],
)
def test_invalid_interview_spec_is_422_with_a_clear_message(
    api: ApiGateway, body: dict, field: str, phrase: str
) -> None:
    for path in ("/start-interview", "/generate-questions"):
        r = api.post(path, json=body)
        assert r.status_code == 422
        errors = r.json()["detail"]
        assert any(e["loc"][-1] == field and phrase in e["msg"] for e in errors), errors


def test_invalid_answers_are_422_and_record_nothing(api: ApiGateway) -> None:
    sid = start(api)["session_id"]
    for answer in ("", "   \n", "x" * 5001):
        r = api.post("/submit-answer", json={"session_id": sid, "answer": answer})
        assert r.status_code == 422, answer
        assert r.json()["detail"][0]["loc"] == ["body", "answer"]
    assert api.post("/submit-answer", raw_body="{not json").status_code == 422
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 0


def test_stale_question_number_is_409(api: ApiGateway) -> None:
    sid = start(api)["session_id"]
    ok = api.post("/submit-answer", json={"session_id": sid, "answer": "first", "question_number": 1})
    assert ok.status_code == 200
    again = api.post(
        "/submit-answer", json={"session_id": sid, "answer": "first again", "question_number": 1}
    )
    assert again.status_code == 409
    assert "current one is 2" in again.json()["detail"]
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 1


def test_session_counts_follow_every_transition(api: ApiGateway) -> None:
    assert api.get("/sessions").json() == {
        "active_sessions": 0,
        "completed_sessions": 0,
        "total_sessions": 0,
        "abandoned_sessions": 0,
    }
    ids = [start(api, num_questions=1)["session_id"] for _ in range(3)]
    api.post("/submit-answer", json={"session_id": ids[0], "answer": "An answer about caching layers."})
    counts = api.get("/sessions").json()
    assert (counts["active_sessions"], counts["completed_sessions"], counts["total_sessions"]) == (2, 1, 3)


def test_generate_questions(api: ApiGateway) -> None:
    r = api.post(
        "/generate-questions", json={"topic": "Machine Learning", "difficulty": "hard", "num_questions": 10}
    )
    body = r.json()
    assert (body["topic"], body["difficulty"]) == ("Machine Learning", "hard")
    assert len(body["questions"]) == len(set(body["questions"])) == 10


def test_evaluate_answers_is_synchronous(api: ApiGateway) -> None:
    r = api.post(
        "/evaluate-answers",
        json=[
            {"question": "What is Python?", "answer": "Python is a programming language"},
            {
                "question": "Why use a virtual environment in Python?",
                "answer": "Because it isolates dependencies "
                "per project, for example two projects can pin different Django versions. However it costs disk.",
            },
        ],
    )
    assert r.status_code == 200
    body = r.json()
    assert body["evaluated_answers"] == 2
    assert body["feedback"]
    # Custom questions with no rubric: offline, nothing to grade against, so a person reviews them.
    assert [e["score"] for e in body["evaluations"]] == [None, None]
    assert all(e["needs_review"] and e["review_reason"] for e in body["evaluations"])
    assert (body["overall_score"], body["answers_needing_review"]) == (None, 2)
    assert api.post("/evaluate-answers", json=[]).status_code == 422


def test_root_and_health(api: ApiGateway) -> None:
    assert api.get("/").json() == {
        "message": "Mock Interview API is running",
        "status": "running",
        "version": "0.1.0",
        "docs": "/docs",
    }
    health = api.get("/health").json()
    assert health["status"] == "healthy"
    assert health["service"] == "Mock Interview API"
    assert health["openai_configured"] is False
    assert health["service_ready"] is True
    assert health["providers"] == {
        "llm": "offline-rubric",
        "speech_to_text": "offline",
        "text_to_speech": "offline",
    }
    assert health["message"]


def test_health_is_degraded_when_openai_is_required_but_not_configured(api: ApiGateway, monkeypatch) -> None:
    from interview_core import wiring

    monkeypatch.setenv("LLM_PROVIDER", "openai")
    wiring.reset()
    health = api.get("/health").json()
    assert (health["status"], health["service_ready"]) == ("degraded", False)
    r = api.post("/start-interview", json={"topic": "Python"})
    assert r.status_code == 503
    assert "OPENAI_API_KEY" in r.json()["detail"]
