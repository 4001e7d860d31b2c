"""The error bodies every route documents, apart from the practice API's schemas so that a function which
serves none of those does not build them at init."""

from typing import Any

from pydantic import Field

from interview_core.model import Model


class ErrorResponse(Model):
    detail: str


class ValidationErrorResponse(ErrorResponse):
    """The recruiter API's 400 for invalid input: `detail` names each field, `errors` has them one by one."""

    errors: list[dict[str, Any]] = Field(default_factory=list)
