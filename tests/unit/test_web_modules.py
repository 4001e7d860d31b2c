"""The web app stays in small pieces and keeps no copies of the API's limits.

A brace-matching scan of web/js/**/*.js (strings, template literals, comments and regular expressions skipped)
measures every function, method and arrow function with a block body, nested ones inside their parents'
length; and the literals of the server's limits must not appear in the code (they come from GET /api/config).
"""

import re
from dataclasses import dataclass
from pathlib import Path

from interview_core.api.routes.config import _config

ROOT = Path(__file__).resolve().parents[2]
WEB_JS = ROOT / "web" / "js"
JS = sorted(WEB_JS.rglob("*.js"))
MAX_FUNCTION_LINES = 80
NOT_CALLS = {"if", "for", "while", "switch", "catch", "with", "function", "return"}
REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}


@dataclass(frozen=True)
class Function:
    file: str
    name: str
    first: int  # line numbers, 1-based
    last: int

    @property
    def lines(self) -> int:
        return self.last - self.first + 1


def code_only(source: str) -> str:
    """The source with comments, strings, template text and regular expressions blanked to spaces (line
    breaks kept, so positions and line numbers stay); `${...}` inside template literals stays code."""
    out = list(source)
    i, n = 0, len(source)
    templates: list[int] = []  # brace depth at which each open template literal's ${ began

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    depth = 0

    def skip_template(start: int) -> int:
        """From inside a template literal's text at `start`: the index of its end or of a `${`."""
        k = start
        while k < n:
            if source[k] == "\\":
                k += 2
            elif source[k] == "`" or source.startswith("${", k):
                blank(start, k)
                return k
            else:
                k += 1
        raise AssertionError("unterminated template literal")

    while i < n:
        c = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif source.startswith("/*", i):
            end = source.index("*/", i) + 2
            blank(i, end)
            i = end
        elif c in "\"'":
            k = i + 1
            while source[k] != c:
                k += 2 if source[k] == "\\" else 1
            blank(i + 1, k)
            i = k + 1
        elif c == "`" or (c == "}" and templates and templates[-1] == depth):
            if c == "}":
                templates.pop()
                depth -= 1
            k = skip_template(i + 1)
            if source[k] == "`":
                i = k + 1
            else:
                depth += 1
                templates.append(depth)
                i = k + 2
        elif c == "/":
            before = "".join(out[:i]).rstrip()
            prev = before[-1:] if before else ""
            if prev in REGEX_AFTER or re.search(r"\b(return|typeof|in|of)$", before):
                k, in_class = i + 1, False
                while source[k] != "/" or in_class:
                    if source[k] == "\\":
                        k += 1
                    elif source[k] == "[":
                        in_class = True
                    elif source[k] == "]":
                        in_class = False
                    k += 1
                blank(i + 1, k)
                i = k + 1
            else:
                i += 1
        else:
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            i += 1
    return "".join(out)


def _matching_open_paren(code: str, close: int) -> int:
    depth = 0
    for k in range(close, -1, -1):
        if code[k] == ")":
            depth += 1
        elif code[k] == "(":
            depth -= 1
            if depth == 0:
                return k
    return -1


def _function_name(code: str, brace: int) -> str | None:
    """The name of the function whose body opens at `brace`, or None when the brace opens something else."""
    before = code[:brace].rstrip()
    if before.endswith("=>"):
        head = before[:-2].rstrip()
        if head.endswith(")"):
            head = head[: _matching_open_paren(head, len(head) - 1)].rstrip()
        else:
            head = re.sub(r"[\w$]+$", "", head).rstrip()
        head = re.sub(r"\basync$", "", head).rstrip()
        m = re.search(r"([\w$]+)\s*[=:]$", head) or re.search(r"([\w$]+)\s*\(\s*$", head)
        return f"{m.group(1)} (arrow)" if m else "(arrow)"
    if not before.endswith(")"):
        return None
    head = before[: _matching_open_paren(before, len(before) - 1)].rstrip()
    m = re.search(r"(?:\bfunction\b\s*\*?\s*([\w$]*)|([\w$]+))$", head)
    if not m:
        return None
    name = m.group(1) if m.group(1) is not None else m.group(2)
    if name in NOT_CALLS and not m.group(0).startswith("function"):
        return None
    if m.group(1) is None and not re.search(
        r"(^|[\s{};,])(?:static\s+|async\s+|get\s+|set\s+)*[\w$]+$", head
    ):
        return None  # a call followed by a block, e.g. `foo.bar(x) {` cannot happen outside methods
    return name or "(anonymous)"


