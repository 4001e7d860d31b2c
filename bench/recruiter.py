"""Recruiter API: create-session cost against the floor of its own DynamoDB calls on the same moto server,
LiveKit's share of a create (token minting, room creation against a local LiveKit server), and the stats
read with 10 and with 10,000 sessions in the table.

    .venv/bin/python bench/recruiter.py [--creates 300] [--sessions 10000]
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra import aws_standin  # noqa: E402

P = "/api/parallel_interview"
BODY = {"name": "Bench Candidate", "email": "bench@example.com", "questions": ["Q1?", "Q2?", "Q3?"]}


def timed(fn, n: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p90(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=10, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=10_000)
    args = parser.parse_args()

    standin = aws_standin.start()
    os.environ.update(
        {
            **standin.env,
            "AUTH_REQUIRED": "true",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
    )
    for key in [k for k in os.environ if k.startswith(("OPENAI_", "LIVEKIT_"))]:
        os.environ.pop(key)

    from interview_core import wiring
    from interview_core.aws import client
    from tests.support.apigw import ApiGateway
    from tests.support.livekit_stub import API_KEY, API_SECRET, LiveKitStub

    key, _ = wiring.api_keys().create("bench", "bench")
    api = ApiGateway({"x-api-key": key})
    calls: Counter = Counter()

    def counting_client():  # noqa: ANN202 - wiring.reset() drops the cached client: count on the new one
        db = client("dynamodb")
        db.meta.events.register("before-call.dynamodb", lambda model, **_: calls.update([model.name]))
        return db

    db = counting_client()

    def count_calls(label: str, request) -> None:  # noqa: ANN001
        calls.clear()
        r = request()
        assert r.status_code < 300, (label, r.status_code, r.text)
        print(f"  {label:<46}{sum(calls.values()):>3}  {dict(calls)}")

    print("DynamoDB calls per request (API key already checked by this warm function: cached 30 s)")
    api.get(f"{P}/stats")  # warms the key cache, as any earlier request of a warm Lambda would
    api.get("/api/usage")  # and the organisation's quota limits (cached alike)
    count_calls("POST /create (LiveKit not configured)", lambda: api.post(f"{P}/create", json=BODY))
    count_calls("GET /stats", lambda: api.get(f"{P}/stats"))
    count_calls("GET /sessions?limit=50", lambda: api.get(f"{P}/sessions", query={"limit": "50"}))

    # create: handler vs. the same calls issued directly: the quota charge (a conditional ADD on a usage
    # shard), then the TransactWriteItems (session Put + counter ADD)
    table = os.environ["SESSIONS_TABLE"]
    sid = api.post(f"{P}/create", json=BODY).json()["session_id"]
    sample = db.get_item(TableName=table, Key={"pk": {"S": f"SESSION#{sid}"}, "sk": {"S": "META"}})["Item"]

    def floor() -> None:
        fresh = str(uuid.uuid4())
        db.update_item(
            TableName=table, Key={"pk": {"S": "QUOTA#floor"}, "sk": {"S": "SHARD#00"}},
            UpdateExpression="ADD sessions :one, llm_calls :one SET expires_at = :one",
            ConditionExpression="attribute_not_exists(sessions) OR sessions <= :max",
            ExpressionAttributeValues={":one": {"N": "1"}, ":max": {"N": "1000000"}},
        )  # fmt: skip
        item = {**sample, "pk": {"S": f"SESSION#{fresh}"}, "session_id": {"S": fresh}}
        db.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Update": {"TableName": table, "Key": {"pk": {"S": "COUNTER#floor"}, "sk": {"S": "SHARD#00"}},
                            "UpdateExpression": "ADD #t :one, initialized :one",
                            "ExpressionAttributeNames": {"#t": "total"},
                            "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            ]
        )  # fmt: skip

    handler_ms, floor_ms = [], []
    for _ in range(args.creates):  # interleaved, so machine noise hits both alike
        handler_ms += timed(lambda: api.post(f"{P}/create", json=BODY), 1)
        floor_ms += timed(floor, 1)
    h, f = statistics.median(handler_ms), statistics.median(floor_ms)
    print(f"\ncreate over {args.creates} requests (handler via API Gateway event + Mangum, in process)")
    print(f"  handler median {h:.2f} ms  p90 {p90(handler_ms):.2f} ms")
    print(f"  floor   median {f:.2f} ms  p90 {p90(floor_ms):.2f} ms  (quota ADD, then Put + counter ADD)")
    print(f"  ratio   {h / f:.2f}x median, {p90(handler_ms) / p90(floor_ms):.2f}x p90 (target <= 1.5x)")

    # LiveKit: minting the candidate's token, and a create that also creates the room over HTTP
    stub = LiveKitStub().start()
    os.environ.update(
        {"LIVEKIT_URL": stub.ws_url, "LIVEKIT_API_KEY": API_KEY, "LIVEKIT_API_SECRET": API_SECRET}
    )
    wiring.reset()
    api = ApiGateway({"x-api-key": key})
    api.get(f"{P}/stats")
    rooms = wiring.livekit_rooms()
    token_ms = timed(lambda: rooms.candidate_token(str(uuid.uuid4())), 1000)
    with_room = timed(lambda: api.post(f"{P}/create", json=BODY), min(100, args.creates))
    stub.stop()
    print("\nLiveKit, per session")
    print(f"  candidate token (JWT)      median {statistics.median(token_ms) * 1000:.0f} us")
    print(
        f"  create with room           median {statistics.median(with_room):.2f} ms "
        f"({statistics.median(with_room) / h:.2f}x the create without LiveKit; room created on a local server)"
    )
    for k in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
        os.environ.pop(k)
    wiring.reset()
    counting_client()

    # stats: the same counter reads whatever the table holds
    key2, _ = wiring.api_keys().create("stats-bench", "bench")
    api = ApiGateway({"x-api-key": key2})
    service = wiring.recruiter_service()
    from interview_core.services.recruiter import NewSession

    spec = NewSession("Bench", "bench@example.com", None, None, ["Q?"], None, None, 120, 300)
    results = {}
    for size in (10, args.sessions):
        have = api.get(f"{P}/stats").json()["stats"]["total_sessions"]
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda _: service.create("stats-bench", spec), range(size - have)))
        assert api.get(f"{P}/stats").json()["stats"]["total_sessions"] == size
        calls.clear()
        api.get(f"{P}/stats")
        n_calls = sum(calls.values())
        ms = timed(lambda: api.get(f"{P}/stats"), 300)
        results[size] = (n_calls, statistics.median(ms), p90(ms))
    print("\nGET /stats")
    for size, (n_calls, med, high) in results.items():
        print(f"  {size:>6} sessions: {n_calls} DynamoDB calls, median {med:.2f} ms, p90 {high:.2f} ms")
    small, large = results[10], results[args.sessions]
    print(f"  ratio {large[1] / small[1]:.2f}x median (target: the same), calls {small[0]} vs {large[0]}")
    standin.stop()


if __name__ == "__main__":
    main()
