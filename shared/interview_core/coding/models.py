"""The tests a coding question carries and the result of one run, as the API will store and return them."""

from typing import Literal

from pydantic import Field

from interview_core.model import Model

NAME_MAX = 200
EXPRESSION_MAX = 10_000
SQL_MAX = 100_000
ROWS_MAX = 10_000

DEFAULT_TIME_LIMIT_MS = 2_000
MAX_TIME_LIMIT_MS = 10_000
STDOUT_CAP = 8 * 1024  # bytes of what the candidate's code printed, kept in the result

SqlValue = int | float | str | bool | None


class PythonTest(Model):
    """`call` and `expected` are Python expressions: `call` is evaluated after the candidate's code, in its
    namespace; `expected` on its own, in a process that runs no candidate code. Hidden unless visible."""

    name: str = Field(min_length=1, max_length=NAME_MAX)
    call: str = Field(min_length=1, max_length=EXPRESSION_MAX)
    expected: str = Field(min_length=1, max_length=EXPRESSION_MAX)
    visible: bool = False


class SqlTest(Model):
    """The candidate's one query runs on a fresh in-memory database built by the question's schema (and this
    test's own `setup`, when it has one, for data sets the candidate does not see); its rows are compared
    with `expected_rows`, in order when `ordered`, else as a multiset."""

    name: str = Field(min_length=1, max_length=NAME_MAX)
    expected_rows: list[list[SqlValue]] = Field(max_length=ROWS_MAX)
    ordered: bool = False
    setup: str | None = Field(default=None, max_length=SQL_MAX)
    visible: bool = False


class TestResult(Model):
    __test__ = False  # not a pytest class

    name: str
    call: str | None  # None for SQL: every test runs the one query
    visible: bool
    passed: bool
    # the canonical text (repr for Python, JSON rows for SQL); the API hides it when the test is hidden
    expected: str | None
    actual: str | None
    # the candidate's error text (traceback lines of their code), or why the test did not run
    error: str | None
    duration_ms: float | None


class RunResult(Model):
    passed: int
    total: int
    timed_out: bool
    stdout: str  # what the candidate's code printed (stdout and stderr), at most STDOUT_CAP bytes
    stdout_truncated: bool = False
    error: str | None = None  # why the code did not run at all (syntax error, exception at import...)
    results: list[TestResult]

    def for_candidate(self) -> "RunResult":
        """What the candidate may see: a hidden test shows whether it passed and the last line of its error
        (the traceback would quote the call), not its call, expected or actual value."""
        shown = [
            r
            if r.visible
            else r.model_copy(
                update={
                    "call": None,
                    "expected": None,
                    "actual": None,
                    "error": r.error.strip().splitlines()[-1] if r.error and r.error.strip() else r.error,
                }
            )
            for r in self.results
        ]
        return self.model_copy(update={"results": shown})


class ExpressionProblem(Model):
    test: str
    field: Literal["call", "expected"]
    message: str
