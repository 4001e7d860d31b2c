"""Recruiter sessions (seed 002): created for a named candidate from custom questions or a job, started,
answered through the same answer endpoints as practice sessions (with server-side timers), ended, listed,
counted. The same Session model and state machine as practice: initialized -> in_progress -> completed,
or abandoned by the cleanup."""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from interview_core.access import Caller, authorize, digest, new_secret
from interview_core.contracts import QuestionIn
from interview_core.domain import (
    Candidate,
    LiveKitRoom,
    Question,
    QuestionType,
    Report,
    ReportShare,
    Session,
    SessionStatus,
    Timers,
    counter_scope,
    epoch_now,
    llm_calls_per_question,
    new_session_id,
    utc_now,
)
from interview_core.domain import transitions as move
from interview_core.domain.transitions import Moment
from interview_core.errors import InvalidRequest, SessionNotFound
from interview_core.jobs import Job, JobStore
from interview_core.observability import count, logger, tag_session
from interview_core.queue import EvaluationQueue
from interview_core.quota import Payer
from interview_core.services.retention import RetentionService
from interview_core.store import SessionStore

if TYPE_CHECKING:
    from interview_core.webhooks import Event
    from interview_core.webhooks.events import Events

RECRUITER = "recruiter"
ROOM_SCOPE = "recruiter-room"  # sessions with an open LiveKit room count here, so rooms are counted for free


@dataclass(frozen=True)
class NewSession:
    name: str
    email: str
    phone: str | None
    job_id: str | None
    questions: Sequence[str | QuestionIn] | None  # a text alone, or with its rubric (and perhaps its type)
    question_types: list[QuestionType] | QuestionType | None
    max_questions: int | None
    text_question_timer: int
    coding_question_timer: int
    candidate_report: ReportShare | None = None  # None: the job's default, else "none"
    follow_ups: int | None = None  # None: the job's, else 0
    external_id: str | None = None


@dataclass(frozen=True)
class Created:
    session: Session
    candidate_token: str
    room_token: str | None
    room_url: str | None


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    next_cursor: str | None


