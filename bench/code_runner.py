"""Latency of a coding run through the sandbox library, in-process (no HTTP, no worker).

    .venv/bin/python bench/code_runner.py             # 30 runs of each shape
    .venv/bin/python bench/code_runner.py --runs 100

A run is a fresh sandboxed child (on this machine: `unshare` network, PID and mount namespaces, a uid of its
own, limits) that runs a small solution and its tests; the parent compares. Reported: p50 and p90 of a run
of 5 visible Python tests (target: p50 under 300 ms locally), of 1 test, the overhead per test
((p50 of 5 - p50 of 1) / 4), a run whose expected values are not literals (evaluated once in a child of their
own, then cached: both are shown), 25 tests (a steadier per-test figure), and a SQL run of 5 tests. Shapes
run round robin. The API, the stack and the built Lambda function come later.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "shared"))

from interview_core.coding import (  # noqa: E402
    PythonTest,
    SqlTest,
    isolation,
    python_tests,
    run_python,
    run_sql,
)

SOLUTION = "def two_sum(nums, target):\n    seen = {}\n    for i, n in enumerate(nums):\n"
SOLUTION += "        if target - n in seen:\n            return [seen[target - n], i]\n        seen[n] = i\n"
FIVE = [
    PythonTest(
        name=f"case {k}", call=f"two_sum([2, 7, 11, 15, {k}], {9 + k * 0})", expected="[0, 1]", visible=True
    )
    for k in range(5)
]
MANY = [t.model_copy(update={"name": f"case {k}"}) for k in range(25) for t in FIVE[:1]]
COMPUTED = [t.model_copy(update={"expected": "list(range(2))"}) for t in FIVE]
SCHEMA = (
    "CREATE TABLE t(id INTEGER PRIMARY KEY, team TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'a');"
)
SQL_FIVE = [SqlTest(name=f"case {k}", expected_rows=[["a", 2], ["b", 1]], visible=True) for k in range(5)]


def measure(runs: int, shapes: dict[str, Callable[[], bool]]) -> dict[str, list[float]]:
    """Each shape `runs` times, round robin, so a busy moment of the machine costs every shape alike."""
    for run in shapes.values():
        run()  # warm: pydantic builds its validators on first use; computed expected values get cached
    times: dict[str, list[float]] = {name: [] for name in shapes}
    for _ in range(runs):
        for name, run in shapes.items():
            start = time.perf_counter()
            passed = run()
            times[name].append((time.perf_counter() - start) * 1000)
            assert passed, f"a run failed: {name}"
    return times


def p(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[q - 1]


def uncached() -> bool:
    python_tests._cache.clear()  # the expected values' own child runs again: a question's first run
    return run_python(SOLUTION, COMPUTED, 2000).passed == 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"isolation: {isolation()}, {args.runs} runs each")
    shapes = {
        "5 visible tests": lambda: run_python(SOLUTION, FIVE, 2000).passed == 5,
        "1 test": lambda: run_python(SOLUTION, FIVE[:1], 2000).passed == 1,
        "25 tests": lambda: run_python(SOLUTION, MANY, 2000).passed == 25,
        "5 tests, computed expected (cached)": lambda: run_python(SOLUTION, COMPUTED, 2000).passed == 5,
        "5 tests, computed expected (uncached)": uncached,
        "SQL, 5 tests": lambda: (
            run_sql(SCHEMA, "SELECT team, count(*) FROM t GROUP BY team", SQL_FIVE).passed == 5
        ),
    }
    p50s: dict[str, float] = {}
    for name, times in measure(args.runs, shapes).items():
        p50s[name] = p(times, 50)
        print(f"{name:38} p50 {p(times, 50):6.1f} ms   p90 {p(times, 90):6.1f} ms   max {max(times):6.1f} ms")
    per_test = (p50s["5 visible tests"] - p50s["1 test"]) / 4
    print(f"overhead per test (p50 of 5 - p50 of 1) / 4: {per_test:.2f} ms")
    per_test = (p50s["25 tests"] - p50s["1 test"]) / 24
    print(f"overhead per test (p50 of 25 - p50 of 1) / 24: {per_test:.2f} ms")
    target = p50s["5 visible tests"] < 300
    print(f"target p50 < 300 ms for 5 tests: {'met' if target else 'MISSED'}")


if __name__ == "__main__":
    main()
