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

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("E2E_PORT", "8000"))  # the seed's scripts talk to localhost:8000


@pytest.fixture(scope="session")
def local_stack() -> Iterator[str]:
    """The local stack exactly as the README runs it (after setup), as a separate process."""
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", PORT)) == 0:
            pytest.fail(f"port {PORT} is busy: stop what runs there (or set E2E_PORT) before the e2e tests")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "OPENAI_", "LLM_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "infra.local_stack", "--port", str(PORT)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://localhost:{PORT}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("local stack exited:\n" + proc.stdout.read())
        try:
            if requests.get(f"{base}/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("local stack did not become healthy within 60 s")
    yield base
    proc.send_signal(signal.SIGINT)  # Ctrl+C (SIGTERM stops it as cleanly)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
