"""The session model, shared by the practice and the recruiter API; its state machine is `transitions`."""

import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from interview_core.model import Model

Difficulty = Literal["simple", "medium", "hard"]
AnswerSource = Literal["text", "audio"]

MAX_ANSWER_CHARS = 5000  # ~10 minutes of speech; keeps a 10-answer session far below the 400 KB item limit
MAX_TOPIC_CHARS = 100
# A job description or résumé text: a few pages. Both at their limit still leave a session item far below
# 400 KB, and they are the bound on what a PDF's extraction returns.
MAX_BACKGROUND_CHARS = 20_000
BackgroundOrigin = Literal["job_description", "resume"]


class SessionStatus(StrEnum):
    INITIALIZED = "initialized"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"  # no activity for the inactivity timeout
    ERASING = "erasing"  # being deleted with everything it owns; reads treat it as gone


# States a session is counted in (an erasing session has already left the counters).
COUNTED_STATES = (
    SessionStatus.INITIALIZED,
    SessionStatus.IN_PROGRESS,
    SessionStatus.COMPLETED,
    SessionStatus.ABANDONED,
)


class EvaluationStatus(StrEnum):
    NOT_REQUESTED = "not_requested"  # answers still being collected
    PENDING = "pending"  # queued, waiting for a worker
    RUNNING = "running"  # a worker holds the lease
    READY = "ready"


# Public status of the practice API (seed 000 says active/completed).
PRACTICE_STATUS = {
    SessionStatus.INITIALIZED: "active",
    SessionStatus.IN_PROGRESS: "active",
    SessionStatus.COMPLETED: "completed",
    SessionStatus.ABANDONED: "abandoned",
    SessionStatus.ERASING: "erasing",
}


@dataclass(frozen=True)
class Lifecycle:
    """How long things may sit before the scheduled cleanup acts on them."""

    inactivity: timedelta  # an active session untouched this long is abandoned
    retention: timedelta  # a finished session is erased this long after it ended
    evaluation_grace: timedelta  # a completed session whose report is still missing is queued again
    ttl: timedelta  # DynamoDB TTL: the backstop if cleanup never ran; longer than the others

    def after(self, delta: timedelta, now: int | None = None) -> int:
        return (epoch_now() if now is None else now) + int(delta.total_seconds())


class KeyPoint(Model):
    point: str
    keywords: list[str] = Field(default_factory=list)


QuestionType = Literal["text", "coding"]
# What a recruiter session's candidate may read of their report: nothing, the feedback, or also the scores.
ReportShare = Literal["none", "feedback", "scores"]


MAX_REFERENCE_CHARS = 4000
MAX_KEY_POINTS = 12
MAX_KEY_POINT_CHARS = 300
MAX_COMPETENCY_CHARS = 100
MIN_WEIGHT = 0.01  # DynamoDB stores no number below 1e-130, and a smaller share means nothing
MAX_WEIGHT = 100.0


CodingLanguage = Literal["python", "sql"]
SqlValue = int | float | str | bool | None

# What a coding question may hold, in one place (contracts check them, GET /api/config shows them). Within
# the sandbox's own bounds (coding.models), and small enough that a session of coding questions, with its
# answers, stays below DynamoDB's 400 KB item limit: hence the totals per question and per session.
MAX_CODE_CHARS = 20_000  # starter code, a reference solution, the code sent to run
MAX_SCHEMA_CHARS = 20_000  # a SQL question's schema (and data)
MAX_TESTS = 50
MAX_TEST_NAME_CHARS = 200
MAX_EXPRESSION_CHARS = 2_000  # a Python test's call, and its expected value
MAX_EXPECTED_ROWS = 1_000
MAX_CODING_CHARS = 50_000  # one question's code, schema and tests together (as JSON)
MAX_SESSION_CODING_CHARS = 100_000  # all of a session's (or job's) coding questions together
MIN_TIME_LIMIT_MS = 100
MAX_TIME_LIMIT_MS = 10_000  # the sandbox's own cap (coding.MAX_TIME_LIMIT_MS; a unit test keeps them equal)
DEFAULT_TIME_LIMIT_MS = 2_000
MAX_CODE_RUNS = 30  # runs of the visible tests, per question and session


