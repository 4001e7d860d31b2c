"""One attempt made by the webhook_delivery function, which alone reaches out to the organisation's URL.

That function's role allows its logs and nothing else, and it holds no secret: the dispatcher signs the
request and hands it over. If the invocation fails (throttled, timed out, an answer that is not an attempt)
the attempt failed, and it is retried as any other failure is.
"""

import base64
import json
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from interview_core import aws
from interview_core.webhooks.delivery import Attempt

# Longer than the delivery function may run (20 s), so its own timeout is what ends a slow attempt.
INVOKE_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 2}, connect_timeout=2, read_timeout=25
)


def request(url: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    return {"url": url, "headers": headers, "body": base64.b64encode(body).decode()}


def parse_request(event: Any) -> tuple[str, dict[str, str], bytes]:
    """ValueError for anything but a delivery request."""
    if not isinstance(event, dict) or not isinstance(event.get("url"), str):
        raise ValueError("not a webhook delivery request")
    headers = event.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise ValueError("headers: strings only")
    return event["url"], {str(k): v for k, v in headers.items()}, base64.b64decode(event.get("body") or "")


def poster(function: str) -> Any:
    """A `post` (dispatch.Post) that invokes `function` for each attempt."""

    def post(url: str, headers: dict[str, str], body: bytes) -> Attempt:
        try:
            reply = aws.client("lambda", config=INVOKE_CONFIG).invoke(
                FunctionName=function, Payload=json.dumps(request(url, headers, body))
            )
            payload = json.loads(reply["Payload"].read())
        except (ClientError, BotoCoreError, ValueError) as err:
            return Attempt(False, None, 0, "", f"the delivery function did not answer ({type(err).__name__})")
        if reply.get("FunctionError") or not isinstance(payload, dict):
            return Attempt(False, None, 0, "", "the delivery function failed")
        try:
            return Attempt(**payload)
        except TypeError:
            return Attempt(False, None, 0, "", "the delivery function's answer is not an attempt")

    return post
