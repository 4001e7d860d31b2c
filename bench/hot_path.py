"""Hot path: DynamoDB calls per request for each endpoint, submit-answer latency against the floor of
its own DynamoDB calls on the same moto server, and language-model calls and tokens per interview.

    .venv/bin/python bench/hot_path.py [--answers 300]
"""

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra import aws_standin  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=300, help="timed submit-answer requests")
    args = parser.parse_args()

    standin = aws_standin.start()
    # the handlers' EMF metric lines would land between the table's rows
    os.environ.update(
        {
            **standin.env,
            "LLM_PROVIDER": "offline",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
    )
    os.environ.pop("OPENAI_API_KEY", None)

    from interview_core import wiring
    from interview_core.aws import client
    from tests.support.apigw import ApiGateway
    from tests.support.openai_stub import OpenAIStub

    api = ApiGateway()
    db = client("dynamodb")
    calls: Counter = Counter()
    db.meta.events.register("before-call.dynamodb", lambda model, **_: calls.update([model.name]))

    def measured(label: str, request) -> None:
        calls.clear()
        r = request()
        assert r.status_code < 300, (label, r.status_code, r.text)
        print(f"  {label:<44}{sum(calls.values()):>3}  {dict(calls)}")

    print("DynamoDB calls per request (target: 1 per read endpoint, 2 per answer)")
    sid = api.post("/start-interview", json={"topic": "Python", "num_questions": 2}).json()["session_id"]
    measured("POST /start-interview", lambda: api.post("/start-interview", json={"topic": "Python"}))
    measured(
        "POST /submit-answer (next question)",
        lambda: api.post("/submit-answer", json={"session_id": sid, "answer": "first answer"}),
    )
    measured(
        "POST /submit-answer (last: completes)",
        lambda: api.post("/submit-answer", json={"session_id": sid, "answer": "last answer"}),
    )
    measured("GET /session/{id}", lambda: api.get(f"/session/{sid}"))
    measured("GET /sessions", lambda: api.get("/sessions"))
    measured("GET /api/reports/{id} (pending)", lambda: api.get(f"/api/reports/{sid}"))
    for label, path, body in (
        ("POST /generate-questions", "/generate-questions", {"topic": "SQL"}),
        ("POST /evaluate-answers", "/evaluate-answers", [{"question": "q?", "answer": "a"}]),
    ):
        measured(label, lambda p=path, b=body: api.post(p, json=b))
    measured("GET /health", lambda: api.get("/health"))
    measured("GET /", lambda: api.get("/"))

    # submit-answer latency vs. the same GetItem + conditional UpdateItem issued directly
    sessions = [
        api.post("/start-interview", json={"topic": "Python", "num_questions": 10}).json()["session_id"]
        for _ in range(args.answers // 9 + 1)
    ]
    targets = [s for s in sessions for _ in range(9)][: args.answers]
    floor_ids = [
        api.post("/start-interview", json={"topic": "Python", "num_questions": 10}).json()["session_id"]
        for _ in range(len(sessions))
    ]
    floor_targets = [s for s in floor_ids for _ in range(9)][: args.answers]
    table = os.environ["SESSIONS_TABLE"]
    answer = {
        "M": {
            "question_number": {"N": "1"},
            "text": {"S": "bench answer"},
            "submitted_at": {"S": "2026-01-01T00:00:00.000Z"},
            "source": {"S": "text"},
        }
    }

    def floor(session_id: str) -> None:
        key = {"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": "META"}}
        item = db.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
        db.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET answers = list_append(answers, :a), updated_at = :now, due_at = :due",
            ConditionExpression="#s = :active AND size(answers) = :n AND expires_at > :epoch",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":a": {"L": [answer]},
                ":now": {"S": "2026-01-01T00:00:00.000Z"},
                ":active": {"S": "in_progress"},
                ":n": {"N": str(len(item["answers"]["L"]))},
                ":epoch": {"N": "0"},
                ":due": {"N": "0"},
            },
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )

    handler_ms, floor_ms = [], []
    for sid_h, sid_f in zip(targets, floor_targets, strict=True):  # interleaved: noise hits both alike
        t = time.perf_counter()
        r = api.post("/submit-answer", json={"session_id": sid_h, "answer": "bench answer"})
        handler_ms.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
        t = time.perf_counter()
        floor(sid_f)
        floor_ms.append((time.perf_counter() - t) * 1000)
    h, f = statistics.median(handler_ms), statistics.median(floor_ms)
    h90, f90 = (statistics.quantiles(x, n=10)[-1] for x in (handler_ms, floor_ms))
    print(
        f"\nsubmit-answer over {len(handler_ms)} requests (handler via API Gateway event + Mangum, in process)"
    )
    print(f"  handler median {h:.2f} ms  p90 {h90:.2f} ms")
    print(
        f"  floor   median {f:.2f} ms  p90 {f90:.2f} ms  (GetItem + conditional UpdateItem, same moto server)"
    )
    print(f"  ratio   {h / f:.2f}x median, {h90 / f90:.2f}x p90 (target <= 1.5x)")

    # language-model calls per 5-question interview, against a chat-completions stub
    from infra.sqs_poller import SqsPoller
    from interview_core.workers.evaluate import handle

    queue = SqsPoller(standin.queue_urls["EvaluationQueue"], handle)
    queue.drain()  # the sessions above are evaluated offline, not counted here
    stub = OpenAIStub().start()
    os.environ.update(
        {"LLM_PROVIDER": "openai", "OPENAI_API_KEY": "sk-bench-placeholder", "OPENAI_BASE_URL": stub.base_url}
    )
    wiring.reset()
    db = client("dynamodb")
    sid = api.post("/start-interview", json={"topic": "Go", "num_questions": 5}).json()["session_id"]
    after_start = len(stub.completions)
    for i in range(5):
        api.post("/submit-answer", json={"session_id": sid, "answer": f"answer {i}"})
    queue.drain()
    report = api.get(f"/api/reports/{sid}").json()
    print("\nlanguage model per 5-question interview (target: 1 for the questions + 1 per answer)")
    print(
        f"  calls: {after_start} for questions, {len(stub.completions) - after_start} for scoring, "
        f"{len(stub.completions)} in all"
    )
    print(f"  scoring tokens in report: {report['token_usage']}")
    stub.stop()
    standin.stop()


if __name__ == "__main__":
    main()
