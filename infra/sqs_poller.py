"""Stands in for Lambda's SQS event source mapping: receive, invoke the worker handler with a real SQS
event, delete what succeeded. Failed records become visible again after `retry_seconds` (in AWS after
the queue's visibility timeout) and move to the dead-letter queue after maxReceiveCount. `workers` pollers
run at once, as the mapping runs up to its MaximumConcurrency invocations."""

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

import boto3

log = logging.getLogger(__name__)
# The worker answers a PartialItemFailureResponse (a TypedDict, so a Mapping).
Handler = Callable[[dict[str, Any], Any], Mapping[str, Any]]


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(m["Body"].encode()).hexdigest(),  # noqa: S324 - SQS's own checksum
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


class SqsPoller:
    def __init__(
        self,
        queue_url: str,
        handler: Handler,
        batch_size: int = 5,
        retry_seconds: int | None = 5,
        workers: int = 1,
    ) -> None:
        """`retry_seconds` None: a failed record keeps the visibility the worker gave it."""
        self.queue_url = queue_url
        self.handler = handler
        self.batch_size = batch_size
        self.retry_seconds = retry_seconds
        self._sqs = boto3.client("sqs")
        self._arn = self._sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, name=f"sqs-poller-{i}", daemon=True) for i in range(workers)
        ]

    def start(self) -> "SqsPoller":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def poll_once(self, wait_seconds: int = 1) -> int:
        resp = self._sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
        )
        messages = resp.get("Messages", [])
        if not messages:
            return 0
        try:
            result = self.handler(sqs_event(messages, self._arn, self._sqs.meta.region_name), None)
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        except Exception:
            log.exception("worker invocation failed; the whole batch will be retried")
            failed = {m["MessageId"] for m in messages}
        for m in messages:
            if m["MessageId"] in failed:
                if self.retry_seconds is None:
                    continue
                self._sqs.change_message_visibility(
                    QueueUrl=self.queue_url,
                    ReceiptHandle=m["ReceiptHandle"],
                    VisibilityTimeout=self.retry_seconds,
                )
            else:
                self._sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])
        return len(messages)

    def drain(self, max_batches: int = 10) -> int:
        """Handle what is queued now, without waiting for more; returns the number of messages handled."""
        handled = 0
        for _ in range(max_batches):
            n = self.poll_once(wait_seconds=0)
            if n == 0:
                break
            handled += n
        return handled

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception:
                log.exception("polling failed")
                self._stop.wait(1)
