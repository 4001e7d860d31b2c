"""The code_runner function: one run of code against tests, invoked by coding.remote (never over HTTP).

In: a RunRequest as JSON ({language, code, sql_schema?, tests, time_limit_ms}). Out: the RunResult as JSON.
A request that is not one, or a sandbox that cannot run, raises: Lambda reports it as a FunctionError and
the caller answers 503. The code is never logged.
"""

from typing import Any

from interview_core.coding import execute, parse_request
from interview_core.observability import entry_point


@entry_point
def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return execute(parse_request(event)).model_dump(mode="json")