class RecruiterService:
    def __init__(
        self,
        store: SessionStore,
        jobs: JobStore,
        queue: EvaluationQueue,
        retention: RetentionService,
        rooms: Callable[[], Any],  # -> LiveKitRooms, built on first use (livekit is a heavy import)
        events: "Events | None" = None,
    ) -> None:
        self.events = events
        self.store = store
        self.jobs = jobs
        self.queue = queue
        self.retention = retention
        self.rooms = rooms

    # -- create ---------------------------------------------------------------------------------

    def _questions(
        self, org_id: str, spec: NewSession
    ) -> tuple[list[Question], Job | None, ReportShare, int]:
        """The session's questions with their rubrics: the job's, or the request's, whose own type wins
        over question_types."""
        share: ReportShare = spec.candidate_report or "none"
        follow_ups = spec.follow_ups or 0
        if spec.job_id:
            job = self.jobs.get(org_id, spec.job_id)
            questions = [  # vetted when the job was made
                q.as_question(q.text, q.type, q.coding_spec()).model_copy(update={"source": q.source})
                for q in job.questions
            ]
            share = spec.candidate_report or job.candidate_report
            follow_ups = job.follow_ups if spec.follow_ups is None else spec.follow_ups
            if spec.questions:
                raise InvalidRequest("Send either job_id or questions, not both")
        elif spec.questions:
            written = [
                (QuestionIn(text=q) if isinstance(q, str) else q).checked(f"questions.{i}")
                for i, q in enumerate(spec.questions)
            ]
            types = _question_types(spec.question_types, len(written))
            questions = [
                q.as_question(q.text, q.type or t, q.coding_spec())
                for q, t in zip(written, types, strict=True)
            ]
            if any(q.coding is not None for q in questions):
                from interview_core.services.coding import vet  # the sandbox: only for coding questions

                vet(questions)
            job = None
        else:
            raise InvalidRequest("Either questions or job_id is required")
        return questions[: spec.max_questions or len(questions)], job, share, follow_ups

    def create(self, org_id: str, spec: NewSession, payer: Payer | None = None) -> Created:
        questions, job, share, follow_ups = self._questions(org_id, spec)
        if payer is not None:  # before the room: the session, and the scoring call per answer at the end
            payer.charge(sessions=1, llm_calls=len(questions) * llm_calls_per_question(follow_ups))
        session_id = new_session_id()
        tag_session(session_id)
        grant = self.rooms().open_room(session_id)
        token = new_secret()
        now = utc_now()
        session = Session(
            session_id=session_id,
            kind=RECRUITER,
            org_id=org_id,
            scope=counter_scope(RECRUITER if grant.fallback else ROOM_SCOPE, org_id),
            topic=job.title if job else "Custom interview",
            difficulty="medium",
            status=SessionStatus.INITIALIZED,
            questions=questions,
            created_at=now,
            updated_at=now,
            expires_at=self.store.lifecycle.after(self.store.lifecycle.ttl),
            candidate=Candidate(name=spec.name, email=spec.email, phone=spec.phone),
            candidate_token_hash=digest(token),
            job_id=spec.job_id,
            job_title=job.title if job else None,
            external_id=spec.external_id,
            job_external_id=job.external_id if job else None,
            max_questions=spec.max_questions or len(questions),
            timers=Timers(
                text_question_timer=spec.text_question_timer, coding_question_timer=spec.coding_question_timer
            ),
            livekit=LiveKitRoom(
                name=grant.room_name,
                fallback=grant.fallback,
                fallback_reason=grant.reason,
                creation_time=grant.creation_time,
            ),
            report_share=share,
            follow_ups=follow_ups,
        )
        self._apply(move.create(session, Moment.now(), self.store.lifecycle), "session.created")
        count("RecruiterSessionsCreated")
        logger.info(
            "recruiter session created",
            extra={"questions": len(questions), "livekit_fallback": grant.fallback, "job": bool(spec.job_id)},
        )
        return Created(session, token, grant.token, grant.url)

    # -- read -----------------------------------------------------------------------------------

    def get(self, session_id: str, caller: Caller) -> tuple[Session, Report | None]:
        tag_session(session_id)
        try:
            session, report = self.store.get_with_report(session_id)
        except SessionNotFound:
            raise SessionNotFound(session_id) from None
        if session.kind != RECRUITER:
            raise SessionNotFound(session_id)
        authorize(caller, session, subject=session_id)
        return session, report

    def _session(self, session_id: str, caller: Caller) -> Session:
        tag_session(session_id)
        try:
            session = self.store.get(session_id)
        except SessionNotFound:
            raise SessionNotFound(session_id) from None
        if session.kind != RECRUITER:
            raise SessionNotFound(session_id)
        return authorize(caller, session, subject=session_id)

    def list(
        self, org_id: str, status: SessionStatus | None, limit: int, offset: int, cursor: str | None
    ) -> Page:
        scope = counter_scope(RECRUITER, org_id)
        partition = f"{scope}#{status.value}" if status else scope
        start = _decode_cursor(cursor, partition) if cursor else None
        rows, last = self.store.list_sessions(scope, status, limit, 0 if start else offset, start)
        counts = self.counts(org_id)
        total = counts[status.value] if status else counts["total"]
        return Page(rows, total, _encode_cursor(last) if last else None)

    def counts(self, org_id: str) -> dict[str, int]:
        """Sessions without a room and with one are counted apart; both together are the organisation's."""
        plain = self.store.counts(counter_scope(RECRUITER, org_id))
        rooms = self.store.counts(counter_scope(ROOM_SCOPE, org_id))
        merged = {k: plain[k] + rooms[k] for k in plain}
        merged["livekit_rooms_open"] = rooms["initialized"] + rooms["in_progress"]
        return merged

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self, session_id: str, caller: Caller) -> Session:
        session = self._session(session_id, caller)
        started = self._apply(
            move.start(session, Moment.now(epoch_now()), self.store.lifecycle), "session.started"
        )
        count("RecruiterSessionsStarted")
        return started

    def end(self, session_id: str, caller: Caller) -> Session:
        """In progress -> completed, and the evaluation is queued. Ending an ended session changes nothing
        (clients call /end after the last answer, which already completed it)."""
        session = self._session(session_id, caller)
        change = move.end(session, Moment.now(epoch_now()), self.store.lifecycle, caller.is_candidate)
        if change is None:
            return session
        ended = self._apply(change, "session.completed")
        count("SessionsCompleted")
        try:
            self.queue.enqueue(session_id)
        except Exception:
            logger.exception("could not queue evaluation; the pending sweep will re-queue it")
        self._close_room(session)
        return ended

    def release_report(self, session_id: str, caller: Caller, share: ReportShare) -> Session:
        """What the candidate may read of their report from now on (`none` withdraws it again)."""
        released = self._apply(move.share_report(self._session(session_id, caller), share))
        logger.info("candidate report share set", extra={"share": share})
        return released

    def _apply(self, change: move.Change, event: "Event | None" = None) -> Session:
        """Write the change, with `event` queued in the same step; the session as it leaves it. A session
        gone meanwhile is not found by its id."""
        pending = self.events.pending(change.result, event) if self.events and event else None
        try:
            self.store.apply(change, also=self.events.outbox(pending) if self.events else None)
        except SessionNotFound:
            raise SessionNotFound(change.session_id) from None
        if self.events:
            self.events.send(pending)
        return change.result

    def delete(self, session_id: str, caller: Caller) -> None:
        session = self._session(session_id, caller)
        self.retention.erase(session_id, caller, subject=session_id)
        self._close_room(session)

    def _close_room(self, session: Session) -> None:
        if session.livekit and not session.livekit.fallback:
            self.rooms().close_room(session.livekit.name)


