"""SQS consumer that delivers webhook events (functions/webhook_dispatch and the local stack's poller).

Each record is one event for one endpoint (webhooks.dispatch). A failed attempt stays in the queue, hidden
for the retry's delay (ChangeMessageVisibility, so the delay grows with the receive count); after the last
attempt it is left visible at once, and the queue moves it to the dead-letter queue (maxReceiveCount is
dispatch.MAX_ATTEMPTS). Partial batch responses keep every record's retries its own.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from interview_core.aws import client
from interview_core.observability import count, entry_point, logger
from interview_core.settings import get_settings
from interview_core.webhooks.dispatch import LEASE_SECONDS, Outcome, retry_delay
from interview_core.webhooks.messages import Message
from interview_core.wiring import webhook_dispatcher


class NotYet(Exception):
    """The record is to be received again (after the visibility just set)."""


def _deliver(record: SQSRecord) -> Outcome:
    message = Message.parse(record.body)  # a malformed message raises: it ends in the DLQ, not lost
    attempt = int(record.attributes.approximate_receive_count or 1)
    outcome = webhook_dispatcher().handle(message, attempt)
    logger.info(
        "webhook " + outcome,
        extra={"webhook_id": message.webhook_id, "endpoint_id": message.endpoint_id, "attempt": attempt},
    )
    count(
        "WebhookDeliveries" if outcome == "delivered" else "WebhookAttemptsFailed",
        1 if outcome in ("delivered", "retry", "gave_up") else 0,
    )
    if outcome in ("retry", "busy", "gave_up"):
        wait = {"retry": retry_delay(attempt) or 0, "busy": LEASE_SECONDS, "gave_up": 0}[outcome]
        client("sqs").change_message_visibility(
            QueueUrl=get_settings().webhook_queue_url,
            ReceiptHandle=record.receipt_handle,
            VisibilityTimeout=wait,
        )
        raise NotYet(
            f"{outcome}: again in {wait} s" if outcome != "gave_up" else "given up: to the dead-letter queue"
        )
    return outcome


@entry_point
def handle(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event, record_handler=_deliver, processor=processor, context=context
    )
