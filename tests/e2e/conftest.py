import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from infra.stack_process import clean_env

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("E2E_PORT", "8000"))  # the seed's scripts talk to localhost:8000


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The local stack exactly as the README runs it (after setup), as a separate process."""
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", PORT)) == 0:
            pytest.fail(f"port {PORT} is busy: stop what runs there (or set E2E_PORT) before the e2e tests")
    # A file, not a pipe: nobody reads a pipe while the tests run, and once its buffer fills the stack blocks
    # on its next log line (every request then times out).
    log = tmp_path_factory.mktemp("local-stack") / "stack.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "infra.local_stack", "--port", str(PORT)],
            cwd=ROOT,
            env=clean_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://localhost:{PORT}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("local stack exited:\n" + log.read_text())
        try:
            if requests.get(f"{base}/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("local stack did not become healthy within 60 s:\n" + log.read_text())
    yield base
    proc.send_signal(signal.SIGINT)  # Ctrl+C (SIGTERM stops it as cleanly)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
