"""GET /api/config, as API Gateway invokes it: each limit and choice is the one the API enforces."""

import json
from pathlib import Path
from typing import Any

import pytest

from interview_core.api.full import build
from interview_core.api.routes.recruiter_create import CreateSessionRequest
from interview_core.api.schemas import InterviewSpec, StartInterviewRequest
from interview_core.documents import MAX_DOCUMENT_BYTES
from interview_core.domain import MAX_ANSWER_CHARS, MAX_BACKGROUND_CHARS
from interview_core.providers.offline import match_topic
from interview_core.settings import get_settings
from tests.support.apigw import invoke

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def answer() -> dict[str, Any]:
    return invoke("config", json.loads((ROOT / "events" / "config.json").read_text()))


@pytest.fixture(scope="module")
def config(answer: dict[str, Any]) -> dict[str, Any]:
    return json.loads(answer["body"])


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return build().openapi()


def _enum(schema: dict[str, Any]) -> list[str]:
    """The values of a Literal, or of an optional one (anyOf [Literal, null])."""
    if "enum" in schema:
        return schema["enum"]
    return next(s["enum"] for s in schema["anyOf"] if "enum" in s)


def test_it_is_public_and_cacheable(answer: dict[str, Any]) -> None:
    assert answer["statusCode"] == 200
    headers = {k.lower(): v for k, v in answer["headers"].items()}
    assert headers["cache-control"] == "public, max-age=300"
    assert headers["content-type"] == "application/json"


def test_practice_limits_are_the_start_and_answer_models(config: dict[str, Any]) -> None:
    spec = InterviewSpec.model_json_schema()["properties"]
    practice = config["practice"]
    assert practice["topic_max_chars"] == spec["topic"]["maxLength"]
    n = spec["num_questions"]
    assert practice["num_questions"] == {
        "minimum": n["minimum"],
        "maximum": n["maximum"],
        "default": n["default"],
    }
    assert practice["difficulties"] == spec["difficulty"]["enum"]
    assert config["answer_max_chars"] == MAX_ANSWER_CHARS
    resume = StartInterviewRequest.model_json_schema()["properties"]["resume_text"]["anyOf"][0]
    job = StartInterviewRequest.model_json_schema()["properties"]["job_description"]["anyOf"][0]
    assert practice["background_max_chars"] == resume["maxLength"] == job["maxLength"] == MAX_BACKGROUND_CHARS
    assert practice["resume_file_max_bytes"] == MAX_DOCUMENT_BYTES
    assert practice["follow_ups"] == {"minimum": 0, "maximum": 3, "default": 0}
    # every suggestion is a topic the offline question bank knows by that very name
    assert practice["topics"] and all(match_topic(t)["name"] == t for t in practice["topics"])


def test_audio_limits_are_the_deployment_settings(config: dict[str, Any]) -> None:
    s = get_settings()
    assert config["audio"] == {
        "max_seconds": s.max_audio_seconds,
        "max_direct_bytes": s.max_direct_upload_bytes,
        "max_presigned_bytes": s.max_presigned_upload_bytes,
    }


def test_recruiter_limits_are_what_the_recruiter_routes_validate(
    config: dict[str, Any], openapi: dict[str, Any]
) -> None:
    create = CreateSessionRequest.model_json_schema()["properties"]
    r = config["recruiter"]
    assert r["name_max_chars"] == create["name"]["maxLength"]
    assert r["phone_max_chars"] == next(s for s in create["phone"]["anyOf"] if "maxLength" in s)["maxLength"]
    questions = next(s for s in create["questions"]["anyOf"] if s.get("type") == "array")
    text = next(s for s in questions["items"]["anyOf"] if s.get("type") == "string")  # or an object
    assert r["question_max_chars"] == text["maxLength"]
    max_q = next(s for s in create["max_questions"]["anyOf"] if s.get("type") == "integer")
    assert r["max_questions"] == {"minimum": max_q["minimum"], "maximum": max_q["maximum"], "default": None}
    for timer in ("text_question_timer", "coding_question_timer"):
        t = create[timer]
        assert r[timer] == {"minimum": t["minimum"], "maximum": t["maximum"], "default": t["default"]}, timer

    schemas = openapi["components"]["schemas"]
    job = schemas["CreateJobRequest"]["properties"]
    generate = schemas["GenerateJobQuestions"]["properties"]
    assert r["generated_questions"] == {
        "minimum": generate["count"]["minimum"],
        "maximum": generate["count"]["maximum"],
        "default": generate["count"]["default"],
    }
    assert r["difficulties"] == generate["difficulty"]["enum"]
    assert r["name_max_chars"] == job["title"]["maxLength"]
    assert (
        r["job_description_max_chars"]
        == next(s for s in job["description"]["anyOf"] if "maxLength" in s)["maxLength"]
    )
    job_question_type = schemas["QuestionIn"]["properties"]["type"]["anyOf"]
    assert r["question_types"] == next(s for s in job_question_type if "enum" in s)["enum"]
    assert r["report_shares"] == schemas["ReleaseReportRequest"]["properties"]["share"]["enum"]
    days = schemas["ShareReportRequest"]["properties"]["expires_in_days"]
    assert r["share_link_days"] == {
        "minimum": days["minimum"],
        "maximum": days["maximum"],
        "default": days["default"],
    }
    listing = openapi["paths"]["/api/parallel_interview/sessions"]["get"]["parameters"]
    assert r["statuses"] == _enum(next(p for p in listing if p["name"] == "status")["schema"])


def test_the_response_is_documented(openapi: dict[str, Any], config: dict[str, Any]) -> None:
    ok = openapi["paths"]["/api/config"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    documented = openapi["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert set(documented["properties"]) == set(config)
