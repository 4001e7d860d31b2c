"""`python -m infra.local_stack` as a user runs it: the state file `infra.admin --local` reads records the
access-control mode the stack really runs with, and SIGTERM (kill, systemd, docker stop) or SIGINT
(Ctrl+C) stops it promptly and removes that file."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from infra.stack_process import clean_env, local_stack_process

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def admin(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infra.admin", "--local", *args],
        cwd=ROOT,
        env=clean_env(LOCAL_STACK_STATE=str(state)),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_stack_and_removes_its_state_file(tmp_path: Path, sig: signal.Signals) -> None:
    state = tmp_path / "local-stack.json"
    log = tmp_path / "stack.log"
    with local_stack_process(log, LOCAL_STACK_STATE=str(state), AUTH_REQUIRED="true") as (base, proc):
        # The state file says what the stack enforces: access control is on, a keyless call is refused.
        assert json.loads(state.read_text())["AUTH_REQUIRED"] == "true"
        assert requests.get(f"{base}/api/parallel_interview/stats", timeout=10).status_code == 401
        created = admin(state, "api-key", "create", "--org", "acme", "--name", "test")
        assert created.returncode == 0, created.stderr
        key = json.loads(created.stdout.splitlines()[0])["api_key"]
        stats = requests.get(f"{base}/api/parallel_interview/stats", headers={"X-API-Key": key}, timeout=10)
        assert stats.status_code == 200

        started = time.monotonic()
        proc.send_signal(sig)
        proc.wait(timeout=15)
        assert time.monotonic() - started < 10
        assert proc.returncode == 0, log.read_text()
        assert not state.exists()
        assert "Traceback" not in log.read_text()
    after = admin(state, "cleanup")
    assert after.returncode != 0 and "no local stack is running" in after.stderr


def child_of(stack: int, module: str) -> int:
    """The stack's child process that runs `module` (the AWS stand-in, the workers)."""
    children = [
        int(c)
        for task in Path(f"/proc/{stack}/task").iterdir()
        for c in (task / "children").read_text().split()
    ]
    return next(c for c in children if module.encode() in Path(f"/proc/{c}/cmdline").read_bytes())


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_aws_stand_in_and_the_workers_end_with_the_stack_even_when_the_stack_is_killed(
    tmp_path: Path,
) -> None:
    """The stand-in and the workers run in their own processes; a stack that cannot clean up (SIGKILL, a
    crash) leaves no moto server holding memory and a port, and no worker polling a queue that is gone."""
    with local_stack_process(tmp_path / "stack.log") as (_base, proc):
        children = [child_of(proc.pid, m) for m in ("infra.aws_standin", "infra.local_workers")]
        assert all(map(running, children))
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(map(running, children)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(running, children))
