"""Structured JSON logs and CloudWatch metrics (Powertools Logger and Metrics, EMF).

Every log line carries the request id and, once known, the session id. Logs and metrics hold ids,
states, counts and durations only: never names, emails, answers or any other personal data.
"""

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

SERVICE = "mock-interview-api"
logger = Logger(service=SERVICE)  # POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL override


class _Emf(AmazonCloudWatchEMFProvider):
    """Powertools' EMF output, silent when an invocation recorded no metric (most reads): Powertools would
    warn on stderr that it had nothing to publish."""

    def flush_metrics(self, raise_on_empty_metrics: bool = False) -> None:
        if self.metric_set or raise_on_empty_metrics:
            super().flush_metrics(raise_on_empty_metrics=raise_on_empty_metrics)


metrics = Metrics()
metrics.provider = _Emf(  # over the sets every Metrics instance shares, as Powertools' own provider is
    namespace="MockInterviewApi",  # POWERTOOLS_METRICS_NAMESPACE overrides
    service=SERVICE,
    metric_set=metrics.metric_set,
    dimension_set=metrics.dimension_set,
    metadata_set=metrics.metadata_set,
    default_dimensions=metrics.default_dimensions,
)


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
    metrics.flush_metrics()


def entry_point[E, R](handler: Callable[[E, Any], R]) -> Callable[[E, Any], R]:
    """A Lambda function's handler, each invocation with its own log keys and metrics.

    Powertools' inject_lambda_context drops the previous invocation's keys and tags every line with the
    function, its request id (also as `request_id`), `cold_start`, and API Gateway's request id as
    `correlation_id` (the id a client sees in `apigw-requestid`). log_metrics writes what the invocation
    recorded as one EMF line when it ends, raised or not. No cold-start metric: a custom metric per
    function, and its own EMF line, for what `cold_start` in the logs already counts. Called with no
    context (locally: the SQS poller, `infra.admin cleanup`), it only starts a fresh set of keys.
    """

    def tagged(event: E, context: Any) -> R:
        logger.append_keys(request_id=context.aws_request_id)
        return handler(event, context)

    # log_event=False whatever POWERTOOLS_LOGGER_LOG_EVENT says: an event's body holds answers and résumés.
    in_lambda = logger.inject_lambda_context(
        tagged, correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True, log_event=False
    )

    @metrics.log_metrics
    @functools.wraps(handler)
    def invoke(event: E, context: Any) -> R:
        if context is None:
            start_request(None)
            return handler(event, context)
        return in_lambda(event, context)

    return invoke
