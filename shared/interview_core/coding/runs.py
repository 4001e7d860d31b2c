"""One run, wherever this deployment runs code: in the code_runner function when CODE_RUNNER_FUNCTION names
it (AWS), else in this process's sandbox (the local stack, tests, the runner itself)."""

from interview_core.coding.models import PythonRun, RunResult, SqlRun
from interview_core.coding.python_tests import run_python
from interview_core.coding.sandbox import network_isolated
from interview_core.coding.sql_tests import run_sql


def execute(request: PythonRun | SqlRun) -> RunResult:
    """`request` in this process's sandbox."""
    if isinstance(request, SqlRun):
        return run_sql(request.sql_schema, request.code, request.tests, request.time_limit_ms)
    return run_python(request.code, request.tests, request.time_limit_ms)


def run(request: PythonRun | SqlRun) -> RunResult:
    """`request` in the code_runner function, or here. Raises SandboxError (RunnerUnavailable included) when
    it cannot be run."""
    function = _runner_function()
    if not function:
        return execute(request)
    from interview_core.coding import remote  # boto3: not loaded by the runner, which only executes

    return remote.invoke(function, request)


def available() -> bool:
    """Whether code can run without the network: in the code_runner function (its VPC has no route out),
    or here under namespaces (sandbox.network_isolated)."""
    return bool(_runner_function()) or network_isolated()


def _runner_function() -> str:
    # Imported here: the code_runner function itself only executes, and loads no settings.
    from interview_core.settings import get_settings

    return get_settings().code_runner_function