class CodeTest(Model):
    """One test of a coding question. Python: `call` and `expected` are expressions; SQL: the rows the one
    query must return (`ordered`: in that order). Hidden from the candidate unless `visible`."""

    name: str
    visible: bool = False
    call: str | None = None
    expected: str | None = None
    expected_rows: list[list[SqlValue]] | None = None
    ordered: bool = False
    setup: str | None = None  # SQL: this test's own data after the schema (the bank's hidden data sets)


class CodingSpec(Model):
    """How a coding question is checked. Its tests and reference solution are the organisation's: a
    candidate sees the language, the starter code and the visible tests only (`for_candidate`)."""

    language: CodingLanguage
    starter_code: str | None = None
    # SQL: builds a fresh in-memory database for every run ("schema" in requests and responses: the name
    # would shadow BaseModel.schema)
    sql_schema: str | None = Field(default=None, serialization_alias="schema")
    tests: list[CodeTest] = Field(default_factory=list)
    reference_solution: str | None = None
    time_limit_ms: int = DEFAULT_TIME_LIMIT_MS

    @property
    def visible_tests(self) -> list[CodeTest]:
        return [t for t in self.tests if t.visible]

    def for_candidate(self) -> "CandidateCoding":
        return CandidateCoding(
            language=self.language,
            starter_code=self.starter_code,
            sql_schema=self.sql_schema,
            time_limit_ms=self.time_limit_ms,
            tests=[t.model_copy() for t in self.visible_tests],
            hidden_tests=len(self.tests) - len(self.visible_tests),
        )


class CandidateCoding(Model):
    """What a candidate sees of a coding question: its language, starter code, SQL schema and visible tests;
    of the hidden tests only how many there are. Never the reference solution."""

    language: CodingLanguage
    starter_code: str | None = None
    sql_schema: str | None = Field(default=None, serialization_alias="schema")
    time_limit_ms: int
    tests: list[CodeTest] = Field(default_factory=list)  # the visible ones
    hidden_tests: int = 0


class TestResult(Model):
    __test__ = False  # not a pytest class
    # optional fields have defaults: the store's codec drops None

    name: str
    call: str | None = None  # None for SQL: every test runs the one query
    visible: bool
    passed: bool
    # the canonical text (repr for Python, JSON rows for SQL); the API hides it when the test is hidden
    expected: str | None = None
    actual: str | None = None
    # the candidate's error text (traceback lines of their code), or why the test did not run
    error: str | None = None
    duration_ms: float | None = None


class RunResult(Model):
    passed: int
    total: int
    timed_out: bool
    stdout: str  # what the candidate's code printed (stdout and stderr), at most 8 KB (coding.STDOUT_CAP)
    stdout_truncated: bool = False
    error: str | None = None  # why the code did not run at all (syntax error, exception at import...)
    results: list[TestResult]

    def for_candidate(self) -> "RunResult":
        """What the candidate may see. A run of visible tests only (`POST /api/code/run`) shows everything:
        the candidate knows those tests. A run that included hidden tests (the report's) shows which tests
        passed and the visible tests' calls and expected values only: the candidate's code shared its process
        with the hidden calls, so its output, errors and return values could carry them."""
        if all(r.visible for r in self.results):
            return self
        hidden = iter(range(1, len(self.results) + 1))
        return self.model_copy(
            update={
                "stdout": "",
                "stdout_truncated": False,
                "error": "the code did not run" if self.error else None,
                "results": [
                    r.model_copy(
                        update={
                            "name": r.name if r.visible else f"hidden test {next(hidden)}",
                            "call": r.call if r.visible else None,
                            "expected": r.expected if r.visible else None,
                            "actual": None,
                            "error": None,
                        }
                    )
                    for r in self.results
                ],
            }
        )


class QuestionSource(Model):
    """Why a question was asked: the skill (or project) of the job description or résumé it came from, so the
    organisation can see it. Stored as `origin`, shown as `from`."""

    origin: BackgroundOrigin = Field(serialization_alias="from")
    skill: str | None = None  # as the curated skill list (or the model) names it, e.g. "PostgreSQL"
    topic: str | None = None  # the question bank's topic the skill belongs to
    project: str | None = None  # a project the résumé lists


