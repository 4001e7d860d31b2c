"""Input hygiene: the shared string types, what their JSON Schema says, lone surrogates, listing cursors."""

import base64
import json
import random
import re
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError

from interview_core import text as hygiene
from interview_core.api.app import validation_response
from interview_core.api.full import build
from interview_core.api.routes import recruiter_create, start_interview
from interview_core.api.schemas import InterviewSpec
from interview_core.services.recruiter import InvalidRequest, _decode_cursor, _encode_cursor

LINE = hygiene.line(20)
TEXT = hygiene.text(20)
OPTIONAL_LINE = hygiene.line(20, required=False)
ANSWER = hygiene.answer(20)
TYPES = {"line": LINE, "text": TEXT, "optional line": OPTIONAL_LINE, "answer": ANSWER}

# Characters at every boundary the rules draw: controls kept or refused, whitespace Python strips,
# zero-width characters, bidi controls, and ordinary letters (ASCII, Latin-1, CJK, an emoji).
ALPHABET = (
    "a", "Z", "7", " ", "\t", "\n", "\r", "\x00", "\x01", "\x0b", "\x1c", "\x1f", "\x7f", "\x85", "\x9f",
    "\xa0", "é", "\u1680", "\u2003", "\u2028", "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
    "\u200e", "\u200f", "\u061c", "\u202a", "\u202e", "\u2066", "\u2069", "\u00ad", "字", "😀",
)  # fmt: skip


def accepted(adapter: TypeAdapter[Any], value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


def schema_accepts(schema: dict[str, Any], value: str) -> bool:
    """JSON Schema's string rules (ECMAScript `pattern`, searched; lengths in code points)."""
    return (
        len(value) >= schema.get("minLength", 0)
        and len(value) <= schema.get("maxLength", 10**9)
        and re.search(schema["pattern"], value) is not None
    )


@pytest.mark.parametrize("kind", TYPES)
def test_the_json_schema_accepts_exactly_what_the_validator_accepts(kind: str) -> None:
    adapter = TypeAdapter(TYPES[kind])
    schema = adapter.json_schema()
    assert "pattern" in schema
    rng = random.Random(kind)
    samples = [
        "",
        " ",
        "   ",
        "\u200b",
        "a",
        " a ",
        "a b",
        "\ta",
        "a\tb",
        "a\nb",
        "\ufeffa",
        "a\u202eb",
        "x" * 21,
    ]
    samples += ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8))) for _ in range(3000)]
    for value in samples:
        assert accepted(adapter, value) == schema_accepts(schema, value), (kind, value)


def test_names_and_topics_lose_zero_width_characters_and_refuse_controls() -> None:
    adapter = TypeAdapter(LINE)
    assert adapter.validate_python("\ufeff Jane\u200b Doe\u2060 ") == "Jane Doe"
    for bad, found in [
        ("a\x00b", "U+0000"),
        ("a\u202eb", "U+202E"),
        ("a\tb", "U+0009"),
        ("a\u2066b", "U+2066"),
    ]:
        with pytest.raises(ValidationError) as err:
            adapter.validate_python(bad)
        assert err.value.errors()[0]["type"] == "string_control_character"
        assert found in err.value.errors()[0]["msg"]
    with pytest.raises(ValidationError, match="empty or only whitespace"):
        adapter.validate_python(" \u200b\t ")


def test_multi_line_text_keeps_tabs_and_newlines_and_answers_keep_code_as_typed() -> None:
    assert TypeAdapter(TEXT).validate_python(" line 1\n\tline 2 ") == "line 1\n\tline 2"
    code = "def f():\n\treturn '\u200b'  # \u202e"
    assert TypeAdapter(hygiene.answer(100)).validate_python(f"  {code}\n") == code
    with pytest.raises(ValidationError, match="NUL"):
        TypeAdapter(ANSWER).validate_python("a\x00b")
    with pytest.raises(ValidationError, match="only whitespace"):
        TypeAdapter(ANSWER).validate_python(" \n\t ")


@pytest.mark.parametrize("kind", TYPES)
def test_every_type_refuses_a_lone_surrogate(kind: str) -> None:
    with pytest.raises(ValidationError) as err:
        TypeAdapter(TYPES[kind]).validate_python("a\ud800b")
    assert err.value.errors()[0]["type"] in ("string_lone_surrogate", "string_unicode")


def test_surrogate_helpers() -> None:
    assert hygiene.has_lone_surrogate("\ud800") and hygiene.has_lone_surrogate("a\udfffb")
    assert not hygiene.has_lone_surrogate("😀") and not hygiene.has_lone_surrogate(
        json.loads('"\\ud83d\\ude00"')
    )
    assert hygiene.printable("a\ud800b").encode() == b"a\\ud800b"


def test_email_schema_refuses_the_special_use_domains_email_validator_refuses() -> None:
    pattern = hygiene.EMAIL_PATTERN
    for address in ["a@b.test", "a@B.Local", "a@localhost", "a@x.onion.", "a@in.addr.arpa"]:
        assert not re.search(pattern, address), address
    for address in ["a@test.com", "jane@example.com", "a@local.example.org"]:
        assert re.search(pattern, address), address


# -- lone surrogates at the app level -------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(build(), raise_server_exceptions=False)


