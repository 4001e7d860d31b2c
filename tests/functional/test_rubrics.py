"""Rubrics wherever a question is written (/evaluate-answers, custom questions, jobs): accepted within their
limits, refused naming the field, stored with the session, shown to the organisation, and never to the
candidate over any path they can reach (HTTP with their token, the live channel, the report as a PDF, a
share link of it)."""

import io
import json
from typing import Any

import pytest
from pypdf import PdfReader

from interview_core import wiring
from interview_core.contracts import Rubric
from interview_core.domain import (
    MAX_COMPETENCY_CHARS,
    MAX_KEY_POINT_CHARS,
    MAX_KEY_POINTS,
    MAX_REFERENCE_CHARS,
    MAX_WEIGHT,
    MIN_WEIGHT,
    KeyPoint,
)
from tests.support.apigw import ApiGateway
from tests.support.images import astronaut_jpeg
from tests.support.ws_gateway import WebSocketGateway

P = "/api/parallel_interview"
CANDIDATE = {"name": "Rae Candidate", "email": "rae@example.com"}
REFERENCE = "ZEBRA-REFERENCE-7781: a hash map hashes the key to pick a bucket."
POINTS = ["QUOKKA-POINT-1 hashing picks the bucket", "QUOKKA-POINT-2 collisions chain"]
CODING_REFERENCE = "ZEBRA-REFERENCE-7782: walk the list and flip each pointer."
CODING_POINT = "QUOKKA-POINT-3 constant extra space"
SECRETS = ("ZEBRA-REFERENCE", "QUOKKA-POINT")
QUESTIONS: list[Any] = [
    {"text": "Explain a hash map.", "reference_answer": REFERENCE, "key_points": POINTS,
     "competency": "data structures", "weight": 2},
    {"text": "Reverse a linked list.", "type": "coding", "reference_answer": CODING_REFERENCE,
     "key_points": [CODING_POINT]},
    "What is a deadlock?",  # a plain text, as the seed sends it
]  # fmt: skip


def leaks(body: str) -> list[str]:
    return [s for s in SECRETS if s in body]