def _question_types(given: list[QuestionType] | QuestionType | None, n: int) -> list[QuestionType]:
    if not isinstance(given, list):
        return [given or "text"] * n
    if len(given) != n:
        raise InvalidRequest(f"question_types has {len(given)} entries for {n} questions")
    return given


def _encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


# A cursor is the LastEvaluatedKey of an index query: the table's key plus the index's own.
_CURSOR_KEYS = {
    "list_pk": frozenset({"pk", "sk", "list_pk", "list_sk"}),  # ListIndex
    "status_pk": frozenset({"pk", "sk", "status_pk", "list_sk"}),  # StatusIndex
}
INVALID_CURSOR = "Invalid cursor: pass next_cursor exactly as a previous page returned it"


def _decode_cursor(cursor: str, partition: str) -> dict[str, Any]:
    """Cursors are DynamoDB keys: anything but the exact key of this listing (and organisation) is refused
    here, before DynamoDB would reject it as an ExclusiveStartKey."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, TypeError):
        raise InvalidRequest(INVALID_CURSOR) from None
    index_key = "status_pk" if partition.count("#") == 2 else "list_pk"  # recruiter#<org>[#<status>]
    if not (
        isinstance(key, dict)
        and set(key) == _CURSOR_KEYS[index_key]
        and all(
            isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) and _storable(v["S"])
            for v in key.values()
        )
        and key[index_key]["S"] == partition
        and key["pk"]["S"].startswith("SESSION#")
        and key["sk"]["S"] == "META"
    ):
        raise InvalidRequest(INVALID_CURSOR)
    return key


def _storable(value: str) -> bool:
    """Non-empty (DynamoDB refuses empty key strings), UTF-8 (no lone surrogate) and of a key's size."""
    try:
        return 0 < len(value.encode()) <= 1024
    except UnicodeEncodeError:
        return False
