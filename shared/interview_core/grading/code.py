"""Coding answers: scored from their tests, with a review that adds evidence.

Each answer falls in a band set by its tests: all pass gives 8-10, none 0-2, some pass a score between, by
the share passed. The review moves it within its band: this module's static checks (syntax, nested loops,
sorting in a loop, slow tests, eval) offline, and a language model's own reading of the code when one is
configured. Only a real problem takes an answer out of its band: expected outputs written into the code,
which passes the tests without solving the problem, caps it at HARD_CODED_CAP.

Evidence and feedback are addressed to the candidate: they name visible tests only, and count hidden ones."""

import ast
import re
from dataclasses import dataclass

from interview_core.domain import CodingSpec, RunResult, TestResult

HARD_CODED_CAP = 3
SLOW_SHARE = 0.5  # a test that takes half its time limit would time out on a larger input
TRIVIAL_INT = 10  # small numbers and short strings appear in any solution: they prove nothing


@dataclass(frozen=True)
class Finding:
    text: str  # evidence the candidate may read
    deduction: int = 0  # points, within the band
    serious: bool = False  # a real problem: the score may leave its band


@dataclass(frozen=True)
class CodeGrade:
    score: int
    evidence: list[str]
    feedback: str
    hard_coded: bool


def grade(run: RunResult, findings: list[Finding], reviewer_score: int | None = None) -> CodeGrade:
    """The score of an answer whose tests ran; `reviewer_score` is a language model's reading, when one is
    configured. With no test, nothing decides a band: such answers are graded by review (`review_only`)."""
    assert run.total > 0
    lo, hi, base = _band(run)
    if reviewer_score is not None:
        base = (base + max(lo, min(hi, reviewer_score))) / 2
    score = max(lo, min(hi, round(base) - sum(f.deduction for f in findings)))
    hard_coded = any(f.serious for f in findings)
    if hard_coded:
        score = min(score, HARD_CODED_CAP)
    return CodeGrade(
        score=score,
        evidence=[_tally(run), *(f.text for f in findings)],
        feedback=" ".join([_tally(run) + _failures(run), *(f.text for f in findings)]),
        hard_coded=hard_coded,
    )


def review_only(findings: list[Finding]) -> list[str]:
    """Evidence for an answer without tests: the static review's findings, and that no test ran."""
    return ["no tests: graded by review only", *(f.text for f in findings)]


def _band(run: RunResult) -> tuple[int, int, float]:
    if run.passed == run.total:
        return 8, 10, 10
    if run.passed == 0:
        return 0, 2, 0 if run.error else 1  # code that does not even run scores nothing
    return 2, 8, 2 + 6 * run.passed / run.total


def _tally(run: RunResult) -> str:
    timed = " (the run timed out)" if run.timed_out else ""
    return f"Passed {run.passed} of {run.total} tests{timed}."


def _failures(run: RunResult) -> str:
    visible = [r.name for r in run.results if r.visible and not r.passed]
    hidden = sum(not r.visible and not r.passed for r in run.results)
    parts = [repr(name) for name in visible] + (
        [f"{hidden} hidden test{'s' * (hidden > 1)}"] if hidden else []
    )
    return f" Failed: {', '.join(parts)}." if parts else ""


# --- the static review -------------------------------------------------------------------------------


def review(code: str, spec: CodingSpec, run: RunResult | None) -> list[Finding]:
    """What reading the code (and the run's timings) shows, without running anything."""
    if spec.starter_code and code.strip() == spec.starter_code.strip():
        return [Finding("The starter code was submitted unchanged.", deduction=1)]
    if not code.strip():
        return [Finding("No code was submitted.", deduction=1)]
    findings = _review_sql(code, run) if spec.language == "sql" else _review_python(code, run)
    if run is not None:
        findings += _slow(run, spec.time_limit_ms)
    return findings


def _review_python(code: str, run: RunResult | None) -> list[Finding]:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError) as err:
        where = f" (line {err.lineno})" if isinstance(err, SyntaxError) and err.lineno else ""
        message = err.msg if isinstance(err, SyntaxError) else str(err)
        return [Finding(f"The code does not parse: {message}{where}.")]
    except (RecursionError, MemoryError):
        return [Finding("The code is nested too deeply to read.")]
    findings = []
    depth = _loop_depth(tree)
    if depth >= 3:
        findings.append(Finding(f"{depth} loops nested: slow (O(n^{depth})) on large input.", deduction=1))
    if _sorts_in_loop(tree):
        findings.append(Finding("Sorts inside a loop: sort once, outside it.", deduction=1))
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    if calls & {"eval", "exec"}:
        findings.append(
            Finding("Uses eval or exec: unsafe and slow; compute the answer directly.", deduction=1)
        )
    if any(isinstance(n, ast.ExceptHandler) and n.type is None for n in ast.walk(tree)):
        findings.append(Finding("A bare `except:` hides every error, interrupts included."))
    if run is not None and _hard_coded(tree, run.results) >= 2:
        findings.append(
            Finding(
                "The code returns the tests' expected values instead of solving the problem.", serious=True
            )
        )
    return findings


