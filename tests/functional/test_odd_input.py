"""Odd input through the Lambda handlers: lone surrogates, hand-made cursors, control and invisible
characters, whitespace-only strings, unsigned webhooks. Each gets a 4xx with a `detail`, never a 500, and a
refused request writes nothing."""

import base64
import json

import pytest
from fastapi.testclient import TestClient

from interview_core import jobs
from interview_core.api.full import build
from tests.support.apigw import ApiGateway, Multipart

P = "/api/parallel_interview"
JSON = {"content-type": "application/json"}
CANDIDATE = {"name": "Jane Candidate", "email": "jane@example.com", "questions": ["Explain a hash map."]}


def cursor(key: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def started(api: ApiGateway) -> str:
    r = api.post("/start-interview", json={"topic": "Python", "num_questions": 2})
    assert r.status_code == 200, r.text
    return r.json()["session_id"]


# -- lone surrogates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/start-interview", '{"topic": "\\ud800"}'),
        ("/generate-questions", '{"topic": "Py\\udfffthon"}'),
        ("/evaluate-answers", '[{"question": "Q?", "answer": "\\ud800"}]'),
        ("/text-to-speech", '{"text": "\\ud800"}'),
    ],
)
def test_a_lone_surrogate_is_a_422_on_practice_routes(api: ApiGateway, path: str, body: str) -> None:
    r = api.post(path, raw_body=body, headers=JSON)
    assert r.status_code == 422, r.text
    (error,) = r.json()["detail"]
    assert error["type"] == "string_lone_surrogate" and "lone surrogate" in error["msg"]


def test_a_lone_surrogate_in_an_answer_is_refused_and_records_nothing(api: ApiGateway) -> None:
    sid = started(api)
    body = json.dumps({"session_id": sid, "answer": "my answer \ud800"})  # json.dumps escapes it: \ud800
    r = api.post("/submit-answer", raw_body=body, headers=JSON)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "answer"]
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (f"{P}/create", json.dumps({**CANDIDATE, "name": "Ja\ud800ne"}), "name"),
        (f"{P}/create", json.dumps({**CANDIDATE, "questions": ["Q \udc00"]}), "questions.0"),
        ("/api/jobs", json.dumps({"title": "\ud800", "questions": [{"text": "Q"}]}), "title"),
    ],
)
def test_a_lone_surrogate_is_a_400_on_recruiter_routes(
    api: ApiGateway, path: str, body: str, field: str
) -> None:
    before = api.get(f"{P}/stats").json()["stats"]["total_sessions"]
    r = api.post(path, raw_body=body, headers=JSON)
    assert r.status_code == 400, r.text
    assert r.json()["detail"].startswith(f"{field}: String holds an invalid character (a lone surrogate")
    assert api.get(f"{P}/stats").json()["stats"]["total_sessions"] == before
    assert api.get("/api/jobs").json()["total"] == 0


# -- listing cursors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        {"list_pk": {"S": "recruiter#public"}},  # the right partition, an incomplete key
        {
            "list_pk": {"S": "recruiter#public"},
            "list_sk": {"S": "x"},
            "pk": {"S": "SESSION#x"},
            "sk": {"N": "1"},
        },
        {
            "list_pk": {"S": "recruiter#public"},
            "list_sk": {"S": ""},
            "pk": {"S": "SESSION#x"},
            "sk": {"S": "META"},
        },
        ["recruiter#public"],
        None,
    ],
)
def test_a_hand_made_cursor_is_a_400_not_a_500(api: ApiGateway, key: object) -> None:
    api.post(f"{P}/create", json=CANDIDATE)
    r = api.get(f"{P}/sessions", query={"cursor": cursor(key)})
    assert r.status_code == 400, r.text
    assert r.json()["detail"] == "Invalid cursor: pass next_cursor exactly as a previous page returned it"


def test_a_cursor_a_page_returned_still_pages(api: ApiGateway) -> None:
    for _ in range(3):
        api.post(f"{P}/create", json=CANDIDATE)
    first = api.get(f"{P}/sessions", query={"limit": "2"}).json()
    rest = api.get(f"{P}/sessions", query={"limit": "2", "cursor": first["next_cursor"]})
    assert rest.status_code == 200 and len(rest.json()["sessions"]) == 1


