"""The live channel over an API Gateway WebSocket API: one Lambda per route, each a thin wrapper around
LiveChannel. API Gateway holds the sockets; replies go back through its management API
(post_to_connection), and connection -> session lives in ConnectionsTable.

Two things differ from the local transport, both because a Lambda runs only while a message is handled:
$connect cannot send, so the connect snapshot (state, question...) goes out with the reply to the first
message; and nothing can push timer warnings, so every reply ends with the current question's `timer`
(clients ping every ~15 s to keep it fresh and the connection open past API Gateway's 10-minute idle
timeout)."""

from collections.abc import Iterable
from typing import Any

from botocore.config import Config

from interview_core import wiring
from interview_core.aws import client
from interview_core.errors import Refused, Unauthorized
from interview_core.live.channel import Credentials, refusal
from interview_core.live.protocol import ServerMessage
from interview_core.observability import entry_point, logger
from interview_core.settings import get_settings

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


def _management_api(endpoint: str) -> Any:
    return client("apigatewaymanagementapi", endpoint_url=endpoint, config=_CONFIG)


def _endpoint(context: dict[str, Any]) -> str:
    """The connection's callback URL; WS_MANAGEMENT_ENDPOINT overrides it (tests, custom setups)."""
    return get_settings().ws_management_endpoint or f"https://{context['domainName']}/{context['stage']}"


def send(context: dict[str, Any], messages: Iterable[ServerMessage]) -> bool:
    """Post each message to the event's connection, in order; False once API Gateway says it is gone."""
    api = _management_api(_endpoint(context))
    for message in messages:
        try:
            api.post_to_connection(ConnectionId=context["connectionId"], Data=message.frame().encode())
        except api.exceptions.GoneException:
            logger.info("live connection gone")
            return False
    return True


@entry_point
def connect(event: dict[str, Any], lambda_context: Any) -> dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    credentials = Credentials(token=query.get("token"), api_key=query.get("api_key"))
    try:
        # The snapshot it returns cannot be sent yet: $default sends it with the first reply.
        conn, _ = wiring.live_channel().on_connect(query.get("session_id", ""), credentials)
    except Refused as refused:
        logger.info("live connection refused", extra={"status": refused.status})
        return {"statusCode": refused.status, "body": refused.detail}  # API Gateway refuses the upgrade
    wiring.live_connections().put(event["requestContext"]["connectionId"], conn)
    return {"statusCode": 200}


@entry_point
def default(event: dict[str, Any], lambda_context: Any) -> dict[str, Any]:
    context = event["requestContext"]
    connections = wiring.live_connections()
    known = connections.touch(context["connectionId"])
    if known is None:  # expired, or its record was lost: make the client open a new one
        if send(context, [refusal(Unauthorized("Unknown or expired connection: reconnect"))]):
            _management_api(_endpoint(context)).delete_connection(ConnectionId=context["connectionId"])
        return {"statusCode": 200}
    conn, first = known
    raw: str | bytes = b"" if event.get("isBase64Encoded") else event.get("body") or ""
    replies = wiring.live_channel().on_message(conn, raw, greet=first, clock=True)
    if not send(context, replies):
        connections.delete(context["connectionId"])
    return {"statusCode": 200}


@entry_point
def disconnect(event: dict[str, Any], lambda_context: Any) -> dict[str, Any]:
    wiring.live_connections().delete(event["requestContext"]["connectionId"])
    return {"statusCode": 200}
