"""The local stack over real HTTP, as a client uses it."""

import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.e2e
HERE = Path(__file__).parent


def test_seed_scenario_1_runs_unchanged_and_the_report_arrives_within_5_seconds(local_stack: str) -> None:
    run = subprocess.run(
        [sys.executable, str(HERE / "seed_scenario_1.py")], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("First question: ")
    assert [line.split(":")[0] for line in lines[1:]] == [
        "Next question",
        "Next question",
        "Interview complete! Feedback",
    ]
    completed_at = time.monotonic()
    report_url = re.search(r"(http://\S+/api/reports/[0-9a-f-]{36})", lines[-1]).group(1)

    while time.monotonic() - completed_at < 5:
        r = requests.get(report_url, timeout=5)
        if r.status_code == 200:
            break
        assert r.status_code == 202
        time.sleep(0.1)
    else:
        pytest.fail("no report within 5 seconds")
    report = r.json()
    assert len(report["questions"]) == 3
    assert report["questions"][0]["answer"].startswith("Load balancing distributes")
    assert report["provider"] == "offline-rubric"


def test_docs_and_openapi_are_served(local_stack: str) -> None:
    assert "swagger-ui" in requests.get(f"{local_stack}/docs", timeout=5).text.lower()
    assert "redoc" in requests.get(f"{local_stack}/redoc", timeout=5).text.lower()
    paths = requests.get(f"{local_stack}/openapi.json", timeout=5).json()["paths"]
    assert {"/start-interview", "/submit-answer", "/api/reports/{session_id}"} <= set(paths)


def test_racing_clients_over_http_record_one_answer_per_question(local_stack: str) -> None:
    sid = requests.post(
        f"{local_stack}/start-interview", json={"topic": "SQL", "num_questions": 2}, timeout=5
    ).json()["session_id"]
    codes: list[int] = []
    barrier = threading.Barrier(6)

    def answer() -> None:
        barrier.wait()
        codes.append(
            requests.post(
                f"{local_stack}/submit-answer",
                json={"session_id": sid, "answer": "same time", "question_number": 1},
                timeout=10,
            ).status_code
        )

    threads = [threading.Thread(target=answer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] + [409] * 5
    assert requests.get(f"{local_stack}/session/{sid}", timeout=5).json()["answers_submitted"] == 1


def test_operator_commands_reach_the_running_local_stack(local_stack: str) -> None:
    sid = requests.post(f"{local_stack}/start-interview", json={"topic": "SQL"}, timeout=5).json()[
        "session_id"
    ]
    cleanup = subprocess.run([sys.executable, "-m", "infra.admin", "--local", "cleanup"], capture_output=True,
                             text=True, timeout=60, cwd=HERE.parents[1])  # fmt: skip
    assert cleanup.returncode == 0, cleanup.stderr
    assert json.loads(cleanup.stdout.strip().splitlines()[-1])["complete"] is True
    erase = subprocess.run([sys.executable, "-m", "infra.admin", "--local", "erase", sid], capture_output=True,
                           text=True, timeout=60, cwd=HERE.parents[1])  # fmt: skip
    assert erase.returncode == 0, erase.stderr
    assert requests.get(f"{local_stack}/session/{sid}", timeout=5).status_code == 404


def test_browsers_on_another_origin_pass_the_cors_preflight(local_stack: str) -> None:
    """The seed's React example runs on its own dev server (another origin)."""
    origin = "http://localhost:5173"
    preflight = requests.options(
        f"{local_stack}/start-interview",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key",
        },
        timeout=10,
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", origin)
    assert "x-api-key" in preflight.headers["access-control-allow-headers"].lower()
    r = requests.post(
        f"{local_stack}/start-interview", json={"topic": "Python"}, headers={"Origin": origin}, timeout=30
    )
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] in ("*", origin)
