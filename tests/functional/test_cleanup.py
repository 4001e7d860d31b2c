"""The scheduled cleanup: abandon, re-queue, erase; exact counters; idempotent, resumable, concurrent."""

import json
import threading

import boto3
import pytest

from interview_core import wiring
from interview_core.blobs import MediaStore
from interview_core.domain import PUBLIC_ORG, epoch_now
from interview_core.domain import EvaluationStatus as E
from interview_core.domain import SessionStatus as S
from interview_core.services.retention import RetentionService
from interview_core.store import COUNTED_FIELDS
from tests.support.apigw import ApiGateway, invoke
from tests.support.seeding import DAY, Kind, media_sessions, seed, table_state

HOUR = 3600
# what one run must do with each kind: the status it ends in (None: erased)
KINDS = {
    Kind("active", S.IN_PROGRESS, E.NOT_REQUESTED, due_in=HOUR): S.IN_PROGRESS,
    Kind("stale", S.IN_PROGRESS, E.NOT_REQUESTED, due_in=-HOUR): S.ABANDONED,
    Kind("stale_initialized", S.INITIALIZED, E.NOT_REQUESTED, due_in=-DAY): S.ABANDONED,
    Kind("reported", S.COMPLETED, E.READY, due_in=5 * DAY, ended_ago=25 * DAY, report=True): S.COMPLETED,
    Kind(
        "reported_audio", S.COMPLETED, E.READY, due_in=5 * DAY, ended_ago=25 * DAY, report=True, media=True
    ): (S.COMPLETED),
    Kind("expired", S.COMPLETED, E.READY, due_in=-HOUR, ended_ago=31 * DAY, report=True, media=True): None,
    Kind("stuck", S.COMPLETED, E.PENDING, due_in=-60, ended_ago=HOUR): S.COMPLETED,
    Kind("stuck_expired", S.COMPLETED, E.PENDING, due_in=-60, ended_ago=31 * DAY): None,
    Kind("evaluating", S.COMPLETED, E.RUNNING, due_in=-60, ended_ago=HOUR, lease_in=60): S.COMPLETED,
    Kind("abandoned_old", S.ABANDONED, E.NOT_REQUESTED, due_in=-DAY, ended_ago=31 * DAY, media=True): None,
    Kind("abandoned_recent", S.ABANDONED, E.NOT_REQUESTED, due_in=20 * DAY, ended_ago=10 * DAY): S.ABANDONED,
    Kind("half_erased", S.ERASING, E.READY, due_in=-60, ended_ago=40 * DAY, report=True, media=True): None,
}
TEN_THOUSAND = {
    "active": 4500, "stale": 300, "stale_initialized": 100, "reported": 2900, "reported_audio": 100,
    "expired": 400, "stuck": 60, "stuck_expired": 50, "evaluating": 20, "abandoned_old": 200,
    "abandoned_recent": 1350, "half_erased": 20,
}  # fmt: skip


def expected_after_one_run(ids: dict[str, list[str]]) -> dict[str, str]:
    return {sid: end.value for kind, end in KINDS.items() if end for sid in ids.get(kind.name, [])}


def queued_session_ids(queue_url: str) -> list[str]:
    sqs, out = boto3.client("sqs"), []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        out += [json.loads(m["Body"])["session_id"] for m in batch]
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch],
        )
    return out


@pytest.fixture
def env(aws):
    return aws.env["SESSIONS_TABLE"], aws.env["MEDIA_BUCKET"], aws.queue_urls["EvaluationQueue"]


def test_ten_thousand_sessions_one_run_cleans_exactly_what_it_should_and_a_second_changes_nothing(
    env,
) -> None:
    table, bucket, queue = env
    now = epoch_now()
    ids = seed(table, bucket, [(k, TEN_THOUSAND[k.name]) for k in KINDS], now)
    with_media_before = media_sessions(bucket)

    first = wiring.retention_service().sweep(now=now)

    state = table_state(table)
    assert state["sessions"] == expected_after_one_run(ids)
    assert state["reports"] == set(ids["reported"]) | set(ids["reported_audio"])
    assert (
        media_sessions(bucket) == with_media_before & set(ids["reported_audio"]) == set(ids["reported_audio"])
    )
    assert wiring.interview_service().counts(PUBLIC_ORG) == dict.fromkeys(COUNTED_FIELDS, 0) | state["counts"]
    assert sorted(queued_session_ids(queue)) == sorted(ids["stuck"])
    assert (first.abandoned, first.requeued, first.postponed) == (400, 60, 20)
    assert first.erased == 400 + 50 + 200 + 20
    assert first.complete

    second = wiring.retention_service().sweep(now=now)
    assert table_state(table) == state
    assert queued_session_ids(queue) == []
    assert (second.examined, second.abandoned, second.erased, second.requeued) == (0, 0, 0, 0)


