"""SQL tests: the candidate's one query runs, per test, on a fresh in-memory SQLite database built by the
question's schema (and the test's setup), in a sandboxed child of its own.

Inside the child: extension loading is disabled, no database may be attached (SQLITE_LIMIT_ATTACHED 0, and
the authorizer denies ATTACH and DETACH for the schema too), the query is authorized to read only (SELECT,
reading columns, calling functions other than load_extension, recursive CTEs: no writes, no PRAGMA, no
transactions), `execute` refuses more than one statement, and a progress handler stops any statement after
STEPS virtual-machine steps (a recursive CTE that never ends fails with "step limit exceeded"). The rows
come back as JSON; the parent compares them with `expected_rows`, which the child never sees: in order when
the test is `ordered`, else as multisets (each row a tuple, so `1` equals `1.0` as in Python).
"""

import json
from collections import Counter
from typing import Any

from interview_core.coding.models import DEFAULT_TIME_LIMIT_MS, ROWS_MAX, RunResult, SqlTest, TestResult
from interview_core.coding.python_tests import clamp, run_result
from interview_core.coding.sandbox import run_child

STEPS = 5_000_000  # about 0.1 s of SQLite work on this machine
SHOWN_MAX = 8_000  # characters of rows shown as expected / actual


def _rows(value: Any) -> list[tuple[Any, ...]] | None:
    if not isinstance(value, list) or not all(isinstance(r, list) for r in value):
        return None
    if not all(isinstance(v, int | float | str | None) for r in value for v in r):
        return None
    return [tuple(r) for r in value]


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _shown(rows: list[Any]) -> str:
    text = json.dumps(rows)
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "..."


def matches(expected: list[list[Any]], actual: list[tuple[Any, ...]], ordered: bool) -> bool:
    want = [tuple(r) for r in expected]
    return want == actual if ordered else Counter(want) == Counter(actual)


def run_sql(
    schema: str, query: str, tests: list[SqlTest], time_limit_ms: int = DEFAULT_TIME_LIMIT_MS
) -> RunResult:
    payload = {
        "mode": "sql",
        "schema": schema,
        "query": query,
        "setups": [t.setup for t in tests],
        "steps": STEPS,
        "rows_max": ROWS_MAX,
    }
    child = run_child(payload, clamp(time_limit_ms), (SHOWN_MAX * 20 + 4_000) * (len(tests) + 4))
    results = []
    for i, test in enumerate(tests):
        frame = child.results.get(i)
        actual: list[tuple[Any, ...]] | None = None
        error: str | None = None
        ms = None
        if frame is None:
            error = child.missing(i)
        else:
            actual = None if frame.value is None else _rows(_json(frame.value))
            error, ms = frame.error, frame.ms
            if actual is None and error is None:
                error = "no rows reported"
        passed = actual is not None and error is None and matches(test.expected_rows, actual, test.ordered)
        results.append(
            TestResult(
                name=test.name,
                call=None,
                visible=test.visible,
                passed=passed,
                expected=_shown(test.expected_rows),
                actual=None if actual is None else _shown([list(r) for r in actual]),
                error=error,
                duration_ms=ms,
            )
        )
    return run_result(child, results)


def check_reference_sql(
    schema: str, query: str, tests: list[SqlTest], time_limit_ms: int = DEFAULT_TIME_LIMIT_MS
) -> list[TestResult]:
    """The tests a reference query fails (for question creation): empty when it passes them all."""
    return [r for r in run_sql(schema, query, tests, time_limit_ms).results if not r.passed]
