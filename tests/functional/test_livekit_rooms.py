"""LiveKitRooms against a local server speaking LiveKit's RoomService Twirp API: rooms, candidate tokens,
bounded calls with fallback, and webhook verification."""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from livekit.api import AccessToken, TokenVerifier

from interview_core.errors import ProviderUnavailable
from interview_core.livekit_rooms import LiveKitRooms, RoomGrant, WebhookRejected, server_api_url
from interview_core.settings import Settings
from tests.support.livekit_stub import API_KEY, API_SECRET, LiveKitStub, participant_event, sign_webhook


@pytest.fixture
def stub() -> Iterator[LiveKitStub]:
    server = LiveKitStub().start()
    yield server
    server.stop()


def _settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "livekit_url": url,
        "livekit_api_key": API_KEY,
        "livekit_api_secret": API_SECRET,
        "livekit_api_secret_parameter": "",
        "livekit_timeout_seconds": 2.0,
        "livekit_empty_timeout_seconds": 120,
        "livekit_max_participants": 2,
        **overrides,
    }
    return Settings(**values)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _assert_fallback(grant: RoomGrant, reason_part: str) -> None:
    assert grant.fallback is True
    assert grant.token is None and grant.url is None and grant.creation_time is None
    assert reason_part in (grant.reason or "")
    assert API_SECRET not in (grant.reason or "")


def test_open_room_creates_the_room_with_an_authenticated_request(stub: LiveKitStub) -> None:
    grant = LiveKitRooms(_settings(stub.url)).open_room("abc123")

    assert grant.fallback is False and grant.reason is None
    assert grant.room_name == "interview-abc123"
    assert grant.url == stub.url
    [create] = stub.calls("CreateRoom")
    assert create["status"] == 200
    assert create["body"] == {"name": "interview-abc123", "empty_timeout": 120, "max_participants": 2}
    assert create["claims"]["iss"] == API_KEY
    assert create["claims"]["video"]["roomCreate"] is True
    room = stub.rooms["interview-abc123"]
    assert grant.creation_time == room.creation_time
    assert abs(room.creation_time - time.time()) < 5


def test_candidate_token_joins_only_its_room_for_an_hour(stub: LiveKitStub) -> None:
    grant = LiveKitRooms(_settings(stub.url)).open_room("abc123")
    assert grant.token

    claims = TokenVerifier(API_KEY, API_SECRET).verify(grant.token)
    assert claims.identity == "candidate-abc123"
    assert claims.video.room_join is True
    assert claims.video.room == "interview-abc123"
    assert claims.video.can_publish and claims.video.can_subscribe
    assert not claims.video.room_create and not claims.video.room_admin and not claims.video.room_list
    raw = jwt.decode(grant.token, API_SECRET, algorithms=["HS256"], issuer=API_KEY)
    assert not {"roomCreate", "roomAdmin", "roomList"} & set(raw["video"])
    # nbf and exp come from two clock reads truncated to seconds, so a second may tick between them
    assert raw["exp"] - raw["nbf"] in (3600, 3601)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(grant.token, "another-secret-0123456789abcdefghijkl", algorithms=["HS256"])


def test_candidate_token_carries_an_optional_display_name(stub: LiveKitStub) -> None:
    token = LiveKitRooms(_settings(stub.url)).candidate_token("s1", name="Ada")
    assert TokenVerifier(API_KEY, API_SECRET).verify(token).name == "Ada"
    assert stub.requests == []  # minting is local


def test_not_configured_falls_back_without_a_network_call(stub: LiveKitStub) -> None:
    rooms = LiveKitRooms(_settings(stub.url, livekit_api_secret=None))
    assert rooms.configured is False

    grant = rooms.open_room("abc123")
    _assert_fallback(grant, "LiveKit is not configured")
    assert grant.room_name == "interview-abc123"
    assert rooms.close_room("interview-abc123") is False
    assert rooms.participant_count("interview-abc123") is None
    with pytest.raises(ProviderUnavailable):
        rooms.candidate_token("abc123")
    assert stub.requests == []


def test_server_down_falls_back_quickly() -> None:
    rooms = LiveKitRooms(_settings(f"http://127.0.0.1:{_closed_port()}"))
    started = time.monotonic()
    grant = rooms.open_room("abc123")
    assert time.monotonic() - started < 2
    _assert_fallback(grant, "LiveKit unreachable: ClientConnectorError")
    assert rooms.close_room("interview-abc123") is False
    assert rooms.participant_count("interview-abc123") is None