@dataclass(frozen=True)
class Background:
    """What the candidate brings to a practice interview: personal data (the résumé), stored with the
    session only, so erasing the session erases it."""

    job_description: str | None = None
    resume_text: str | None = None

    def __bool__(self) -> bool:
        return bool(self.job_description or self.resume_text)

    def texts(self) -> list[tuple[BackgroundOrigin, str]]:
        found: list[tuple[BackgroundOrigin, str | None]] = [
            ("job_description", self.job_description),
            ("resume", self.resume_text),
        ]
        return [(origin, text) for origin, text in found if text]


class Question(Model):
    """A question and its rubric. The rubric (reference answer, key points) is the organisation's: no
    candidate-facing response carries it, nor a coding question's tests beyond the visible ones."""

    text: str
    key_points: list[KeyPoint] = Field(default_factory=list)
    type: QuestionType = "text"
    reference_answer: str | None = None  # a model answer
    competency: str | None = None  # a label such as "data modelling": the report scores each one
    weight: float = 1.0  # relative weight in the overall score
    coding: CodingSpec | None = None  # coding questions that say how they are run (language and tests)
    source: QuestionSource | None = None  # from the job description or résumé; None: from the topic

    @property
    def gradable(self) -> bool:
        """Something to grade against: without it the offline grader leaves the answer to a person."""
        return bool(self.reference_answer or self.key_points)


class Word(Model):
    word: str
    start: float  # seconds from the start of the recording
    end: float


class SpeakingInsights(Model):
    """How an answer was spoken, from the transcript's word timestamps; advice, not part of the score."""

    duration_seconds: float
    word_count: int
    words_per_minute: float
    pace: Literal["slow", "conversational", "fast"]
    filler_words: dict[str, int]
    filler_count: int
    fillers_per_minute: float
    long_pauses: int
    longest_pause_seconds: float
    pause_threshold_seconds: float


class AudioRecording(Model):
    """Where a spoken answer is kept: a key the server chose, below the session's S3 prefix."""

    key: str
    format: str
    content_type: str
    duration_seconds: float


MAX_FOLLOW_UPS = 3  # follow-up questions the interviewer may ask per main question
FollowUpReason = Literal["probe", "challenge", "deeper"]


def llm_calls_per_question(follow_ups: int) -> int:
    """The most language-model calls one main question costs: its scoring, and per follow-up that may be
    asked the decision to ask it and its own scoring."""
    return 1 + 2 * follow_ups


class FollowUp(Model):
    """A follow-up question the interviewer asked after an answer, in its own voice. `target` (the key
    point it probes) is the organisation's: no candidate-facing response carries it."""

    text: str
    reason: FollowUpReason  # probe a missed key point, challenge a wrong claim, go deeper on a strong answer
    target: str | None = None


