"""The local stack as a separate process on a free port, for benchmarks and end-to-end tests that talk to it
over the network."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without AWS/OpenAI/LLM/LiveKit settings: the stack provisions its own stand-in and
    runs its providers offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "OPENAI_", "LLM_", "LIVEKIT_"))}
    return {**env, "PYTHONPATH": f"{ROOT / 'shared'}{os.pathsep}{ROOT}", **extra}


@contextmanager
def local_stack() -> Iterator[str]:
    """Yields the base URL; the stack's output goes to a temporary log, shown if it fails to start."""
    with local_stack_process() as (base, _proc):
        yield base


@contextmanager
def local_stack_process(log: Path | None = None, **env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """As local_stack, yielding (base URL, the stack's process); `env` adds to its environment (e.g. its own
    LOCAL_STACK_STATE). The stack's output goes to `log` when given, else to a temporary file."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        open(log, "w+") if log else tempfile.NamedTemporaryFile("w+", suffix=".log") as out,
        tempfile.TemporaryDirectory() as tmp,
    ):
        # its own state file: a stack the user runs keeps .local-stack.json for `infra.admin --local`
        env = {"LOCAL_STACK_STATE": str(Path(tmp) / "local-stack.json"), **env}
        proc = subprocess.Popen(
            [sys.executable, "-m", "infra.local_stack", "--port", str(port)],
            cwd=ROOT,
            env=clean_env(LOG_LEVEL="WARNING", **env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out.seek(0)
                    raise RuntimeError("local stack did not become healthy:\n" + out.read())
                try:
                    if requests.get(f"{base}/health", timeout=1).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.2)
            yield base, proc
        finally:
            # Ctrl+C; SIGTERM stops it as cleanly (it removes its state file either way).
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
