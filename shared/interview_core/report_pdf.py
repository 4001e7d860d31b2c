"""A report as a PDF (fpdf2): the same content the caller may read as JSON, laid out for people.

Everything a candidate wrote (answers, code, names) goes in as plain text: markdown and HTML rendering are
off, and fpdf2 escapes the PDF string operators itself. The built-in Helvetica covers Windows-1252; any
other character is replaced (a decomposed form's base letter, else "?") rather than failing the render.
fpdf2 (~0.6 s of imports) is imported on the first PDF, never at a function's init."""

import re
import unicodedata
from collections.abc import Iterable, Sequence

from interview_core.domain import (
    Candidate,
    CandidateFollowUp,
    CandidateReport,
    FollowUpScore,
    IntegrityReport,
    Report,
    RunResult,
    SpeakingInsights,
)

MAX_FIELD_CHARS = 12_000  # an answer is at most 5,000 characters and code 20,000: a page or two each
_ENCODING = "windows-1252"  # Helvetica's, with curly quotes, dashes and the euro sign
# what _printable must look at one by one (controls, tab, format characters); anything else that
# encodes is kept as it is
_CONTROLS = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u2028\u2029\ufeff\u200b-\u200f\u202a-\u202e\u2060-\u206f]"
)
_WORD = 60  # characters after which a word is broken, so fpdf2 never meets a word wider than the page


def _printable(text: str) -> str:
    """`text` in what Helvetica can draw: controls become spaces, other unsupported characters their
    compatible form (ǆ: dž), their base letter (ő: o) or "?"."""
    if not _CONTROLS.search(text):
        try:
            text.encode(_ENCODING)
            return text  # the common case, checked at C speed
        except UnicodeEncodeError:
            pass
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(" " if ch == "\t" else ch)
            continue
        if unicodedata.category(ch)[0] == "C":
            out.append(" ")
            continue
        compatible = unicodedata.normalize("NFKC", ch)
        try:
            compatible.encode(_ENCODING)
            out.append(compatible)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode(_ENCODING, "ignore").decode(_ENCODING)
            out.append(base or "?")
    return "".join(out)


def _broken(text: str) -> str:
    """Very long words split with spaces, so a line always breaks (fpdf2 splits them too, but then per
    character, which is slow on a 10,000-character word)."""
    return " ".join(
        " ".join(word[i : i + _WORD] for i in range(0, len(word), _WORD)) if len(word) > _WORD else word
        for word in text.split(" ")
    )