def functions(path: Path) -> list[Function]:
    source = path.read_text()
    code = code_only(source)
    found, stack = [], []
    for k, c in enumerate(code):
        if c == "{":
            stack.append((k, _function_name(code, k)))
        elif c == "}":
            start, name = stack.pop()
            if name is not None:
                first = code.count("\n", 0, start) + 1
                # the function starts on the line of its name, which may be before a wrapped parameter list
                head = code[:start].rstrip()
                if head.endswith(")"):
                    first = code.count("\n", 0, _matching_open_paren(code, len(head) - 1)) + 1
                found.append(Function(str(path.relative_to(WEB_JS)), name, first, code.count("\n", 0, k) + 1))
    assert not stack, f"{path.name}: unbalanced braces"
    return found


def test_the_scan_measures_functions_as_written() -> None:
    sample = ROOT / "web" / "js" / "ui.js"
    names = {f.name for f in functions(sample)}
    assert {"h", "append", "field", "errorArea", "show (arrow)", "clear"} <= names, names
    h = next(f for f in functions(sample) if f.name == "h")
    assert h.lines == len(
        re.search(r"export function h\(.*?\n}\n", sample.read_text(), re.S).group().splitlines()
    )


def test_no_function_in_the_web_app_is_longer_than_80_lines() -> None:
    too_long = [f for path in JS for f in functions(path) if f.lines > MAX_FUNCTION_LINES]
    assert not too_long, "\n".join(f"{f.file}: {f.name} is {f.lines} lines" for f in too_long)


def _config_numbers() -> tuple[set[str], set[str]]:
    """The numbers GET /api/config hands out: those distinctive enough to spot anywhere in the code, and
    those to spot in the app's texts (5000 is also a WebSocket close code and a delay in milliseconds;
    200 an HTTP status: form attributes are checked on their own)."""
    c = _config()
    distinctive = {
        c.audio.max_direct_bytes,
        c.audio.max_presigned_bytes,
        int(c.audio.max_seconds),
        c.practice.speech_max_chars,
        c.recruiter.text_question_timer.maximum,
        c.recruiter.coding_question_timer.maximum,
    }
    in_texts = distinctive | {
        c.answer_max_chars,
        c.recruiter.question_max_chars,
        c.recruiter.job_description_max_chars,
    }
    return {str(n) for n in distinctive}, {str(n) for n in in_texts}


def _number_literals(code: str) -> set[str]:
    return {m.replace("_", "") for m in re.findall(r"(?<![\w.$])\d[\d_]*(?![\w.])", code)}


def _texts(source: str, code: str) -> str:
    """What code_only blanked: the strings, template text and comments."""
    return "".join(s if s != c else ("\n" if s == "\n" else " ") for s, c in zip(source, code, strict=True))


def test_the_server_limits_are_not_copied_into_the_web_app() -> None:
    distinctive, in_texts = _config_numbers()
    assert {"4500000", "180"} <= distinctive and "5000" in in_texts  # what the app once kept copies of
    copies: dict[str, list[str]] = {}
    for path in JS:
        source = path.read_text()
        code = code_only(source)
        found = (_number_literals(code) & distinctive) | (_number_literals(_texts(source, code)) & in_texts)
        # a form control's bounds: maxlength: "200", min: "1", max: "10" (from the config, as values)
        found |= set(re.findall(r"\b(?:maxlength|minlength|min|max)\s*:\s*[\"'`]?\d+", source))
        found |= {
            e for e in ('"Data Structures"', '["simple"', '["initialized"', 'value: "coding"') if e in source
        }
        if found:
            copies[str(path.relative_to(WEB_JS))] = sorted(found)
    assert not copies, f"copies of the server's limits or choices: {copies}"
