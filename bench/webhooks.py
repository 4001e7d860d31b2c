"""Webhook delivery: how long after an interview ends its report.ready event reaches a receiver, how many
deliveries a worker makes per second, and the PDF render time of a 10-question report.

    PYTHONPATH=$PWD/shared .venv/bin/python bench/webhooks.py
    PYTHONPATH=$PWD/shared .venv/bin/python bench/webhooks.py --sessions 20 --deliveries 200

1. The local stack (its own process, the workers beside it) with an endpoint on a loopback receiver:
   `--sessions` one-question recruiter interviews, one after another; for each, the time from the response to its last
   answer to the receipt of its report.ready (the evaluation included), p50 and p90.
2. The webhook worker in this process against the stand-in, as one event-source invocation at a time:
   `--deliveries` queued events to the receiver, drained; deliveries per second.
3. bench/report_pdf.py's 10-question report, rendered `--renders` times: p50 and p90.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "shared")]
# figures, not the worker's logs and metric lines, on standard output
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

from infra.stack_process import local_stack_process  # noqa: E402

QUESTION = "What is a stack, and what does each of its operations cost?"
ANSWER = "A stack is last in, first out: push and pop work on the top in constant time."


class Receiver:
    """Records when each event arrives, by type and session."""

    def __init__(self) -> None:
        self.arrived: dict[tuple[str, str], float] = {}
        self.count = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    receiver.arrived[(event["type"], event["data"].get("session_id", ""))] = time.monotonic()
                    receiver.count += 1
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, key: tuple[str, str], timeout: float) -> float | None:
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            with self.lock:
                if key in self.arrived:
                    return self.arrived[key]
            time.sleep(0.01)
        return None


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


def end_to_report(sessions: int, receiver: Receiver) -> list[float]:
    latencies = []
    with local_stack_process() as (base, _proc):
        hook = requests.post(f"{base}/api/webhooks", json={"url": receiver.url, "events": ["report.ready"]})
        hook.raise_for_status()
        for n in range(sessions):
            made = requests.post(
                f"{base}/api/parallel_interview/create",
                json={"name": "Bench Candidate", "email": f"bench{n}@example.com", "questions": [QUESTION]},
            )
            made.raise_for_status()
            sid, token = made.json()["session_id"], {"X-Session-Token": made.json()["candidate_token"]}
            requests.post(
                f"{base}/api/parallel_interview/session/{sid}/start", headers=token
            ).raise_for_status()
            answer = {"session_id": sid, "answer": ANSWER}
            requests.post(f"{base}/submit-answer", json=answer, headers=token).raise_for_status()
            ended = time.monotonic()
            arrived = receiver.wait(("report.ready", sid), timeout=30)
            if arrived is None:
                raise SystemExit(f"report.ready for {sid} did not arrive within 30 s")
            latencies.append((arrived - ended) * 1000)
    return latencies


def worker_rate(deliveries: int, receiver: Receiver) -> float:
    import boto3

    from infra import aws_standin
    from infra.sqs_poller import SqsPoller
    from interview_core import wiring
    from interview_core.webhooks.endpoints import WebhookEndpoints
    from interview_core.webhooks.messages import Message
    from interview_core.workers.webhooks import handle

    standin = aws_standin.start()
    try:
        os.environ.update(
            {**aws_standin.FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": standin.endpoint, **standin.env}
        )
        wiring.reset()
        made, _ = WebhookEndpoints(standin.env["SESSIONS_TABLE"]).create(
            "bench", receiver.url, ["report.ready"], None
        )
        sqs, url = boto3.client("sqs"), standin.queue_urls["WebhookQueue"]
        for start in range(0, deliveries, 10):
            sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(n), "MessageBody": Message(f"msg_{start + n}", "report.ready", "bench", made.webhook_id,
                                                      json.dumps({"type": "report.ready", "data": {}})).body()}
                for n in range(min(10, deliveries - start))
            ])  # fmt: skip
        before = receiver.count
        poller = SqsPoller(url, handle, batch_size=2, retry_seconds=None)
        started = time.monotonic()
        while receiver.count - before < deliveries and time.monotonic() - started < 120:
            poller.drain(max_batches=1000)
        return (receiver.count - before) / (time.monotonic() - started)
    finally:
        standin.stop()


def pdf_render(renders: int) -> list[float]:
    sys.path.insert(0, str(ROOT / "bench"))
    from report_pdf import _report  # the same 10-question report as bench/report_pdf.py

    from interview_core.domain import Candidate
    from interview_core.report_pdf import render_report

    report, candidate = _report(), Candidate(name="Rae Candidate", email="rae@example.com")
    render_report(report, candidate)  # fpdf2's import and fonts: once per container
    times = []
    for _ in range(renders):
        t = time.perf_counter()
        render_report(report, candidate)
        times.append((time.perf_counter() - t) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--deliveries", type=int, default=100)
    parser.add_argument("--renders", type=int, default=10)
    args = parser.parse_args()
    receiver = Receiver()
    latencies = end_to_report(args.sessions, receiver)
    rate = worker_rate(args.deliveries, receiver)
    renders = pdf_render(args.renders)
    print(f"{'figure':<52}{'value':>12}")
    print(f"{'session end -> report.ready received, p50 ms':<52}{statistics.median(latencies):>12.0f}")
    print(f"{'session end -> report.ready received, p90 ms':<52}{_p90(latencies):>12.0f}")
    print(f"{'deliveries per second (one worker invocation at a time)':<52}{rate:>12.1f}")
    print(f"{'PDF render, 10 questions, p50 ms':<52}{statistics.median(renders):>12.0f}")
    print(f"{'PDF render, 10 questions, p90 ms':<52}{_p90(renders):>12.0f}")


if __name__ == "__main__":
    main()
