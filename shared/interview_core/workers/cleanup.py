"""The scheduled cleanup (EventBridge -> functions/cleanup), also run on demand by `infra.admin cleanup`
and on a timer by the local stack."""

import time
from typing import Any

from interview_core.observability import entry_point
from interview_core.settings import get_settings
from interview_core.wiring import retention_service

SAFETY_MARGIN_SECONDS = 20  # stop taking new batches this long before Lambda's timeout


@entry_point
def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    deadline = None
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        deadline = time.monotonic() + context.get_remaining_time_in_millis() / 1000 - SAFETY_MARGIN_SECONDS
    result = retention_service().sweep(batch_size=get_settings().cleanup_batch_size, deadline=deadline)
    return result.as_dict()
