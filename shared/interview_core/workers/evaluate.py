"""SQS consumer that writes evaluation reports (functions/evaluate_worker and the local stack's poller).

Partial batch responses: a failing record is retried (and after maxReceiveCount lands in the
dead-letter queue) without failing the others.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from interview_core.observability import entry_point, logger, tag_session
from interview_core.queue import parse_message
from interview_core.wiring import evaluation_service, language_model


def _evaluate(record: SQSRecord) -> str:
    session_id = parse_message(record.body)  # a malformed message raises: it ends in the DLQ, not lost
    tag_session(session_id)
    outcome = evaluation_service().evaluate_session(language_model(), session_id)
    logger.info("evaluation " + outcome.value, extra={"message_id": record.message_id})
    return outcome.value


@entry_point
def handle(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    # A processor per batch: it holds the batch's state. A batch where every record failed is reported per
    # record too (not raised), so retries stay per message.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event, record_handler=_evaluate, processor=processor, context=context
    )
