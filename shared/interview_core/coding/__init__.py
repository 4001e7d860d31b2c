"""Running candidates' code and SQL against a question's tests, in a sandbox (sandbox.py says how):

run_python(code, tests, time_limit_ms) -> RunResult
run_sql(schema, query, tests, time_limit_ms) -> RunResult
check_expressions(tests) -> list[ExpressionProblem]      # question creation: calls and expected parse
check_reference(code, tests) / check_reference_sql(...)   # question creation: the tests a reference fails
isolation() -> "namespace" | "user-namespace" | "bwrap" | "vpc" | None; network_isolated() -> bool
"""

from interview_core.coding.models import (
    DEFAULT_TIME_LIMIT_MS,
    MAX_TIME_LIMIT_MS,
    ExpressionProblem,
    PythonTest,
    RunResult,
    SqlTest,
    TestResult,
)
from interview_core.coding.python_tests import check_expressions, check_reference, run_python
from interview_core.coding.sandbox import (
    SandboxBusy,
    SandboxError,
    SandboxUnavailable,
    isolation,
    network_isolated,
)
from interview_core.coding.sql_tests import check_reference_sql, run_sql

__all__ = [
    "DEFAULT_TIME_LIMIT_MS",
    "MAX_TIME_LIMIT_MS",
    "ExpressionProblem",
    "PythonTest",
    "RunResult",
    "SandboxBusy",
    "SandboxError",
    "SandboxUnavailable",
    "SqlTest",
    "TestResult",
    "check_expressions",
    "check_reference",
    "check_reference_sql",
    "isolation",
    "network_isolated",
    "run_python",
    "run_sql",
]
