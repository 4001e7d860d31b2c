"""A report as a PDF (fpdf2): the same content the caller may read as JSON, laid out for people.

Everything a candidate wrote (answers, code, names) goes in as plain text: markdown and HTML rendering are
off, and fpdf2 escapes the PDF string operators itself. A report whose text all fits Windows-1252 is drawn
in the built-in Helvetica and Courier, which cost nothing to load. Any other is drawn in DejaVu Sans and
Sans Mono (interview_report_fonts, beside interview_core: ~0.1 s to load and subset), which cover the
Latin, Greek and Cyrillic scripts and more; a character neither draws (Chinese, or a right-to-left script
fpdf2 would print unshaped) becomes its compatible form, its base letter or "?" rather than failing the
render. fpdf2 (~0.6 s of imports) is imported on the first PDF, never at a function's init."""

import importlib.util
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
FONTS_PACKAGE = "interview_report_fonts"  # in AWS, in ReportLayer with fpdf2
# what _printable must look at one by one (controls, tab, format characters); anything else that
# the font draws is kept as it is
_CONTROLS = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u2028\u2029\ufeff\u200b-\u200f\u202a-\u202e\u2060-\u206f]"
)
_WORD = 60  # characters after which a word is broken, so fpdf2 never meets a word wider than the page


Draws = Callable[[str], bool]  # whether a font draws every character of a string as it is


@dataclass(frozen=True)
class _Fonts:
    """The families a report is drawn in, and what each draws."""

    sans: str
    mono: str
    sans_draws: Draws
    mono_draws: Draws


def _encodes(text: str) -> bool:
    try:
        text.encode(_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


CORE = _Fonts("Helvetica", "Courier", _encodes, _encodes)


def _fonts_dir() -> Path:
    spec = importlib.util.find_spec(FONTS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{FONTS_PACKAGE} is missing: it ships with fpdf2 in the report layer")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def _covers(*names: str) -> frozenset[int]:
    """The code points all of these DejaVu faces draw left to right: their cmaps (read once a container),
    less the right-to-left scripts, which need shaping fpdf2 does only with HarfBuzz."""
    from fontTools.ttLib import TTFont

    covered: set[int] | None = None
    for name in names:
        with TTFont(_fonts_dir() / name, lazy=True) as font:
            cmap = set(font.getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return frozenset(c for c in covered or () if unicodedata.bidirectional(chr(c)) not in ("R", "AL", "AN"))


def _faces_draw(*names: str) -> Draws:
    def draws(text: str) -> bool:
        covers = _covers(*names)  # looked up once a string, not once a character
        return all(ord(ch) in covers for ch in text)

    return draws


SANS, SANS_BOLD, MONO = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf"
DEJAVU = _Fonts("DejaVu", "DejaVuMono", _faces_draw(SANS, SANS_BOLD), _faces_draw(MONO))


def _printable(text: str, draws: Draws = _encodes) -> str:
    """`text` in what a font `draws`: controls become spaces, other characters it lacks their compatible
    form (ǆ: dž), their base letter (ő: o) or "?"."""
    if not _CONTROLS.search(text) and (text.isascii() or draws(text)):
        return text  # the common case, checked at C speed for Windows-1252
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(" " if ch == "\t" else ch)
            continue
        if unicodedata.category(ch)[0] == "C":
            out.append(" ")
            continue
        if draws(ch):
            out.append(ch)
        elif draws(compatible := unicodedata.normalize("NFKC", ch)):
            out.append(compatible)
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if draws(c))
            out.append(base or "?")
    return "".join(out)


def _broken(text: str) -> str:
    """Very long words split with spaces, so a line always breaks (fpdf2 splits them too, but then per
    character, which is slow on a 10,000-character word)."""
    return " ".join(
        " ".join(word[i : i + _WORD] for i in range(0, len(word), _WORD)) if len(word) > _WORD else word
        for word in text.split(" ")
    )


class _Writer:
    def __init__(self, title: str, everything: str) -> None:
        """`everything`: all the text the document will hold, which chooses its fonts."""
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self._widths: dict[tuple[str, str, float, str], float] = {}
        self.fonts = CORE if everything.isascii() or _encodes(everything) else DEJAVU
        if self.fonts is DEJAVU:
            fonts = _fonts_dir()
            self.pdf.add_font(DEJAVU.sans, "", fonts / SANS)
            self.pdf.add_font(DEJAVU.sans, "B", fonts / SANS_BOLD)
            self.pdf.add_font(DEJAVU.mono, "", fonts / MONO)
        self.pdf.core_fonts_encoding = _ENCODING
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_title(_printable(title, self.fonts.sans_draws))
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

    def _clean(self, text: str, limit: int = MAX_FIELD_CHARS, mono: bool = False) -> str:
        if len(text) > limit:
            text = text[:limit] + f" ... ({len(text) - limit} more characters in the JSON report)"
        return _broken(_printable(text, self.fonts.mono_draws if mono else self.fonts.sans_draws))

    def _line(self, line: str, height: float) -> None:
        self.pdf.cell(0, height, line, markdown=False, new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str, size: int = 14) -> None:
        self.pdf.set_font(self.fonts.sans, "B", size)
        self._wrapped(self._clean(text, 300), size * 0.5)
        self.pdf.ln(1)

    def text(self, text: str, bold: bool = False, size: int = 10) -> None:
        self.pdf.set_font(self.fonts.sans, "B" if bold else "", size)
        self._wrapped(self._clean(text), 5)

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
        self.pdf.set_font(self.fonts.mono, "", 9)
        self._wrapped(self._clean(text, mono=True), 4.5)

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
            self.pdf.set_font(self.fonts.sans, "", 8)
            table.row(["Test", "Result", "Expected", "Actual"])
            for r in run.results:
                table.row(
                    [
                        self._clean(r.name + (f"  {r.call}" if r.call else ""), 500),
                        "passed" if r.passed else "failed",
                        self._clean(r.expected or "", 500),
                        self._clean(r.actual or r.error or "", 500),
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
    w = _Writer(
        f"Interview report: {report.topic}",
        report.model_dump_json() + (candidate.model_dump_json() if candidate else ""),
    )
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
    w = _Writer(f"Interview feedback: {report.topic}", report.model_dump_json())
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
