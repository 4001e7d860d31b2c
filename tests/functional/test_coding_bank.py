"""The offline bank's coding problems (issue 14, item 4), every one through the real sandbox: its fields are
valid, its tests parse, its reference solution passes them all, its starter code fails a hidden one (so the
tests test something), the visible tests are the first ones, and the bank meets the issue's counts."""

import time
from collections import Counter

import pytest

from interview_core.coding import check_expressions, check_reference, check_reference_sql, run_python, run_sql
from interview_core.coding.models import PythonTest, RunResult, SqlTest
from interview_core.providers import coding_bank
from interview_core.providers.coding_bank import CodingProblem

PROBLEMS = coding_bank.problems()
VISIBLE = {"python": 2, "sql": 1}  # Python tests: the first two are visible; SQL: the first one
TESTS = {"python": (4, 8), "sql": (2, 4)}
# all of a reference's tests as the child times them (not the launch): under 100 ms on an idle machine, the
# margin is for a loaded 2-core one
REFERENCE_BUDGET_MS = 250


def run(problem: CodingProblem, code: str) -> RunResult:
    limit = problem.time_limit_ms or 2_000
    if problem.language == "sql":
        assert problem.schema_sql is not None
        return run_sql(problem.schema_sql, code, [t for t in problem.tests if isinstance(t, SqlTest)], limit)
    return run_python(code, [t for t in problem.tests if isinstance(t, PythonTest)], limit)


def test_the_bank_meets_the_issues_counts() -> None:
    counts = Counter((p.topic, p.difficulty) for p in PROBLEMS)
    for topic in ("python", "algorithms"):
        for difficulty in ("simple", "medium", "hard"):
            assert counts[(topic, difficulty)] >= 10, (topic, difficulty, counts)
            assert len(coding_bank.problems(topic, difficulty)) == counts[(topic, difficulty)]
    assert sum(n for (topic, _), n in counts.items() if topic == "sql") >= 6, counts
    assert {d for (topic, d) in counts if topic == "sql"} == {"simple", "medium", "hard"}


def test_ids_are_unique_and_found() -> None:
    assert len({p.id for p in PROBLEMS}) == len(PROBLEMS)
    assert coding_bank.problem(PROBLEMS[0].id) == PROBLEMS[0]
    assert coding_bank.problem("no-such-problem") is None


@pytest.mark.parametrize("problem", PROBLEMS, ids=[p.id for p in PROBLEMS])
def test_a_problem_is_well_formed(problem: CodingProblem) -> None:
    low, high = TESTS[problem.language]
    assert low <= len(problem.tests) <= high, len(problem.tests)
    shown = VISIBLE[problem.language]
    assert [t.visible for t in problem.tests] == [True] * shown + [False] * (len(problem.tests) - shown)
    assert "Example" in problem.text
    if problem.language == "python":
        assert check_expressions([t for t in problem.tests if isinstance(t, PythonTest)]) == []
        assert "Signature:" in problem.text and problem.starter_code.strip()
    else:
        assert all(isinstance(t, SqlTest) for t in problem.tests)
        ordered = "order" in problem.text.lower() and "any order" not in problem.text.lower()
        assert all(t.ordered == ordered for t in problem.tests if isinstance(t, SqlTest)), "ordered vs text"


@pytest.mark.parametrize("problem", PROBLEMS, ids=[p.id for p in PROBLEMS])
def test_the_reference_passes_and_the_starter_fails_a_hidden_test(problem: CodingProblem) -> None:
    limit = problem.time_limit_ms or 2_000
    if problem.language == "sql":
        assert problem.schema_sql is not None
        sql_tests = [t for t in problem.tests if isinstance(t, SqlTest)]
        assert check_reference_sql(problem.schema_sql, problem.reference_solution, sql_tests, limit) == []
    else:
        py_tests = [t for t in problem.tests if isinstance(t, PythonTest)]
        assert check_reference(problem.reference_solution, py_tests, limit) == []
    reference = run(problem, problem.reference_solution)
    assert reference.passed == reference.total and not reference.timed_out
    spent = sum(r.duration_ms or 0 for r in reference.results)
    assert spent < REFERENCE_BUDGET_MS, f"the reference's tests took {spent:.0f} ms"
    starter = run(problem, problem.starter_code)
    assert not starter.timed_out
    assert any(not r.passed for r in starter.results if not r.visible), "the starter passes every hidden test"


def test_the_bank_loads_quickly() -> None:
    coding_bank.bank.cache_clear()
    start = time.monotonic()
    assert coding_bank.bank().problems
    assert time.monotonic() - start < 1.0