# -- control, bidi and zero-width characters; whitespace-only strings ----------------------------------


@pytest.mark.parametrize(
    "topic", ["Py\x00thon", "Python\u202e", "a\u2066b\u2069", "\x1bPython", "Py\x85thon"]
)
def test_control_and_bidi_characters_are_refused_in_topics(api: ApiGateway, topic: str) -> None:
    r = api.post("/start-interview", json={"topic": topic})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "topic"]
    assert "control or bidirectional" in r.json()["detail"][0]["msg"]


def test_zero_width_characters_are_stripped_from_topics_and_names(api: ApiGateway) -> None:
    r = api.post("/start-interview", json={"topic": "\ufeffSystem\u200b Design\u2060"})
    assert r.status_code == 200 and "for System Design." in r.json()["greeting"]
    made = api.post(f"{P}/create", json={**CANDIDATE, "name": "\u200bJane\u200d Candidate "}).json()
    assert made["user_details"]["name"] == "Jane Candidate"
    assert (
        api.get(f"{P}/session/{made['session_id']}").json()["session"]["user_details"]["name"]
        == "Jane Candidate"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CANDIDATE, "name": "Jane \u202eetadidnac"}, "name"),
        ({**CANDIDATE, "name": "Jane\nDoe"}, "name"),
        ({**CANDIDATE, "phone": "555\x000100"}, "phone"),
        ({**CANDIDATE, "email": "jane\u200b@example.com"}, "email"),
        ({**CANDIDATE, "email": "jane@exa\u202emple.com"}, "email"),
        ({**CANDIDATE, "questions": ["Explain \u200f this"]}, "questions.0"),
        ({**CANDIDATE, "name": " \u200b\t "}, "name"),
    ],
)
def test_recruiter_create_refuses_them_naming_the_field(api: ApiGateway, body: dict, field: str) -> None:
    r = api.post(f"{P}/create", json=body)
    assert r.status_code == 400, r.text
    assert r.json()["detail"].startswith(f"{field}: ")


def test_job_titles_refuse_controls_descriptions_and_questions_keep_newlines(api: ApiGateway) -> None:
    bad = api.post("/api/jobs", json={"title": "Backend\x07", "questions": [{"text": "Q"}]})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("title: ")
    code_question = "Reverse a list:\n\tdef rev(xs):\n\t\t..."
    r = api.post("/api/jobs", json={"title": "Backend", "description": "Line 1\nLine 2",
                                    "questions": [{"text": code_question, "type": "coding"}]})  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["questions"][0]["text"] == code_question and r.json()["description"] == "Line 1\nLine 2"


