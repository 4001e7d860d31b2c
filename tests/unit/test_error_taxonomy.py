"""One error taxonomy: each domain error says its HTTP status and its live channel code, and both sides
answer with exactly those; the validation style (400 or 422) is the route's, not its URL's."""

import asyncio
import json
from typing import Any, get_args

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from interview_core.api.app import create_app
from interview_core.api.full import ROUTE_MODULES, build
from interview_core.api.routing import RecruiterRoute
from interview_core.errors import (
    AnswerConflict,
    ApiKeyNotFound,
    AudioRejected,
    DocumentRejected,
    EvaluationBusy,
    FaceCheckFailed,
    Forbidden,
    IllegalTransition,
    ImageRejected,
    InterviewError,
    InvalidRequest,
    JobNotFound,
    NotFound,
    PayloadTooLarge,
    ProviderUnavailable,
    QuotaExceeded,
    RateLimited,
    Refused,
    RunLimitReached,
    SessionNotActive,
    SessionNotFound,
    ShareLinkNotFound,
    Unauthorized,
    WebhookNotFound,
    WebhookRejected,
)
from interview_core.live.channel import LiveChannel, refusal
from interview_core.live.protocol import ErrorCode

# What clients see for each error: (HTTP status, live channel code). Changing a line changes the API.
ANSWERED_AS: dict[type[InterviewError], tuple[int, str]] = {
    InvalidRequest: (400, "bad_request"),
    SessionNotFound: (404, "not_found"),
    NotFound: (404, "not_found"),
    JobNotFound: (404, "not_found"),
    ApiKeyNotFound: (404, "not_found"),
    ShareLinkNotFound: (404, "not_found"),
    WebhookNotFound: (404, "not_found"),
    SessionNotActive: (400, "not_active"),
    AnswerConflict: (409, "conflict"),
    IllegalTransition: (409, "illegal_state"),
    EvaluationBusy: (409, "conflict"),
    ProviderUnavailable: (503, "unavailable"),
    AudioRejected: (400, "bad_request"),
    ImageRejected: (400, "bad_request"),
    DocumentRejected: (400, "bad_request"),
    FaceCheckFailed: (422, "bad_request"),
    PayloadTooLarge: (413, "bad_request"),
    Unauthorized: (401, "unauthorized"),
    WebhookRejected: (401, "unauthorized"),
    Forbidden: (403, "forbidden"),
    RateLimited: (429, "rate_limited"),
    QuotaExceeded: (429, "rate_limited"),
    RunLimitReached: (429, "rate_limited"),
}

SAMPLES: list[InterviewError] = [
    InvalidRequest("Send either job_id or questions, not both"),
    SessionNotFound(),
    SessionNotFound("6c1e7f43-0d6e-4b7e-9a51-1f0e4c2b9a10"),
    NotFound("Upload not found"),
    JobNotFound("j-1"),
    ApiKeyNotFound("k-1", "acme"),
    ShareLinkNotFound(),
    WebhookNotFound("w-1"),
    SessionNotActive(),
    AnswerConflict("Question 2 is not the current question; the current one is 1"),
    IllegalTransition("Session already started"),
    EvaluationBusy("s-1"),
    ProviderUnavailable("LiveKit is not configured"),
    AudioRejected("The audio file is empty"),
    ImageRejected("The image is empty"),
    DocumentRejected(
        "The PDF is encrypted (password-protected): save a copy without a password and send that"
    ),
    FaceCheckFailed("No face found"),
    PayloadTooLarge("The image is over the 2 MB limit"),
    Unauthorized("Invalid or revoked API key"),
    WebhookRejected("Missing webhook Authorization header"),
    Forbidden("The organisation has not released this report"),
    RateLimited("Too many proctoring events", retry_after=7),
    QuotaExceeded("Daily quota used up", retry_after=3600),
    RunLimitReached("Question 1 has been run 30 times"),
]


def subclasses(cls: type) -> set[type]:
    return {c for sub in cls.__subclasses__() for c in {sub} | subclasses(sub)}


