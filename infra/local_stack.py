"""Serve the whole API locally: `python -m infra.local_stack [--port 8000]`.

An embedded moto server stands in for AWS (tables and queues from template.yaml), the SQS worker runs
in a background thread, and the providers are offline unless OPENAI_API_KEY is set.
"""

import argparse
import logging
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
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

    from infra import aws_standin

    standin = aws_standin.start(args.aws_port)
    aws_standin.apply_env(standin.env)

    # Imported after the environment is set: settings and clients read it once.
    import uvicorn

    from infra.sqs_poller import SqsPoller
    from interview_core.api.full import build
    from interview_core.workers.evaluate import handle

    poller = SqsPoller(standin.queue_urls["EvaluationQueue"], handle).start()
    logging.getLogger("local_stack").info(
        "AWS stand-in at %s; API at http://%s:%d (docs at /docs)", standin.endpoint, args.host, args.port
    )
    try:
        uvicorn.run(build(), host=args.host, port=args.port, log_level="info")
    finally:
        poller.stop()
        standin.stop()


if __name__ == "__main__":
    main()
