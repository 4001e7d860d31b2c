"""Python tests: the candidate's code runs, then each test's `call`, in one sandboxed child; the parent
compares what the child reports with the expected values.

Comparison. The child reports each call's value as its `repr` (at most REPR_MAX characters). The expected
value is the `expected` expression's value: read with `ast.literal_eval` in the parent when the expression is
a literal (most are: `3`, `[1, 2]`, `{"a": (1, None)}`), else evaluated in a sandboxed child of its own that
runs no candidate code (cached per set of expressions). A test passes when both reprs read back as literals
that compare equal (`==` on plain ints, floats, strings, tuples, lists, dicts, sets, so `{1, 2}` equals
`{2, 1}` and `1` equals `1.0`, as Python compares them), else when the two reprs are the same text (objects
whose repr is not a literal, `nan`). No method of the candidate's objects runs in the parent, and an object
whose `__eq__` always says True gains nothing: its repr is what is compared.
"""

import ast
import threading
from typing import Any

from interview_core.coding.models import (
    DEFAULT_TIME_LIMIT_MS,
    MAX_TIME_LIMIT_MS,
    ExpressionProblem,
    PythonTest,
    RunResult,
    TestResult,
)
from interview_core.coding.sandbox import ChildRun, run_child

REPR_MAX = 32_000
EXPECTED_TIME_LIMIT_MS = 5_000


def clamp(time_limit_ms: int) -> int:
    return max(100, min(MAX_TIME_LIMIT_MS, int(time_limit_ms)))


def frames_cap(tests: int) -> int:
    return (2 * REPR_MAX + 8_000) * (tests + 4)  # a repr JSON-escaped, and the error text


def check_expressions(tests: list[PythonTest]) -> list[ExpressionProblem]:
    """Each test's `call` and `expected` must parse as one Python expression (for question creation)."""
    problems = []
    for test in tests:
        for name in ("call", "expected"):
            text = getattr(test, name)
            try:
                ast.parse(text, mode="eval")
            except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
                problems.append(ExpressionProblem(test=test.name, field=name, message=_message(exc)))
    return problems


def _message(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        return f"not a Python expression: {exc.msg} (line {exc.lineno}, column {exc.offset})"
    return f"not a Python expression: {type(exc).__name__}"


class _NotLiteral:
    pass


NOT_LITERAL = _NotLiteral()


def literal(text: str) -> Any:
    """The literal a repr or an expression spells, or NOT_LITERAL."""
    if len(text) > REPR_MAX:
        return NOT_LITERAL
    try:
        return ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return NOT_LITERAL


def same(expected: str, actual: str) -> bool:
    a, b = literal(expected), literal(actual)
    if a is NOT_LITERAL or b is NOT_LITERAL:
        return expected == actual
    try:
        return bool(a == b)
    except RecursionError:
        return expected == actual


def expected_values(tests: list[PythonTest]) -> list[tuple[str | None, str | None]]:
    """Per test, the expected value's repr or why it could not be evaluated."""
    out: list[tuple[str | None, str | None]] = []
    others = []
    for test in tests:
        value = literal(test.expected)
        if value is NOT_LITERAL:
            out.append((None, None))
            others.append(test.expected)
        else:
            out.append((repr(value), None))
    if others:
        evaluated = iter(_evaluate(tuple(others)))
        out = [next(evaluated) if shown is None else (shown, None) for shown, _ in out]
    return out


_cache: dict[tuple[str, ...], tuple[tuple[str | None, str | None], ...]] = {}
_cache_lock = threading.Lock()
CACHE_MAX = 256


def _evaluate(expressions: tuple[str, ...]) -> tuple[tuple[str | None, str | None], ...]:
    """The reprs of expressions that are not literals, evaluated where no candidate code runs; kept per set
    of expressions (one question's) unless the child failed as a whole (a time limit under load)."""
    with _cache_lock:
        if expressions in _cache:
            return _cache[expressions]
    payload = {"mode": "python", "code": "", "calls": list(expressions), "repr_max": REPR_MAX}
    child = run_child(payload, EXPECTED_TIME_LIMIT_MS, frames_cap(len(expressions)))
    values: list[tuple[str | None, str | None]] = []
    for i in range(len(expressions)):
        frame = child.results.get(i)
        if frame is None:
            values.append((None, "the question's expected value: " + child.missing(i)))
        elif frame.value is not None:
            values.append((frame.value, None))
        else:
            values.append((None, f"the question's expected value failed: {frame.error}"))
    if child.done:
        with _cache_lock:
            if len(_cache) >= CACHE_MAX:
                _cache.pop(next(iter(_cache)))
            _cache[expressions] = tuple(values)
    return tuple(values)


def run_python(code: str, tests: list[PythonTest], time_limit_ms: int = DEFAULT_TIME_LIMIT_MS) -> RunResult:
    """Run `code` then every test's call in a fresh sandboxed child; compare with the expected values."""
    expected = expected_values(tests)
    payload = {"mode": "python", "code": code, "calls": [t.call for t in tests], "repr_max": REPR_MAX}
    child = run_child(payload, clamp(time_limit_ms), frames_cap(len(tests)))
    results = []
    for i, (test, (want, want_error)) in enumerate(zip(tests, expected, strict=True)):
        results.append(_result(i, test, want, want_error, child))
    return _python_result(child, results)


def _result(
    i: int, test: PythonTest, want: str | None, want_error: str | None, child: ChildRun
) -> TestResult:
    frame = child.results.get(i)
    actual = error = None
    ms = None
    if child.load_error is not None:
        error = child.load_error
    elif frame is None:
        error = child.missing(i) if child.loaded else "not run: " + child.exit_cause()
    else:
        actual, error, ms = frame.value, frame.error, frame.ms
    if want_error is not None and error is None:
        error = want_error
    passed = want is not None and actual is not None and error is None and same(want, actual)
    return TestResult(
        name=test.name,
        call=test.call,
        visible=test.visible,
        passed=passed,
        expected=want,
        actual=actual,
        error=error,
        duration_ms=ms,
    )


def _python_result(child: ChildRun, results: list[TestResult]) -> RunResult:
    error = child.load_error
    if error is None and not child.loaded and child.started is None and child.results == {}:
        error = f"the code did not finish running before the tests ({child.exit_cause()})"
    return run_result(child, results, error)


def run_result(child: ChildRun, results: list[TestResult], error: str | None = None) -> RunResult:
    return RunResult(
        passed=sum(r.passed for r in results),
        total=len(results),
        timed_out=child.timed_out,
        stdout=child.stdout.decode(errors="replace"),
        stdout_truncated=child.stdout_truncated,
        error=error,
        results=results,
    )


def check_reference(
    code: str, tests: list[PythonTest], time_limit_ms: int = DEFAULT_TIME_LIMIT_MS
) -> list[TestResult]:
    """The tests a reference solution fails (for question creation): empty when it passes them all."""
    return [r for r in run_python(code, tests, time_limit_ms).results if not r.passed]
