"""PDF render time of a report (interview_core.report_pdf): a 10-question recruiter report with full
answers (5,000 characters each, the answer cap), coding tests and an integrity timeline, drawn for the
organisation, as the candidate's view, and for a candidate whose name is outside Windows-1252 (the
report is then drawn in the embedded DejaVu fonts, not the built-in Helvetica).

    .venv/bin/python bench/report_pdf.py            # 20 renders of each, after one warm-up
    .venv/bin/python bench/report_pdf.py --runs 50

Prints the first render (fpdf2's import included, as a cold function pays it), then p50 and p90 in ms,
and the PDF's size.
"""

import argparse
import statistics
import time

from interview_core.domain import (
    Candidate,
    CandidateReport,
    IntegrityReport,
    ProctoringEvent,
    QuestionScore,
    Report,
    RunResult,
    TestResult,
    TokenUsage,
)

ANSWER = ("A hash map keeps its entries in buckets chosen by the key's hash; colliding keys are chained "
          "or probed, and the table doubles when its load factor passes a threshold. ") * 30  # fmt: skip


def _report() -> Report:
    tests = RunResult(passed=3, total=5, timed_out=False, stdout="", results=[
        TestResult(name=f"test {i}", call=f"solve({i})", visible=i < 2, passed=i < 3, expected=str(i),
                   actual=str(i if i < 3 else -i), duration_ms=1.5)
        for i in range(5)
    ])  # fmt: skip
    questions = [
        QuestionScore(question_number=n, question=f"Question {n}: explain how a hash map handles collisions.",
                      answer=ANSWER[:5000], score=n % 11, evidence=["Names chaining", "Names probing"],
                      missing=["Resizing"], feedback="A clear answer that names chaining and probing.",
                      question_type="coding" if n % 2 else "text", tests=tests if n % 2 else None)
        for n in range(1, 11)
    ]  # fmt: skip
    timeline = [
        ProctoringEvent(
            type="tab_hidden", at="2026-01-01T00:00:00Z", at_ms=i, source="client", violation=True
        )
        for i in range(200)
    ]
    integrity = IntegrityReport(score=60, level="medium", reasons=["left the tab 200 times"],
                                violations={"tab_hidden": 200}, timeline=timeline,
                                advisory="Advisory only.")  # fmt: skip
    return Report(session_id="s", topic="Data structures", difficulty="medium", overall_score=5.5,
                  questions=questions, strengths=["Question 7"], improvements=["Resizing"], summary="Mixed.",
                  integrity=integrity, provider="offline", model="m", rubric_version="2",
                  token_usage=TokenUsage(), generated_at="2026-01-01T00:00:00Z", evaluation_seconds=1.0)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    report = _report()
    candidate = Candidate(name="Rae Candidate", email="rae@example.com")
    started = time.perf_counter()
    from interview_core.report_pdf import render_candidate_report, render_report

    first = render_report(report, candidate)
    print(f"first render, fpdf2's import included: {(time.perf_counter() - started) * 1000:.0f} ms")
    polish = Candidate(name="Łucja Wróbel", email="lucja@example.com")
    shapes = {
        "organisation": lambda: render_report(report, candidate),
        "org, DejaVu": lambda: render_report(report, polish),
        "candidate": lambda: render_candidate_report(CandidateReport.of(report, "scores")),
    }
    print(f"{'view':<14}{'p50 ms':>8}{'p90 ms':>8}{'KB':>7}")
    for name, render in shapes.items():
        times, size = [], 0
        for _ in range(args.runs):
            t = time.perf_counter()
            size = len(render())
            times.append((time.perf_counter() - t) * 1000)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"{name:<14}{statistics.median(times):>8.0f}{p90:>8.0f}{size / 1000:>7.0f}")
    assert first.startswith(b"%PDF-")


if __name__ == "__main__":
    main()
