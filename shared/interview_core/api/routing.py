"""Which of the API's two contracts a route keeps: a property of the router that declares it.

The recruiter API (seed 002) answers invalid input with 400, a `detail` string and the `errors` list; the
practice API (seed 001) keeps FastAPI's 422 with the list, as its clients expect. The routes of a
RecruiterRouter are RecruiterRoutes, and the validation handler, the lone-surrogate check and the OpenAPI
document read the style from the route (FastAPI keeps a route's class when a router is included)."""

from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute


class RecruiterRoute(APIRoute):
    """A route of the recruiter API: invalid input is 400 with a `detail` string."""


class RecruiterRouter(APIRouter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(route_class=RecruiterRoute, **kwargs)