def test_answers_keep_code_as_typed_but_refuse_nul(api: ApiGateway) -> None:
    sid = started(api)
    r = api.post("/submit-answer", json={"session_id": sid, "answer": "def f():\n\treturn 1\x00"})
    assert r.status_code == 422 and "NUL" in r.json()["detail"][0]["msg"]
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 0
    r = api.post("/submit-answer", json={"session_id": sid, "answer": "def f():\n\treturn '\u200b'"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("blank", ["", "   ", "\t\n", "\u200b", " \ufeff "])
def test_whitespace_only_strings_are_refused(api: ApiGateway, blank: str) -> None:
    assert api.post("/start-interview", json={"topic": blank}).status_code == 422
    assert api.post(f"{P}/create", json={**CANDIDATE, "name": blank}).status_code == 400


def test_the_openapi_document_says_what_is_enforced() -> None:
    schemas = build().openapi()["components"]["schemas"]
    for model, field in [("InterviewSpec", "topic"), ("CreateSessionRequest", "name"), ("CreateJobRequest", "title"),
                         ("SubmitAnswerRequest", "answer"), ("TextToSpeechRequest", "text")]:  # fmt: skip
        prop = schemas[model]["properties"][field]
        assert prop["minLength"] == 1 and prop["pattern"].startswith("^"), (model, field)


# -- statuses --------------------------------------------------------------------------------------------


def test_an_unsigned_webhook_is_401_even_without_livekit(api: ApiGateway) -> None:
    r = api.request("POST", "/api/livekit/webhook", raw_body='{"event": "participant_joined"}')
    assert r.status_code == 401 and r.json()["detail"] == "Missing webhook Authorization header"
    r = api.request("POST", "/api/livekit/webhook", raw_body="{}", headers={"authorization": "a.b.c"})
    assert r.status_code == 503 and r.json()["detail"]  # signed, but there is nothing to verify it against
    r = api.request("POST", "/api/livekit/webhook", raw_body=Multipart(b"\xff\xfe{}", "application/json"),
                    headers={"authorization": "a.b.c"})  # fmt: skip
    assert r.status_code == 401 and "not UTF-8" in r.json()["detail"]


def test_every_route_documents_the_statuses_it_can_return() -> None:
    paths = build().openapi()["paths"]
    for path, operations in paths.items():
        for method, op in operations.items():
            codes = set(op["responses"])
            where = f"{method.upper()} {path}"
            recruiter = path.startswith(
                (P, "/api/jobs", "/api/proctoring", "/api/code", "/capture_reference_face")
            )
            if op.get("parameters") or op.get("requestBody"):
                assert ("400" if recruiter else "422") in codes, where
            if op.get("requestBody"):
                assert "400" in codes, where  # a body that cannot be parsed
            if recruiter:
                assert "HTTPValidationError" not in json.dumps(op["responses"].get("422", {})), where
            if "{session_id}" in path or "{job_id}" in path:
                assert "404" in codes, where
            if "{token}" in path:
                assert "404" in codes, where  # a share link that expired, was revoked or never existed
            public = ("/", "/health", "/api/config", "/api/shared-reports/{token}", "/r/{token}")
            if path not in public:  # public: no credentials to refuse
                assert "401" in codes, where
    assert {"401", "503"} <= set(paths["/api/livekit/webhook"]["post"]["responses"])
    assert "202" in paths["/api/reports/{session_id}"]["get"]["responses"]
    for path in ("/start-interview", "/generate-questions", "/evaluate-answers", "/text-to-speech"):
        assert "503" in paths[path]["post"]["responses"], path
    for path in ("/api/proctoring/{session_id}/events", "/api/proctoring/{session_id}/snapshot",
                 "/capture_reference_face", f"{P}/session/{{session_id}}/consent", "/api/livekit/webhook"):  # fmt: skip
        assert "429" in paths[path]["post"]["responses"], path  # proctoring events are rate limited


def test_the_live_channel_refuses_the_same_odd_answers_and_stays_open(api: ApiGateway, aws) -> None:
    sid = started(api)
    frames = [
        '{"type": "answer", "question_number": 1, "answer": "\\ud800"}',
        '{"type": "answer", "question_number": 1, "answer": "ok", "\\udc00": 1}',  # echoed as a field name
        json.dumps({"type": "answer", "question_number": 1, "answer": "a\x00b"}),
        json.dumps({"type": "proctoring", "events": [{"type": "paste", "detail": "x\u202ey"}]}),
    ]
    with TestClient(build()) as client, client.websocket_connect(f"/ws/interview?session_id={sid}") as ws:
        ws.receive_json(), ws.receive_json()  # state, question
        for frame in frames:
            ws.send_text(frame)
            reply = ws.receive_json()
            assert (reply["type"], reply["code"]) == ("error", "invalid_message"), (frame, reply)
        ws.send_text(json.dumps({"type": "state"}))
        assert ws.receive_json()["answered"] == 0


@pytest.mark.parametrize("job_id", ["x" * 1100, "not-a-uuid", "6C1E7F43-0D6E-4B7E-9A51-1F0E4C2B9A10"])
def test_a_job_id_that_is_no_job_id_is_404_without_a_read(api: ApiGateway, job_id: str, monkeypatch) -> None:
    """DynamoDB refuses a sort key over 1024 bytes (moto does not): such an id must never reach it."""

    def no_dynamodb(*_: object) -> None:
        raise AssertionError("read DynamoDB for an id that cannot exist")

    monkeypatch.setattr(jobs, "client", no_dynamodb)
    assert api.get(f"/api/jobs/{job_id}").status_code == 404
    assert api.delete(f"/api/jobs/{job_id}").status_code == 404
    r = api.post(f"{P}/create", json={"name": "A", "email": "a@example.com", "job_id": job_id[:100]})
    assert r.status_code == 404, r.text
