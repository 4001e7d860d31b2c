"""Restores from one SnapStart snapshot share nothing random, connected or secret (interview_core.snapstart).

A restore is simulated the way Lambda does one: the state init left behind is in place (here: built by
real calls), then the after-restore hooks run, and what follows must be fresh.
"""

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from interview_core import aws as aws_clients
from interview_core import observability, settings, snapstart, wiring
from tests.support.apigw import ApiGateway

ROOT = Path(__file__).resolve().parents[2]
KEY_PARAMETER = "mock-interview/openai-api-key"


def _put_key(value: str) -> None:
    aws_clients.client("ssm").put_parameter(
        Name=KEY_PARAMETER, Value=value, Type="SecureString", Overwrite=True
    )


def test_copies_restored_from_one_snapshot_draw_different_random_numbers() -> None:
    snapshot = random.getstate()  # what init left in memory, the same in every copy
    without_hooks = []
    for _ in range(2):
        random.setstate(snapshot)
        without_hooks.append([random.random() for _ in range(4)])
    assert without_hooks[0] == without_hooks[1]  # the problem: shard choices, retry jitter in lockstep

    with_hooks = []
    for _ in range(2):
        random.setstate(snapshot)
        snapstart.run_after_restore()
        with_hooks.append([random.random() for _ in range(4)])
    assert with_hooks[0] != with_hooks[1]


