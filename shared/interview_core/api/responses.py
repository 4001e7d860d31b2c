"""Which error statuses each route documents in the OpenAPI document.

create_app adds the ones that follow from how a route is built (its dependencies, its parameters, its
body, its path) to what the route declares itself (`responses=documented(409, 413)`), so a status the code
can return is never missing from the document. A new dependency that refuses requests adds its statuses
to DEPENDENCY_STATUSES (one line); a route-specific status is one entry in the route's `documented(...)`."""

from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from interview_core.api.error_schemas import ErrorResponse, ValidationErrorResponse
from interview_core.api.routing import RecruiterRoute

DESCRIPTIONS = {
    202: "Accepted: not ready yet",
    400: "Invalid request: the `detail` says what is wrong",
    401: "Missing, invalid or revoked credentials",
    403: "These credentials cannot make this call (e.g. a candidate token on a recruiter route)",
    404: "Not found (or not visible to these credentials)",
    409: "Conflicts with the session's current state",
    413: "Too large",
    422: "Invalid input",
    429: "Too many requests: a quota or rate limit was reached; retry after `Retry-After` seconds",
    503: "A provider the request needs is not configured or not reachable",
}

# (module, function) of a dependency -> the statuses it can answer with.
DEPENDENCY_STATUSES: dict[tuple[str, str], tuple[int, ...]] = {
    # 401 without valid credentials; 403 for a role the route's rule in access.ROUTES does not list
    ("interview_core.api.auth", "caller"): (401, 403),
    ("interview_core.api.auth", "payer"): (429,),  # a daily quota used up (interview_core.quota)
}

# Path parameters naming something that may not exist (or belong to another organisation).
LOOKED_UP = {"session_id", "job_id", "token"}  # token: a report's share link


def documented(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each code with the error body and its standard description; a keyword
    `_409="Already started"` overrides one description."""
    return {
        code: {"model": ErrorResponse, "description": descriptions.get(f"_{code}", DESCRIPTIONS[code])}
        for code in codes
    }


def _walk(dependant: Dependant) -> tuple[set[tuple[str, str]], set[str], bool]:
    """The dependency functions under a route, its path parameters, and whether it has any other input."""
    calls: set[tuple[str, str]] = set()
    path = {p.name for p in dependant.path_params}
    other = bool(dependant.query_params or dependant.header_params or dependant.cookie_params)
    for dep in dependant.dependencies:
        if dep.call is not None:
            calls.add((getattr(dep.call, "__module__", ""), getattr(dep.call, "__name__", "")))
        sub_calls, sub_path, sub_other = _walk(dep)
        calls, path, other = calls | sub_calls, path | sub_path, other or sub_other
    return calls, path, other


def _route_statuses(route: APIRoute) -> dict[int | str, dict[str, Any]]:
    codes: dict[int | str, dict[str, Any]] = {}
    calls, path_params, other_params = _walk(route.dependant)
    for call in calls:
        for code in DEPENDENCY_STATUSES.get(call, ()):
            codes[code] = documented(code)[code]
    has_input = bool(route.body_field or path_params or other_params)
    if has_input and isinstance(route, RecruiterRoute):  # instead of FastAPI's 422 (drop_generic_422)
        codes[400] = {"model": ValidationErrorResponse, "description": DESCRIPTIONS[400]}
    if route.body_field is not None:
        # a body that cannot be parsed (not UTF-8, a broken multipart) is 400 on every route
        codes.setdefault(400, {"model": ErrorResponse, "description": "Malformed request body"})
    if LOOKED_UP & path_params:
        codes[404] = documented(404)[404]
    return codes


def standard_responses(router: APIRouter) -> dict[int | str, dict[str, Any]]:
    """The statuses that follow from how the router's routes are built (one route per router here)."""
    out: dict[int | str, dict[str, Any]] = {}
    for route in router.routes:
        if isinstance(route, APIRoute):
            for code, response in _route_statuses(route).items():
                out.setdefault(code, response)
    return out


def drop_generic_422(schema: dict[str, Any], routes: list[APIRoute]) -> dict[str, Any]:
    """FastAPI documents a 422 for every route with parameters; recruiter routes answer 400 instead (a
    422 a recruiter route declares itself, such as the face check's, stays)."""
    recruiter = {
        (r.path, m.lower()) for r in routes if isinstance(r, RecruiterRoute) for m in r.methods or ()
    }
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if (path, method) not in recruiter:
                continue
            response = operation.get("responses", {}).get("422")
            if response and "HTTPValidationError" in str(response):
                del operation["responses"]["422"]
    return schema
