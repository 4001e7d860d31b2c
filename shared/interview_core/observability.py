"""Structured JSON logs and CloudWatch metrics (Powertools Logger and Metrics, EMF).

Every log line carries the request id and, once known, the session id. Logs and metrics hold ids,
states, counts and durations only: never names, emails, answers or any other personal data.
"""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "mock-interview-api"
logger = Logger(service=SERVICE)  # POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL override
metrics = Metrics(namespace="MockInterviewApi", service=SERVICE)  # POWERTOOLS_METRICS_NAMESPACE overrides


def start_request(request_id: str | None) -> None:
    """Forget the previous invocation's keys (Lambda reuses the process) and tag this one."""
    logger.clear_state()
    logger.append_keys(request_id=request_id)


def tag_session(session_id: str) -> None:
    logger.append_keys(session_id=session_id)


def count(name: str, value: float = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def milliseconds(name: str, value: float) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Milliseconds, value=value)


def flush_metrics() -> None:
    """Write this invocation's metrics as one EMF line (CloudWatch turns it into metrics)."""
    if metrics.metric_set:
        metrics.flush_metrics()
