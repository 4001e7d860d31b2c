"""API Gateway's WebSocket side, for driving functions/ws_* as deployed.

`ManagementApi` is a local HTTP server speaking the management API that post_to_connection and friends
call (`POST|GET|DELETE /{stage}/@connections/{id}`): it records what each connection was sent and can
answer 410 GoneException for connections told to be gone. `WebSocketGateway` plays the API itself: it
invokes the $connect, $default and $disconnect handlers with real WebSocket event JSON (events/ws_*.json)
and reads back what the handlers posted.
"""

import base64
import copy
import json
import threading
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tests.support.apigw import invoke

ROOT = Path(__file__).resolve().parents[2]
STAGE = "live"


class ManagementApi:
    def __init__(self) -> None:
        self.sent: dict[str, list[dict[str, Any]]] = defaultdict(list)  # connection id -> messages, in order
        self.deleted: list[str] = []
        self.gone: set[str] = set()  # connections that answer 410, as after the client went away
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _connection(self) -> str | None:
                path = unquote(self.path)
                marker = "/@connections/"
                return path.split(marker, 1)[1] if marker in path else None

            def _reply(
                self, status: int, body: dict[str, Any] | None = None, error: str | None = None
            ) -> None:
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("content-type", "application/json")
                if error:
                    self.send_header("x-amzn-ErrorType", error)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                connection = self._connection()
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                if connection is None:
                    return self._reply(404, {"message": "Not Found"}, "NotFoundException")
                if connection in api.gone:
                    return self._reply(410, {"message": None}, "GoneException")
                with api._lock:
                    if method == "POST":
                        api.sent[connection].append(json.loads(body))
                    elif method == "DELETE":
                        api.deleted.append(connection)
                if method == "GET":
                    return self._reply(200, {"connectedAt": "2026-11-23T10:00:00Z", "identity": {}})
                self._reply(200 if method == "POST" else 204)

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                self._handle("POST")

            def do_GET(self) -> None:  # noqa: N802
                self._handle("GET")

            def do_DELETE(self) -> None:  # noqa: N802
                self._handle("DELETE")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/{STAGE}"

    def start(self) -> "ManagementApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def take(self, connection_id: str) -> list[dict[str, Any]]:
        """What the connection was sent since the last take."""
        with self._lock:
            return self.sent.pop(connection_id, [])


def _event(name: str, connection_id: str) -> dict[str, Any]:
    event = copy.deepcopy(json.loads((ROOT / "events" / f"ws_{name}.json").read_text()))
    context = event["requestContext"]
    context["connectionId"] = connection_id
    context["requestId"] = context["extendedRequestId"] = uuid.uuid4().hex[:16]
    return event


class WebSocketGateway:
    def __init__(self, api: ManagementApi) -> None:
        self.api = api

    def connect(self, query: dict[str, str]) -> tuple[int, str]:
        """The $connect route: (status the handler returned, connection id)."""
        connection_id = base64.b64encode(uuid.uuid4().bytes[:10]).decode()
        event = _event("connect", connection_id)
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
        return invoke("ws_connect", event)["statusCode"], connection_id

    def send(self, connection_id: str, frame: str | bytes | dict[str, Any]) -> list[dict[str, Any]]:
        """One frame through $default; returns what the handler posted back to this connection."""
        event = _event("default", connection_id)
        if isinstance(frame, bytes):  # API Gateway passes binary frames base64-encoded
            event["body"], event["isBase64Encoded"] = base64.b64encode(frame).decode(), True
        else:
            event["body"] = frame if isinstance(frame, str) else json.dumps(frame)
        assert invoke("ws_default", event) == {"statusCode": 200}
        return self.api.take(connection_id)

    def disconnect(self, connection_id: str) -> None:
        assert invoke("ws_disconnect", _event("disconnect", connection_id)) == {"statusCode": 200}
