"""The FastAPI app factory: each Lambda builds one from the one router it serves; the local app from all."""

import json
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from mangum import Mangum
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interview_core import __version__
from interview_core.api.responses import drop_generic_422, standard_responses
from interview_core.api.routing import RecruiterRoute
from interview_core.errors import InterviewError, RateLimited
from interview_core.observability import entry_point, flush_metrics, logger, start_request
from interview_core.text import has_lone_surrogate, printable


async def _interview_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InterviewError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=headers)


def _safe(value: Any) -> Any:
    """An error's input or location as JSON can carry it: lone surrogates become their escapes (they cannot
    be encoded as UTF-8), bytes are decoded leniently."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {_safe(k): _safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(v) for v in value]
    return value


def validation_response(route: BaseRoute | None, errors: list[dict[str, Any]]) -> JSONResponse:
    """Invalid input as the route's API words it (api/routing.py): a recruiter route 400 with a `detail`
    string, any other FastAPI's 422 with the list of errors."""
    errors = _safe(jsonable_encoder(errors, custom_encoder={bytes: lambda b: b.decode("utf-8", "replace")}))
    if not isinstance(route, RecruiterRoute):
        return JSONResponse({"detail": errors}, status_code=422)
    detail = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}" for e in errors
    )
    return JSONResponse({"detail": detail, "errors": errors}, status_code=400)


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return validation_response(request.scope.get("route"), list(exc.errors()))


def _api_routes(routers: tuple[APIRouter, ...]) -> list[APIRoute]:
    return [r for router in routers for r in router.routes if isinstance(r, APIRoute)]


def _http_error(routes: list[APIRoute]) -> Callable[[Request, Exception], Awaitable[Response]]:
    """405 lists in `Allow` every method the path has: locally several routers share a path (GET and POST
    /api/jobs), and Starlette's own 405 names only the first router's methods."""

    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 405:
            path = request.scope["path"]
            methods = {m for r in routes if r.path_regex.match(path) for m in r.methods or ()}
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(methods))}
        return await http_exception_handler(request, exc)

    return handle


# A lone surrogate: a \ud800-\udfff JSON escape, or its (invalid) UTF-8 bytes, which json.loads accepts.
_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
_FORM_TYPES = (b"multipart/", b"application/x-www-form-urlencoded")  # decoded strictly or with replacement


def _surrogate_at(value: Any, loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if isinstance(value, str):
        return loc if has_lone_surrogate(value) else None
    if isinstance(value, dict):
        for k, v in value.items():
            if has_lone_surrogate(k):
                return (*loc, k)
            if found := _surrogate_at(v, (*loc, k)):
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            if found := _surrogate_at(v, (*loc, i)):
                return found
    return None


def _lone_surrogate_error(loc: tuple[Any, ...], value: Any) -> list[dict[str, Any]]:
    return [
        {
            "type": "string_lone_surrogate",
            "loc": loc,
            "msg": "String holds an invalid character (a lone surrogate, e.g. \\ud800): it is not valid Unicode",
            "input": value,
        }
    ]


class RefuseLoneSurrogates:
    """No string holding a lone surrogate gets past the API: it cannot be stored as UTF-8 (boto3 fails) nor
    echoed back. A JSON body is scanned for one only when its bytes could hold one (cheap on every
    request); the path is checked too. Refused like any invalid input, in the style of the route the path
    leads to (this runs before routing; a path no route serves gets FastAPI's 422)."""

    def __init__(self, app: ASGIApp, routes: list[APIRoute]) -> None:
        self.app = app
        self.routes = routes

    def _refuse(self, path: str, errors: list[dict[str, Any]]) -> JSONResponse:
        return validation_response(next((r for r in self.routes if r.path_regex.match(path)), None), errors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if has_lone_surrogate(scope["path"]):
            await self._refuse(scope["path"], _lone_surrogate_error(("path",), scope["path"]))(
                scope, receive, send
            )
            return
        content_type = dict(scope["headers"]).get(b"content-type", b"").lower()
        if content_type.startswith(_FORM_TYPES) or scope["method"] in ("GET", "HEAD", "DELETE", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        if _SURROGATE_BYTES.search(body):
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None  # not JSON: the route refuses it as it does any malformed body
            if (loc := _surrogate_at(parsed, ("body",))) is not None:
                await self._refuse(scope["path"], _lone_surrogate_error(loc, None))(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return JSONResponse({"detail": "Internal server error"}, status_code=500)


async def _log_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Served by uvicorn, each request gets what a Lambda invocation gets from its handler's entry_point:
    fresh log keys with a request id, and its metrics written when it ends."""
    if "aws.context" in request.scope:  # behind Mangum, in a Lambda handler: entry_point does both
        return await call_next(request)
    start_request(request.headers.get("x-request-id") or uuid.uuid4().hex)
    try:
        return await call_next(request)
    finally:
        flush_metrics()


def create_app(*routers: APIRouter, docs: bool = False) -> FastAPI:
    app = FastAPI(
        title="Mock Interview API",
        version=__version__,
        description="AI mock interviews: practice sessions with generated questions and async evaluation.",
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    routes = _api_routes(routers)
    # inside the log context: the last added runs first
    app.add_middleware(RefuseLoneSurrogates, routes=routes)
    app.middleware("http")(_log_context)
    app.add_exception_handler(InterviewError, _interview_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error(routes))
    app.add_exception_handler(Exception, _unexpected_error)
    for router in routers:
        app.include_router(router, responses=standard_responses(router))
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = drop_generic_422(generate(), routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def lambda_handler(
    router: APIRouter, prime: Callable[[], object] | None = None
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """A function's handler: its one route's app, behind Mangum (API Gateway events to ASGI), as an
    entry_point (functools.wraps keeps Mangum's attributes on it: `handler.app` is the app). `prime` is
    what the route's first request would build, built now when this init is SnapStart's snapshot: paid
    once a version, not by each restored copy; an on-demand cold start still builds it on first use."""
    from interview_core import lambda_init, snapstart  # not at the top: lambda_init pauses collection

    handler = entry_point(Mangum(create_app(router), lifespan="off"))
    if prime is not None and snapstart.snapshot_init():
        prime()
    return lambda_init.ready(handler)