class TokenUsage(Model):
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: "TokenUsage") -> "TokenUsage":
        return TokenUsage(
            calls=self.calls + other.calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class Answer(Model):
    question_number: int  # the main question's number, for a follow-up's answer too
    text: str
    submitted_at: str
    source: AnswerSource = "text"
    audio: AudioRecording | None = None
    speaking: SpeakingInsights | None = None
    deadline_at: int | None = None  # epoch seconds the server gave this question (timed sessions only)
    late: bool = False  # answered after its deadline: recorded, and flagged in the report
    follow_up_of: int | None = None  # this answers a follow-up of that main question
    follow_up: FollowUp | None = None  # the follow-up the interviewer asked after this answer
    # what deciding on it cost, when a language model decided (the report's token_usage counts it)
    interviewer_usage: TokenUsage | None = None


PUBLIC_ORG = "public"  # the organisation of every request while access control is off


class Candidate(Model):
    """Personal data: stored with the session, erased with it, never logged."""

    name: str
    email: str
    phone: str | None = None


class Timers(Model):
    text_question_timer: int
    coding_question_timer: int

    def seconds_for(self, question: "Question") -> int:
        return self.coding_question_timer if question.type == "coding" else self.text_question_timer


class LiveKitRoom(Model):
    name: str
    fallback: bool
    fallback_reason: str | None = None
    creation_time: int | None = None


def counter_scope(kind: str, org_id: str) -> str:
    return f"{kind}#{org_id}"


def scope_owner(scope: str) -> tuple[str, str]:
    """A counter scope's kind and organisation: all an index row tells of whose session it is."""
    kind, _, org_id = scope.partition("#")
    return kind, org_id


class Session(Model):
    session_id: str
    kind: Literal["practice", "recruiter"] = "practice"
    org_id: str = PUBLIC_ORG
    scope: str = counter_scope("practice", PUBLIC_ORG)  # which counters count it: kind and organisation
    topic: str
    difficulty: Difficulty
    status: SessionStatus
    questions: list[Question]
    answers: list[Answer] = Field(default_factory=list)
    created_at: str
    updated_at: str
    completed_at: str | None = None
    evaluation_status: EvaluationStatus = EvaluationStatus.NOT_REQUESTED
    evaluation_attempts: int = 0
    evaluation_error: str | None = None
    expires_at: int
    # Recruiter sessions
    candidate: Candidate | None = None
    candidate_token_hash: str | None = None  # sha256 of the candidate's per-session token
    job_id: str | None = None
    job_title: str | None = None
    external_id: str | None = None  # the organisation's own id for the session
    job_external_id: str | None = None  # the job's, as it was when the session was made
    max_questions: int | None = None
    timers: Timers | None = None
    started_at: str | None = None
    current_deadline: int | None = None  # epoch seconds: when the current question's time runs out
    consent_received: bool = False
    reference_face_key: str | None = None
    proctoring_violations: int = 0  # every violation, including those beyond the stored timeline
    proctoring_events_stored: int = 0  # timeline items (capped); later events are only counted by type
    proctoring_events_dropped: int = 0
    proctoring_minute: int = 0  # epoch minute of proctoring_minute_events (the per-minute rate limit)
    proctoring_minute_events: int = 0
    livekit: LiveKitRoom | None = None
    livekit_participants: int = 0  # joins minus leaves, from LiveKit's signed webhooks
    report_share: ReportShare = "none"  # set by the organisation (release-report, or its job's default)
    share_epoch: int = 0  # share links made before the current epoch are revoked (DELETE .../share)
    # Practice sessions fitted to a role: shown to the organisation that owns the session, never logged.
    job_description: str | None = None
    resume_text: str | None = None
    follow_ups: int = 0  # the most follow-up questions per main question (0: a fixed list, as before)

    @property
    def total_questions(self) -> int:
        return len(self.questions)

    @property
    def answered(self) -> int:
        """Main questions answered: `answers` holds every turn, a follow-up's answer too."""
        return sum(a.follow_up_of is None for a in self.answers)

    @property
    def pending_follow_up(self) -> FollowUp | None:
        """The follow-up asked after the last answer, while it awaits its answer."""
        if self.status is SessionStatus.IN_PROGRESS and self.answers:
            return self.answers[-1].follow_up
        return None

    @property
    def current_number(self) -> int:
        """The main question the next answer goes to (a pending follow-up's is its main question's)."""
        return self.answers[-1].question_number if self.pending_follow_up else self.answered + 1

    @property
    def turn(self) -> int:
        """The running count of every question asked, follow-ups included: the one now awaiting an answer."""
        return len(self.answers) + 1

    def follow_up_fields(self) -> dict[str, bool | int | None]:
        """What a session with follow-ups on adds to the question it now asks (HTTP and live): `follow_up`,
        `follow_up_of` (a follow-up's main question) and `turn`. Nothing for a session without them."""
        if not self.follow_ups:
            return {}
        pending = self.pending_follow_up is not None
        return {
            "follow_up": pending,
            "follow_up_of": self.current_number if pending else None,
            "turn": self.turn,
        }

    def follow_ups_asked(self, question_number: int) -> int:
        return sum(a.follow_up is not None for a in self.answers if a.question_number == question_number)

    @property
    def is_active(self) -> bool:
        return self.status in (SessionStatus.INITIALIZED, SessionStatus.IN_PROGRESS)

    @property
    def current_question(self) -> Question | None:
        """The main question now asked (also while one of its follow-ups is: see pending_follow_up)."""
        if self.status is SessionStatus.IN_PROGRESS and self.current_number <= self.total_questions:
            return self.questions[self.current_number - 1]
        return None


class FollowUpScore(Model):
    question: str
    answer: str
    score: int | None = None
    evidence: list[str] = Field(default_factory=list)
    feedback: str = ""


class QuestionScore(Model):
    question_number: int
    question: str
    answer: str
    score: int | None = Field(  # None is not stored (the codec drops it): hence the default
        default=None, ge=0, le=10, description="Null when the answer needs a person's review"
    )
    evidence: list[str]
    missing: list[str]
    feedback: str  # never quotes the rubric: a recruiter may release it to the candidate
    strengths: list[str] = Field(default_factory=list)  # what scored well: covered key points
    needs_review: bool = False
    review_reason: str | None = None
    detected: list[str] = Field(default_factory=list)  # gaming detectors that fired (grader v2)
    competency: str | None = None
    weight: float = 1.0
    speaking: SpeakingInsights | None = None
    question_type: "QuestionType" = "text"
    late: bool = False  # answered after the server's deadline for the question
    tests: RunResult | None = None  # a coding answer's run against every test, hidden ones included
    review_only: bool = False  # a coding question without tests: graded by review alone
    source: QuestionSource | None = None  # why it was asked (the organisation's report only)
    follow_ups: list[FollowUpScore] = Field(default_factory=list)  # each follow-up asked, in order
    score_before_follow_ups: int | None = None  # the first answer's own score, when follow-ups were asked
    follow_up_effect: str | None = None  # how the follow-ups changed the assessment of the question


class ProctoringEvent(Model):
    type: str
    at: str  # ISO 8601, UTC
    at_ms: int  # epoch milliseconds (the timeline's sort key)
    source: Literal["client", "server", "livekit"]
    detail: str | None = None
    question_number: int | None = None
    violation: bool = False


class IntegrityReport(Model):
    """Advisory only: it lists what happened and why the score moved, and never rejects anyone."""

    score: int = Field(ge=0, le=100)
    level: Literal["high", "medium", "low"]
    reasons: list[str]
    violations: dict[str, int]
    timeline: list[ProctoringEvent]
    events_not_listed: int = 0  # beyond the stored cap: counted in the score, not in the timeline
    advisory: str


class CompetencyScore(Model):
    competency: str
    score: float | None = Field(default=None, ge=0, le=10)  # weighted mean of its graded answers
    questions: list[int]  # question numbers
    needs_review: int = 0


class Report(Model):
    session_id: str
    topic: str
    difficulty: Difficulty
    overall_score: float | None = Field(
        default=None,
        ge=0,
        le=10,
        description="Weighted mean of the graded answers; null when none could be graded",
    )
    graded_answers: int = 0
    answers_needing_review: int = 0
    competencies: list[CompetencyScore] = Field(default_factory=list)

    @model_validator(mode="after")
    def _counted(self) -> "Report":
        """Reports stored before answers could await review have no counts: every answer was graded."""
        if not self.graded_answers and not self.answers_needing_review:
            self.answers_needing_review = sum(q.score is None for q in self.questions)
            self.graded_answers = len(self.questions) - self.answers_needing_review
        return self

    questions: list[QuestionScore]
    strengths: list[str]
    improvements: list[str]
    summary: str
    speaking_summary: str | None = None  # only when answers were spoken
    integrity: IntegrityReport | None = None  # recruiter sessions: the proctoring summary
    provider: str
    model: str
    rubric_version: str
    token_usage: TokenUsage
    generated_at: str
    evaluation_seconds: float

    def with_candidate_tests(self) -> "Report":
        """The report with each coding answer's run as a candidate may see it (RunResult.for_candidate): a
        practice session's reader is its candidate."""
        questions = [
            q.model_copy(update={"tests": q.tests.for_candidate()}) if q.tests else q for q in self.questions
        ]
        return self.model_copy(update={"questions": questions})


MIN_SHARE_DAYS = 1
MAX_SHARE_DAYS = 30
DEFAULT_SHARE_DAYS = 7


class ShareLink(Model):
    """A read-only link to a report, stored under the SHA-256 of its token (never the token itself)."""

    session_id: str
    org_id: str
    epoch: int  # the session's share_epoch when it was made: revoking moves the session's on
    created_at: str
    expires_at: int  # epoch seconds; also the item's TTL


STRENGTH_THRESHOLD = 7  # a score from which an answer counts among the strengths


class CandidateFollowUp(Model):
    question: str
    answer: str
    feedback: str
    score: int | None = None  # only when the organisation shares scores


class CandidateQuestion(Model):
    question_number: int
    question: str
    answer: str
    feedback: str
    score: int | None = None  # only when the organisation shares scores
    tests: RunResult | None = None  # which tests passed (RunResult.for_candidate)
    follow_ups: list[CandidateFollowUp] = Field(default_factory=list)  # the interviewer's, in order


class CandidateReport(Model):
    """What a recruiter session's candidate may read: the released part of the report. Built from the
    per-question feedback alone, so no score (unless shared), no key point, no integrity detail reaches
    the candidate: the report's own strengths, improvements and summary quote scores and key points."""

    session_id: str
    topic: str
    share: ReportShare
    overall_score: float | None = None  # only when the organisation shares scores
    questions: list[CandidateQuestion]
    strengths: list[str]
    improvements: list[str]
    summary: str
    speaking_summary: str | None = None
    generated_at: str

    @classmethod
    def of(cls, report: Report, share: ReportShare, rubric: Sequence[str] = ()) -> "CandidateReport":
        """`rubric`: the session's reference answers and key points; a feedback sentence that quotes one
        (a language model may, whatever it is told) is left out."""
        scores = share == "scores"
        strong = [q for q in report.questions if q.score is not None and q.score >= STRENGTH_THRESHOLD]
        weak = [q for q in report.questions if q.missing]
        summary = f"Feedback on your {len(report.questions)} answers on {report.topic}."
        if scores and report.overall_score is not None:
            summary += f" Overall {report.overall_score}/10."
        return cls(
            session_id=report.session_id,
            topic=report.topic,
            share=share,
            overall_score=report.overall_score if scores else None,
            questions=[
                CandidateQuestion(
                    question_number=q.question_number,
                    question=q.question,
                    answer=q.answer,
                    feedback=without_quotes(q.feedback, rubric),
                    score=q.score if scores else None,
                    tests=q.tests.for_candidate() if q.tests else None,
                    follow_ups=[
                        CandidateFollowUp(
                            question=f.question,
                            answer=f.answer,
                            feedback=without_quotes(f.feedback, rubric),
                            score=f.score if scores else None,
                        )
                        for f in q.follow_ups
                    ],
                )
                for q in report.questions
            ],
            strengths=[f"Question {q.question_number}: a strong answer" for q in strong],
            improvements=[f"Question {q.question_number}: a complete answer would cover more" for q in weak],
            summary=summary,
            speaking_summary=report.speaking_summary,
            generated_at=report.generated_at,
        )


QUOTE_WORDS = 5  # a run of this many of the rubric's words in a row is a quote of it


def _word_runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)} if len(words) >= n else set()


def without_quotes(feedback: str, rubric: Sequence[str]) -> str:
    """`feedback` without the sentences that quote the rubric: QUOTE_WORDS of its words in a row, or a
    whole short key point."""
    runs = set().union(*(_word_runs(r, QUOTE_WORDS) for r in rubric)) if rubric else set()
    short = [
        " ".join(re.findall(r"[a-z0-9]+", r.lower())) for r in rubric if 2 <= len(r.split()) < QUOTE_WORDS
    ]
    kept = []
    for sentence in re.split(r"(?<=[.!?])\s+", feedback):
        flat = " ".join(re.findall(r"[a-z0-9]+", sentence.lower()))
        if _word_runs(sentence, QUOTE_WORDS) & runs or any(s and f" {s} " in f" {flat} " for s in short):
            continue
        kept.append(sentence)
    return " ".join(kept).strip() or "Feedback withheld: it quoted what the answer was graded against."


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch_now() -> int:
    return int(time.time())


def new_session_id() -> str:
    return str(uuid.uuid4())
