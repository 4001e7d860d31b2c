"""The tests a coding question carries and the result of one run, as the API will store and return them."""

from functools import cache
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from interview_core.domain import RunResult, TestResult
from interview_core.model import Model

__all__ = ["RunResult", "TestResult"]  # the domain's: a run's result is what the report stores

NAME_MAX = 200
EXPRESSION_MAX = 10_000
SQL_MAX = 100_000
CODE_MAX = 100_000  # the code of one run (questions allow less: domain.MAX_CODE_CHARS)
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


class PythonRun(Model):
    """One run as the code_runner function takes it (JSON): the code, then each test's call."""

    language: Literal["python"] = "python"
    code: str = Field(max_length=CODE_MAX)
    tests: list[PythonTest]
    time_limit_ms: int = DEFAULT_TIME_LIMIT_MS


class SqlRun(Model):
    """One run of a query: per test on a fresh database built by `sql_schema` (and the test's setup)."""

    language: Literal["sql"] = "sql"
    code: str = Field(max_length=SQL_MAX)
    sql_schema: str = Field(default="", max_length=SQL_MAX)
    tests: list[SqlTest]
    time_limit_ms: int = DEFAULT_TIME_LIMIT_MS


RunRequest = Annotated[PythonRun | SqlRun, Field(discriminator="language")]


@cache
def _requests() -> TypeAdapter[PythonRun | SqlRun]:
    return TypeAdapter(RunRequest)


def parse_request(data: Any) -> PythonRun | SqlRun:
    """A RunRequest from its JSON form (a dict); pydantic's ValidationError when it is not one."""
    return _requests().validate_python(data)


class ExpressionProblem(Model):
    test: str
    field: Literal["call", "expected"]
    message: str
