"""POST /api/resume-text through API Gateway events: a résumé's text out of a PDF or a text file, bounded,
and a clear 4xx for anything else; the text goes on to start-interview as resume_text."""

import json
import time
from pathlib import Path

import pytest

from interview_core.documents import MAX_DOCUMENT_BYTES, MAX_DOCUMENT_PAGES
from interview_core.domain import MAX_BACKGROUND_CHARS
from tests.support.apigw import ApiGateway, invoke
from tests.support.documents import compressed, pdf

ROOT = Path(__file__).resolve().parents[2]
RESUME = [
    "Dana Example - Backend engineer",
    "Skills: Python, PostgreSQL, Kubernetes",
    "Projects",
    "- Ledgerly: books",
]


def send(api: ApiGateway, data: bytes, name: str = "resume.pdf", ctype: str = "application/pdf"):
    return api.post_files("/api/resume-text", {"file": (name, data, ctype)})


def test_the_sample_event_reads_its_pdf(aws) -> None:
    result = invoke("resume_text", json.loads((ROOT / "events" / "resume_text.json").read_text()))
    assert result["statusCode"] == 200, result["body"]
    body = json.loads(result["body"])
    assert body["format"] == "pdf" and body["pages"] == 1 and "PostgreSQL" in body["text"]


def test_a_pdfs_text_goes_on_to_fit_the_interview(api: ApiGateway) -> None:
    r = send(api, pdf(RESUME, ["Education", "BSc Computer Science"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body == {
        "text": "\n".join(RESUME) + "\n\nEducation\nBSc Computer Science",
        "pages": 2,
        "chars": len(body["text"]),
        "format": "pdf",
        "truncated": False,
    }
    started = api.post("/start-interview", json={"topic": "Backend", "resume_text": body["text"]})
    assert started.status_code == 200, started.text
    assert any(
        skill in started.json()["current_question"] for skill in ("Python", "PostgreSQL", "Kubernetes")
    )


def test_plain_text_is_read_by_its_bytes_whatever_its_name(api: ApiGateway) -> None:
    text = "Dana Example\r\nSkills:\tRedis\x0c and Kafka\u200b\n\n\n\nMore"
    r = send(api, ("\ufeff" + text).encode(), name="resume.pdf", ctype="application/pdf")
    assert r.status_code == 200, r.text
    assert r.json() | {"chars": 0} == {
        "text": "Dana Example\nSkills: Redis and Kafka\n\nMore",
        "pages": None,
        "chars": 0,
        "format": "text",
        "truncated": False,
    }
    # what it returns is what start-interview accepts
    assert (
        api.post("/start-interview", json={"topic": "SQL", "resume_text": r.json()["text"]}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("data", "name", "phrase"),
    [
        (b"", "resume.pdf", "empty"),
        (b"   \n ", "resume.txt", "empty"),
        (bytes(range(256)) * 40, "resume.pdf", "Not a PDF or UTF-8 text"),  # garbage named .pdf
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 500, "photo.pdf", "Not a PDF or UTF-8 text"),
        (b"text\x00with NULs\x00", "resume.txt", "looks binary"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 40, "resume.pdf", "could not be read"),  # the magic, then junk
        (
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
            "a.pdf",
            "could not",
        ),
        (pdf(["secret"], password="hunter2"), "resume.pdf", "encrypted"),
        (pdf([]), "blank.pdf", "No text found"),  # a page with no text, as a scan is
    ],
)
def test_a_file_that_is_not_a_readable_resume_is_400_saying_why(
    api: ApiGateway, data: bytes, name: str, phrase: str
) -> None:
    r = send(api, data, name=name)
    assert r.status_code == 400, r.text
    assert phrase in r.json()["detail"]


def test_a_file_over_5_mb_is_413(api: ApiGateway) -> None:
    r = send(api, b"%PDF-1.7\n" + b"0" * MAX_DOCUMENT_BYTES)
    assert r.status_code == 413
    assert "at most 5 MB" in r.json()["detail"]


def test_the_work_is_bounded_in_pages_and_characters(api: ApiGateway) -> None:
    line = "PostgreSQL and Kubernetes experience across many long projects " * 2
    pages = [[f"{p}: {line}"] * 40 for p in range(MAX_DOCUMENT_PAGES + 5)]
    r = send(api, pdf(*pages))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["truncated"] is True and body["pages"] == MAX_DOCUMENT_PAGES + 5
    assert body["chars"] == len(body["text"]) <= MAX_BACKGROUND_CHARS
    assert f"{MAX_DOCUMENT_PAGES}: " not in body["text"]  # pages past the cap are never read


def test_a_decompression_bomb_is_refused_without_being_inflated(api: ApiGateway) -> None:
    bomb = compressed(b"BT /F1 11 Tf 72 740 Td " + b"(AAAAAAAAAAAAAAAAAAAAAAAA) Tj " * 6_000_000 + b"ET")
    assert len(bomb) < 500_000  # 180 MB of content stream
    started = time.monotonic()
    r = send(api, bomb)
    assert (r.status_code, time.monotonic() - started < 2) == (400, True), r.text
    assert "too large or complex" in r.json()["detail"]


def test_a_text_file_past_the_limit_is_cut_at_a_word(api: ApiGateway) -> None:
    r = send(api, ("word " * 10_000).encode(), name="resume.txt", ctype="text/plain")
    body = r.json()
    assert body["truncated"] is True and body["chars"] <= MAX_BACKGROUND_CHARS
    assert body["text"].endswith("word")


def test_a_missing_file_is_422(api: ApiGateway) -> None:
    r = api.post_files("/api/resume-text", {"other": ("a.txt", b"hello", "text/plain")})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "file"]
