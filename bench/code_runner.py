"""Latency of a coding run: through the sandbox library in-process, over HTTP on the local stack, and in the
code_runner function as `sam build` ships it.

    .venv/bin/python bench/code_runner.py                      # all three, 30 runs of each shape
    .venv/bin/python bench/code_runner.py --runs 100 --only inprocess,http
    .venv/bin/python bench/code_runner.py --only built --build-dir .aws-sam/build   # an existing build

A run is a fresh sandboxed child (on this machine: `unshare` network, PID and mount namespaces, a uid of its
own, limits) that runs a small solution and its tests; the parent compares. Shapes run round robin, so a busy
moment of the machine costs every shape alike.

- inprocess: p50 and p90 of a run of 5 visible Python tests (target: p50 under 300 ms locally), of 1 test,
  the overhead per test ((p50 of 5 - p50 of 1) / 4), a run whose expected values are not literals (evaluated
  once in a child of their own, then cached: both are shown), 25 tests (a steadier per-test figure), and a
  SQL run of 5 tests.
- http: POST /api/code/run on the local stack (its own process, as `scripts/run-local.sh` runs it), the
  organisation running a recruiter session's coding questions of 5 and of 1 visible test: the same figures
  over the whole request (auth, the session read, the counted run, the sandbox, the response). The stack
  runs code in its own process (no CODE_RUNNER_FUNCTION), as every local run does.
- built: the code_runner function from `sam build` (its folder, the core layer, the runtime's boto3), as
  Lambda loads it: a cold process (import, then one run of 5 tests) and a warm one serving runs of 5 and 1
  tests, the handler's own time (what Lambda bills; the Invoke round trip comes on top in AWS).
"""

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "shared"), str(ROOT)]

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


def report(times: dict[str, list[float]], five: str, one: str) -> None:
    """p50, p90 and max of each shape, the overhead per test, and the target for 5 tests."""
    for name, samples in times.items():
        print(
            f"  {name:38} p50 {p(samples, 50):6.1f} ms   p90 {p(samples, 90):6.1f} ms   max {max(samples):6.1f} ms"
        )
    per_test = (p(times[five], 50) - p(times[one], 50)) / 4
    print(f"  overhead per test (p50 of 5 - p50 of 1) / 4: {per_test:.2f} ms")
    met = p(times[five], 50) < 300
    print(f"  target p50 < 300 ms for 5 tests: {'met' if met else 'MISSED'}")


def in_process(runs: int) -> None:
    print(f"in-process (isolation: {isolation()}), {runs} runs each")
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
    times = measure(runs, shapes)
    report(times, "5 visible tests", "1 test")
    per_test = (p(times["25 tests"], 50) - p(times["1 test"], 50)) / 24
    print(f"  overhead per test (p50 of 25 - p50 of 1) / 24: {per_test:.2f} ms")


# -- over HTTP, on the local stack -------------------------------------------------------------------------

P = "/api/parallel_interview"
RUNS_PER_QUESTION = 30  # domain.MAX_CODE_RUNS: a session's question takes no more


def coding_question(tests: list[PythonTest]) -> dict[str, Any]:
    return {
        "text": "Write two_sum(nums, target).",
        "type": "coding",
        "language": "python",
        "tests": [t.model_dump() for t in tests],
        "reference_solution": SOLUTION,
        "time_limit_ms": 2000,
    }