class CrashingMedia(MediaStore):
    """S3 that fails after a number of prefix deletes: a run dying in the middle of a batch."""

    def __init__(self, bucket: str, fail_after: int) -> None:
        super().__init__(bucket)
        self.left = fail_after

    def delete_prefix(self, prefix: str) -> int:
        if self.left == 0:
            raise ConnectionError("simulated crash")
        self.left -= 1
        return super().delete_prefix(prefix)


def test_a_crash_in_the_middle_of_a_batch_then_a_rerun_loses_nothing_and_counts_nothing_twice(env) -> None:
    table, bucket, queue = env
    now = epoch_now()
    plan = {"active": 30, "stale": 20, "reported_audio": 20, "expired": 40, "abandoned_old": 20, "stuck": 5}
    ids = seed(table, bucket, [(k, plan[k.name]) for k in KINDS if k.name in plan], now)
    base = wiring.retention_service()
    crashing = RetentionService(base.store, CrashingMedia(bucket, fail_after=17), base.queue, base.lifecycle)
    with pytest.raises(ConnectionError):
        crashing.sweep(now=now, batch_size=7)
    half = table_state(table)
    assert any(status == S.ERASING.value for status in half["sessions"].values())  # stopped mid-erasure
    assert wiring.interview_service().counts(PUBLIC_ORG)["total"] == half["counts"]["total"]

    base.sweep(now=now, batch_size=7)
    state = table_state(table)
    assert state["sessions"] == expected_after_one_run(ids)
    assert media_sessions(bucket) == set(ids["reported_audio"])
    counts = wiring.interview_service().counts(PUBLIC_ORG)
    assert (counts["total"], counts["in_progress"], counts["abandoned"], counts["completed"]) == (
        30 + 20 + 20 + 5, 30, 20, 20 + 5
    )  # fmt: skip
    assert sorted(queued_session_ids(queue)) == sorted(ids["stuck"])


def test_two_runs_at_once_do_the_work_once(env) -> None:
    table, bucket, queue = env
    now = epoch_now()
    plan = {"active": 50, "stale": 60, "expired": 60, "stuck": 30, "abandoned_old": 30}
    ids = seed(table, bucket, [(k, plan[k.name]) for k in KINDS if k.name in plan], now)
    barrier = threading.Barrier(2)
    results = []

    def run() -> None:
        barrier.wait()
        results.append(wiring.retention_service().sweep(now=now, batch_size=10))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    state = table_state(table)
    assert state["sessions"] == expected_after_one_run(ids)
    counts = wiring.interview_service().counts(PUBLIC_ORG)
    assert (counts["total"], counts["in_progress"], counts["abandoned"], counts["completed"]) == (
        140,
        50,
        60,
        30,
    )
    assert sorted(queued_session_ids(queue)) == sorted(ids["stuck"])  # each stuck evaluation sent once
    assert sum(r.abandoned for r in results) == 60


def test_delete_erases_everything_at_once_and_only_once(api: ApiGateway, aws) -> None:
    sid = api.post("/start-interview", json={"topic": "Python", "num_questions": 1}).json()["session_id"]
    other = api.post("/start-interview", json={"topic": "Python", "num_questions": 1}).json()["session_id"]
    api.post("/submit-answer", json={"session_id": sid, "answer": "An answer."})
    aws.drain_evaluations()
    s3 = boto3.client("s3")
    for owner in (sid, other):
        s3.put_object(Bucket=aws.env["MEDIA_BUCKET"], Key=f"sessions/{owner}/answer-1.webm", Body=b"audio")

    r = api.request("DELETE", f"/session/{sid}")
    assert (r.status_code, r.json()) == (200, {"message": "Session deleted", "session_id": sid})
    assert api.get(f"/session/{sid}").status_code == 404
    assert api.get(f"/api/reports/{sid}").status_code == 404
    assert media_sessions(aws.env["MEDIA_BUCKET"]) == {other}
    assert sid not in table_state(aws.env["SESSIONS_TABLE"])["sessions"]
    counts = api.get("/sessions").json()
    assert (counts["total_sessions"], counts["completed_sessions"], counts["active_sessions"]) == (1, 0, 1)

    again = api.request("DELETE", f"/session/{sid}")
    assert (again.status_code, again.json()) == (404, {"detail": "Session not found"})
    assert api.get("/sessions").json()["total_sessions"] == 1


def test_the_cleanup_function_handles_its_scheduled_event(env) -> None:
    table, bucket, _ = env
    ids = seed(table, bucket, [(k, 3) for k in KINDS if k.name in ("stale", "expired")])
    result = invoke("cleanup", {})
    assert (result["abandoned"], result["erased"], result["complete"]) == (3, 3, True)
    assert set(table_state(table)["sessions"]) == set(ids["stale"])
