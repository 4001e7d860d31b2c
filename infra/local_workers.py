"""The local stack's workers, in their own process as in AWS each is its own function: the evaluation
and webhook workers, each fed by an SqsPoller as an event source mapping feeds it, and the cleanup schedule.

Grading is CPU work. Run in the API's process, it took the interpreter lock from the requests being served,
and a class finishing its interviews together saw submit-answer slow down. `python -m infra.local_stack`
starts this process (start()); it prints "ready" once the grader's model is loaded, and it stops when
its input closes, which is also what happens when the stack dies.
"""

import argparse
import gc
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable

from infra import template as tpl

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class Every:
    """Calls `fn` every `seconds` on a daemon thread (the local stand-in for an EventBridge schedule)."""

    def __init__(self, seconds: float, fn: Callable[[], object]) -> None:
        self.seconds, self.fn = seconds, fn
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="schedule", daemon=True)

    def start(self) -> "Every":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            try:
                self.fn()
            except Exception:
                logging.getLogger("local_stack").exception("scheduled run failed")


def start(queue_url: str, cleanup_every: float) -> subprocess.Popen[str]:
    """The workers' process, with this process's environment (the stand-in's, already applied): returns
    once it is ready. Its log goes where this process's standard error goes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local_workers", "--queue-url", queue_url, "--cleanup-every",
         str(cleanup_every)],
        cwd=tpl.ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    if process.stdout is None or process.stdout.readline().strip() != "ready":
        raise RuntimeError(f"the local workers did not start (exit code {process.wait()})")
    return process


def stop(process: subprocess.Popen[str]) -> None:
    if process.stdin:
        process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _serve() -> None:
    parser = argparse.ArgumentParser(description="The local stack's workers (started by infra.local_stack).")
    parser.add_argument("--queue-url", required=True, help="the evaluation queue")
    parser.add_argument("--cleanup-every", type=float, required=True, help="seconds between cleanup runs")
    args = parser.parse_args()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl+C reaches the whole group: the stack stops us
    # In AWS the worker has CPUs of its own; here it shares the API's, and a report may come a little later
    # where a request must not wait behind a batch of grading.
    os.nice(10)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format=LOG_FORMAT)
    logging.getLogger("botocore").setLevel(logging.WARNING)

    from infra.sqs_poller import SqsPoller
    from interview_core import wiring
    from interview_core.settings import get_settings
    from interview_core.workers import cleanup, evaluate, webhooks

    # as many evaluations at once as the deployed event source runs (its MaximumConcurrency)
    workers = int(tpl.parameter_defaults(tpl.load())["EvaluationWorkerConcurrency"])
    wiring.language_model().warm()  # the grader's model (~1 s) loads now, not when the first report is due
    poller = SqsPoller(args.queue_url, evaluate.handle, workers=workers).start()
    # webhook deliveries: a failed attempt waits as long as the worker says (its retry's delay), as in AWS
    hooks = SqsPoller(
        get_settings().webhook_queue_url, webhooks.handle, batch_size=2, retry_seconds=None
    ).start()
    cleaner = Every(args.cleanup_every, lambda: cleanup.handle({}, None)).start()
    gc.freeze()  # what startup built (the grader's model, botocore's models): full collections skip it
    print("ready", flush=True)
    sys.stdin.read()
    cleaner.stop()
    hooks.stop()
    poller.stop()


if __name__ == "__main__":
    _serve()
