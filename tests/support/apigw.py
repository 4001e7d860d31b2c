"""Drive the Lambda handlers the way API Gateway (HTTP API, payload v2) does.

Requests are routed with template.yaml's own routes to the function that serves them, and each
function is loaded from functions/<name>/app.py, as Lambda loads it.
"""

import asyncio
import base64
import copy
import importlib.util
import json
import re
import threading
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

from urllib3 import encode_multipart_formdata

from infra import template as tpl

ROOT = Path(__file__).resolve().parents[2]
BASE_EVENT = ROOT / "events" / "health.json"


@dataclass
class LambdaContext:
    """The attributes Lambda's context object has (Mangum and Powertools read some)."""

    function_name: str = "local-function"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:local-function"
    memory_limit_in_mb: int = 512
    aws_request_id: str = ""
    log_group_name: str = "/aws/lambda/local-function"
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


@cache
def function_module(name: str) -> ModuleType:
    path = ROOT / "functions" / name / "app.py"
    spec = importlib.util.spec_from_file_location(f"functions_{name}_app", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_loops = threading.local()


def invoke(name: str, event: dict[str, Any]) -> dict[str, Any]:
    # Lambda runs one invocation per process on its main thread; tests that race invocations in threads
    # give each thread the event loop Mangum expects to find.
    if threading.current_thread() is not threading.main_thread() and not hasattr(_loops, "loop"):
        _loops.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(_loops.loop)
    ctx = LambdaContext(function_name=name, aws_request_id=str(uuid.uuid4()))
    return function_module(name).handler(event, ctx)


def http_event(
    method: str,
    route: str,
    path: str,
    body: Any = None,
    query: dict[str, str] | None = None,
    path_params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    source_ip: str | None = None,
) -> dict[str, Any]:
    event = copy.deepcopy(json.loads(BASE_EVENT.read_text()))
    if source_ip:  # the client's address as API Gateway saw it (the TCP peer, not a header)
        event["requestContext"]["http"]["sourceIp"] = event["headers"]["x-forwarded-for"] = source_ip
    event["routeKey"] = event["requestContext"]["routeKey"] = f"{method} {route}"
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["requestContext"]["requestId"] = uuid.uuid4().hex
    event["rawQueryString"] = urlencode(query or {})
    if query:
        event["queryStringParameters"] = query
    if path_params:
        event["pathParameters"] = path_params
    # API Gateway (payload v2) lowercases header names
    event["headers"].update({k.lower(): v for k, v in (headers or {}).items()})
    if isinstance(body, Multipart):
        # API Gateway passes a binary body base64-encoded, with the client's content type.
        event["body"] = base64.b64encode(body.data).decode()
        event["isBase64Encoded"] = True
        event["headers"]["content-type"] = body.content_type
        event["headers"]["content-length"] = str(len(body.data))
    elif body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
        event["headers"]["content-type"] = "application/json"
        event["headers"]["content-length"] = str(len(event["body"]))
    return event


@dataclass
class Multipart:
    data: bytes
    content_type: str

    @classmethod
    def encode(
        cls, files: dict[str, tuple[str, bytes, str]], fields: dict[str, str] | None = None
    ) -> "Multipart":
        data, content_type = encode_multipart_formdata({**(fields or {}), **files})
        return cls(data, content_type)


@dataclass
class Response:
    status_code: int
    headers: dict[str, str]
    text: str
    function: str
    base64_encoded: bool = False

    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def content(self) -> bytes:
        return base64.b64decode(self.text) if self.base64_encoded else self.text.encode()


@cache
def _routes() -> list[tuple[str, str, re.Pattern[str], str]]:
    out = []
    for code_uri, pairs in tpl.http_routes(tpl.load()).items():
        for method, route in pairs:
            pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", route) + "$")
            out.append((method, route, pattern, Path(code_uri).name))
    return out


class ApiGateway:
    """A client that sends each request through API Gateway's route table to its Lambda handler."""

    def __init__(self, headers: dict[str, str] | None = None, source_ip: str | None = None) -> None:
        self.headers = headers or {}  # sent with every request (e.g. X-API-Key)
        self.source_ip = source_ip  # None: the sample events' 203.0.113.10

    def as_(self, **headers: str) -> "ApiGateway":
        """The same client with other headers, e.g. api.as_(x_api_key=key)."""
        return ApiGateway({k.replace("_", "-"): v for k, v in headers.items()}, self.source_ip)

    def from_address(self, source_ip: str) -> "ApiGateway":
        """The same client calling from another address."""
        return ApiGateway(self.headers, source_ip)

    def request(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        query: dict[str, str] | None = None,
        raw_body: "str | Multipart | None" = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        for m, route, pattern, function in _routes():
            match = pattern.match(path)
            if m == method and match:
                body = raw_body if raw_body is not None else json_body
                headers = {**self.headers, **(headers or {})}
                event = http_event(
                    method, route, path, body, query, match.groupdict() or None, headers, self.source_ip
                )
                result = invoke(function, event)
                return Response(
                    result["statusCode"],
                    result.get("headers", {}),
                    result.get("body", ""),
                    function,
                    bool(result.get("isBase64Encoded")),
                )
        return Response(404, {}, json.dumps({"message": "Not Found"}), "")  # API Gateway's own answer

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Response:  # noqa: A002 - mirrors requests/httpx
        return self.request("POST", path, json_body=json, **kw)

    def post_files(
        self,
        path: str,
        files: dict[str, tuple[str, bytes, str]],
        data: dict[str, str] | None = None,
        **kw: Any,
    ) -> Response:
        """A multipart/form-data POST, as `requests.post(url, files=..., data=...)` sends it."""
        return self.request("POST", path, raw_body=Multipart.encode(files, data), **kw)

    def delete(self, path: str, **kw: Any) -> Response:
        return self.request("DELETE", path, **kw)
