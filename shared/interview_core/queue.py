"""The evaluation queue (SQS). Messages carry only the session id: the worker reads the rest."""

import json
from typing import Any

from interview_core.aws import client


class EvaluationQueue:
    def __init__(self, queue_url: str) -> None:
        self.queue_url = queue_url

    def enqueue(self, session_id: str) -> None:
        client("sqs").send_message(
            QueueUrl=self.queue_url,
            MessageBody=json.dumps({"type": "evaluate_session", "session_id": session_id}),
        )


def parse_message(body: str) -> str:
    """The session id of an evaluation message; ValueError for anything else."""
    data: Any = json.loads(body)
    if not isinstance(data, dict) or data.get("type") != "evaluate_session" or not data.get("session_id"):
        raise ValueError("not an evaluate_session message")
    return str(data["session_id"])
