"""The FastAPI app factory: each Lambda builds one from the one router it serves; the local app from all."""

import uuid
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from interview_core import __version__
from interview_core.errors import (
    AnswerConflict,
    AudioRejected,
    FaceCheckFailed,
    Forbidden,
    IllegalTransition,
    ImageRejected,
    InterviewError,
    NotFound,
    PayloadTooLarge,
    ProviderUnavailable,
    QuotaExceeded,
    RateLimited,
    SessionNotActive,
    SessionNotFound,
    Unauthorized,
)
from interview_core.observability import flush_metrics, logger, start_request

STATUS_OF = {
    SessionNotFound: 404,
    SessionNotActive: 400,
    AnswerConflict: 409,
    ProviderUnavailable: 503,
    AudioRejected: 400,
    PayloadTooLarge: 413,
    Unauthorized: 401,
    Forbidden: 403,
    IllegalTransition: 409,
    NotFound: 404,
    ImageRejected: 400,
    FaceCheckFailed: 422,
    RateLimited: 429,
    QuotaExceeded: 429,  # a RateLimited: the same Retry-After
}


async def _interview_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InterviewError)
    status = next((code for cls, code in STATUS_OF.items() if isinstance(exc, cls)), 400)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return JSONResponse({"detail": exc.detail}, status_code=status, headers=headers)


# The recruiter API's contract (seed 002) says 400 for invalid input; the practice API keeps FastAPI's 422.
RECRUITER_PATHS = ("/api/parallel_interview", "/api/jobs", "/api/proctoring", "/capture_reference_face")


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if not request.url.path.startswith(RECRUITER_PATHS):
        return await request_validation_exception_handler(request, exc)
    errors = jsonable_encoder(exc.errors())
    detail = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}" for e in errors
    )
    return JSONResponse({"detail": detail, "errors": errors}, status_code=400)


async def _unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return JSONResponse({"detail": "Internal server error"}, status_code=500)


async def _log_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    context = request.scope.get("aws.context")  # Mangum passes Lambda's context; uvicorn has none
    start_request(
        getattr(context, "aws_request_id", None) or request.headers.get("x-request-id") or uuid.uuid4().hex
    )
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
    app.middleware("http")(_log_context)
    app.add_exception_handler(InterviewError, _interview_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(Exception, _unexpected_error)
    for router in routers:
        app.include_router(router)
    return app
