"""Structured JSON logs (Powertools Logger): every line carries the request id and, once known, the
session id. Never log personal data or answer text: ids, states and counts only."""

from aws_lambda_powertools import Logger

logger = Logger(service="mock-interview-api")  # POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL override


def start_request(request_id: str | None) -> None:
    """Forget the previous invocation's keys (Lambda reuses the process) and tag this one."""
    logger.clear_state()
    logger.append_keys(request_id=request_id)


def tag_session(session_id: str) -> None:
    logger.append_keys(session_id=session_id)
