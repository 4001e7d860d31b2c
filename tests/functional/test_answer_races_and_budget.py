"""Race-free answers under real concurrency, and the DynamoDB call budget of each endpoint."""

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from interview_core.aws import client
from tests.support.apigw import ApiGateway


@contextmanager
def dynamodb_calls() -> Iterator[Counter]:
    """Counts DynamoDB API calls made by this process, by operation (botocore event hooks)."""
    calls: Counter = Counter()

    def hook(model, **_: object) -> None:
        calls[model.name] += 1

    events = client("dynamodb").meta.events
    events.register("before-call.dynamodb", hook)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb", hook)


def test_concurrent_answers_to_one_question_record_exactly_one(api: ApiGateway) -> None:
    sid = api.post("/start-interview", json={"topic": "SQL", "num_questions": 3}).json()["session_id"]
    threads_n = 8
    barrier = threading.Barrier(threads_n)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def answer(i: int) -> None:
        barrier.wait()
        r = api.post("/submit-answer", json={"session_id": sid, "answer": f"answer from client {i}"})
        with lock:
            results.append((r.status_code, r.text))

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    statuses = Counter(code for code, _ in results)
    # Requests that read after the winner wrote answer question 2 legitimately; none may be lost or doubled.
    session = api.get(f"/session/{sid}").json()
    assert statuses[200] == session["answers_submitted"]
    assert statuses[200] + statuses[409] == threads_n
    assert statuses[409] >= 1
    assert all("already answered" in text for code, text in results if code == 409)


def test_concurrent_final_answers_complete_once_and_queue_one_evaluation(api: ApiGateway, aws) -> None:
    sid = api.post("/start-interview", json={"topic": "SQL", "num_questions": 1}).json()["session_id"]
    barrier = threading.Barrier(6)
    codes: list[int] = []

    def answer(i: int) -> None:
        barrier.wait()
        codes.append(api.post("/submit-answer", json={"session_id": sid, "answer": f"final {i}"}).status_code)

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count(200) == 1
    assert set(codes) <= {200, 400, 409}
    counts = api.get("/sessions").json()
    assert (counts["active_sessions"], counts["completed_sessions"], counts["total_sessions"]) == (0, 1, 1)
    assert aws.drain_evaluations() == 1


def test_an_answer_costs_one_read_and_one_write(api: ApiGateway) -> None:
    sid = api.post("/start-interview", json={"topic": "Python", "num_questions": 2}).json()["session_id"]
    with dynamodb_calls() as calls:
        assert api.post("/submit-answer", json={"session_id": sid, "answer": "first"}).status_code == 200
    assert calls == Counter({"GetItem": 1, "UpdateItem": 1})
    with dynamodb_calls() as calls:
        assert (
            api.post("/submit-answer", json={"session_id": sid, "answer": "last"}).json()["status"]
            == "completed"
        )
    # the last answer also moves the counters: still one write, a transaction
    assert calls == Counter({"GetItem": 1, "TransactWriteItems": 1})


def test_read_endpoints_cost_one_call(api: ApiGateway, aws) -> None:
    sid = api.post("/start-interview", json={"topic": "Python", "num_questions": 1}).json()["session_id"]
    api.post("/submit-answer", json={"session_id": sid, "answer": "done"})
    aws.drain_evaluations()
    for path in (f"/session/{sid}", "/sessions", f"/api/reports/{sid}"):
        with dynamodb_calls() as calls:
            assert api.get(path).status_code == 200
        assert sum(calls.values()) == 1, (path, calls)
    with dynamodb_calls() as calls:
        api.post("/start-interview", json={"topic": "Python"})
    # The daily quota is charged first, before any model call: one conditional UpdateItem on a usage shard
    # (the limits come from settings here, and for an organisation from a warm cache: no read). Then the
    # session and its counters, one transaction.
    assert calls == Counter({"UpdateItem": 1, "TransactWriteItems": 1})
