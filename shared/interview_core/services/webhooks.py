"""An organisation's webhook endpoints: a URL is registered only once the address guard accepts it (it is
checked again at every delivery)."""

from collections.abc import Sequence

from interview_core.webhooks import targets
from interview_core.webhooks.endpoints import WebhookEndpoint, WebhookEndpoints


class WebhookService:
    def __init__(self, endpoints: WebhookEndpoints, allow_loopback: bool) -> None:
        self.endpoints = endpoints
        self.allow_loopback = allow_loopback

    def register(
        self, org_id: str, url: str, events: Sequence[str], description: str | None
    ) -> tuple[WebhookEndpoint, str]:
        checked = targets.check(url, self.allow_loopback)
        return self.endpoints.create(org_id, checked.url, events, description)
