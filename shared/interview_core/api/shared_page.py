"""The shared report as one HTML page: every value escaped (html.escape, quotes too), no script, no link,
nothing loaded; the route's Content-Security-Policy forbids them anyway."""

from html import escape

from interview_core.domain import CandidateReport, RunResult

_STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "pre{white-space:pre-wrap;word-break:break-word;background:#f5f5f5;padding:.5rem}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}"
    ".meta{color:#666}"
)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _doc(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{_e(title)}</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def _tests(run: RunResult) -> str:
    rows = "".join(
        f"<tr><td>{_e(r.name)}</td><td>{'passed' if r.passed else 'failed'}</td>"
        f"<td>{_e(r.call or '')}</td><td>{_e(r.expected or '')}</td></tr>"
        for r in run.results
    )
    return (
        f"<p><strong>Tests: {run.passed}/{run.total} passed</strong></p>"
        f"<table><tr><th>Test</th><th>Result</th><th>Call</th><th>Expected</th></tr>{rows}</table>"
    )


def _list(title: str, items: list[str]) -> str:
    return f"<h3>{_e(title)}</h3><ul>{''.join(f'<li>{_e(i)}</li>' for i in items)}</ul>" if items else ""


def page(report: CandidateReport, expires_at: str) -> str:
    parts = [
        f"<h1>Interview feedback: {_e(report.topic)}</h1>",
        f'<p class="meta">Generated {_e(report.generated_at)}; this link works until {_e(expires_at)}.</p>',
    ]
    if report.overall_score is not None:
        parts.append(f"<p><strong>Overall score: {_e(report.overall_score)}/10</strong></p>")
    parts.append(f"<p>{_e(report.summary)}</p>")
    parts.append(_list("Strengths", report.strengths))
    parts.append(_list("Improvements", report.improvements))
    if report.speaking_summary:
        parts.append(f"<p>{_e(report.speaking_summary)}</p>")
    for q in report.questions:
        parts.append(f"<h2>Question {q.question_number}: {_e(q.question)}</h2>")
        if q.score is not None:
            parts.append(f"<p><strong>Score: {q.score}/10</strong></p>")
        parts.append(f"<pre>{_e(q.answer)}</pre><p>{_e(q.feedback)}</p>")
        if q.tests:
            parts.append(_tests(q.tests))
    return _doc(f"Interview feedback: {report.topic}", "".join(parts))


def pending_page() -> str:
    return _doc("Report not ready", "<h1>The report is not ready yet</h1><p>Try again in a minute.</p>")


def error_page(detail: str) -> str:
    return _doc("Report unavailable", f"<h1>This report is not available</h1><p>{_e(detail)}</p>")
