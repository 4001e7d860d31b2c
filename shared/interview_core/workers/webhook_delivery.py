"""The webhook_delivery function: one signed request to an organisation's URL, invoked by the dispatcher
(webhooks.remote), never over HTTP. The URL is checked again here, against the addresses it resolves to now.
In: {url, headers, body (base64)}. Out: the Attempt as JSON. Bodies and headers are never logged."""

import dataclasses
from typing import Any

from interview_core.observability import entry_point
from interview_core.settings import get_settings
from interview_core.webhooks.delivery import post
from interview_core.webhooks.remote import parse_request


@entry_point
def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    url, headers, body = parse_request(event)
    return dataclasses.asdict(post(url, headers, body, allow_loopback=get_settings().webhook_allow_loopback))
