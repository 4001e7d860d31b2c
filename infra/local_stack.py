"""Serve the whole API locally: `python -m infra.local_stack [--port 8000]`.

An embedded moto server stands in for AWS (tables and queues from template.yaml), the evaluation worker
and the cleanup schedule run in a process of their own (infra.local_workers), and the providers are
offline unless OPENAI_API_KEY is set.
"""

import argparse
import gc
import json
import logging
import os
import signal

from infra import local_workers


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
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format=local_workers.LOG_FORMAT)

    logging.getLogger("botocore").setLevel(logging.WARNING)  # credential and endpoint notices on every client

    from infra import aws_standin

    # uvicorn handles SIGINT and SIGTERM while it serves, then restores the handlers it found and raises
    # the signal again: with Python's default SIGTERM handler that kills the process before the `finally`
    # below removes the state file and stops the worker, the schedule and moto. These handlers turn both
    # signals into a normal exit, also when one arrives before uvicorn starts.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _exit_on_signal)

    standin = workers = state = None
    try:
        standin = aws_standin.start(args.aws_port, own_process=True)
        aws_standin.apply_env(standin.env)

        # Imported after the environment is set: settings and clients read it once.
        import uvicorn

        from infra.admin import LOCAL_STATE
        from infra.cors import add_cors
        from interview_core import wiring
        from interview_core.api.full import build
        from interview_core.settings import get_settings

        workers = local_workers.start(standin.queue_urls["EvaluationQueue"], args.cleanup_every)
        wiring.language_model().warm()  # POST /evaluate-answers grades in the API's process
        # What this process runs with: the template's values unless the user exported others, and the
        # access-control mode as the app resolves it.
        admin_env = {
            **{key: os.environ.get(key, value) for key, value in standin.env.items()},
            "AUTH_REQUIRED": "true" if get_settings().auth_required else "false",
            "EVALUATION_DLQ_URL": standin.queue_urls["EvaluationDeadLetterQueue"],
            "WEBHOOK_DLQ_URL": standin.queue_urls["WebhookDeadLetterQueue"],
        }
        LOCAL_STATE.write_text(json.dumps(admin_env))  # for `python -m infra.admin --local ...`
        state = LOCAL_STATE
        logging.getLogger("local_stack").info(
            "AWS stand-in at %s; API at http://%s:%d (docs at /docs); access control %s",
            standin.endpoint,
            args.host,
            args.port,
            "on" if get_settings().auth_required else "off",
        )
        app = build()
        add_cors(app)  # the HttpApi's CorsConfiguration, as API Gateway applies it
        # What startup built stays for the process: a full collection walked all of it (~45 ms with the GIL
        # held, every request in flight waiting), as lambda_init.ready spares each function.
        gc.freeze()
        # No proxy headers: the client's own address is the quota subject without access control, and an
        # X-Forwarded-For header must not choose it (API Gateway gives Lambda its sourceIp).
        uvicorn.run(app, host=args.host, port=args.port, log_level="info", proxy_headers=False)
    except _Stopped:
        pass
    finally:
        if state:  # only the file this process wrote
            state.unlink(missing_ok=True)
        if workers:
            local_workers.stop(workers)
        if standin:
            standin.stop()
        logging.getLogger("local_stack").info("stopped")


class _Stopped(Exception):
    """SIGINT or SIGTERM: stop serving and clean up."""


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise _Stopped(signal.Signals(signum).name)


if __name__ == "__main__":
    main()
