"""The score of a coding answer (grading.code): bands set by the tests, a static review within them, and a
hard-coding check that no reference solution of the bank trips."""

import ast
import json

import pytest

from interview_core.coding import SqlTest
from interview_core.domain import CodeTest, CodingSpec, RunResult, TestResult
from interview_core.grading import code
from interview_core.providers import coding_bank

PY = CodingSpec(language="python", starter_code="def f(xs):\n    pass\n", time_limit_ms=2000)


def run(passed: int, total: int, **extra: object) -> RunResult:
    results = [
        TestResult(name=f"t{i}", call=f"f({i})", visible=i == 0, passed=i < passed, duration_ms=1.0)
        for i in range(total)
    ]
    return RunResult(passed=passed, total=total, timed_out=False, stdout="", results=results, **extra)


@pytest.mark.parametrize(
    ("passed", "total", "lo", "hi"), [(5, 5, 8, 10), (0, 5, 0, 2), (1, 5, 2, 8), (4, 5, 2, 8), (49, 50, 2, 8)]
)
def test_the_tests_set_the_band_whatever_the_reviewer_says(passed: int, total: int, lo: int, hi: int) -> None:
    for reviewer in (None, 0, 5, 10):
        assert lo <= code.grade(run(passed, total), [], reviewer).score <= hi


def test_the_band_follows_the_share_passed() -> None:
    scores = [code.grade(run(p, 10), []).score for p in range(11)]
    assert scores == sorted(scores) and scores[0] <= 1 and scores[-1] == 10
    assert code.grade(run(0, 3, error="SyntaxError"), []).score == 0  # code that does not run at all


def test_a_deduction_stays_in_the_band_and_only_a_real_problem_leaves_it() -> None:
    slow = code.Finding("slow", deduction=5)
    assert code.grade(run(5, 5), [slow]).score == 8
    assert code.grade(run(5, 5), [code.Finding("hard-coded", serious=True)]).score == code.HARD_CODED_CAP


def test_feedback_names_visible_failures_and_counts_hidden_ones() -> None:
    graded = code.grade(run(0, 3), [])
    assert graded.feedback == "Passed 0 of 3 tests. Failed: 't0', 2 hidden tests."
    assert "t1" not in graded.feedback and "f(1)" not in graded.feedback


def findings(source: str, spec: CodingSpec = PY, result: RunResult | None = None) -> list[str]:
    return [f.text for f in code.review(source, spec, result)]


def test_the_static_review_reads_the_code() -> None:
    assert findings("def f(xs):\n    pass\n") == ["The starter code was submitted unchanged."]
    assert findings("def f(xs)\n  return 1") == ["The code does not parse: expected ':' (line 1)."]
    nested = "def f(xs):\n    for a in xs:\n        for b in xs:\n            print([c for c in xs])\n"
    assert findings(nested) == ["3 loops nested: slow (O(n^3)) on large input."]
    two = "def f(xs):\n    return [(a, b) for a in xs for b in xs]\n"  # a pairwise product is often the point
    assert findings(two) == []
    inner_def = (
        "def f(xs):\n    for a in xs:\n        def g():\n"
        "            for b in xs:\n                for c in xs:\n                    pass\n"
    )
    assert findings(inner_def) == []  # a function defined in a loop is not looped by it
    assert findings("def f(xs):\n    for x in xs:\n        xs.sort()\n") == [
        "Sorts inside a loop: sort once, outside it."
    ]
    assert findings("def f(xs):\n    return eval('1')\n") == [
        "Uses eval or exec: unsafe and slow; compute the answer directly."
    ]
    assert (
        "bare `except:`"
        in findings("def f(xs):\n    try:\n        return 1\n    except:\n        return 0\n")[0]
    )


def test_a_slow_test_is_evidence() -> None:
    slow = run(1, 1)
    slow.results[0].duration_ms = 1500.0
    assert findings("def f(xs):\n    return 1\n", PY, slow) == [
        "A test took 1500 ms of its 2000 ms limit: too slow for larger input."
    ]


def result(call: str, expected: str) -> TestResult:
    return TestResult(name=call, call=call, visible=True, passed=True, expected=expected, actual=expected)


def test_spelling_out_expected_values_is_a_real_problem() -> None:
    tests = [result("f([3, 1, 2])", "[1, 2, 3]"), result("f(['b', 'a'])", "['a', 'b']")]
    got = RunResult(passed=2, total=2, timed_out=False, stdout="", results=tests)
    cheat = "def f(xs):\n    if xs == [3, 1, 2]:\n        return [1, 2, 3]\n    return ['a', 'b']\n"
    assert code.review(cheat, PY, got)[0].serious
    one = "def f(xs):\n    if xs == [3, 1, 2]:\n        return [1, 2, 3]\n    return sorted(xs)\n"
    assert not any(f.serious for f in code.review(one, PY, got))  # one matching value proves nothing
    words = [result("greet('Ada')", "'Hello, Ada!'"), result("greet('Bob')", "'Hello, Bob!'")]
    strings = RunResult(passed=2, total=2, timed_out=False, stdout="", results=words)
    general = "def greet(name):\n    return f'Hello, {name}!'\n"
    assert not any(f.serious for f in code.review(general, PY, strings))
    typed = "def greet(name):\n    return {'Ada': 'Hello, Ada!', 'Bob': 'Hello, Bob!'}[name]\n"
    assert any(f.serious for f in code.review(typed, PY, strings))


def test_a_query_that_writes_its_rows_out_is_a_real_problem() -> None:
    sql = CodingSpec(language="sql", sql_schema="CREATE TABLE t (a INT);", time_limit_ms=2000)
    rows = RunResult(passed=1, total=1, timed_out=False, stdout="", results=[result("", '[["ann"]]')])
    assert code.review("SELECT 'ann'", sql, rows)[0].serious
    assert code.review("select 'from' as x", sql, rows)[0].serious  # a string is not a FROM clause
    assert code.review("SELECT name\nFROM users", sql, rows) == []
    assert findings("SELECT * FROM users", sql, rows) == [
        "SELECT * returns every column: name the ones asked for."
    ]


def _bank_run(problem: coding_bank.CodingProblem) -> RunResult:
    results = []
    for t in problem.tests:
        if isinstance(t, SqlTest):
            results.append(result("", json.dumps(t.expected_rows)))
            continue
        try:
            shown = repr(ast.literal_eval(t.expected))
        except ValueError:
            continue  # not a literal: the sandbox would evaluate it; the check reads literals only
        results.append(result(t.call, shown))
    return RunResult(passed=len(results), total=len(results), timed_out=False, stdout="", results=results)


@pytest.mark.parametrize("problem", coding_bank.problems(), ids=lambda p: p.id)
def test_no_reference_solution_of_the_bank_is_flagged(problem: coding_bank.CodingProblem) -> None:
    spec = CodingSpec(
        language=problem.language,
        starter_code=problem.starter_code,
        sql_schema=problem.schema_sql,
        tests=[CodeTest(name=t.name) for t in problem.tests],
        time_limit_ms=problem.time_limit_ms or 2000,
    )
    flagged = [
        (f.text, f.deduction, f.serious)
        for f in code.review(problem.reference_solution, spec, _bank_run(problem))
    ]
    assert [f for f in flagged if f[1] or f[2]] == []
