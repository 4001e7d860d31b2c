"""Skills named in a job description or résumé, found with a curated list (skills.json), each mapped to a
question bank topic; and the questions the offline model asks about them.

Only names from the list ever leave here: the texts themselves are never copied into a question, so
nothing a résumé says (instructions to a grader included) reaches the questions or their rubrics.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from interview_core.domain import Background, BackgroundOrigin

_SEPARATOR = re.compile(r"[\s\-]+")
# Word boundaries for names like C++, C#, .NET and Node.js: no letter, digit, + or # right beside them.
_LEFT, _RIGHT = r"(?<![\w+#])", r"(?![\w+#])"


@dataclass(frozen=True)
class Skill:
    name: str
    topic: str  # a question bank topic id


@dataclass(frozen=True)
class Mention:
    skill: Skill
    origins: tuple[BackgroundOrigin, ...]  # the texts naming it, the job description first
    count: int  # times named, in all texts
    first: int  # where it is first named (for a stable order)


def _key(text: str) -> str:
    return _SEPARATOR.sub(" ", text.strip()).lower()


def _alternative(alias: str, exact: bool) -> str:
    words = [re.escape(w) for w in _SEPARATOR.split(alias.strip()) if w]
    body = r"[\s\-]+".join(words)
    return body if exact else f"(?i:{body})"


@cache
def _data() -> dict[str, Any]:
    text = resources.files("interview_core.providers").joinpath("skills.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _matcher() -> tuple[re.Pattern[str], dict[str, Skill], dict[str, Skill]]:
    """One pattern for every alias, longest first (so "React Native" wins over "React"); matched text is
    looked up case-sensitively among the `exact` aliases, else case-insensitively."""
    exact: dict[str, Skill] = {}
    folded: dict[str, Skill] = {}
    for entry in _data()["skills"]:
        skill = Skill(entry["name"], entry["topic"])
        for alias in entry["exact"]:
            exact[_SEPARATOR.sub(" ", alias.strip())] = skill
        for alias in (entry["name"], *entry["aliases"]):
            if alias not in entry["exact"]:
                folded[_key(alias)] = skill
    alternatives = [(a, True) for a in exact] + [(a, False) for a in folded]
    alternatives.sort(key=lambda pair: -len(pair[0]))
    pattern = _LEFT + "(?:" + "|".join(_alternative(a, e) for a, e in alternatives) + ")" + _RIGHT
    return re.compile(pattern), exact, folded


def skills() -> list[Skill]:
    return [Skill(e["name"], e["topic"]) for e in _data()["skills"]]


def _found(text: str) -> Iterator[tuple[Skill, int]]:
    pattern, exact, folded = _matcher()
    for match in pattern.finditer(text):
        said = _SEPARATOR.sub(" ", match.group())
        skill = exact.get(said) or folded.get(said.lower())
        if skill:
            yield skill, match.start()


def mentions(background: Background) -> list[Mention]:
    """The skills the texts name, most relevant first: those both texts name, then the job description's,
    then the résumé's; within each, the most often named first, then the first named."""
    seen: dict[Skill, tuple[list[BackgroundOrigin], int, int]] = {}
    offset = 0
    for origin, text in background.texts():
        for skill, at in _found(text):
            origins, times, first = seen.get(skill, ([], 0, offset + at))
            if origin not in origins:
                origins.append(origin)
            seen[skill] = (origins, times + 1, first)
        offset += len(text) + 1
    found = [Mention(s, tuple(o), n, first) for s, (o, n, first) in seen.items()]
    return sorted(
        found, key=lambda m: (-len(m.origins), m.origins[0] != "job_description", -m.count, m.first)
    )


def find(text: str) -> list[Skill]:
    """The skills one text names, in the order first named."""
    return list(dict.fromkeys(skill for skill, _ in _found(text)))


# A résumé's project lines: under a "Projects" heading, each bullet's name up to its first separator.
_PROJECTS_HEADING = re.compile(r"^\s*(?:selected |personal |key |side |notable )?projects?\s*:?\s*$", re.I)
_HEADING = re.compile(r"^\s*[A-Za-z][A-Za-z &/]{2,40}:?\s*$")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf\u2013]|\d+[.)])\s*")
_NAME_END = re.compile(r"\s+[-\u2013\u2014|:]\s+|:\s|\s*\(|[.;,]\s")
MAX_PROJECT_CHARS = 60


def projects(resume: str, limit: int = 3) -> list[str]:
    """Up to `limit` project names a résumé lists under a Projects heading (short, one line, printable:
    each is quoted in a question, so a long line or one with markup is left out)."""
    found: list[str] = []
    inside = False
    for line in resume.splitlines():
        if _PROJECTS_HEADING.match(line):
            inside = True
            continue
        if not inside or not line.strip():
            continue
        if not _BULLET.match(line) and _HEADING.match(line):
            break  # the next section
        name = _NAME_END.split(_BULLET.sub("", line).strip(), maxsplit=1)[0].strip(" .")
        if 2 < len(name) <= MAX_PROJECT_CHARS and re.fullmatch(r"[\w .'&+#/-]+", name) and name not in found:
            found.append(name)
        if len(found) == limit:
            break
    return found


def templates(kind: str, difficulty: str) -> list[str]:
    """The question templates for a skill named in the job description, the résumé or "both", or for a
    "project"."""
    chosen: list[str] = _data()["templates"][kind][difficulty]
    return chosen
