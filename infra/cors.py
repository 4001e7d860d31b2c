"""The HTTP API's CORS rule for the local stack. In AWS, API Gateway applies it (the HttpApi's
CorsConfiguration); here the same template values configure Starlette's middleware."""

import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from infra import template as tpl


def add_cors(app: FastAPI) -> list[str]:
    """Allowed origins: CORS_ALLOWED_ORIGINS (comma-separated), else the template's default."""
    template = tpl.load()
    rule = template["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"]
    origins = os.environ.get("CORS_ALLOWED_ORIGINS") or tpl.parameter_defaults(template)["CorsAllowedOrigins"]
    allowed = [o.strip() for o in origins.split(",") if o.strip()]
    app.add_middleware(
        CORSMiddleware,
        allow_origins=allowed,
        allow_methods=rule["AllowMethods"],
        allow_headers=rule["AllowHeaders"],
        expose_headers=rule["ExposeHeaders"],
        max_age=rule["MaxAge"],
    )
    return allowed