def over_http(runs: int) -> None:
    from infra.stack_process import local_stack

    with local_stack() as base, requests.Session() as http:  # one connection kept alive, as a browser does

        def post(path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
            r = http.post(base + path, json=body, timeout=30)
            assert r.status_code == 200, (path, r.status_code, r.text)
            out: dict[str, Any] = r.json()
            return out

        def session() -> str:
            questions = [coding_question(FIVE), coding_question(FIVE[:1])]
            made = post(
                f"{P}/create", {"name": "Bench", "email": "bench@example.com", "questions": questions}
            )
            post(f"{P}/session/{made['session_id']}/start")
            return str(made["session_id"])

        # every question of a session runs at most 30 times: a fresh session for each 30 runs of each shape
        sessions = [session() for _ in range(math.ceil((runs + 1) / RUNS_PER_QUESTION))]

        def shape(number: int, passes: int) -> Callable[[], bool]:
            calls = iter(range(10**9))

            def run() -> bool:
                sid = sessions[next(calls) // RUNS_PER_QUESTION]
                body = {"session_id": sid, "question_number": number, "code": SOLUTION}
                return post("/api/code/run", body)["passed"] == passes

            return run

        print(f"over HTTP: POST /api/code/run on the local stack, {runs} runs each")
        report(
            measure(runs, {"5 visible tests": shape(1, 5), "1 test": shape(2, 1)}),
            "5 visible tests",
            "1 test",
        )


# -- the built code_runner function ------------------------------------------------------------------------

# The function's folder and layers first on the path, nothing else (-I -S): each line of stdin is an event;
# each answer line, the handler's milliseconds and the tests passed. The first line is the import's time.
_BUILT = r"""
import json, sys, time
start = time.perf_counter()
sys.path[:0] = json.loads(sys.argv[1])
import app
print(json.dumps({"init_ms": (time.perf_counter() - start) * 1000}), flush=True)
for line in sys.stdin:
    start = time.perf_counter()
    result = app.handler(json.loads(line), None)
    print(json.dumps({"ms": (time.perf_counter() - start) * 1000, "passed": result["passed"]}), flush=True)
"""


def built_paths(build_dir: Path, runtime: Path) -> list[str]:
    from infra import template as tpl

    built = tpl.load(build_dir / "template.yaml")
    props = built["Resources"]["CodeRunnerFunction"]["Properties"]
    layers = [*built["Globals"]["Function"]["Layers"], *props.get("Layers", [])]
    return [
        str(build_dir / props["CodeUri"]),
        *(str(build_dir / ref["Ref"] / "python") for ref in layers),
        str(runtime),
    ]


def sam_build(out: Path) -> Path:
    sam = ROOT / ".venv-sam" / "bin" / "sam"
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # sam build runs this python3.13
    cache = ["--cache-dir", str(ROOT / ".aws-sam" / "cache"), "--cached"]
    subprocess.run(
        [str(sam), "build", "--build-dir", str(out), *cache],
        cwd=ROOT,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0", "PATH": path},
        check=True,
        capture_output=True,
    )
    return out


def built(runs: int, build_dir: Path | None) -> None:
    from bench.built_init import runtime_dir

    tmp = Path(tempfile.mkdtemp())
    try:
        build_dir = build_dir or sam_build(tmp / "build")
        paths = json.dumps(built_paths(build_dir, runtime_dir(tmp)))
        env = {"PATH": os.environ["PATH"], "AWS_DEFAULT_REGION": "us-east-1", "CODE_RUNNER_NETWORK": "vpc"}
        five: dict[str, Any] = {
            "language": "python",
            "code": SOLUTION,
            "tests": [t.model_dump() for t in FIVE],
            "time_limit_ms": 2000,
        }
        one = {**five, "tests": five["tests"][:1]}

        def process(events: list[dict[str, Any]]) -> tuple[float, list[dict[str, Any]]]:
            out = subprocess.run(
                [sys.executable, "-I", "-S", "-c", _BUILT, paths],
                input="".join(json.dumps(e) + "\n" for e in events),
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            first, *answers = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
            return first["init_ms"], answers

        cold = [process([five]) for _ in range(min(runs, 10))]
        _, warm = process([five, one] * (runs + 1))  # the first pair warms, as a function's first runs do
        times = {"5 visible tests": [a["ms"] for a in warm[2::2]], "1 test": [a["ms"] for a in warm[3::2]]}
        assert all(a["passed"] == 5 for a in warm[::2]) and all(a["passed"] == 1 for a in warm[1::2])
        print(f"built code_runner function (sam build output), a warm process serving {runs} runs of each")
        report(times, "5 visible tests", "1 test")
        inits, firsts = [c[0] for c in cold], [c[1][0]["ms"] for c in cold]
        init, first = statistics.median(inits), statistics.median(firsts)
        print(
            f"  cold, {len(cold)} processes: import p50 {init:.0f} ms, then a run of 5 tests p50 {first:.0f} ms"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", default="inprocess,http,built", help="a comma-separated subset")
    parser.add_argument(
        "--build-dir", type=Path, help="built: an existing `sam build` output (default: build)"
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    if "inprocess" in only:
        in_process(args.runs)
    if "http" in only:
        over_http(args.runs)
    if "built" in only:
        built(args.runs, args.build_dir)


if __name__ == "__main__":
    main()
