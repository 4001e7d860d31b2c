"""The code_runner function (functions/code_runner) and the functions that invoke it.

The runner is driven with its sample event as Lambda would. The dispatch (coding.run) is driven over HTTP,
as in AWS: CODE_RUNNER_FUNCTION names the runner and botocore's Lambda client talks to a local endpoint
that speaks Lambda's Invoke API and runs the real runner's handler, or answers as Lambda does when it
throttles, times out or reports the function's error. The 503 that follows says why, never with the
runner's stack trace."""

import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from pydantic import ValidationError

from interview_core import coding, wiring
from interview_core.coding import remote, sandbox
from tests.functional.test_coding_questions import PYTHON, SQL, run, started
from tests.support.apigw import ApiGateway, LambdaContext, function_module

ROOT = Path(__file__).resolve().parents[2]
RUNNER = "arn:aws:lambda:us-east-1:123456789012:function:stack-CodeRunnerFunction-X1:live"
REVERSE = "def reverse(items):\n    return items[::-1]\n"

Reply = tuple[int, dict[str, str], bytes]


# The runner in a process of its own, as in Lambda: this one (the caller) may have no sandbox at all.
_RUNNER = r"""
import json, sys, traceback
import app
try:
    print(json.dumps({"result": app.handler(json.loads(sys.stdin.read()), None)}))
except Exception as exc:  # what Lambda's Python runtime reports when the handler raises
    trace = traceback.format_tb(exc.__traceback__)
    print(json.dumps({"error": {"errorMessage": str(exc), "errorType": type(exc).__name__, "stackTrace": trace}}))
"""


def run_the_runner(payload: bytes, **env: str) -> Reply:
    """functions/code_runner's handler on `payload`, answered as Lambda does: the result, or 200 with
    X-Amz-Function-Error and the error (its stack trace included) when the handler raised."""
    out = subprocess.run(
        [sys.executable, "-c", _RUNNER],
        cwd=ROOT / "functions" / "code_runner",
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "shared"), **env},
        input=payload,
        capture_output=True,
        timeout=60,
        check=True,
    )
    reply = json.loads(out.stdout.splitlines()[-1])
    if "error" in reply:
        return 200, {"X-Amz-Function-Error": "Unhandled"}, json.dumps(reply["error"]).encode()
    return 200, {"X-Amz-Executed-Version": "1"}, json.dumps(reply["result"]).encode()


class LambdaEndpoint:
    """POST /2015-03-31/functions/<name>/invocations on a free local port; `answer` decides the reply."""

    def __init__(self) -> None:
        self.invocations: list[tuple[str, dict[str, Any]]] = []
        self.answer: Callable[[bytes], Reply] = run_the_runner
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                payload = self.rfile.read(int(self.headers["content-length"]))
                name = unquote(self.path.split("/functions/")[1].split("/invocations")[0])
                endpoint.invocations.append((name, json.loads(payload)))
                status, headers, body = endpoint.answer(payload)
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint(acme: ApiGateway, monkeypatch: pytest.MonkeyPatch) -> Iterator[LambdaEndpoint]:
    """The process as a deployed function that runs code: CODE_RUNNER_FUNCTION set, Lambda local."""
    lam = LambdaEndpoint()
    monkeypatch.setenv("CODE_RUNNER_FUNCTION", RUNNER)
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", lam.url)
    wiring.reset()
    yield lam
    lam.stop()
    wiring.reset()


# -- the function ------------------------------------------------------------------------------------------


def test_the_runner_runs_its_sample_event_and_returns_the_run_result() -> None:
    event = json.loads((ROOT / "events" / "code_runner.json").read_text())
    result = function_module("code_runner").handler(event, LambdaContext(function_name="code_runner"))
    parsed = coding.RunResult.model_validate(result)
    assert (parsed.passed, parsed.total, parsed.error) == (3, 3, None)
    assert json.loads(json.dumps(result)) == result  # plain JSON: what Lambda sends back
    # the hidden test comes back whole: hiding it is the caller's business (RunResult.for_candidate)
    assert result["results"][2] == {**result["results"][2], "visible": False, "actual": "['b', 'a']"}


def test_the_runner_runs_sql_and_refuses_what_is_not_a_run() -> None:
    handler = function_module("code_runner").handler
    sql = {
        "language": "sql",
        "code": "SELECT name FROM users WHERE age > 30",
        "sql_schema": SQL["schema"],
        "tests": [{"name": "older", "expected_rows": [["ann"]]}],
        "time_limit_ms": 2000,
    }
    assert handler(sql, LambdaContext())["passed"] == 1
    for wrong in ({**sql, "language": "ruby"}, {**sql, "tests": [{"name": "x", "call": "f()"}]}, {}):
        with pytest.raises(ValidationError):
            handler(wrong, LambdaContext())


def test_the_runner_loads_no_settings_and_no_aws_client() -> None:
    """It holds nothing to use them with: its environment names no resource (test_template)."""
    code = "import sys, app; print(' '.join(m for m in sys.modules if m.startswith(('boto3', 'interview_core'))))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "functions" / "code_runner",
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "shared")},
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(out.stdout.split())
    assert "interview_core.workers.code_runner" in loaded
    assert not loaded & {
        "boto3",
        "interview_core.settings",
        "interview_core.aws",
        "interview_core.coding.remote",
    }


# -- the dispatch ------------------------------------------------------------------------------------------


