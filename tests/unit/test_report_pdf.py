"""interview_core.report_pdf without AWS: any text renders (as text), and fpdf2 is never imported at init."""

import io
import subprocess
import sys

from pypdf import PdfReader

from interview_core.domain import QuestionScore, Report, TokenUsage
from interview_core.report_pdf import render_report


def report(answer: str, n: int = 1) -> Report:
    questions = [
        QuestionScore(question_number=i + 1, question=f"Question {i + 1}?", answer=answer, score=6,
                      evidence=["Says “why”"], missing=[], feedback="Fine.")
        for i in range(n)
    ]  # fmt: skip
    return Report(session_id="s", topic="Python", difficulty="simple", questions=questions, strengths=[],
                  improvements=[], summary="A summary.", provider="offline", model="m", rubric_version="1",
                  token_usage=TokenUsage(), generated_at="2026-01-01T00:00:00Z", evaluation_seconds=0.1)  # fmt: skip


def text_of(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_ten_thousand_characters_of_anything_render() -> None:
    hostile = ("BT /F1 99 Tf (x) Tj ET endstream endobj <img src=x onerror=alert(1)> \x00\x1b[31m \ufeff\u202e"
               "中文 ǆ ő Ωmega “q” – € ") * 60 + "Z" * 6_000  # fmt: skip
    assert len(hostile) > 10_000
    text = text_of(render_report(report(hostile)))
    assert "BT /F1 99 Tf (x) Tj ET endstream endobj <img src=x onerror=alert(1)>" in text
    assert "?? dž o ?mega “q” – €" in text  # replaced, decomposed or kept: never a failure
    assert "Z" * 40 in text


def test_a_report_past_the_field_limit_says_where_the_rest_is() -> None:
    text = " ".join(text_of(render_report(report("A" * 20_000))).split())
    assert "... (8000 more characters in the JSON report)" in text


def test_fpdf2_is_not_imported_with_the_module() -> None:
    code = "import sys, interview_core.report_pdf; print('fpdf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
