"""Running candidates' code and SQL against a question's tests, in a sandbox (sandbox.py says how):

run(PythonRun | SqlRun) -> RunResult                     # in the code_runner function or here (runs.py)
execute(PythonRun | SqlRun) -> RunResult                 # here; parse_request(json) -> PythonRun | SqlRun
available() -> bool                                      # run() can run code without the network
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
    PythonRun,
    PythonTest,
    RunRequest,
    RunResult,
    SqlRun,
    SqlTest,
    TestResult,
    parse_request,
)
from interview_core.coding.python_tests import check_expressions, check_reference, run_python
from interview_core.coding.runs import available, execute, run
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
    "PythonRun",
    "PythonTest",
    "RunRequest",
    "RunResult",
    "SandboxBusy",
    "SandboxError",
    "SandboxUnavailable",
    "SqlRun",
    "SqlTest",
    "TestResult",
    "available",
    "check_expressions",
    "check_reference",
    "check_reference_sql",
    "execute",
    "isolation",
    "network_isolated",
    "parse_request",
    "run",
    "run_python",
    "run_sql",
]
