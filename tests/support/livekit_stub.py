"""A local HTTP server that speaks LiveKit's RoomService Twirp API (protobuf bodies) as livekit-api sends
it, plus `sign_webhook`, which signs webhook events exactly as a LiveKit server does.

Like a real server it verifies the bearer token with the API key/secret and checks the grant each method
needs (the same mapping livekit-server uses: DeleteRoom needs roomCreate, not roomAdmin). It records every
request, keeps rooms in memory, and can be told to fail or stall.
"""

import base64
import datetime
import hashlib
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from google.protobuf.json_format import MessageToDict, ParseDict
from google.protobuf.message import DecodeError, Message
from livekit.api import AccessToken, TokenVerifier
from livekit.protocol.models import ParticipantInfo, Room
from livekit.protocol.room import (
    CreateRoomRequest,
    DeleteRoomRequest,
    DeleteRoomResponse,
    ListParticipantsRequest,
    ListParticipantsResponse,
    ListRoomsRequest,
    ListRoomsResponse,
)
from livekit.protocol.webhook import WebhookEvent

API_KEY = "devkey"
API_SECRET = "test-secret-0123456789abcdefghijklmnop"  # a dummy: long enough for HS256, never a real one
PREFIX = "/twirp/livekit.RoomService/"
DEFAULT_EMPTY_TIMEOUT = 300  # what livekit-server applies when the request leaves it at 0

_TWIRP_CODES = {
    400: "invalid_argument",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    409: "already_exists",
    429: "resource_exhausted",
    500: "internal",
    501: "unimplemented",
    503: "unavailable",
    504: "deadline_exceeded",
}

# method -> (request class, the grant it needs)
_METHODS: dict[str, tuple[type[Message], str]] = {
    "CreateRoom": (CreateRoomRequest, "room_create"),
    "DeleteRoom": (DeleteRoomRequest, "room_create"),
    "ListRooms": (ListRoomsRequest, "room_list"),
    "ListParticipants": (ListParticipantsRequest, "room_admin"),
}


class TwirpFailure(Exception):
    def __init__(self, status: int, msg: str) -> None:
        super().__init__(msg)
        self.status = status
        self.msg = msg