def test_a_restore_forgets_clients_secrets_services_and_buffers(
    aws, api: ApiGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Init as it would be at snapshot time: the key read from SSM, clients and services built, caches warm.
    _put_key("sk-read-at-init")
    monkeypatch.setenv("LLM_PROVIDER", "openai")
    monkeypatch.setenv("OPENAI_API_KEY_PARAMETER", KEY_PARAMETER)
    wiring.reset()
    model = wiring.language_model()
    assert model._client.api_key == "sk-read-at-init"
    dynamodb = aws_clients.client("dynamodb")
    built = {
        "settings": settings.get_settings(),
        "api_keys": wiring.api_keys(),
        "quotas": wiring.quotas(),
        "interview": wiring.interview_service(),
        "recruiter": wiring.recruiter_service(),
        "livekit": wiring.livekit_rooms(),
    }
    observability.count("SessionsStarted")
    observability.tag_session("a-session-of-init")
    assert observability.metrics.metric_set

    _put_key("sk-rotated")  # the secret changed since the snapshot was taken
    assert wiring.language_model()._client.api_key == "sk-read-at-init"  # cached, as a warm function is

    snapstart.run_after_restore()

    assert aws_clients.client("dynamodb") is not dynamodb
    assert settings.get_settings() is not built["settings"]
    fresh = {
        "api_keys": wiring.api_keys(),
        "quotas": wiring.quotas(),
        "interview": wiring.interview_service(),
        "recruiter": wiring.recruiter_service(),
        "livekit": wiring.livekit_rooms(),
    }
    assert all(fresh[name] is not built[name] for name in fresh)
    restored_model = wiring.language_model()
    assert restored_model is not model and restored_model._client is not model._client
    assert restored_model._client.api_key == "sk-rotated"  # re-read from SSM, not the snapshot's copy
    assert not observability.metrics.metric_set  # init's metrics are not emitted once per copy
    assert "session_id" not in observability.logger.get_current_keys()

    # Everything is rebuilt on use: the restored copy serves requests.
    monkeypatch.setenv("LLM_PROVIDER", "offline")
    wiring.reset()
    r = api.post("/start-interview", json={"topic": "Python", "difficulty": "simple", "num_questions": 1})
    assert r.status_code == 200, r.text


def test_before_the_snapshot_no_client_or_metric_is_kept(aws) -> None:
    dynamodb = aws_clients.client("dynamodb")
    observability.count("SessionsStarted")
    snapstart.run_before_snapshot()
    assert aws_clients.client("dynamodb") is not dynamodb
    assert not observability.metrics.metric_set


def test_the_hooks_are_registered_once() -> None:
    snapstart.install()
    snapstart.install()
    assert [f for f, _, _ in snapstart._after_restore].count(snapstart.refresh) == 1
    assert [f for f, _, _ in snapstart._before_snapshot].count(snapstart.before_snapshot) == 1


_FAKE_RUNTIME = '''
"""Stands in for Lambda's snapshot_restore_py: records what is registered."""
before, after = [], []

def register_before_snapshot(func, *args, **kwargs):
    before.append((func, args, kwargs))
    return func

def register_after_restore(func, *args, **kwargs):
    after.append((func, args, kwargs))
    return func
'''

_WITH_RUNTIME = r"""
import random, sys
import interview_core  # registers the hooks, as every function's import does
import snapshot_restore_py as runtime
from interview_core import snapstart

assert snapstart.runtime_hooks()
assert [f.__name__ for f, _, _ in runtime.after] == ["refresh"], runtime.after
assert [f.__name__ for f, _, _ in runtime.before] == ["before_snapshot"], runtime.before
snapshot = random.getstate()
draws = []
for _ in range(2):  # Lambda runs the hooks it was given in each restored copy
    random.setstate(snapshot)
    for func, args, kwargs in runtime.after:
        func(*args, **kwargs)
    draws.append(random.random())
assert draws[0] != draws[1], draws
print("OK")
"""


def test_the_hooks_go_to_lambdas_runtime_when_it_is_there(tmp_path: Path) -> None:
    (tmp_path / "snapshot_restore_py.py").write_text(_FAKE_RUNTIME)
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "shared")])}
    proc = subprocess.run(
        [sys.executable, "-c", _WITH_RUNTIME], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "OK", proc.stderr


_CHEAP_IMPORT = r"""
import sys, sysconfig
before = set(sys.modules)
import interview_core
new = set(sys.modules) - before
stdlib = sysconfig.get_paths()["stdlib"]
ours = {name for name in new if name.split(".")[0] == "interview_core"}
assert ours == {"interview_core", "interview_core.snapstart"}, ours
foreign = [name for name in new - ours if not getattr(sys.modules[name], "__file__", stdlib).startswith(stdlib)]
assert not foreign, foreign
print("OK")
"""


def test_importing_the_core_package_for_its_hooks_loads_only_the_standard_library() -> None:
    """Every function pays for it at cold start: the hooks cost no third-party import."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "shared")}
    proc = subprocess.run(
        [sys.executable, "-c", _CHEAP_IMPORT], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "OK", proc.stderr


_INIT = r"""
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import app
from interview_core import snapstart

class Context:
    function_name = "restored"; function_version = "1"; memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:restored:live"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    log_group_name = "/aws/lambda/restored"; log_stream_name = "restored"
    def get_remaining_time_in_millis(self): return 29000

event = json.load(open(sys.argv[3]))
"""
_SERVE_RESTORE_SERVE = (
    _INIT
    + r"""
first = app.handler(event, Context())  # init plus a first request: clients and settings exist
loaded = set(sys.modules)
snapstart.run_after_restore()
assert set(sys.modules) == loaded, sorted(set(sys.modules) - loaded)  # a restore imports nothing
second = app.handler(event, Context())
print("RESULT " + json.dumps([first["statusCode"], second["statusCode"]]))
"""
)


def _run_function(aws, script: str, function: str, **env: str) -> Any:  # noqa: ANN001
    """`script` (after _INIT) in a fresh interpreter with `function`'s app on the path, as Lambda runs it;
    returns what it printed after RESULT."""
    env = {
        **{k: v for k, v in os.environ.items() if k.startswith(("AWS_", "PATH"))},
        **aws.env,
        "AWS_ENDPOINT_URL": aws.endpoint,
        "LLM_PROVIDER": "offline",
        **env,
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            str(ROOT / "functions" / function),
            str(ROOT / "shared"),
            str(ROOT / "events" / f"{function}.json"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@pytest.mark.parametrize(
    ("function", "status"), [("get_session", 404), ("health", 200), ("root", 200)]
)  # get_session: the sample's session does not exist; root and health need no AWS client
def test_a_restored_function_imports_nothing_new_and_serves_again(aws, function: str, status: int) -> None:
    assert _run_function(aws, _SERVE_RESTORE_SERVE, function) == [status, status]


_PRIMED = (
    _INIT
    + r"""
from interview_core.grading import encoder
at_init = encoder._shared
snapstart.run_after_restore()
status = app.handler(event, Context())["statusCode"]
print("RESULT " + json.dumps([at_init is not None, status, encoder._shared is at_init]))
"""
)


@pytest.mark.parametrize(("init", "primed"), [("snap-start", True), ("on-demand", False)])
def test_the_snapshot_holds_the_graders_model_so_no_restored_copy_loads_it(
    aws, init: str, primed: bool
) -> None:
    """/evaluate-answers' first answer loads the encoder (~0.25 s of CPU here, three times that on 512 MB).
    SnapStart's init builds it once per version, every restored copy scores with it, and a restore keeps
    it (it holds nothing random, connected or secret); an on-demand cold start stays lean until used."""
    at_init, status, kept = _run_function(
        aws, _PRIMED, "evaluate_answers", AWS_LAMBDA_INITIALIZATION_TYPE=init
    )
    assert (at_init, status) == (primed, 200)
    assert kept is primed  # on demand, the first answer built it afterwards
