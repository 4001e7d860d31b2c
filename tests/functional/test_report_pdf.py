"""GET /api/reports/{id}?format=pdf through API Gateway events: the report the caller may read, as a PDF
(fpdf2), read back with pypdf. Same access and withholding as the JSON report; candidates' text is text."""

import io
from typing import Any

from pypdf import PdfReader

from tests.functional.test_coding_scores import HIDDEN, REVERSE
from tests.support.apigw import ApiGateway, Response

P = "/api/parallel_interview"
CANDIDATE = {"name": "Zoë Candidate", "email": "zoe@example.com", "phone": "+1 555 0100"}
SOLUTION = "def reverse(items):\n    return items[::-1]\n"
HOSTILE = (
    "<script>alert('x')</script> ) Tj ET BT (owned) Tj \\ %%EOF “quoted” é 中文 😀 \x07 "
    + "W" * 2_000
    + " "
    + "word " * 500
)
LONG_CODE = "def reverse(items):\n    # " + ")Tj <b>" * 690 + "\n    return items[::-1]\n"  # 5,000: the cap


def recruiter_session(org: ApiGateway, aws: Any, answers: list[str] | None = None) -> tuple[str, ApiGateway]:
    """A text and a coding question answered, a proctoring violation logged, the report written."""
    questions = [
        {
            "text": "Explain how a hash map handles collisions.",
            "reference_answer": "Keys that hash to the same bucket are chained in a list or probed to another slot.",
        },
        REVERSE,
    ]
    made = org.post(f"{P}/create", json={**CANDIDATE, "questions": questions})
    assert made.status_code == 200, made.text
    sid = made.json()["session_id"]
    candidate = ApiGateway({"x-session-token": made.json()["candidate_token"]})
    assert candidate.post(f"{P}/session/{sid}/start").status_code == 200
    candidate.post(f"/api/proctoring/{sid}/events", json={"events": [{"type": "tab_hidden"}]})
    for answer in answers or ["Colliding keys share a bucket, chained in a list or probed.", SOLUTION]:
        r = candidate.post("/submit-answer", json={"session_id": sid, "answer": answer})
        assert r.status_code == 200, r.text
    assert aws.drain_evaluations() == 1
    return sid, candidate


def pdf_text(r: Response) -> str:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.base64_encoded  # binary through API Gateway
    data = r.content
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_organisations_pdf_has_the_candidate_scores_tests_and_integrity(orgs, aws) -> None:
    acme = orgs["acme"]
    sid, _ = recruiter_session(acme, aws)
    report = acme.get(f"/api/reports/{sid}").json()
    r = acme.get(f"/api/reports/{sid}", query={"format": "pdf"})
    assert f'filename="report-{sid}.pdf"' in r.headers["content-disposition"]
    text = pdf_text(r)
    assert "Zoë Candidate" in text and "zoe@example.com" in text
    assert "Explain how a hash map handles collisions." in text
    q1, q2 = report["questions"]
    assert f"Score: {q1['score']}/10" in text and f"Score: {q2['score']}/10" in text
    assert q1["feedback"].split(".")[0] in text.replace("\n", " ")
    assert "Tests: 4/4 passed" in text and "three items" in text and "hidden one" in text  # all of them
    assert f"Integrity level: {report['integrity']['level']}" in text and "tab_hidden" in text


def test_the_candidates_pdf_withholds_what_the_json_withholds(orgs, aws) -> None:
    acme = orgs["acme"]
    sid, candidate = recruiter_session(acme, aws)
    before = candidate.get(f"/api/reports/{sid}", query={"format": "pdf"})
    assert before.status_code == 403 and before.json() == {
        "detail": "The organisation has not released this report"
    }

    acme.post(f"{P}/session/{sid}/release-report", json={"share": "feedback"})
    text = pdf_text(candidate.get(f"/api/reports/{sid}", query={"format": "pdf"}))
    assert "Explain how a hash map handles collisions." in text and "Tests: 4/4 passed" in text
    assert "three items" in text and "hidden test 1" in text
    for withheld in (
        "hidden one",
        HIDDEN,
        "zoe@example.com",
        "+1 555 0100",
        "Integrity",
        "tab_hidden",
        "Score:",
    ):
        assert withheld not in text, withheld

    acme.post(f"{P}/session/{sid}/release-report", json={"share": "scores"})
    assert "Score: " in pdf_text(candidate.get(f"/api/reports/{sid}", query={"format": "pdf"}))


def test_pending_foreign_and_missing_reports_answer_as_the_json_does(orgs, aws) -> None:
    acme, globex = orgs["acme"], orgs["globex"]
    made = acme.post(f"{P}/create", json={**CANDIDATE, "questions": ["Q one?"]}).json()
    sid = made["session_id"]
    pending = acme.get(f"/api/reports/{sid}", query={"format": "pdf"})
    assert pending.status_code == 202 and pending.json()["evaluation_status"] == "not_requested"
    assert pending.json() == acme.get(f"/api/reports/{sid}").json()
    for who, path in ((globex, sid), (acme, "6f1c1e6e-0000-4000-8000-000000000000"), (acme, "nope")):
        r = who.get(f"/api/reports/{path}", query={"format": "pdf"})
        assert r.status_code == 404 and "detail" in r.json()
    assert ApiGateway().get(f"/api/reports/{sid}", query={"format": "pdf"}).status_code == 401
    bad = acme.get(f"/api/reports/{sid}", query={"format": "docx"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "format"]


def test_hostile_answers_render_as_text(orgs, aws) -> None:
    acme = orgs["acme"]
    sid, _ = recruiter_session(acme, aws, [HOSTILE, LONG_CODE])
    text = pdf_text(acme.get(f"/api/reports/{sid}", query={"format": "pdf"}))
    assert "<script>alert('x')</script> ) Tj ET BT (owned) Tj" in text
    assert "“quoted” é ??" in text  # Helvetica has no CJK or emoji: replaced, not a failure
    assert "W" * 40 in text and "word word" in text and ")Tj <b>)Tj <b>" in text
    assert len(LONG_CODE) > 4_800


def test_a_practice_report_as_pdf(api: ApiGateway, aws) -> None:
    started = api.post("/start-interview", json={"topic": "SQL", "num_questions": 1}).json()
    sid = started["session_id"]
    api.post("/submit-answer", json={"session_id": sid, "answer": "An index speeds up lookups by key."})
    assert aws.drain_evaluations() == 1
    text = pdf_text(api.get(f"/api/reports/{sid}", query={"format": "pdf"}))
    assert started["current_question"].split()[0] in text and "Interview report: SQL" in text
    assert "Integrity" not in text
