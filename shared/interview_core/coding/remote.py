"""The code_runner function, invoked from the functions that run code (coding.run decides when).

The runner is a Lambda function of its own in a VPC with no route out and a role that can do nothing
(template.yaml, CodeRunnerFunction): the functions that hold the table, the queue and the model's key never
run candidate code. One synchronous Invoke per run; the request and the RunResult travel as JSON. Whatever
goes wrong with the invocation (throttled at the runner's reserved concurrency, a timeout, the runner's own
error, an answer that is not a RunResult) is a RunnerUnavailable, a SandboxError: a 503 for the caller,
with Lambda's error type in words, never the runner's stack trace.
"""

import json

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from interview_core import aws
from interview_core.coding.models import PythonRun, RunResult, SqlRun
from interview_core.coding.sandbox import SandboxError
from interview_core.observability import logger

RUNNER_TIMEOUT_S = 15  # CodeRunnerFunction's Timeout: a run is capped at 10 s plus the sandbox's start
# Read for longer than the runner may run, so a slow run ends as the runner's own timeout (FunctionError),
# not as a read timeout that botocore would retry. A throttle is retried (standard mode), then refused.
INVOKE_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 3},
    connect_timeout=2,
    read_timeout=RUNNER_TIMEOUT_S + 5,
)
DETAIL_MAX = 300


class RunnerUnavailable(SandboxError):
    """The code_runner function did not give a result (not the code's fault)."""


def invoke(function: str, request: PythonRun | SqlRun) -> RunResult:
    """Run `request` in the code_runner function `function` (a name or an ARN, with its alias)."""
    try:
        reply = aws.client("lambda", config=INVOKE_CONFIG).invoke(
            FunctionName=function, InvocationType="RequestResponse", Payload=request.model_dump_json()
        )
        payload: bytes = reply["Payload"].read()
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "")
        logger.warning("code runner refused the call", extra={"error": code, "runner": function})
        if code in ("TooManyRequestsException", "ThrottlingException"):
            raise RunnerUnavailable("the code runner is busy (at its concurrency limit); try again") from err
        raise RunnerUnavailable(f"the code runner refused the call ({code or 'unknown error'})") from err
    except BotoCoreError as err:
        logger.warning("code runner did not answer", extra={"error": type(err).__name__, "runner": function})
        raise RunnerUnavailable(f"the code runner did not answer ({type(err).__name__})") from err
    if reply.get("FunctionError"):
        raise RunnerUnavailable(f"the code runner failed: {_failure(payload)}")
    try:
        return RunResult.model_validate_json(payload)
    except ValidationError as err:
        logger.warning(
            "code runner answered no run result", extra={"runner": function, "bytes": len(payload)}
        )
        raise RunnerUnavailable("the code runner's answer is not a run result") from err


def _failure(payload: bytes) -> str:
    """Lambda's error type and message (a timeout, memory, the sandbox's own error); the trace only logged."""
    try:
        error = json.loads(payload)
    except ValueError:
        error = None
    if not isinstance(error, dict):
        error = {}
    kind, message = str(error.get("errorType") or "unknown error"), str(error.get("errorMessage") or "")
    logger.warning("code runner failed", extra={"error_type": kind, "error_message": message[:2000]})
    text = f"{kind}: {message}" if message else kind
    return text if len(text) <= DETAIL_MAX else text[:DETAIL_MAX] + "..."