@pytest.mark.parametrize(
    "body",
    [
        b'{"topic": "\\ud800"}',  # a JSON escape
        b'{"topic": "a\\uDFFFb"}',  # a lone low surrogate, upper-case hex
        b'{"topic": "\xed\xa0\x80"}',  # the surrogate's (invalid) UTF-8 bytes, which json.loads accepts
        b'{"topic": "Python", "\\ud800": 1}',  # in a field name
    ],
)
def test_a_lone_surrogate_anywhere_in_a_json_body_is_refused_before_the_route(client, body: bytes) -> None:
    r = client.post("/start-interview", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    (error,) = r.json()["detail"]
    assert error["type"] == "string_lone_surrogate" and "lone surrogate" in error["msg"]
    assert error["loc"][0] == "body"


def test_recruiter_paths_refuse_it_with_400_and_a_detail_string(client) -> None:
    body = b'{"name": "Ja\\ud800ne", "email": "jane@example.com", "questions": ["Q"]}'
    r = client.post(
        "/api/parallel_interview/create", content=body, headers={"content-type": "application/json"}
    )
    assert r.status_code == 400, r.text
    assert r.json()["detail"].startswith("name: String holds an invalid character (a lone surrogate")


@pytest.mark.parametrize(
    "router", [start_interview.router, recruiter_create.router], ids=["practice", "recruiter"]
)
def test_the_validation_error_body_never_echoes_what_it_cannot_encode(router: APIRouter) -> None:
    """Validation errors echo the input and its location: a lone surrogate comes back as its escape."""
    errors = [
        {"type": "x", "loc": ("body", "\ud800"), "msg": "bad", "input": {"a\udc00": [b"\xff", "\ud800"]}}
    ]
    body = json.loads(validation_response(router.routes[0], errors).body)
    assert "\\ud800" in json.dumps(body) and "\\udc00" in json.dumps(body)


def test_valid_surrogate_pairs_are_ordinary_characters(client) -> None:
    # an invalid difficulty stops the request before anything is charged or stored: only it is refused
    r = client.post("/generate-questions", content=b'{"topic": "Python \\ud83d\\ude00", "difficulty": "x"}',
                    headers={"content-type": "application/json"})  # fmt: skip
    assert r.status_code == 422, r.text
    assert [e["loc"][-1] for e in r.json()["detail"]] == ["difficulty"]
    assert InterviewSpec.model_validate_json(b'{"topic": "Python \\ud83d\\ude00"}').topic == "Python 😀"


# -- listing cursors ------------------------------------------------------------------------------------

PARTITION = "recruiter#acme"
GOOD = {
    "pk": {"S": "SESSION#6c1e7f43-0d6e-4b7e-9a51-1f0e4c2b9a10"},
    "sk": {"S": "META"},
    "list_pk": {"S": PARTITION},
    "list_sk": {"S": "2026-12-01T10:00:00+00:00#6c1e7f43-0d6e-4b7e-9a51-1f0e4c2b9a10"},
}
BY_STATUS = {
    **{k: v for k, v in GOOD.items() if k != "list_pk"},
    "status_pk": {"S": f"{PARTITION}#completed"},
}


def encoded(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_cursor_a_page_returned_decodes_to_its_key() -> None:
    assert _decode_cursor(_encode_cursor(GOOD), PARTITION) == GOOD
    assert _decode_cursor(_encode_cursor(BY_STATUS), f"{PARTITION}#completed") == BY_STATUS


@pytest.mark.parametrize(
    "cursor",
    [
        encoded([GOOD]),
        encoded(42),
        encoded(None),
        encoded("recruiter#acme"),
        encoded({}),
        encoded({"list_pk": {"S": PARTITION}}),  # the right partition, an incomplete key
        encoded({k: v for k, v in GOOD.items() if k != "pk"}),
        encoded({**GOOD, "extra": {"S": "x"}}),
        encoded({**GOOD, "list_pk": {"S": "recruiter#globex"}}),  # another organisation
        encoded({**GOOD, "list_pk": PARTITION}),
        encoded({**GOOD, "list_sk": {"N": "1"}}),  # a wrong attribute type
        encoded({**GOOD, "list_sk": {"S": 1}}),
        encoded({**GOOD, "list_sk": {"S": ["x"]}}),
        encoded({**GOOD, "list_sk": {"S": "x", "N": "1"}}),
        encoded({**GOOD, "list_sk": {"S": ""}}),  # DynamoDB refuses empty key strings
        encoded({**GOOD, "list_sk": {"S": "x" * 1100}}),
        encoded({**GOOD, "pk": {"S": "COUNTER#x"}}),
        encoded({**GOOD, "sk": {"S": "REPORT"}}),
        encoded({**GOOD, "list_sk": {"S": "\ud800"}}),  # survives json.dumps as an escape
        encoded(b'{"pk": {"S": "\xed\xa0\x80"}}'),
        encoded(BY_STATUS),  # a status listing's cursor on the full listing
        encoded(b"\xff\xfe not json"),
        "not-a-cursor!",
        "é",
        "",
    ],
)
def test_anything_but_the_exact_key_of_this_listing_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidRequest, match="Invalid cursor: pass next_cursor exactly"):
        _decode_cursor(cursor, PARTITION)


def test_a_full_listing_cursor_is_refused_by_a_status_listing() -> None:
    with pytest.raises(InvalidRequest):
        _decode_cursor(_encode_cursor(GOOD), f"{PARTITION}#completed")
