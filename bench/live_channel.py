"""Live channel: answer-to-next-question latency over the WebSocket against the same step over HTTP
(POST /submit-answer), in one run on the running local stack, interleaved so noise hits both alike.

    .venv/bin/python bench/live_channel.py [--answers 200]
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import requests
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.stack_process import local_stack  # noqa: E402


def receive_until(ws, kind: str) -> dict:  # noqa: ANN001
    while True:
        message = json.loads(ws.recv(timeout=30))
        if message["type"] == kind:
            return message
        if message["type"] == "error":
            raise RuntimeError(message)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=200)
    args = parser.parse_args()
    with local_stack() as base:
        ws_base = base.replace("http://", "ws://")
        http = requests.Session()

        def start() -> str:
            body: dict[str, Any] = {"topic": "Python", "num_questions": 10}
            return http.post(f"{base}/start-interview", json=body, timeout=30).json()["session_id"]

        http_ms: list[float] = []
        ws_ms: list[float] = []
        while len(http_ms) < args.answers:
            sid_http, sid_ws = start(), start()
            with connect(f"{ws_base}/ws/interview?session_id={sid_ws}") as ws:
                receive_until(ws, "question")  # sent on connect, after the state
                for n in range(1, 10):  # nine answers that each lead to a next question
                    t = time.perf_counter()
                    r = http.post(
                        f"{base}/submit-answer",
                        json={"session_id": sid_http, "answer": "bench answer", "question_number": n},
                        timeout=30,
                    )
                    assert r.status_code == 200 and r.json()["question_number"] == n + 1, r.text
                    http_ms.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    ws.send(json.dumps({"type": "answer", "question_number": n, "answer": "bench answer"}))
                    nxt = receive_until(ws, "question")
                    assert nxt["question_number"] == n + 1, nxt
                    ws_ms.append((time.perf_counter() - t) * 1000)
        h, w = statistics.median(http_ms), statistics.median(ws_ms)
        h90, w90 = (statistics.quantiles(x, n=10)[-1] for x in (http_ms, ws_ms))
        print(f"answer -> next question on the local stack, {len(http_ms)} answers each, interleaved")
        print(f"  HTTP POST /submit-answer  median {h:.2f} ms  p90 {h90:.2f} ms (a kept-alive connection)")
        print(f"  WebSocket answer message  median {w:.2f} ms  p90 {w90:.2f} ms")
        print(f"  ratio WebSocket / HTTP    {w / h:.2f}x median, {w90 / h90:.2f}x p90 (target: <= 1.0x)")


if __name__ == "__main__":
    main()
