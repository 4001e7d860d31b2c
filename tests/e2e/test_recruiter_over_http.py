"""The seed's recruiter client code (seed 002, "Usage Examples") against the running local stack, where
access control is off by default, then a candidate finishing the interview with their session token."""

import time

import pytest
import requests

pytestmark = pytest.mark.e2e


def test_the_seeds_python_example_then_a_candidate_completes_the_interview(local_stack: str) -> None:
    base = f"{local_stack}/api/parallel_interview"
    stats_before = requests.get(f"{base}/stats", timeout=10).json()["stats"]

    # As in the seed: create, start, get details, end.
    response = requests.post(f"{base}/create", json={
        "name": "Jane Doe",
        "email": "jane@example.com",
        "questions": ["Q1", "Q2", "Q3"],
        "question_types": ["text", "text", "coding"],
    }, timeout=30)  # fmt: skip
    assert response.status_code == 200, response.text
    session_id = response.json()["session_id"]
    token = response.json()["candidate_token"]
    assert requests.post(f"{base}/session/{session_id}/start", timeout=10).status_code == 200
    details = requests.get(f"{base}/session/{session_id}", timeout=10).json()
    assert (
        f"Progress: {details['session']['current_question_count']}/{details['session']['max_questions']}"
        == ("Progress: 0/3")
    )

    # The candidate answers with their token, through the practice answer endpoint.
    headers = {"X-Session-Token": token}
    for n, answer in enumerate(["First answer.", "Second answer.", "def solve(): return 42"], start=1):
        r = requests.post(f"{local_stack}/submit-answer", json={"session_id": session_id, "answer": answer},
                          headers=headers, timeout=10)  # fmt: skip
        assert r.status_code == 200, r.text
        if n < 3:
            assert r.json()["question_number"] == n + 1
    ended = requests.post(f"{base}/session/{session_id}/end", timeout=10)
    assert ended.status_code == 200 and ended.json()["questions_answered"] == 3

    active = requests.get(
        f"{base}/sessions", params={"status": "in_progress", "limit": 20}, timeout=10
    ).json()
    assert session_id not in [s["proctoring_session_id"] for s in active["sessions"]]
    completed = requests.get(
        f"{base}/sessions", params={"status": "completed", "limit": 5}, timeout=10
    ).json()
    assert completed["sessions"][0]["proctoring_session_id"] == session_id

    stats = requests.get(f"{base}/stats", timeout=10).json()["stats"]
    assert stats["total_sessions"] == stats_before["total_sessions"] + 1
    assert stats["completed_sessions"] == stats_before["completed_sessions"] + 1

    deadline = time.monotonic() + 30
    while (report := requests.get(f"{local_stack}/api/reports/{session_id}", timeout=10)).status_code == 202:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert report.json()["integrity"]["score"] == 100
    assert len(report.json()["questions"]) == 3

    assert requests.delete(f"{base}/session/{session_id}", timeout=10).json()["message"] == "Session deleted"
    gone = requests.get(f"{base}/session/{session_id}", timeout=10)
    assert gone.status_code == 404 and gone.json() == {"detail": f"Session {session_id} not found"}
