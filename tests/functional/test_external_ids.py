"""An organisation's own ids (external_id) on jobs and recruiter sessions, through API Gateway events: kept as
given, copied from the job to its sessions, replaced or removed by the job's PUT, refused when malformed."""

import pytest

P = "/api/parallel_interview"
CANDIDATE = {"name": "Jane Candidate", "email": "jane.candidate@example.com"}
JOB = {"title": "Backend engineer", "questions": [{"text": "What is a mutex?"}]}


def test_a_session_made_from_a_job_carries_both_ids(orgs) -> None:
    acme = orgs["acme"]
    job = acme.post("/api/jobs", json={**JOB, "external_id": "REQ-2026-0042"})
    assert job.status_code == 201, job.text
    assert job.json()["external_id"] == "REQ-2026-0042"
    made = acme.post(
        f"{P}/create", json={**CANDIDATE, "job_id": job.json()["job_id"], "external_id": "app/77 é"}
    )
    assert made.status_code == 200, made.text
    sid = made.json()["session_id"]
    details = acme.get(f"{P}/session/{sid}").json()["session"]
    assert details["external_id"] == "app/77 é" and details["job_external_id"] == "REQ-2026-0042"


def test_a_job_s_put_replaces_or_removes_its_id_and_custom_sessions_need_none(orgs) -> None:
    acme = orgs["acme"]
    job = acme.post("/api/jobs", json={**JOB, "external_id": "REQ-1"}).json()
    replaced = acme.request("PUT", f"/api/jobs/{job['job_id']}", json_body={**JOB, "external_id": "REQ-2"})
    assert replaced.status_code == 200 and replaced.json()["external_id"] == "REQ-2"
    removed = acme.request("PUT", f"/api/jobs/{job['job_id']}", json_body=JOB)
    assert removed.status_code == 200 and removed.json().get("external_id") is None
    assert acme.get(f"/api/jobs/{job['job_id']}").json().get("external_id") is None
    made = acme.post(f"{P}/create", json={**CANDIDATE, "questions": ["What is a mutex?"]}).json()
    details = acme.get(f"{P}/session/{made['session_id']}").json()["session"]
    assert details.get("external_id") is None and details.get("job_external_id") is None


@pytest.mark.parametrize("bad", ["", "x" * 201, "line\nbreak", "tab\there", "nul\x00"])
def test_a_malformed_id_is_refused_and_nothing_is_made(orgs, bad) -> None:
    acme = orgs["acme"]
    r = acme.post("/api/jobs", json={**JOB, "external_id": bad})
    assert r.status_code in (400, 422) and "external_id" in str(r.json()["detail"])
    assert acme.get("/api/jobs").json()["total"] == 0
    r = acme.post(f"{P}/create", json={**CANDIDATE, "questions": ["What is a mutex?"], "external_id": bad})
    assert r.status_code in (400, 422) and "external_id" in str(r.json()["detail"])
    assert acme.get(f"{P}/sessions").json()["total"] == 0
