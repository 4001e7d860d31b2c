"""The scheduled cleanup (EventBridge -> functions/cleanup), also run on demand by `infra.admin cleanup`
and on a timer by the local stack."""

import time
from typing import Any

from interview_core.observability import flush_metrics, start_request
from interview_core.settings import get_settings
from interview_core.wiring import retention_service

SAFETY_MARGIN_SECONDS = 20  # stop taking new batches this long before Lambda's timeout


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    start_request(getattr(context, "aws_request_id", None))
    deadline = None
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        deadline = time.monotonic() + context.get_remaining_time_in_millis() / 1000 - SAFETY_MARGIN_SECONDS
    try:
        result = retention_service().sweep(batch_size=get_settings().cleanup_batch_size, deadline=deadline)
    finally:
        flush_metrics()
    return result.as_dict()
