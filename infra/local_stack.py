"""Serve the whole API locally: `python -m infra.local_stack [--port 8000]`.

An embedded moto server stands in for AWS (tables and queues from template.yaml), the SQS worker runs
in a background thread, and the providers are offline unless OPENAI_API_KEY is set.
"""

import argparse
import json
import logging
import os
import threading
from collections.abc import Callable


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--cleanup-every",
        type=float,
        default=float(os.environ.get("LOCAL_CLEANUP_INTERVAL_SECONDS", "60")),
        help="seconds between cleanup runs (the deployed schedule is CleanupSchedule)",
    )
    parser.add_argument(
        "--aws-port",
        type=int,
        default=int(os.environ.get("LOCAL_AWS_PORT", "0")),
        help="port of the embedded AWS stand-in (0: any free port)",
    )
    args = parser.parse_args()
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )

    logging.getLogger("botocore").setLevel(logging.WARNING)  # credential and endpoint notices on every client

    from infra import aws_standin

    standin = aws_standin.start(args.aws_port)
    aws_standin.apply_env(standin.env)

    # Imported after the environment is set: settings and clients read it once.
    import uvicorn

    from infra.admin import LOCAL_STATE
    from infra.cors import add_cors
    from infra.sqs_poller import SqsPoller
    from interview_core.api.full import build
    from interview_core.workers import cleanup, evaluate

    poller = SqsPoller(standin.queue_urls["EvaluationQueue"], evaluate.handle).start()
    cleaner = Every(args.cleanup_every, lambda: cleanup.handle({}, None)).start()
    admin_env = {**standin.env, "EVALUATION_DLQ_URL": standin.queue_urls["EvaluationDeadLetterQueue"]}
    LOCAL_STATE.write_text(json.dumps(admin_env))  # for `python -m infra.admin --local ...`
    logging.getLogger("local_stack").info(
        "AWS stand-in at %s; API at http://%s:%d (docs at /docs)", standin.endpoint, args.host, args.port
    )
    try:
        app = build()
        add_cors(app)  # the HttpApi's CorsConfiguration, as API Gateway applies it
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    finally:
        LOCAL_STATE.unlink(missing_ok=True)
        cleaner.stop()
        poller.stop()
        standin.stop()


if __name__ == "__main__":
    main()
