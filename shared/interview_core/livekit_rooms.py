"""LiveKit rooms, candidate tokens and webhook verification, with fallback mode when LiveKit is absent.

livekit-api is async-only and its LiveKitAPI opens an aiohttp session, so it needs a running event loop.
Each sync method here runs one call on a private loop, bounded by `livekit_timeout_seconds`: an
unreachable or stalled server means a fallback answer, never a hang and never an exception.
Secrets and tokens are never logged nor put in a reason or detail.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from interview_core.errors import ProviderUnavailable, WebhookRejected
from interview_core.observability import logger
from interview_core.settings import Settings

ROOM_PREFIX = "interview-"
CANDIDATE_PREFIX = "candidate-"
NOT_CONFIGURED = "LiveKit is not configured"

if TYPE_CHECKING:
    from livekit import api

# livekit-api, aiohttp and PyJWT cost ~0.3 s of imports: each method that talks to LiveKit imports them
# itself, so a deployment without LiveKit (or a session in fallback mode) never pays for them.


@dataclass(frozen=True)
class RoomGrant:
    room_name: str
    token: str | None
    url: str | None
    fallback: bool
    reason: str | None
    creation_time: int | None = None


@dataclass(frozen=True)
class ParticipantEvent:
    event: str
    room_name: str
    session_id: str | None
    identity: str | None
    at: int


def room_name_for(session_id: str) -> str:
    return f"{ROOM_PREFIX}{session_id}"


def session_id_of(room_name: str) -> str | None:
    if room_name.startswith(ROOM_PREFIX) and len(room_name) > len(ROOM_PREFIX):
        return room_name[len(ROOM_PREFIX) :]
    return None


def server_api_url(url: str) -> str:
    """Clients connect over ws(s)://; the server API is the same host over http(s)://."""
    if url.startswith("wss://"):
        return "https://" + url[len("wss://") :]
    if url.startswith("ws://"):
        return "http://" + url[len("ws://") :]
    return url


def _reason(err: BaseException) -> str:
    import aiohttp
    from livekit import api

    if isinstance(err, ProviderUnavailable):
        return err.detail
    if isinstance(err, api.ServerError):
        return f"LiveKit error: {err.code} (HTTP {err.status})"
    # aiohttp's own timeouts subclass TimeoutError too: name them all alike
    if isinstance(err, TimeoutError):
        return "LiveKit unreachable: TimeoutError"
    if isinstance(err, aiohttp.ClientError | OSError):
        return f"LiveKit unreachable: {type(err).__name__}"
    return f"LiveKit failed: {type(err).__name__}"