def test_a_hanging_server_is_cut_off_at_the_timeout(stub: LiveKitStub) -> None:
    stub.delay_seconds = 10
    rooms = LiveKitRooms(_settings(stub.url, livekit_timeout_seconds=0.5))
    started = time.monotonic()
    grant = rooms.open_room("abc123")
    assert time.monotonic() - started < 3
    _assert_fallback(grant, "LiveKit unreachable: TimeoutError")


def test_a_stuck_dns_lookup_does_not_outlast_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    # aiohttp resolves names in a thread; the call must not wait for that thread to finish.
    release = threading.Event()

    def stuck(*args: object, **kwargs: object) -> list[Any]:
        release.wait(5)
        raise socket.gaierror("stubbed lookup")

    monkeypatch.setattr(socket, "getaddrinfo", stuck)
    rooms = LiveKitRooms(_settings("https://livekit.example.invalid", livekit_timeout_seconds=0.3))
    started = time.monotonic()
    try:
        grant = rooms.open_room("abc123")
    finally:
        release.set()
    assert time.monotonic() - started < 2
    _assert_fallback(grant, "TimeoutError")


def test_server_error_falls_back(stub: LiveKitStub) -> None:
    stub.fail_with = 500
    grant = LiveKitRooms(_settings(stub.url)).open_room("abc123")
    _assert_fallback(grant, "LiveKit error: internal (HTTP 500)")
    assert len(stub.requests) == 1  # a self-hosted URL gets no failover retries


