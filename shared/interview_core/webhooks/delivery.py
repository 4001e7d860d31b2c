"""One delivery attempt: the URL checked again (its name resolved now, every address public), a connection
to the address just checked (TLS verified against the URL's host name), one POST, no redirect followed,
short timeouts, and at most 1 KB of the reply kept for the organisation to read."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from interview_core.errors import InvalidRequest
from interview_core.webhooks.targets import Resolver, Target, check, resolve

CONNECT_SECONDS = 3.0
TOTAL_SECONDS = 10.0
KEPT_BYTES = 1_024
USER_AGENT = "mock-interview-api-webhooks/1"


@dataclass(frozen=True)
class Attempt:
    ok: bool  # a 2xx reply
    status: int | None  # the HTTP status; None when no reply came
    latency_ms: int
    response: str  # the first 1 KB of the reply's body, as text
    error: str | None = None  # why no 2xx: refused target, connection failure, timeout, redirect, status


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a given address, with SNI and certificate checks for the URL's host."""

    def __init__(self, address: str, target: Target, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._address, self._context = address, context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), timeout=CONNECT_SECONDS)
        sock.settimeout(self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, address: str, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), timeout=CONNECT_SECONDS)
        self.sock.settimeout(self.timeout)


def post(
    url: str,
    headers: dict[str, str],
    body: bytes,
    allow_loopback: bool = False,
    resolver: Resolver = resolve,
    context: ssl.SSLContext | None = None,
) -> Attempt:
    started = time.monotonic()

    def attempt(ok: bool, status: int | None, response: str = "", error: str | None = None) -> Attempt:
        return Attempt(ok, status, round((time.monotonic() - started) * 1000), response, error)

    try:
        target = check(url, allow_loopback, resolver)
    except InvalidRequest as err:
        return attempt(False, None, error=f"refused: {err.detail}")
    address = target.addresses[0]
    conn: http.client.HTTPConnection = (
        _PinnedHTTPS(address, target, TOTAL_SECONDS, context or ssl.create_default_context())
        if target.scheme == "https"
        else _PinnedHTTP(address, target, TOTAL_SECONDS)
    )
    sent = {"content-type": "application/json", "user-agent": USER_AGENT, **headers}
    try:
        conn.request("POST", target.path, body=body, headers=sent)
        reply = conn.getresponse()
        kept = reply.read(KEPT_BYTES).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as err:  # timeouts, refused connections, TLS failures
        return attempt(False, None, error=f"{type(err).__name__}: {err}"[:300])
    finally:
        conn.close()
    if 300 <= reply.status < 400:
        return attempt(False, reply.status, kept, "a redirect, which is not followed")
    ok = 200 <= reply.status < 300
    return attempt(ok, reply.status, kept, None if ok else f"HTTP {reply.status}")
