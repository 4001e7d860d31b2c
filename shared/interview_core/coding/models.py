"""The tests a coding question carries and the result of one run, as the API will store and return them."""

from typing import Literal

from pydantic import Field

from interview_core.domain import RunResult, TestResult
from interview_core.model import Model

__all__ = ["RunResult", "TestResult"]  # the domain's: a run's result is what the report stores

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


class ExpressionProblem(Model):
    test: str
    field: Literal["call", "expected"]
    message: str
