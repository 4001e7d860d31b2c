from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from interview_core.api.schemas import ErrorResponse
from interview_core.services.proctoring import ProctoringService
from interview_core.wiring import livekit_rooms, proctoring_service

router = APIRouter(prefix="/api/livekit", tags=["proctoring"])


class WebhookAck(BaseModel):
    status: str = "success"
    event: str
    recorded: bool


@router.post(
    "/webhook",
    response_model=WebhookAck,
    summary="LiveKit's signed webhooks: participant joins and leaves become proctoring events",
    responses={401: {"model": ErrorResponse, "description": "Signature missing or invalid"}},
)
async def livekit_webhook(
    request: Request, service: ProctoringService = Depends(proctoring_service)
) -> WebhookAck:
    body = (await request.body()).decode()
    event = livekit_rooms().verify_webhook(body, request.headers.get("authorization"))
    # the DynamoDB calls are blocking: off the event loop
    return WebhookAck(event=event.event, recorded=await run_in_threadpool(service.participant_event, event))
