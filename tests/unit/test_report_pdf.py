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
    assert "?? ǆ ő Ωmega “q” – €" in text  # kept, or replaced: never a failure
    assert "Z" * 40 in text


def fonts_of(data: bytes) -> set[str]:
    return {
        str(f["/BaseFont"]).lstrip("/").split("+")[-1]
        for page in PdfReader(io.BytesIO(data)).pages
        for f in page["/Resources"]["/Font"].values()
    }


def test_names_and_answers_in_other_scripts_print_as_written() -> None:
    written = "Łukasz Żółć, Ελένη, Пётр Чайковский, Nguyễn Thị Minh Khai, Ağrı, Ørsted, Şahin"
    data = render_report(report(written))
    assert written in " ".join(text_of(data).split())
    assert all(f.startswith("DejaVuSans") for f in fonts_of(data))
    # Right to left and Chinese are not drawn (no shaping, no such glyphs): a "?" each, never a failure
    assert "Answer: ????? 中" not in text_of(render_report(report("שלום 中")))


def test_a_report_in_windows_1252_keeps_the_built_in_fonts() -> None:
    data = render_report(report("Zoë’s café, “naïve” — 5 €"))
    assert "Zoë’s café, “naïve” — 5 €" in text_of(data)
    assert fonts_of(data) == {"Helvetica", "Helvetica-Bold"}  # nothing embedded, nothing loaded


def test_a_report_past_the_field_limit_says_where_the_rest_is() -> None:
    text = " ".join(text_of(render_report(report("A" * 20_000))).split())
    assert "... (8000 more characters in the JSON report)" in text


def test_fpdf2_is_not_imported_with_the_module() -> None:
    code = "import sys, interview_core.report_pdf; print('fpdf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
