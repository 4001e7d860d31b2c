"""Live channel: answer-to-next-question latency over the WebSocket against the same step over HTTP
(POST /submit-answer), in one run on the running local stack, interleaved so noise hits both alike.

    .venv/bin/python bench/live_channel.py [--answers 200]
"""

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "OPENAI_", "LLM_"))}
    stack = subprocess.Popen(
        [sys.executable, "-m", "infra.local_stack", "--port", str(port)],
        cwd=ROOT,
        env={**env, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{base}/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        http = requests.Session()

        def start() -> str:
            body = {"topic": "Python", "num_questions": 10}
            return http.post(f"{base}/start-interview", json=body, timeout=30).json()["session_id"]

        http_ms: list[float] = []
        ws_ms: list[float] = []
        while len(http_ms) < args.answers:
            sid_http, sid_ws = start(), start()
            with connect(f"ws://127.0.0.1:{port}/ws/interview?session_id={sid_ws}") as ws:
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
    finally:
        stack.send_signal(signal.SIGINT)  # uvicorn re-raises SIGTERM, which would skip the stack's cleanup
        stack.wait(timeout=30)


if __name__ == "__main__":
    main()
