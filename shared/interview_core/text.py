"""Input hygiene for the strings people type: names, topics, job titles, question texts, answers.

Every such field is one of the annotated types below, so the rules are the same on every route and on the
live channel, and the JSON Schema each carries (`pattern`, `minLength`, `maxLength`) accepts exactly what the
validator accepts (a unit test checks both on the same strings):

- zero-width characters (U+200B-U+200D, U+2060, U+FEFF) are removed, then surrounding whitespace;
- C0/C1 control characters and bidirectional controls (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069) are
  refused; multi-line fields (question texts, descriptions, speech) keep tab, line feed and carriage return;
- a required field that is empty or only whitespace is refused; lengths count the string as sent;
- answers are kept as typed (code keeps its zero-width characters and tabs): only NUL is refused;
- a lone surrogate (from a `\\ud800` JSON escape) is refused everywhere: it cannot be stored as UTF-8.

Only `re` and pydantic: this module loads on every cold start."""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

# Python's str.isspace() set, which str.strip() removes, spelled for JSON Schema (ECMAScript) and `re` alike.
WHITESPACE = r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
ZERO_WIDTH = r"\u200b-\u200d\u2060\ufeff"
BIDI_CONTROLS = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
LINE_CONTROLS = r"\u0000-\u001f\u007f-\u009f" + BIDI_CONTROLS
TEXT_CONTROLS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f" + BIDI_CONTROLS  # keeps \t \n \r
SURROGATES = r"\ud800-\udfff"

_VISIBLE = f"[^{LINE_CONTROLS}{WHITESPACE}{ZERO_WIDTH}]"
_EDGE = f"[{WHITESPACE}{ZERO_WIDTH}]*"


def _pattern(controls: str, required: bool) -> str:
    core = f"{_VISIBLE}(?:[^{controls}]*{_VISIBLE})?"
    return f"^{_EDGE}{core}{_EDGE}$" if required else f"^{_EDGE}(?:{core}{_EDGE})?$"


# Answers: anything but NUL, and at least one character that is not whitespace.
ANSWER_PATTERN = f"^[^\\u0000]*[^\\u0000{WHITESPACE}][^\\u0000]*$"

_ZERO_WIDTH_TABLE = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF])
_SURROGATE_RE = re.compile(f"[{SURROGATES}]")
_LINE_RE = re.compile(f"[{LINE_CONTROLS}]")
_TEXT_RE = re.compile(f"[{TEXT_CONTROLS}]")


def has_lone_surrogate(value: str) -> bool:
    """json.loads turns a valid surrogate pair into one character, so any surrogate left is a lone one."""
    return _SURROGATE_RE.search(value) is not None


def printable(value: str) -> str:
    """The string with each lone surrogate written as its escape (`\\ud800`): safe to encode and echo."""
    return _SURROGATE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def _refuse_surrogates(value: str) -> None:
    if has_lone_surrogate(value):
        raise PydanticCustomError(
            "string_lone_surrogate", "String holds an invalid character (a lone surrogate, e.g. \\ud800)"
        )


def _cleaner(controls: re.Pattern[str], required: bool) -> Any:
    def clean(value: str) -> str:
        _refuse_surrogates(value)
        value = value.translate(_ZERO_WIDTH_TABLE).strip()
        if found := controls.search(value):
            raise PydanticCustomError(
                "string_control_character",
                "String must not contain control or bidirectional-formatting characters (found {character})",
                {"character": f"U+{ord(found.group()):04X}"},
            )
        if required and not value:
            raise PydanticCustomError("string_blank", "String must not be empty or only whitespace")
        return value

    return clean


def _answer(value: str) -> str:
    _refuse_surrogates(value)
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "String must not contain NUL characters")
    value = value.strip()
    if not value:
        raise PydanticCustomError("string_blank", "String must not be empty or only whitespace")
    return value


def _text_type(max_length: int, controls: str, controls_re: re.Pattern[str], required: bool) -> Any:
    schema: dict[str, Any] = {
        "type": "string",
        "maxLength": max_length,
        "pattern": _pattern(controls, required),
    }
    if required:
        schema["minLength"] = 1
    return Annotated[
        str,
        StringConstraints(min_length=1 if required else None, max_length=max_length),
        AfterValidator(_cleaner(controls_re, required)),
        WithJsonSchema(schema),
    ]


def line(max_length: int, *, required: bool = True) -> Any:
    """One line of text: a name, a topic, a job title, a phone number."""
    return _text_type(max_length, LINE_CONTROLS, _LINE_RE, required)


def text(max_length: int, *, required: bool = True) -> Any:
    """Text that may span lines: a question, a job description, text to speak."""
    return _text_type(max_length, TEXT_CONTROLS, _TEXT_RE, required)


# email-validator refuses addresses at special-use domains (RFC 6761); the schema says so.
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")
_ANY_CASE = "|".join("".join(f"[{c}{c.upper()}]" for c in name) for name in SPECIAL_USE_DOMAINS)
EMAIL_PATTERN = f"^(?!.*@(?:.*\\.)?(?:{_ANY_CASE})\\.?$)"


def answer(max_length: int) -> Any:
    """An answer (text or code), kept as typed but for the surrounding whitespace."""
    return Annotated[
        str,
        StringConstraints(min_length=1, max_length=max_length),
        AfterValidator(_answer),
        WithJsonSchema(
            {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": ANSWER_PATTERN}
        ),
    ]