def test_wrong_secret_is_refused_by_the_server_and_falls_back(
    stub: LiveKitStub, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "wrong-secret-0123456789abcdefghijklmn"
    grant = LiveKitRooms(_settings(stub.url, livekit_api_secret=wrong)).open_room("abc123")
    _assert_fallback(grant, "LiveKit error: unauthenticated (HTTP 401)")
    assert stub.requests[0]["status"] == 401
    assert stub.rooms == {}
    [warning] = [r for r in caplog.records if r.getMessage().startswith("LiveKit room not opened")]
    assert warning.reason == grant.reason
    logged = " ".join(str(vars(r)) for r in caplog.records)
    assert wrong not in logged and API_SECRET not in logged


def test_secret_from_ssm_parameter(stub: LiveKitStub, monkeypatch: pytest.MonkeyPatch) -> None:
    from aws_lambda_powertools.utilities import parameters

    asked: list[tuple[str, dict[str, Any]]] = []

    def get_parameter(name: str, **kwargs: Any) -> str:
        asked.append((name, kwargs))
        return API_SECRET

    monkeypatch.setattr(parameters, "get_parameter", get_parameter)
    rooms = LiveKitRooms(
        _settings(stub.url, livekit_api_secret=None, livekit_api_secret_parameter="/interview/livekit")
    )
    assert rooms.configured
    assert rooms.open_room("abc123").fallback is False
    assert asked[0] == ("/interview/livekit", {"decrypt": True, "max_age": 300})


def test_unreadable_ssm_parameter_falls_back(stub: LiveKitStub, monkeypatch: pytest.MonkeyPatch) -> None:
    from aws_lambda_powertools.utilities import parameters

    def get_parameter(name: str, **kwargs: Any) -> str:
        raise parameters.exceptions.GetParameterError("denied")

    monkeypatch.setattr(parameters, "get_parameter", get_parameter)
    rooms = LiveKitRooms(
        _settings(stub.url, livekit_api_secret=None, livekit_api_secret_parameter="/interview/livekit")
    )
    grant = rooms.open_room("abc123")
    _assert_fallback(grant, "Could not read LIVEKIT_API_SECRET_PARAMETER (GetParameterError)")
    assert stub.requests == []


def test_close_room_deletes_it(stub: LiveKitStub) -> None:
    rooms = LiveKitRooms(_settings(stub.url))
    rooms.open_room("abc123")
    assert rooms.close_room("interview-abc123") is True
    [delete] = stub.calls("DeleteRoom")
    assert delete["body"] == {"room": "interview-abc123"}
    assert delete["claims"]["video"]["roomCreate"] is True  # the grant livekit-server wants for DeleteRoom
    assert stub.rooms == {}
    assert rooms.close_room("interview-abc123") is True  # already gone counts as closed
    stub.fail_with = 503
    assert rooms.close_room("interview-abc123") is False


def test_participant_count_reads_the_room(stub: LiveKitStub) -> None:
    rooms = LiveKitRooms(_settings(stub.url))
    rooms.open_room("abc123")
    assert rooms.participant_count("interview-abc123") == 0
    stub.participants["interview-abc123"] = ["candidate-abc123", "interviewer"]
    assert rooms.participant_count("interview-abc123") == 2
    listed = stub.calls("ListParticipants")[-1]
    assert listed["claims"]["video"] == {
        "roomAdmin": True,
        "room": "interview-abc123",
        "canPublish": True,
        "canSubscribe": True,
        "canPublishData": True,
    }
    stub.fail_with = 500
    assert rooms.participant_count("interview-abc123") is None


def test_works_when_called_from_async_code(stub: LiveKitStub) -> None:
    rooms = LiveKitRooms(_settings(stub.url))

    async def route() -> RoomGrant:  # e.g. an async FastAPI route: a loop is already running here
        return rooms.open_room("abc123")

    # Not asyncio.run: it leaves the main thread without an event loop, which Mangum (later tests) needs.
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(route()).fallback is False
    finally:
        loop.close()


def test_ws_url_is_used_over_http_and_returned_as_configured(stub: LiveKitStub) -> None:
    assert server_api_url("wss://demo.livekit.cloud") == "https://demo.livekit.cloud"
    assert server_api_url("ws://localhost:7880") == "http://localhost:7880"
    assert server_api_url("https://demo.livekit.cloud") == "https://demo.livekit.cloud"
    grant = LiveKitRooms(_settings(stub.ws_url)).open_room("abc123")
    assert grant.fallback is False
    assert grant.url == stub.ws_url
    assert stub.calls("CreateRoom")[0]["status"] == 200


def test_verify_webhook_accepts_a_signed_participant_event(stub: LiveKitStub) -> None:
    rooms = LiveKitRooms(_settings(stub.url))
    body, authorization = sign_webhook(
        participant_event("participant_joined", "interview-abc123", "candidate-abc123", 1_700_000_000)
    )
    event = rooms.verify_webhook(body, authorization)
    assert event.event == "participant_joined"
    assert event.room_name == "interview-abc123"
    assert event.session_id == "abc123"
    assert event.identity == "candidate-abc123"
    assert event.at == 1_700_000_000
    assert rooms.verify_webhook(body, f"Bearer {authorization}") == event

    body, authorization = sign_webhook({"event": "room_finished", "room": {"name": "lobby"}, "createdAt": 5})
    event = rooms.verify_webhook(body, authorization)
    assert (event.event, event.session_id, event.identity, event.at) == ("room_finished", None, None, 5)


@pytest.mark.parametrize(
    ("tamper", "detail"),
    [
        (lambda body, auth: (body.replace("candidate-abc123", "candidate-evil"), auth), "does not match"),
        (lambda body, auth: (body, None), "Missing"),
        (lambda body, auth: (body, ""), "Missing"),
        (lambda body, auth: (body, "garbage"), "Invalid webhook signature (DecodeError)"),
        (
            lambda body, auth: sign_webhook(
                participant_event("participant_joined", "interview-abc123", "candidate-abc123"),
                api_secret="another-secret-0123456789abcdefghijkl",
            ),
            "Invalid webhook signature (InvalidSignatureError)",
        ),
        (
            lambda body, auth: (body, AccessToken(API_KEY, API_SECRET).to_jwt()),
            "sha256 was not found",
        ),
    ],
    ids=["tampered-body", "no-header", "empty-header", "garbage", "other-secret", "no-hash"],
)
def test_verify_webhook_rejects(stub: LiveKitStub, tamper: Any, detail: str) -> None:
    rooms = LiveKitRooms(_settings(stub.url))
    body, authorization = tamper(
        *sign_webhook(participant_event("participant_joined", "interview-abc123", "candidate-abc123"))
    )
    with pytest.raises(WebhookRejected) as rejected:
        rooms.verify_webhook(body, authorization)
    assert detail in rejected.value.detail


def test_verify_webhook_needs_livekit_configured() -> None:
    rooms = LiveKitRooms(_settings("", livekit_api_secret=None))
    body, authorization = sign_webhook(participant_event("participant_left", "interview-a", "candidate-a"))
    with pytest.raises(ProviderUnavailable):
        rooms.verify_webhook(body, authorization)


def test_without_livekit_its_sdk_is_never_imported() -> None:
    """livekit-api and aiohttp cost ~0.3 s of cold start: a deployment without LiveKit never loads them."""
    import subprocess
    import sys

    code = (
        "import sys; from interview_core.livekit_rooms import LiveKitRooms; "
        "from interview_core.settings import Settings; "
        "grant = LiveKitRooms(Settings(livekit_url='')).open_room('abc'); "
        "print(grant.fallback, sorted(m for m in ('livekit', 'aiohttp', 'jwt') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "[]"], out.stdout + out.stderr
