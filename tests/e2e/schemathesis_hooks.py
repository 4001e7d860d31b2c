"""Schemathesis hooks for tests/e2e/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

The run allows 400 for schema-valid requests (see schemathesis.toml), because this API also answers 400 to
well-formed requests it cannot act on. This check takes back the part of positive_data_acceptance that
allowance gives up: a schema-valid request must never be refused by *validation* (the practice API's 422
with a list of errors, the recruiter API's 400 with `errors`), since that means the OpenAPI document
promises more than the validators accept."""

from typing import Any

import schemathesis


@schemathesis.check
def validation_accepts_what_the_schema_allows(ctx: Any, response: Any, case: Any) -> None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in (400, 422):
        return
    try:
        body = response.json()
    except ValueError:
        return
    if not isinstance(body, dict):
        return
    refused = (response.status_code == 422 and isinstance(body.get("detail"), list)) or (
        response.status_code == 400 and "errors" in body
    )
    if refused:
        raise AssertionError(f"A schema-valid request failed validation: {body['detail']}")