def test_every_domain_error_says_its_status_and_its_channel_code() -> None:
    assert not hasattr(InterviewError, "status") and not hasattr(InterviewError, "code")  # no silent default
    assert subclasses(InterviewError) == set(ANSWERED_AS) == {type(e) for e in SAMPLES}
    for cls, (status, code) in ANSWERED_AS.items():
        assert (cls.status, cls.code) == (status, code), cls
        assert code in get_args(ErrorCode), cls


def test_errors_about_something_missing_word_their_detail_from_its_id() -> None:
    assert SessionNotFound().detail == "Session not found"  # the practice API's wording
    assert SessionNotFound("abc").detail == "Session abc not found"  # the recruiter API's
    assert JobNotFound("x" * 150).detail == f"Job {'x' * 100} not found"
    assert ApiKeyNotFound("k-1", "acme").detail == "No API key k-1 in organisation acme"
    assert SessionNotActive().detail == "Session is not active"


@pytest.fixture(scope="module")
def raising() -> TestClient:
    router = APIRouter()

    @router.get("/raise/{index}")
    def raise_sample(index: int) -> None:
        raise SAMPLES[index]

    return TestClient(create_app(router))


@pytest.mark.parametrize("index", range(len(SAMPLES)), ids=lambda i: type(SAMPLES[i]).__name__)
def test_http_and_the_live_channel_answer_each_error_as_it_says(raising: TestClient, index: int) -> None:
    err = SAMPLES[index]
    r = raising.get(f"/raise/{index}")
    assert (r.status_code, r.json()) == (err.status, {"detail": err.detail})
    assert r.headers.get("retry-after") == (str(err.retry_after) if isinstance(err, RateLimited) else None)

    def handle() -> Any:
        raise err

    [message], after = LiveChannel._run("answer", handle)
    assert (message.code, message.detail, message.in_reply_to, after) == (
        err.code,
        err.detail,
        "answer",
        None,
    )


def test_a_refused_connection_closes_with_4000_plus_the_status_after_its_error() -> None:
    for reason, close_code in [
        (SessionNotFound(), 4404),
        (Unauthorized("no"), 4401),
        (Forbidden("no"), 4403),
    ]:
        refused = Refused(reason)
        assert (refused.close_code, refused.status, refused.detail) == (
            close_code,
            reason.status,
            reason.detail,
        )
        sent = json.loads(refusal(refused.reason).frame())
        assert (sent["type"], sent["code"], sent["detail"]) == ("error", reason.code, reason.detail)


# -- the validation style ------------------------------------------------------------------------------

RECRUITER_API = (
    "/api/parallel_interview",
    "/api/jobs",
    "/api/proctoring",
    "/capture_reference_face",
    "/api/code",
)


def test_the_recruiter_api_routes_and_only_they_answer_invalid_input_with_400() -> None:
    styles = {
        (route.path, isinstance(route, RecruiterRoute))
        for module in ROUTE_MODULES
        for route in module.router.routes
        if hasattr(route, "methods")
    }
    assert styles and {recruiter for _, recruiter in styles} == {True, False}
    for path, recruiter in styles:
        assert recruiter == path.startswith(RECRUITER_API), path


async def _call(app: Any, method: str, path: str, body: bytes = b"") -> tuple[int, Any]:
    """One request straight to the ASGI app: a test client would encode the path, and a lone surrogate
    cannot be encoded."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": b"",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("test", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, json.loads(b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/session/\ud800", 422),  # GET /session/{session_id}: practice
        ("/api/parallel_interview/session/\ud800", 400),  # a recruiter route's
        ("/api/jobs/\ud800", 400),
        ("/api/reports/\ud800", 422),  # under /api, but the practice API's report route
        ("/nowhere/\ud800", 422),  # no route: FastAPI's style
    ],
)
def test_a_lone_surrogate_in_the_path_is_refused_in_the_style_of_the_route_it_leads_to(
    path: str, status: int
) -> None:
    got, body = asyncio.run(_call(build(), "GET", path))
    assert got == status
    if status == 400:
        assert body["detail"].startswith("path: String holds an invalid character (a lone surrogate")
    else:
        assert body["detail"][0]["type"] == "string_lone_surrogate"
