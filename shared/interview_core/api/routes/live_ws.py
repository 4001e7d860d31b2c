"""The live channel on the local stack: `ws://host/ws/interview?session_id=...&token=...` (or `api_key=`).

A thin transport over interview_core.live.channel.LiveChannel. The channel's calls block (boto3), so they
run in the thread pool; the socket itself stays on the event loop. Unlike API Gateway, this server holds
the socket, so it pushes `timer` warnings from a per-connection task that follows the current question's
deadline (as stored by the server)."""

import asyncio
import logging
import re
import time
import uuid

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool

from interview_core.errors import Refused
from interview_core.live.channel import Connection, Credentials, LiveChannel, refusal, warning_times
from interview_core.live.protocol import CompletedMessage, QuestionMessage, ServerMessage
from interview_core.observability import flush_metrics, logger, start_request
from interview_core.wiring import live_channel

router = APIRouter()

_SECRET_PARAMS = re.compile(r"((?:^|[?&])(?:token|api_key)=)[^&\s\"]*")


class _RedactSecrets(logging.Filter):
    """uvicorn logs each WebSocket with its query string, which holds the token or API key here: keep
    them out of the logs (candidates' tokens and keys are never logged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_PARAMS.sub(r"\1[redacted]", a) if isinstance(a, str) else a for a in record.args
            )
        return True


logging.getLogger("uvicorn.error").addFilter(_RedactSecrets())


class _Link:
    """One open socket: serialises sends (the receive loop and the timer task both send) and keeps the
    timer task on the question last sent."""

    def __init__(self, websocket: WebSocket, channel: LiveChannel, conn: Connection) -> None:
        self.websocket, self.channel, self.conn = websocket, channel, conn
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task[None] | None = None

    async def send(self, messages: list[ServerMessage]) -> None:
        for message in messages:
            async with self._lock:
                await self.websocket.send_text(message.frame())
            if isinstance(message, QuestionMessage):
                self._follow(message)
            elif isinstance(message, CompletedMessage):
                self.stop()

    def _follow(self, question: QuestionMessage) -> None:
        self.stop()
        if question.deadline_at is not None:
            self._timer = asyncio.create_task(self._tick(question))

    async def _tick(self, question: QuestionMessage) -> None:
        try:
            for at in warning_times(question):
                await asyncio.sleep(max(0.0, at - time.time()))
                # The stored session decides: another connection may have answered meanwhile.
                timer = await run_in_threadpool(self.channel.clock, self.conn)
                if timer is None or timer.question_number != question.question_number:
                    return
                await self.send([timer])
        except (WebSocketDisconnect, RuntimeError):
            return  # the socket closed under us
        except Exception:
            logger.exception("live timer failed")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


@router.websocket("/ws/interview")
async def interview_socket(websocket: WebSocket) -> None:
    params = websocket.query_params
    channel = live_channel()
    # Accepted before the credentials are checked, so that a refusal reaches a browser as an `error`
    # message and a close code (4401, 4404...): a refused handshake would show it only "1006".
    await websocket.accept()
    base_url = re.sub(r"^ws", "http", str(websocket.base_url))  # report links: ws(s):// -> http(s)://
    credentials = Credentials(token=params.get("token"), api_key=params.get("api_key"))
    start_request(uuid.uuid4().hex)  # log lines carry an id per connection event, as per HTTP request
    try:
        conn, greeting = await run_in_threadpool(
            channel.on_connect, params.get("session_id", ""), credentials, base_url
        )
    except Refused as refused:
        await websocket.send_text(refusal(refused.reason).frame())
        await websocket.close(code=refused.close_code, reason=refused.detail)
        return
    link = _Link(websocket, channel, conn)
    try:
        await link.send(greeting)
        while True:
            frame = await websocket.receive()
            if frame["type"] == "websocket.disconnect":
                break
            raw = frame["text"] if frame.get("text") is not None else frame.get("bytes") or b""
            start_request(uuid.uuid4().hex)
            replies = await run_in_threadpool(channel.on_message, conn, raw)
            flush_metrics()  # one EMF line per message, as the HTTP routes write one per request
            await link.send(replies)
    except WebSocketDisconnect:
        pass  # the client went away mid-send; everything it did is already stored
    finally:
        link.stop()
