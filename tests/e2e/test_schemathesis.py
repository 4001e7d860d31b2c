"""Schemathesis against the local stack's OpenAPI document: every check, a bounded number of examples.

No server error, no status the document does not list, responses that match their schemas, invalid
input refused and valid input accepted. The WebSocket route is not in the OpenAPI document (FastAPI leaves
WebSocket routes out), so nothing needs excluding; its messages are tested in test_live_channel.py."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infra.stack_process import clean_env, local_stack_process

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20")  # per operation and phase
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261201")  # fixed: the same cases on every run unless told

pytestmark = pytest.mark.e2e


def test_schemathesis_finds_no_server_error_and_no_undocumented_status(tmp_path: Path) -> None:
    if not SCHEMATHESIS.exists():
        pytest.fail(f"{SCHEMATHESIS} is missing: install the dev extra (pip install -e '.[dev]')")
    # cleanup stays off: the run's sessions stay as the stateful phase made them
    with local_stack_process(LOCAL_CLEANUP_INTERVAL_SECONDS="3600") as (base, _proc):
        started = time.monotonic()
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "--config-file",
                str(ROOT / "tests" / "e2e" / "schemathesis.toml"),
                "--no-color",
                "run",
                f"{base}/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                MAX_EXAMPLES,
                "--seed",
                SEED,
                "--workers",
                "2",
                "--request-timeout",
                "30",
                "--generation-database",
                "none",
                "--report-dir",
                str(tmp_path / "report"),
            ],
            cwd=tmp_path,
            env=clean_env(SCHEMATHESIS_HOOKS="tests.e2e.schemathesis_hooks", PYTHONPATH=str(ROOT)),
            capture_output=True,
            text=True,
            timeout=600,
        )
        elapsed = time.monotonic() - started
    out = run.stdout + run.stderr
    summary = out[out.find("SUMMARY") :] if "SUMMARY" in out else out[-3000:]
    print(f"schemathesis: exit {run.returncode} in {elapsed:.0f} s\n{summary}")
    assert run.returncode == 0, out[-20000:]
    tested = re.search(r"Tested: (\d+)", out)
    assert tested and int(tested.group(1)) >= 30, "fewer operations tested than the API has"