def _sized(iterable: ast.expr) -> bool:
    """Whether a loop over `iterable` grows with the input: not a literal, nor a range of constants."""
    if isinstance(iterable, ast.List | ast.Tuple | ast.Set | ast.Dict | ast.Constant):
        return False
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "range":
        return not all(isinstance(a, ast.Constant) for a in iterable.args)
    return True


def _loop_depth(node: ast.AST, depth: int = 0) -> int:
    """The most `for` loops (and comprehensions) over input-sized iterables nested in each other. `while`
    loops are left out: most (a stack, two pointers) run a bounded number of times in all."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) and depth:
        depth = 0  # a function defined in a loop is not run by it each time
    here = depth + (isinstance(node, ast.For | ast.AsyncFor | ast.comprehension) and _sized(node.iter))
    return max([here, *(_loop_depth(child, here) for child in ast.iter_child_nodes(node))])


def _sorted_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name) and call.func.id == "sorted" and call.args:
        target = call.args[0]
    elif isinstance(call.func, ast.Attribute) and call.func.attr == "sort":
        target = call.func.value
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def _sorts_in_loop(tree: ast.AST) -> bool:
    """A loop that sorts what it iterates over, or what it appends to, each time round (sorting an item
    of the loop, such as a word's letters, is fine)."""
    for loop in ast.walk(tree):
        if not isinstance(loop, ast.For | ast.While):
            continue
        body = ast.Module(body=loop.body, type_ignores=[])
        grown = {
            n.func.value.id
            for n in ast.walk(body)
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in ("append", "extend", "add", "insert")
            and isinstance(n.func.value, ast.Name)
        }
        if isinstance(loop, ast.For) and isinstance(loop.iter, ast.Name):
            grown.add(loop.iter.id)
        if any(isinstance(n, ast.Call) and _sorted_name(n) in grown for n in ast.walk(body)):
            return True
    return False


def _literals(tree: ast.AST) -> list[object]:
    out: list[object] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant | ast.List | ast.Tuple | ast.Set | ast.Dict):
            try:
                out.append(ast.literal_eval(node))
            except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                continue
    return out


def _telling(value: object) -> bool:
    """A value that a general solution would not spell out: not a flag, a small number or a short word."""
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return abs(value) > TRIVIAL_INT
    if isinstance(value, str):
        return len(value) >= 3
    if isinstance(value, list | tuple | set | dict):
        return len(value) >= 2
    return False


def _contains(values: list[object], value: object) -> bool:
    return any(type(v) is type(value) and v == value for v in values)


def _hard_coded(tree: ast.AST, results: list[TestResult]) -> int:
    """How many tests the code answers by spelling out their expected value (with the call's own
    argument, unless the value is a collection that no general solution would contain whole)."""
    literals = _literals(tree)
    count = 0
    for r in results:
        expected = _value(r.expected)
        if expected is _NONE or not _telling(expected) or not _contains(literals, expected):
            continue
        arguments = _arguments(r.call)
        if isinstance(expected, list | tuple | set | dict) or any(_contains(literals, a) for a in arguments):
            count += 1
    return count


_NONE = object()


def _value(text: str | None) -> object:
    if text is None or len(text) > 10_000:
        return _NONE
    try:
        return ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return _NONE


def _arguments(call: str | None) -> list[object]:
    try:
        node = ast.parse(call or "", mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    if not isinstance(node, ast.Call):
        return []
    values = [_value(ast.unparse(a)) for a in [*node.args, *(k.value for k in node.keywords)]]
    return [v for v in values if v is not _NONE and _telling(v)]


def _slow(run: RunResult, time_limit_ms: int) -> list[Finding]:
    slowest = max((r.duration_ms or 0 for r in run.results), default=0)
    if slowest > SLOW_SHARE * time_limit_ms:
        return [
            Finding(
                f"A test took {slowest:.0f} ms of its {time_limit_ms} ms limit: too slow for larger input.",
                deduction=1,
            )
        ]
    return []


SQL_WORDS = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|--[^\n]*|/\*.*?\*/", re.S)  # strings and comments


def _review_sql(query: str, run: RunResult | None) -> list[Finding]:
    words = SQL_WORDS.sub(" ", query).upper()
    findings = []
    rows_expected = run is not None and any(r.expected not in (None, "[]") for r in run.results)
    if rows_expected and not re.search(r"\bFROM\b", words):
        findings.append(
            Finding("The query writes its rows out instead of reading them from the tables.", serious=True)
        )
    if re.search(r"SELECT\s+(DISTINCT\s+)?\*", words):
        findings.append(Finding("SELECT * returns every column: name the ones asked for."))
    return findings
