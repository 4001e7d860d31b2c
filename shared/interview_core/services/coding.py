"""Coding questions: vetted by the sandbox when the organisation writes them, and run (their visible tests)
by the candidate before answering.

A question's tests are the organisation's: a candidate's run carries only the visible ones, and the result
goes through RunResult.for_candidate() all the same."""

from collections.abc import Sequence

from interview_core import coding
from interview_core.access import Caller, authorize
from interview_core.domain import (
    MAX_CODE_RUNS,
    MAX_SESSION_CODING_CHARS,
    CodeTest,
    CodingSpec,
    Question,
    Session,
)
from interview_core.domain import transitions as move
from interview_core.errors import InvalidRequest, ProviderUnavailable, SessionNotFound
from interview_core.observability import count, tag_session
from interview_core.store import SessionStore


def python_tests(tests: Sequence[CodeTest]) -> list[coding.PythonTest]:
    return [
        coding.PythonTest(name=t.name, call=t.call, expected=t.expected, visible=t.visible) for t in tests
    ]


def sql_tests(tests: Sequence[CodeTest]) -> list[coding.SqlTest]:
    return [
        coding.SqlTest(
            name=t.name,
            expected_rows=t.expected_rows or [],
            ordered=t.ordered,
            setup=t.setup,
            visible=t.visible,
        )
        for t in tests
    ]


def run(spec: CodingSpec, code: str, tests: Sequence[CodeTest]) -> coding.RunResult:
    """`code` against `tests`, in the code_runner function or in this process (coding.run); failures of the
    sandbox or of the runner (not the code's) are 503s."""
    request: coding.PythonRun | coding.SqlRun
    if spec.language == "sql":
        schema = spec.sql_schema or ""
        request = coding.SqlRun(
            code=code, sql_schema=schema, tests=sql_tests(tests), time_limit_ms=spec.time_limit_ms
        )
    else:
        request = coding.PythonRun(code=code, tests=python_tests(tests), time_limit_ms=spec.time_limit_ms)
    try:
        return coding.run(request)
    except coding.SandboxError as err:
        raise ProviderUnavailable(f"Code cannot be run right now: {err}") from err


def coding_chars(questions: Sequence[Question]) -> int:
    """What the questions' code, schemas and tests take of the session item (their JSON's characters)."""
    return sum(len(q.coding.model_dump_json()) for q in questions if q.coding is not None)


def vet(questions: Sequence[Question], field: str = "questions") -> None:
    """Refuse (400, naming the field) coding questions whose tests are not expressions, whose specs are too
    large together, or whose reference solution fails a test: broken tests are caught before a candidate
    meets them."""
    specs = [(i, q.coding) for i, q in enumerate(questions) if q.coding is not None]
    total = coding_chars(questions)
    if total > MAX_SESSION_CODING_CHARS:
        raise InvalidRequest(
            f"{field}: the coding questions total {total} characters of code, schemas and tests; "
            f"at most {MAX_SESSION_CODING_CHARS}"
        )
    for i, spec in specs:
        if spec.language == "python":
            names = {t.name: j for j, t in enumerate(spec.tests)}
            problems = coding.check_expressions(python_tests(spec.tests))
            if problems:
                raise InvalidRequest(
                    "; ".join(f"{field}.{i}.tests.{names[p.test]}.{p.field}: {p.message}" for p in problems)
                )
        if spec.reference_solution and spec.tests:
            failed = [r for r in run(spec, spec.reference_solution, spec.tests).results if not r.passed]
            if failed:
                raise InvalidRequest(
                    f"{field}.{i}.reference_solution fails {len(failed)} of its {len(spec.tests)} tests: "
                    + "; ".join(
                        f"{r.name!r} ({(r.error or f'got {r.actual}').strip()[-300:]})" for r in failed
                    )
                )


class CodingService:
    def __init__(self, store: SessionStore, runs_per_question: int = MAX_CODE_RUNS) -> None:
        self.store = store
        self.runs_per_question = runs_per_question

    def run_visible(
        self, session_id: str, question_number: int, code: str, caller: Caller
    ) -> coding.RunResult:
        """Run `code` against the visible tests of a question of a session in progress: a candidate only
        their current question, the organisation any. Each run is counted before it runs."""
        tag_session(session_id)
        try:
            session = authorize(caller, self.store.get(session_id), subject=session_id)
        except SessionNotFound:
            raise SessionNotFound(session_id) from None
        spec = self._runnable(session, question_number, caller.is_candidate)
        if not coding.available():  # refused before the run is counted against the candidate
            raise ProviderUnavailable(
                "Code cannot be run here: no sandbox without network access is available"
            )
        self._apply(move.count_code_run(session, question_number, self.runs_per_question))
        count("CodeRuns")
        return run(spec, code, spec.visible_tests).for_candidate()

    @staticmethod
    def _runnable(session: Session, question_number: int, by_candidate: bool) -> CodingSpec:
        current = move.answerable(session)  # in progress, else SessionNotActive
        if not 1 <= question_number <= session.total_questions:
            raise InvalidRequest(
                f"question_number: the session has {session.total_questions} questions, not {question_number}"
            )
        if by_candidate and question_number != current:
            raise InvalidRequest(
                f"question_number: {question_number} is not the current question; the current one is {current}"
            )
        spec = session.questions[question_number - 1].coding
        if spec is None:
            raise InvalidRequest(
                f"question_number: question {question_number} is not a coding question with a language"
            )
        return spec

    def _apply(self, change: move.Change) -> None:
        try:
            self.store.apply(change)
        except SessionNotFound:
            raise SessionNotFound(change.session_id) from None