class LiveKitStub:
    def __init__(self, api_key: str = API_KEY, api_secret: str = API_SECRET) -> None:
        self.api_key = api_key
        self.api_secret = api_secret
        self.requests: list[dict[str, Any]] = []  # path, method, body (dict), claims (verified) and status
        self.rooms: dict[str, Room] = {}
        self.participants: dict[str, list[str]] = {}  # room name -> identities
        self.fail_with: int | None = None  # HTTP status to answer every request with
        self.delay_seconds = 0.0  # before answering; stop() cuts it short
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                record: dict[str, Any] = {"path": self.path, "method": None, "body": None, "claims": None}
                with stub._lock:
                    stub.requests.append(record)
                if stub.delay_seconds:
                    stub._stopping.wait(stub.delay_seconds)
                try:
                    if stub.fail_with:
                        raise TwirpFailure(stub.fail_with, "stubbed failure")
                    response = stub._handle(self.path, self.headers, raw, record)
                except TwirpFailure as failure:
                    record["status"] = failure.status
                    self._send_error(failure)
                    return
                record["status"] = 200
                data = response.SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/protobuf")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _send_error(self, failure: TwirpFailure) -> None:
                # Twirp errors are JSON whatever the request's content type.
                code = _TWIRP_CODES.get(failure.status, "internal" if failure.status >= 500 else "unknown")
                data = json.dumps({"code": code, "msg": failure.msg}).encode()
                self.send_response(failure.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # a short poll keeps stop() (which waits for the serve loop to notice) fast
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "LiveKitStub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases handlers held by delay_seconds
        self._server.shutdown()
        self._server.server_close()

    def calls(self, method: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == method]

    def _handle(self, path: str, headers: Any, raw: bytes, record: dict[str, Any]) -> Message:
        if not path.startswith(PREFIX) or path[len(PREFIX) :] not in _METHODS:
            raise TwirpFailure(404, f"no handler for {path}")
        method = path[len(PREFIX) :]
        record["method"] = method
        request_class, grant = _METHODS[method]
        if headers.get("Content-Type") != "application/protobuf":
            raise TwirpFailure(400, "expected application/protobuf")
        try:
            request = request_class.FromString(raw)
        except DecodeError as err:
            raise TwirpFailure(400, f"malformed body: {err}") from err
        record["body"] = MessageToDict(request, preserving_proto_field_name=True)
        record["claims"] = self._authorize(headers.get("Authorization"), grant, request)
        with self._lock:
            return getattr(self, f"_{method}")(request)

    def _authorize(self, authorization: str | None, grant: str, request: Message) -> dict[str, Any]:
        if not authorization or not authorization.startswith("Bearer "):
            raise TwirpFailure(401, "missing bearer token")
        token = authorization[len("Bearer ") :]
        try:
            video = TokenVerifier(self.api_key, self.api_secret).verify(token).video
        except Exception as err:
            raise TwirpFailure(401, f"invalid token: {type(err).__name__}") from err
        if not (video and getattr(video, grant)):
            raise TwirpFailure(403, f"permissions denied: needs {grant}")
        if grant == "room_admin" and video.room != request.room:  # type: ignore[attr-defined]
            raise TwirpFailure(403, "permissions denied: token is for another room")
        return jwt.decode(token, options={"verify_signature": False})  # verified just above

    def _CreateRoom(self, request: CreateRoomRequest) -> Room:
        if request.name not in self.rooms:  # like the server: creating an existing room returns it
            now = time.time()
            self.rooms[request.name] = Room(
                name=request.name,
                sid=f"RM_{uuid.uuid4().hex[:12]}",
                empty_timeout=request.empty_timeout or DEFAULT_EMPTY_TIMEOUT,
                max_participants=request.max_participants,
                metadata=request.metadata,
                creation_time=int(now),
                creation_time_ms=int(now * 1000),
            )
        return self.rooms[request.name]

    def _DeleteRoom(self, request: DeleteRoomRequest) -> DeleteRoomResponse:
        if self.rooms.pop(request.room, None) is None:
            raise TwirpFailure(404, "requested room does not exist")
        self.participants.pop(request.room, None)
        return DeleteRoomResponse()

    def _ListRooms(self, request: ListRoomsRequest) -> ListRoomsResponse:
        names = set(request.names)
        rooms = [r for name, r in self.rooms.items() if not names or name in names]
        return ListRoomsResponse(rooms=rooms)

    def _ListParticipants(self, request: ListParticipantsRequest) -> ListParticipantsResponse:
        # an unknown room lists no one, as on livekit-server
        return ListParticipantsResponse(
            participants=[
                ParticipantInfo(identity=identity, sid=f"PA_{i}", state=ParticipantInfo.State.ACTIVE)
                for i, identity in enumerate(self.participants.get(request.room, []))
            ]
        )


def participant_event(event: str, room: str, identity: str, created_at: int | None = None) -> dict[str, Any]:
    return {
        "event": event,
        "id": f"EV_{uuid.uuid4().hex[:12]}",
        "createdAt": created_at if created_at is not None else int(time.time()),
        "room": {"name": room, "sid": "RM_stub"},
        "participant": {"identity": identity, "sid": "PA_stub", "state": "ACTIVE"},
    }


def sign_webhook(
    event: dict[str, Any] | WebhookEvent, api_key: str = API_KEY, api_secret: str = API_SECRET
) -> tuple[str, str]:
    """(body, Authorization header value) as livekit-server's URLNotifier sends them: protojson body
    (camelCase, int64 as strings), a bare JWT (no "Bearer") valid 5 minutes whose `sha256` claim is the
    base64 SHA-256 of the body."""
    message = event if isinstance(event, WebhookEvent) else ParseDict(event, WebhookEvent())
    body = json.dumps(MessageToDict(message), separators=(",", ":"))
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    token = (
        AccessToken(api_key, api_secret).with_ttl(datetime.timedelta(minutes=5)).with_sha256(digest).to_jwt()
    )
    return body, token