def test_a_run_goes_to_the_runner_with_the_visible_tests_only(
    acme: ApiGateway, endpoint: LambdaEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no sandbox in this process, as in AWS: the run endpoint must not refuse, nor run anything here
    monkeypatch.setattr(sandbox, "isolation", lambda: None)
    assert coding.available()
    sid, candidate, _ = started(acme, [PYTHON, SQL])
    endpoint.invocations.clear()  # creating the session ran the reference solutions there too
    right = run(candidate, sid, REVERSE)
    assert right.status_code == 200, right.text
    assert (right.json()["passed"], right.json()["total"]) == (1, 1)
    [(name, sent)] = endpoint.invocations
    assert name == RUNNER
    assert sent == {
        "language": "python",
        "code": REVERSE.strip(),  # as the API keeps it
        "tests": [{**PYTHON["tests"][0]}],
        "time_limit_ms": 2000,
    }
    # the SQL question, once the first is answered: its schema travels with the query
    assert candidate.post("/submit-answer", json={"session_id": sid, "answer": REVERSE}).status_code == 200
    sql = run(candidate, sid, "SELECT name FROM users WHERE age > 30", 2)
    assert (sql.status_code, sql.json()["passed"]) == (200, 1), sql.text
    assert endpoint.invocations[-1][1]["sql_schema"] == SQL["schema"]


def test_creating_a_coding_question_vets_its_reference_in_the_runner(
    acme: ApiGateway, endpoint: LambdaEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "isolation", lambda: None)
    started(acme, [PYTHON])
    [(_, sent)] = endpoint.invocations
    assert sent["code"] == PYTHON["reference_solution"].strip() and len(sent["tests"]) == 2  # hidden ones too
    broken = {**PYTHON, "reference_solution": "def reverse(items):\n    return items\n"}
    refused = acme.post(
        "/api/parallel_interview/create", json={"name": "A", "email": "a@example.com", "questions": [broken]}
    )
    assert refused.status_code == 400 and "fails 1 of its 2 tests" in refused.json()["detail"], refused.text


def _refused(acme: ApiGateway, endpoint: LambdaEndpoint, answer: Callable[[bytes], Reply]) -> str:
    endpoint.answer = run_the_runner
    sid, candidate, _ = started(acme, [PYTHON])  # vetted by the runner while it still answers
    endpoint.answer = answer
    r = run(candidate, sid, REVERSE)
    assert r.status_code == 503, r.text
    detail: str = r.json()["detail"]
    assert detail.startswith("Code cannot be run right now: "), detail
    assert "Traceback" not in detail and "File " not in detail and "stackTrace" not in detail
    return detail


def test_a_throttled_runner_is_retried_then_a_503(acme: ApiGateway, endpoint: LambdaEndpoint) -> None:
    throttled = json.dumps(
        {
            "Type": "User",
            "message": "Rate Exceeded.",
            "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
        }
    )
    before = len(endpoint.invocations)

    def throttle(_: bytes) -> Reply:
        return 429, {"x-amzn-ErrorType": "TooManyRequestsException"}, throttled.encode()

    detail = _refused(acme, endpoint, throttle)
    assert "busy" in detail and "concurrency" in detail, detail
    attempts = remote.INVOKE_CONFIG.retries["total_max_attempts"]
    assert len(endpoint.invocations) - before == 1 + attempts == 4  # the vetting run, then the run's tries


def test_the_runners_own_error_is_named_without_its_trace(
    acme: ApiGateway, endpoint: LambdaEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the real runner where no isolation works and nothing says the network is out of reach
    detail = _refused(acme, endpoint, lambda payload: run_the_runner(payload, CODE_RUNNER_ISOLATION="none"))
    assert detail.startswith("Code cannot be run right now: the code runner failed: SandboxUnavailable: "), (
        detail
    )
    assert "sandbox.py" not in detail


def test_a_runner_that_timed_out_or_answered_nonsense_is_a_503(
    acme: ApiGateway, endpoint: LambdaEndpoint
) -> None:
    timed_out = {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 15.02 seconds"}
    detail = _refused(
        acme, endpoint, lambda _: (200, {"X-Amz-Function-Error": "Unhandled"}, json.dumps(timed_out).encode())
    )
    assert detail.endswith("the code runner failed: Sandbox.Timedout: Task timed out after 15.02 seconds"), (
        detail
    )
    detail = _refused(acme, endpoint, lambda _: (200, {}, b'{"passed": "all of them"}'))
    assert detail.endswith("the code runner's answer is not a run result"), detail
    detail = _refused(acme, endpoint, lambda _: (200, {"X-Amz-Function-Error": "Unhandled"}, b"not json"))
    assert detail.endswith("the code runner failed: unknown error"), detail


def test_a_runner_that_cannot_be_reached_or_refuses_the_call_is_a_503(
    acme: ApiGateway, endpoint: LambdaEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = json.dumps({"Type": "User", "message": "Function not found"})
    detail = _refused(
        acme, endpoint, lambda _: (404, {"x-amzn-ErrorType": "ResourceNotFoundException"}, missing.encode())
    )
    assert detail.endswith("the code runner refused the call (ResourceNotFoundException)"), detail
    endpoint.answer = run_the_runner
    sid, candidate, _ = started(acme, [PYTHON])
    endpoint.stop()  # nothing listens any more
    r = run(candidate, sid, REVERSE)
    assert (
        r.status_code == 503
        and "the code runner did not answer (EndpointConnectionError)" in r.json()["detail"]
    ), r.text


def test_without_the_setting_code_runs_in_this_process(
    acme: ApiGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The local stack and the tests: no Lambda call at all (none could succeed: nothing serves Lambda)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:9")
    wiring.reset()
    sid, candidate, _ = started(acme, [PYTHON])
    assert run(candidate, sid, REVERSE).json()["passed"] == 1
    monkeypatch.setattr(sandbox, "isolation", lambda: None)  # and without a sandbox here, it refuses
    assert not coding.available()
    refused = run(candidate, sid, REVERSE)
    assert refused.status_code == 503 and "no sandbox without network" in refused.json()["detail"]
