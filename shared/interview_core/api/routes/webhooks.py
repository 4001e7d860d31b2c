"""The organisation's webhook endpoints: register one (its signing secret shown once), list them, delete
one, and rotate a secret (the old one keeps signing for 24 hours). Only the organisation's key may."""

from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, Query, status
from pydantic import ConfigDict, Field

from interview_core.access import Caller
from interview_core.api.auth import caller
from interview_core.api.responses import documented
from interview_core.model import Body, Model
from interview_core.services.webhooks import WebhookService
from interview_core.text import line
from interview_core.webhooks import EVENTS, Event
from interview_core.webhooks.endpoints import WebhookEndpoint
from interview_core.webhooks.log import DeliveryAttempt
from interview_core.webhooks.targets import MAX_URL_CHARS
from interview_core.wiring import webhook_service

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])
if TYPE_CHECKING:  # the checker sees plain strings; pydantic the cleaned, bounded types
    WebhookUrl = str
    WebhookDescription = str
else:
    WebhookUrl = line(MAX_URL_CHARS)
    WebhookDescription = line(200, required=False)


class CreateWebhookRequest(Body):
    model_config = ConfigDict(extra="forbid")
    url: WebhookUrl = Field(description="https; it must resolve to public addresses only")
    events: list[Event] = Field(min_length=1, max_length=len(EVENTS), description="The events to receive")
    description: WebhookDescription | None = None


class WebhookWithSecret(WebhookEndpoint):
    secret: str = Field(description="whsec_…: verify deliveries with it (Standard Webhooks); shown only here")


class WebhookList(Model):
    webhooks: list[WebhookEndpoint]


class DeliveryList(Model):
    webhook_id: str
    deliveries: list[DeliveryAttempt] = Field(description="The latest attempts, newest first (kept 30 days)")


class WebhookDeleted(Model):
    webhook_id: str
    message: str = "Webhook endpoint deleted"


@router.post(
    "",
    response_model=WebhookWithSecret,
    status_code=status.HTTP_201_CREATED,
    summary="Register a webhook endpoint for the organisation's events",
    responses=documented(400),
)
def create_webhook(
    body: CreateWebhookRequest,
    service: WebhookService = Depends(webhook_service),
    who: Caller = Depends(caller),
) -> WebhookWithSecret:
    made, secret = service.register(who.organisation, body.url, body.events, body.description)
    return WebhookWithSecret(**made.model_dump(), secret=secret)


@router.get(
    "", response_model=WebhookList, summary="The organisation's webhook endpoints (never their secrets)"
)
def list_webhooks(
    service: WebhookService = Depends(webhook_service), who: Caller = Depends(caller)
) -> WebhookList:
    return WebhookList(webhooks=service.endpoints.list(who.organisation))


@router.delete(
    "/{webhook_id}",
    response_model=WebhookDeleted,
    summary="Delete a webhook endpoint",
    responses=documented(404),
)
def delete_webhook(
    webhook_id: str, service: WebhookService = Depends(webhook_service), who: Caller = Depends(caller)
) -> WebhookDeleted:
    service.endpoints.delete(who.organisation, webhook_id)
    return WebhookDeleted(webhook_id=webhook_id)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookWithSecret,
    summary="A new signing secret, shown once; the old one keeps signing for 24 hours",
    responses=documented(404),
)
def rotate_secret(
    webhook_id: str, service: WebhookService = Depends(webhook_service), who: Caller = Depends(caller)
) -> WebhookWithSecret:
    rotated, secret = service.endpoints.rotate(who.organisation, webhook_id)
    return WebhookWithSecret(**rotated.model_dump(), secret=secret)


@router.post(
    "/{webhook_id}/enable",
    response_model=WebhookEndpoint,
    summary="Resume deliveries to an endpoint disabled after failing (its failures count from 0 again)",
    responses=documented(404),
)
def enable_webhook(
    webhook_id: str, service: WebhookService = Depends(webhook_service), who: Caller = Depends(caller)
) -> WebhookEndpoint:
    return service.endpoints.enable(who.organisation, webhook_id)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryList,
    summary="Recent delivery attempts: status, latency, response code and the first 1 KB of the reply",
    responses=documented(404),
)
def list_deliveries(
    webhook_id: str,
    limit: int = Query(default=50, ge=1, le=100),
    service: WebhookService = Depends(webhook_service),
    who: Caller = Depends(caller),
) -> DeliveryList:
    return DeliveryList(
        webhook_id=webhook_id, deliveries=service.deliveries(who.organisation, webhook_id, limit)
    )


class TestQueued(Model):
    webhook_id: str
    message_id: str = Field(
        description="The test delivery's webhook-id header: find it in GET .../deliveries"
    )
    status: str = "queued"


@router.post(
    "/{webhook_id}/test",
    response_model=TestQueued,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send the endpoint a webhook.test event (delivered, retried and logged as any other)",
    responses=documented(404),
)
def test_webhook(
    webhook_id: str, service: WebhookService = Depends(webhook_service), who: Caller = Depends(caller)
) -> TestQueued:
    return TestQueued(webhook_id=webhook_id, message_id=service.test(who.organisation, webhook_id))
