"""An organisation's webhook endpoints: a URL is registered only once the address guard accepts it (it is
checked again at every delivery)."""

from collections.abc import Sequence

from interview_core.webhooks import targets
from interview_core.webhooks.endpoints import WebhookEndpoint, WebhookEndpoints
from interview_core.webhooks.events import Events
from interview_core.webhooks.log import DeliveryAttempt, DeliveryLog


class WebhookService:
    def __init__(
        self, endpoints: WebhookEndpoints, log: DeliveryLog, allow_loopback: bool, events: Events
    ) -> None:
        self.events = events
        self.endpoints = endpoints
        self.log = log
        self.allow_loopback = allow_loopback

    def register(
        self, org_id: str, url: str, events: Sequence[str], description: str | None
    ) -> tuple[WebhookEndpoint, str]:
        checked = targets.check(url, self.allow_loopback)
        return self.endpoints.create(org_id, checked.url, events, description)

    def deliveries(self, org_id: str, webhook_id: str, limit: int) -> list[DeliveryAttempt]:
        self.endpoints.get(org_id, webhook_id)  # another organisation's endpoint is not found
        return self.log.recent(webhook_id, limit)

    def test(self, org_id: str, webhook_id: str) -> str:
        """A test event queued for the endpoint, delivered and logged as any other; its webhook-id."""
        self.endpoints.get(org_id, webhook_id)
        return self.events.test(org_id, webhook_id)