def _clean(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    if len(text) > limit:
        text = text[:limit] + f" ... ({len(text) - limit} more characters in the JSON report)"
    return _broken(_printable(text))


class _Writer:
    def __init__(self, title: str) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self._widths: dict[tuple[str, str, float, str], float] = {}
        self.pdf.core_fonts_encoding = _ENCODING
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_title(_printable(title))
        self.pdf.set_creator("mock-interview-api")
        self.pdf.add_page()

    def _wrapped(self, text: str, height: float) -> None:
        """`text` as lines that fit the page, each one cell. Wrapped here, word by word with each word's
        width measured once: fpdf2's multi_cell measures the line again for every character it adds,
        which took 0.57 s for ten 5,000-character answers."""
        width = self.pdf.epw
        space = self._width(" ")
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split(" "):
                size = self._width(word)
                while size > width:  # a word wider than the page (a 60-character run of W): cut it
                    cut = max(1, int(len(word) * width / size))
                    if line:
                        self._line(line, height)
                        line, used = "", 0.0
                    self._line(word[:cut], height)
                    word = word[cut:]
                    size = self._width(word)
                if line and used + space + size > width:
                    self._line(line, height)
                    line, used = word, size
                else:
                    line, used = (f"{line} {word}", used + space + size) if line else (word, size)
            self._line(line, height)

    def _width(self, word: str) -> float:
        """get_string_width, remembered per font: answers repeat their words, and each call costs ~60 µs."""
        key = (self.pdf.font_family, self.pdf.font_style, self.pdf.font_size_pt, word)
        if key not in self._widths:
            self._widths[key] = self.pdf.get_string_width(word)
        return self._widths[key]

    def _line(self, line: str, height: float) -> None:
        self.pdf.cell(0, height, line, markdown=False, new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str, size: int = 14) -> None:
        self.pdf.set_font("Helvetica", "B", size)
        self._wrapped(_clean(text, 300), size * 0.5)
        self.pdf.ln(1)

    def text(self, text: str, bold: bool = False, size: int = 10) -> None:
        self.pdf.set_font("Helvetica", "B" if bold else "", size)
        self._wrapped(_clean(text), 5)

    def field(self, label: str, text: str | None) -> None:
        if text:
            self.text(f"{label}: {text}")

    def lines(self, label: str, items: Iterable[str]) -> None:
        items = list(items)
        if items:
            self.text(label, bold=True)
            for item in items:
                self.text(f"- {item}")

    def code(self, text: str) -> None:
        self.pdf.set_font("Courier", "", 9)
        self._wrapped(_clean(text), 4.5)

    def tests(self, run: RunResult) -> None:
        self.text(f"Tests: {run.passed}/{run.total} passed" + (" (timed out)" if run.timed_out else ""), True)
        if run.error:
            self.text(f"Error: {run.error}")
        with self.pdf.table(
            col_widths=(40, 10, 25, 25),
            text_align="LEFT",
            markdown=False,
            first_row_as_headings=True,
        ) as table:
            self.pdf.set_font("Helvetica", "", 8)
            table.row(["Test", "Result", "Expected", "Actual"])
            for r in run.results:
                table.row(
                    [
                        _clean(r.name + (f"  {r.call}" if r.call else ""), 500),
                        "passed" if r.passed else "failed",
                        _clean(r.expected or "", 500),
                        _clean(r.actual or r.error or "", 500),
                    ]
                )
        self.pdf.ln(2)

    def space(self) -> None:
        self.pdf.ln(3)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _speaking(w: _Writer, s: SpeakingInsights) -> None:
    w.text(
        f"Speaking: {s.words_per_minute:.0f} words a minute ({s.pace}), {s.filler_count} filler words, "
        f"{s.long_pauses} long pauses (longest {s.longest_pause_seconds:.1f} s)"
    )


def _integrity(w: _Writer, i: IntegrityReport) -> None:
    w.heading("Integrity", 12)
    w.text(f"Integrity level: {i.level} (score {i.score}/100)", bold=True)
    w.text(i.advisory)
    w.lines("Reasons", i.reasons)
    w.lines("Violations", (f"{kind}: {n}" for kind, n in sorted(i.violations.items())))
    shown = i.timeline[-50:]  # the latest: the JSON report has the whole timeline
    w.lines(
        "Timeline"
        + (f" (the latest {len(shown)} of {len(i.timeline)})" if len(shown) < len(i.timeline) else ""),
        (f"{e.at} {e.type}" + (f": {e.detail}" if e.detail else "") for e in shown),
    )


def _follow_ups(w: _Writer, follow_ups: Sequence[FollowUpScore | CandidateFollowUp]) -> None:
    for i, f in enumerate(follow_ups, 1):
        w.text(f"Follow-up {i}: {f.question}", bold=True)
        if f.score is not None:
            w.text(f"Score: {f.score}/10")
        w.text(f.answer or "(no answer)")
        w.field("Feedback", f.feedback)


def render_report(report: Report, candidate: Candidate | None = None) -> bytes:
    """The organisation's report (a practice session's reader gets it with candidate tests already)."""
    w = _Writer(f"Interview report: {report.topic}")
    w.heading(f"Interview report: {report.topic}")
    if candidate is not None:
        w.field("Candidate", candidate.name)
        w.field("Email", candidate.email)
        w.field("Phone", candidate.phone)
    w.field("Session", report.session_id)
    w.field("Difficulty", str(report.difficulty))
    w.field("Generated", report.generated_at)
    overall = "needs review" if report.overall_score is None else f"{report.overall_score}/10"
    w.text(f"Overall score: {overall}", bold=True)
    w.text(report.summary)
    w.lines("Strengths", report.strengths)
    w.lines("Improvements", report.improvements)
    if report.speaking_summary:
        w.field("Speaking", report.speaking_summary)
    w.lines(
        "Competencies",
        (f"{c.competency}: {'-' if c.score is None else c.score}/10" for c in report.competencies),
    )
    for q in report.questions:
        w.space()
        w.heading(f"Question {q.question_number}: {q.question}", 11)
        score = "needs review" if q.score is None else f"{q.score}/10"
        w.text(f"Score: {score}" + (" (late)" if q.late else ""), bold=True)
        if q.review_reason:
            w.field("Review", q.review_reason)
        w.text("Answer:", bold=True)
        (w.code if q.question_type == "coding" else w.text)(q.answer or "(no answer)")
        w.field("Feedback", q.feedback)
        w.lines("Evidence", q.evidence)
        w.lines("Missing", q.missing)
        w.lines("Detected", q.detected)
        if q.tests:
            w.tests(q.tests)
        _follow_ups(w, q.follow_ups)
        if q.follow_up_effect:
            w.field("Follow-ups", q.follow_up_effect)
        if q.speaking:
            _speaking(w, q.speaking)
    if report.integrity:
        w.space()
        _integrity(w, report.integrity)
    return w.output()


def render_candidate_report(report: CandidateReport) -> bytes:
    """What the candidate (or a share link's reader) may read: CandidateReport's fields only."""
    w = _Writer(f"Interview feedback: {report.topic}")
    w.heading(f"Interview feedback: {report.topic}")
    w.field("Session", report.session_id)
    w.field("Generated", report.generated_at)
    if report.overall_score is not None:
        w.text(f"Overall score: {report.overall_score}/10", bold=True)
    w.text(report.summary)
    w.lines("Strengths", report.strengths)
    w.lines("Improvements", report.improvements)
    if report.speaking_summary:
        w.field("Speaking", report.speaking_summary)
    for q in report.questions:
        w.space()
        w.heading(f"Question {q.question_number}: {q.question}", 11)
        if q.score is not None:
            w.text(f"Score: {q.score}/10", bold=True)
        w.text("Answer:", bold=True)
        w.text(q.answer or "(no answer)")
        w.field("Feedback", q.feedback)
        if q.tests:
            w.tests(q.tests)
        _follow_ups(w, q.follow_ups)
    return w.output()
