from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from interview_core.api.responses import documented
from interview_core.errors import WebhookRejected
from interview_core.model import Model
from interview_core.services.proctoring import ProctoringService
from interview_core.wiring import livekit_rooms, proctoring_service

router = APIRouter(prefix="/api/livekit", tags=["proctoring"])


class WebhookAck(Model):
    status: str = "success"
    event: str
    recorded: bool


@router.post(
    "/webhook",
    response_model=WebhookAck,
    summary="LiveKit's signed webhooks: participant joins and leaves become proctoring events",
    responses=documented(
        401, 429, 503, _401="Signature missing or invalid", _503="LiveKit is not configured here"
    ),
)
async def livekit_webhook(
    request: Request, service: ProctoringService = Depends(proctoring_service)
) -> WebhookAck:
    try:
        body = (await request.body()).decode()
    except UnicodeDecodeError:
        raise WebhookRejected("Malformed webhook body (not UTF-8)") from None
    event = livekit_rooms().verify_webhook(body, request.headers.get("authorization"))
    # the DynamoDB calls are blocking: off the event loop
    return WebhookAck(event=event.event, recorded=await run_in_threadpool(service.participant_event, event))