def create(org: ApiGateway, **extra: Any) -> dict[str, Any]:
    r = org.post(f"{P}/create", json={**CANDIDATE, "questions": QUESTIONS, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def test_the_organisation_sees_the_rubric_and_the_session_stores_it(acme: ApiGateway) -> None:
    sid = create(acme, question_types="text")["session_id"]
    detail = acme.get(f"{P}/session/{sid}").json()
    assert detail["questions"] == [
        {"number": 1, "text": "Explain a hash map.", "type": "text", "reference_answer": REFERENCE,
         "key_points": POINTS, "competency": "data structures", "weight": 2.0, "coding": None},
        {"number": 2, "text": "Reverse a linked list.", "type": "coding", "reference_answer": CODING_REFERENCE,
         "key_points": [CODING_POINT], "competency": None, "weight": 1.0, "coding": None},
        {"number": 3, "text": "What is a deadlock?", "type": "text", "reference_answer": None,
         "key_points": [], "competency": None, "weight": 1.0, "coding": None},
    ]  # fmt: skip
    # (the object's own type won over question_types; the plain text took it)
    stored = wiring.recruiter_service().store.get(sid).questions  # through the codec and back
    assert stored[0].key_points == [KeyPoint(point=p) for p in POINTS] and stored[0].weight == 2.0
    assert stored[1].reference_answer == CODING_REFERENCE and stored[2].gradable is False


def test_the_rubric_never_reaches_the_candidate(
    acme: ApiGateway, gateway: WebSocketGateway, aws: Any
) -> None:
    made = create(acme)
    sid, token = made["session_id"], made["candidate_token"]
    candidate = ApiGateway({"x-session-token": token})
    bodies: dict[str, str] = {"create": json.dumps(made)}  # the organisation hands its links on

    def seen(name: str, r: Any, status: int = 200) -> None:
        assert r.status_code == status, (name, r.text)
        bodies[name] = r.text

    seen("session detail as candidate", candidate.get(f"{P}/session/{sid}"), 403)
    seen("progress before start", candidate.get(f"/session/{sid}"))
    seen("consent", candidate.post(f"{P}/session/{sid}/consent"))
    face = {"image": ("face.jpg", astronaut_jpeg(), "image/jpeg")}
    seen("reference face", candidate.post_files("/capture_reference_face", face, {"session_id": sid}))
    seen("start", candidate.post(f"{P}/session/{sid}/start"))
    seen("progress", candidate.get(f"/session/{sid}"))
    seen("events", candidate.post(f"/api/proctoring/{sid}/events", json={"events": [{"type": "paste"}]}))
    seen("snapshot", candidate.post_files(f"/api/proctoring/{sid}/snapshot", face))
    seen("answer 1", candidate.post("/submit-answer", json={"session_id": sid, "answer": "Buckets by hash."}))

    status, conn = gateway.connect({"session_id": sid, "token": token})
    assert status == 200
    messages = gateway.send(conn, {"type": "state"})
    messages += gateway.send(conn, {"type": "ping"})
    messages += gateway.send(conn, {"type": "proctoring", "events": [{"type": "tab_hidden"}]})
    messages += gateway.send(
        conn, {"type": "answer", "question_number": 2, "answer": "prev, cur = cur, prev"}
    )
    assert [m["type"] for m in messages][-2:] == ["ack", "question"], messages

    last = {"session_id": sid, "answer": "Two threads wait on each other."}
    seen("last answer", candidate.post("/submit-answer", json=last))
    seen("end", candidate.post(f"{P}/session/{sid}/end"))
    seen("report before release", candidate.get(f"/api/reports/{sid}"), 403)
    assert aws.drain_evaluations() == 1
    for share in ("feedback", "scores"):
        assert acme.post(f"{P}/session/{sid}/release-report", json={"share": share}).status_code == 200
        seen(f"report ({share})", candidate.get(f"/api/reports/{sid}"))
        messages += gateway.send(conn, {"type": "state"})
        pdf = candidate.get(f"/api/reports/{sid}", query={"format": "pdf"})
        assert pdf.status_code == 200
        bodies[f"report pdf ({share})"] = "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages
        )
        token = acme.post(f"/api/reports/{sid}/share").json()["token"]  # a link anyone may be forwarded
        seen(f"share link ({share})", ApiGateway().get(f"/api/shared-reports/{token}"))
        seen(f"share page ({share})", ApiGateway().get(f"/r/{token}"))
    assert "report_ready" in [m["type"] for m in messages]
    bodies["live channel"] = json.dumps(messages)

    assert {name: leaks(body) for name, body in bodies.items() if leaks(body)} == {}
    assert json.loads(bodies["report (scores)"])["questions"][0]["feedback"], "the report itself was read"
    # The organisation's views do carry it: the strings were there to leak.
    assert leaks(acme.get(f"{P}/session/{sid}").text) == list(SECRETS)
    assert "QUOKKA-POINT" in acme.get(f"/api/reports/{sid}").text, "its report names the points missed"


def test_a_job_keeps_its_rubric_and_its_sessions_copy_it(acme: ApiGateway) -> None:
    job_questions = [q if isinstance(q, dict) else {"text": q} for q in QUESTIONS]
    r = acme.post("/api/jobs", json={"title": "Backend", "questions": job_questions})
    assert r.status_code == 201, r.text
    job = r.json()
    expected = [
        {"text": "Explain a hash map.", "type": "text", "reference_answer": REFERENCE, "key_points": POINTS,
         "competency": "data structures", "weight": 2.0},
        {"text": "Reverse a linked list.", "type": "coding", "reference_answer": CODING_REFERENCE,
         "key_points": [CODING_POINT], "competency": None, "weight": 1.0},
        {"text": "What is a deadlock?", "type": "text", "reference_answer": None, "key_points": [],
         "competency": None, "weight": 1.0},
    ]  # fmt: skip
    # a job's question is written back as it was sent: no coding fields here (test_coding_questions.py)
    no_code = {"language": None, "starter_code": None, "schema": None, "tests": [], "reference_solution": None,
               "time_limit_ms": None}  # fmt: skip
    as_written = [{**q, **no_code, "source": None} for q in expected]  # source: only generated ones have one
    assert job["questions"] == as_written
    assert acme.get(f"/api/jobs/{job['job_id']}").json()["questions"] == as_written
    assert acme.get("/api/jobs").json()["jobs"][0]["questions"] == as_written

    made = acme.post(f"{P}/create", json={**CANDIDATE, "job_id": job["job_id"], "max_questions": 2}).json()
    detail = acme.get(f"{P}/session/{made['session_id']}").json()
    assert [{k: v for k, v in q.items() if k != "number"} for q in detail["questions"]] == [
        {**q, "coding": None} for q in expected[:2]
    ]
    assert made["interview_config"]["question_types"] == ["text", "coding"]


def _item(**rubric: Any) -> dict[str, Any]:
    return {"text": "Explain a hash map.", **rubric}


INVALID = [
    ({"reference_answer": "x" * (MAX_REFERENCE_CHARS + 1)}, "reference_answer"),
    ({"key_points": ["covers hashing"] * (MAX_KEY_POINTS + 1)}, "key_points"),
    ({"key_points": ["x" * (MAX_KEY_POINT_CHARS + 1)]}, "key_points.0"),
    ({"key_points": ["covers hashing", " "]}, "key_points.1"),
    ({"key_points": "covers hashing"}, "key_points"),
    ({"key_points": ["line one\nline two"]}, "key_points.0"),
    ({"competency": "c" * (MAX_COMPETENCY_CHARS + 1)}, "competency"),
    ({"weight": 0}, "weight"),
    ({"weight": -1}, "weight"),
    ({"weight": 5e-324}, "weight"),  # schemathesis found it: below what DynamoDB stores
    ({"weight": MAX_WEIGHT + 1}, "weight"),
    ({"weight": "heavy"}, "weight"),
    ({"weight": True}, "weight"),
    ({"rubric": "misspelt field"}, "rubric"),
]


@pytest.mark.parametrize(("rubric", "field"), INVALID)
def test_an_invalid_rubric_is_refused_naming_its_field_everywhere(
    acme: ApiGateway, rubric: dict[str, Any], field: str
) -> None:
    before = acme.get(f"{P}/stats").json()["stats"]["total_sessions"]
    r = acme.post(f"{P}/create", json={**CANDIDATE, "questions": ["Plain first?", _item(**rubric)]})
    assert r.status_code == 400, r.text
    assert r.json()["detail"].startswith(f"questions.1.{field}: "), r.json()["detail"]

    r = acme.post("/api/jobs", json={"title": "Backend", "questions": [_item(**rubric)]})
    assert r.status_code == 400, r.text
    assert r.json()["detail"].startswith(f"questions.0.{field}: "), r.json()["detail"]

    item = {"question": "Explain a hash map.", "answer": "Buckets.", **rubric}
    r = acme.post("/evaluate-answers", json=[item])
    assert r.status_code == 422, r.text
    [error] = r.json()["detail"]
    assert ".".join(map(str, error["loc"])) == f"body.0.{field}", error
    assert acme.get(f"{P}/stats").json()["stats"]["total_sessions"] == before
    assert acme.get("/api/jobs").json()["total"] == 0


def test_a_question_that_is_neither_text_nor_object_is_refused(acme: ApiGateway) -> None:
    r = acme.post(f"{P}/create", json={**CANDIDATE, "questions": ["Fine?", 7]})
    assert r.status_code == 400 and r.json()["detail"].startswith("questions.1: "), r.text
    r = acme.post(f"{P}/create", json={**CANDIDATE, "questions": [{"type": "coding"}]})
    assert r.status_code == 400 and r.json()["detail"].startswith("questions.0.text: "), r.text


def test_the_limits_are_the_edges_of_what_is_accepted(acme: ApiGateway) -> None:
    widest = _item(
        reference_answer="r" * MAX_REFERENCE_CHARS,
        key_points=["k" * MAX_KEY_POINT_CHARS] * MAX_KEY_POINTS,
        competency="c" * MAX_COMPETENCY_CHARS,
        weight=MAX_WEIGHT,
    )
    assert acme.post(f"{P}/create", json={**CANDIDATE, "questions": [widest]}).status_code == 200
    blank = acme.post(
        "/api/jobs", json={"title": "T", "questions": [_item(reference_answer=" ", competency="")]}
    )
    assert blank.status_code == 201, blank.text
    made = acme.post(f"{P}/create", json={**CANDIDATE, "job_id": blank.json()["job_id"]}).json()
    [q] = acme.get(f"{P}/session/{made['session_id']}").json()["questions"]
    assert q["reference_answer"] is None and q["competency"] is None, "blank is none"


def test_the_config_gives_the_limits_the_rubric_enforces(api: ApiGateway) -> None:
    rubric = api.get("/api/config").json()["rubric"]
    schema = Rubric.model_json_schema()["properties"]
    assert rubric == {
        "reference_answer_max_chars": MAX_REFERENCE_CHARS,
        "key_points_max": schema["key_points"]["maxItems"],
        "key_point_max_chars": schema["key_points"]["items"]["maxLength"],
        "competency_max_chars": MAX_COMPETENCY_CHARS,
        "weight_min": schema["weight"]["minimum"],
        "weight_max": schema["weight"]["maximum"],
        "weight_default": schema["weight"]["default"],
    }
    assert (rubric["key_points_max"], rubric["key_point_max_chars"]) == (MAX_KEY_POINTS, MAX_KEY_POINT_CHARS)
    assert rubric["weight_max"] == MAX_WEIGHT and rubric["weight_min"] == MIN_WEIGHT


def test_evaluate_answers_grades_against_the_rubric_sent(api: ApiGateway) -> None:
    pairs = [
        {"question": "Explain a hash map.", "answer": "It hashes the key to pick a bucket; collisions chain.",
         "reference_answer": "A hash map hashes each key to a bucket index and chains colliding keys.",
         "key_points": ["hashing picks the bucket", "collisions chain"], "competency": "data structures",
         "weight": 2},
        {"question": "What is a deadlock?", "answer": "Two threads each wait for a lock the other holds.",
         "key_points": ["threads wait on each other"], "competency": "concurrency"},
    ]  # fmt: skip
    r = api.post("/evaluate-answers", json=pairs)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["evaluated_answers"] == 2
    assert (body["graded_answers"], body["answers_needing_review"]) == (2, 0)
    assert [e["competency"] for e in body["evaluations"]] == ["data structures", "concurrency"]
    scores = [e["score"] for e in body["evaluations"]]
    assert all(s is not None and s >= 8 for s in scores), body  # both right, graded against their rubrics
    assert body["overall_score"] == round((2 * scores[0] + scores[1]) / 3, 1)  # weighted
    assert [(c["competency"], c["score"]) for c in body["competencies"]] == [
        ("data structures", scores[0]),
        ("concurrency", scores[1]),
    ]
    wrong = dict(pairs[1], answer="A deadlock is when a program runs out of memory and crashes.")
    low = api.post("/evaluate-answers", json=[wrong]).json()["evaluations"][0]
    assert low["score"] is not None and low["score"] <= 3 and low["missing"] == ["threads wait on each other"]