def _run[T](make: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await make()

    def on_private_loop() -> T:
        # Not asyncio.run: it joins the default executor (for up to 300 s), so a DNS lookup stuck in a
        # resolver thread would outlast the timeout. loop.close() leaves that thread behind instead of waiting.
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(main())
        finally:
            loop.close()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return on_private_loop()
    # Called from async code: this thread's loop is busy, so run ours on another thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(on_private_loop).result()


class LiveKitRooms:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @property
    def configured(self) -> bool:
        return self._settings.livekit_configured

    def _secret(self) -> str:
        s = self._settings
        if not s.livekit_configured:
            raise ProviderUnavailable(NOT_CONFIGURED)
        if s.livekit_api_secret and s.livekit_api_secret.get_secret_value():
            return s.livekit_api_secret.get_secret_value()
        from aws_lambda_powertools.utilities import parameters

        try:
            return str(parameters.get_parameter(s.livekit_api_secret_parameter, decrypt=True, max_age=300))
        except Exception as err:  # missing parameter, no permission: fallback mode, not a crash
            raise ProviderUnavailable(
                f"Could not read LIVEKIT_API_SECRET_PARAMETER ({type(err).__name__})"
            ) from err

    def _call[T](self, secret: str, call: Callable[[api.LiveKitAPI], Awaitable[T]]) -> T:
        import aiohttp
        from livekit import api

        timeout = self._settings.livekit_timeout_seconds

        async def bounded() -> T:
            # Built inside the loop: its aiohttp session binds to the loop that creates it.
            lkapi = api.LiveKitAPI(
                server_api_url(self._settings.livekit_url),
                self._settings.livekit_api_key,
                secret,
                timeout=aiohttp.ClientTimeout(total=timeout),
            )
            try:
                # wait_for bounds the whole call, including any retries/failover the SDK decides on.
                return await asyncio.wait_for(call(lkapi), timeout)
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(lkapi.aclose(), timeout)

        return _run(bounded)

    def _mint(self, session_id: str, secret: str, name: str | None) -> str:
        from livekit import api

        token = (
            api.AccessToken(self._settings.livekit_api_key, secret)
            .with_identity(f"{CANDIDATE_PREFIX}{session_id}")
            .with_ttl(datetime.timedelta(seconds=self._settings.livekit_token_ttl_seconds))
            .with_grants(
                api.VideoGrants(
                    room_join=True, room=room_name_for(session_id), can_publish=True, can_subscribe=True
                )
            )
        )
        if name:
            token.with_name(name)
        return token.to_jwt()

    def candidate_token(self, session_id: str, name: str | None = None) -> str:
        """A join-only token for this session's room; raises ProviderUnavailable when not configured."""
        return self._mint(session_id, self._secret(), name)

    def open_room(self, session_id: str, name: str | None = None) -> RoomGrant:
        room = room_name_for(session_id)
        if not self.configured:
            return RoomGrant(room, None, None, True, NOT_CONFIGURED, None)
        from livekit import api

        request = api.CreateRoomRequest(
            name=room,
            empty_timeout=self._settings.livekit_empty_timeout_seconds,
            max_participants=self._settings.livekit_max_participants,
        )
        try:
            secret = self._secret()
            created = self._call(secret, lambda lk: lk.room.create_room(request))
            token = self._mint(session_id, secret, name)
        except Exception as err:
            reason = _reason(err)
            logger.warning("LiveKit room not opened; fallback mode", extra={"room": room, "reason": reason})
            return RoomGrant(room, None, None, True, reason, None)
        return RoomGrant(room, token, self._settings.livekit_url, False, None, created.creation_time or None)

    def close_room(self, room_name: str) -> bool:
        """True when the room is gone (deleted now, or already); best effort."""
        if not self.configured:
            return False
        from livekit import api

        try:
            secret = self._secret()
            self._call(secret, lambda lk: lk.room.delete_room(api.DeleteRoomRequest(room=room_name)))
        except api.ServerError as err:
            if err.code == api.ServerErrorCode.NOT_FOUND:
                return True
            logger.warning("LiveKit room not closed", extra={"room": room_name, "reason": _reason(err)})
            return False
        except Exception as err:
            logger.warning("LiveKit room not closed", extra={"room": room_name, "reason": _reason(err)})
            return False
        return True

    def participant_count(self, room_name: str) -> int | None:
        if not self.configured:
            return None
        from livekit import api

        try:
            secret = self._secret()
            listed = self._call(
                secret, lambda lk: lk.room.list_participants(api.ListParticipantsRequest(room=room_name))
            )
        except Exception as err:
            logger.warning(
                "LiveKit participants not listed", extra={"room": room_name, "reason": _reason(err)}
            )
            return None
        return len(listed.participants)

    def verify_webhook(self, body: str, authorization: str | None) -> ParticipantEvent:
        """`body` must be the exact text LiveKit signed. Raises WebhookRejected when it does not verify,
        ProviderUnavailable when LiveKit is not configured here (nothing to verify against)."""
        token = (authorization or "").strip()
        # LiveKit sends the bare JWT; tolerate a Bearer prefix added by a proxy or client library.
        token = token[len("Bearer ") :].strip() if token.lower().startswith("bearer ") else token
        if not token:  # unsigned: refused whether or not LiveKit is configured here
            raise WebhookRejected("Missing webhook Authorization header")
        secret = self._secret()
        import jwt
        from google.protobuf.json_format import ParseError
        from livekit import api

        receiver = api.WebhookReceiver(api.TokenVerifier(self._settings.livekit_api_key, secret))
        try:
            event = receiver.receive(body, token)
        except jwt.PyJWTError as err:
            raise WebhookRejected(f"Invalid webhook signature ({type(err).__name__})") from err
        except ParseError as err:
            raise WebhookRejected("Malformed webhook body") from err
        except Exception as err:  # the receiver raises bare Exceptions for a missing or mismatched hash
            detail = (
                "Webhook body does not match its signature"
                if str(err) == "hash mismatch"
                else f"Invalid webhook signature ({err})"
            )
            raise WebhookRejected(detail) from err
        room = event.room.name if event.HasField("room") else ""
        identity = event.participant.identity if event.HasField("participant") else ""
        return ParticipantEvent(
            event=event.event,
            room_name=room,
            session_id=session_id_of(room),
            identity=identity or None,
            at=int(event.created_at),
        )
