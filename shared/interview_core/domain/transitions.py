"""The session's state machine: every write the services make to a session, as a pure function.

A transition takes what the caller read (a Session, or the cleanup index's projection of one) and its
inputs, raises a domain error when the move is illegal, and returns a `Change`: the session after it, the
attributes to write, the counter deltas, and the condition the stored item must still meet. The store
renders the condition and writes the change in one call; when the condition fails, `refusal` tells from
the item as found which error the caller gets. Nothing here talks to AWS.
"""

from dataclasses import dataclass, field
from typing import Any, TypeIs

from interview_core.domain import (
    Answer,
    AnswerSource,
    AudioRecording,
    EvaluationStatus,
    FollowUp,
    Lifecycle,
    ReportShare,
    Session,
    SessionStatus,
    SpeakingInsights,
    TokenUsage,
    epoch_now,
    utc_now,
)
from interview_core.errors import (
    AnswerConflict,
    EvaluationBusy,
    Forbidden,
    IllegalTransition,
    RunLimitReached,
    SessionNotActive,
    SessionNotFound,
)

ACTIVE = (SessionStatus.INITIALIZED, SessionStatus.IN_PROGRESS)
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class Moment:
    """One reading of the clock, in both forms the session stores."""

    epoch: int
    iso: str

    @classmethod
    def now(cls, epoch: int | None = None) -> "Moment":
        return cls(epoch_now() if epoch is None else epoch, utc_now())


@dataclass(frozen=True)
class Expect:
    """What the stored item must still be for the write to apply; unset fields are not checked."""

    absent: bool = False  # a new item: nothing stored under its key yet
    present: bool = False  # stored and not being erased
    status: SessionStatus | None = None  # the status read
    answered: int | None = None  # the number of answers read
    live_at: int | None = None  # not expired at this epoch second
    due_at: int | None = None  # the due time read (cleanup)
    claim: str | None = None  # the evaluation lease token the writer holds
    evaluation: EvaluationStatus | None = None  # the evaluation status read
    claimable_at: int | None = None  # evaluation pending, or running with a lease that ran out before this
    equal: dict[str, int] = field(default_factory=dict)  # number attributes as read
    before: dict[str, int] = field(default_factory=dict)  # number attributes absent or below these
    at_most: dict[str, int] = field(default_factory=dict)  # number attributes absent or at most these


@dataclass(frozen=True)
class Change:
    """One write to a session item. `sets` maps attribute -> value (None writes NULL); `append` adds to
    list attributes, `add` to number attributes, `remove` deletes; `counters` are status deltas of the
    session's counter scope, written in the same transaction."""

    session_id: str
    scope: str
    expect: Expect
    session: Session | None = None  # the session after the change, when the caller read one
    sets: dict[str, Any] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    append: dict[str, list[Any]] = field(default_factory=dict)
    add: dict[str, int] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    read_back: bool = False  # the caller needs the item as written (ReturnValues=ALL_NEW)

    @property
    def result(self) -> Session:
        """The session as the change leaves it: only changes made from a session read carry one."""
        if self.session is None:
            raise TypeError(f"this change to {self.session_id} was not made from a session read")
        return self.session

    @property
    def new_status(self) -> SessionStatus | None:
        status = self.sets.get("status")
        return SessionStatus(status) if status is not None else None


@dataclass(frozen=True)
class DueItem:
    """What the cleanup index projects: enough to decide what cleanup does without reading the session."""

    session_id: str
    scope: str
    status: SessionStatus
    evaluation_status: EvaluationStatus
    due_at: int
    lease_until: int
    ended_at: int | None

    def past_retention(self, lifecycle: Lifecycle, now: int) -> bool:
        return self.ended_at is not None and now >= lifecycle.after(lifecycle.retention, self.ended_at)

    @property
    def evaluation_missing(self) -> bool:
        """Completed, and its report never arrived (queued, or a worker's lease)."""
        return self.status is SessionStatus.COMPLETED and self.evaluation_status in (
            EvaluationStatus.PENDING,
            EvaluationStatus.RUNNING,
        )


@dataclass(frozen=True)
class EventLimits:
    max_stored: int  # timeline items kept per session; later events are only counted
    per_minute: int  # events accepted per session and minute (HTTP and the live channel together)


@dataclass(frozen=True)
class EventCounts:
    """The proctoring counters on a session item."""

    stored: int = 0
    minute: int = 0  # epoch minute the per-minute count belongs to
    in_minute: int = 0

    @classmethod
    def of(cls, data: dict[str, Any]) -> "EventCounts":
        return cls(
            int(data.get("proctoring_events_stored", 0)),
            int(data.get("proctoring_minute", 0)),
            int(data.get("proctoring_minute_events", 0)),
        )


@dataclass(frozen=True)
class EventWindow:
    minute: int
    fresh: bool  # no events counted in this minute yet (as last read)


class EventWindowChanged(Exception):
    """Another call changed the session's proctoring counters since they were read."""

    def __init__(self, current: EventCounts) -> None:
        super().__init__("proctoring counters changed")
        self.current = current


class Stale(Exception):
    """The item is no longer what the caller read (another write got there first); nothing was written."""


# What a conditional write on a read it no longer matches can end in, for callers that only re-read.
REFUSALS = (Stale, SessionNotFound, IllegalTransition)


def _moved(session: Session, sets: dict[str, Any], answers: list[Answer] | None = None) -> Session:
    """The session as the change leaves it: the model's own fields among `sets`."""
    update = {k: v for k, v in sets.items() if k in Session.model_fields}
    if answers:
        update["answers"] = [*session.answers, *answers]
    return session.model_copy(update=update)


def _move(
    session: Session,
    to: SessionStatus,
    sets: dict[str, Any],
    at: Moment,
    answers: list[Answer] | None = None,
    **expect: Any,
) -> Change:
    """A move from the status read to `to` (which may be the same), with its counters; conditional on that
    status and on the session not having expired."""
    sets = {**sets, **({"status": to} if to is not session.status else {}), "updated_at": at.iso}
    return Change(
        session.session_id,
        session.scope,
        Expect(status=session.status, live_at=at.epoch, **expect),
        _moved(session, sets, answers),
        sets,
        append={"answers": answers} if answers else {},
        counters={session.status.value: -1, to.value: 1} if to is not session.status else {},
    )


def create(session: Session, at: Moment, lifecycle: Lifecycle) -> Change:
    """A new session, counted in its status; cleanup first looks at it after the inactivity timeout. The
    store writes the whole item, with `sets` beside the session's own fields."""
    return Change(
        session.session_id,
        session.scope,
        Expect(absent=True),
        session,
        sets={"due_at": lifecycle.after(lifecycle.inactivity, at.epoch)},
        counters={"total": 1, session.status.value: 1},
    )


def start(session: Session, at: Moment, lifecycle: Lifecycle) -> Change:
    """initialized -> in_progress; a timed session's first question's clock starts."""
    if session.status is not SessionStatus.INITIALIZED:
        raise IllegalTransition(
            "Session already started"
            if session.status is SessionStatus.IN_PROGRESS
            else f"Session is {session.status.value}; it cannot be started"
        )
    deadline = at.epoch + session.timers.seconds_for(session.questions[0]) if session.timers else None
    sets = {
        "started_at": at.iso,
        "current_deadline": deadline,
        "due_at": lifecycle.after(lifecycle.inactivity, at.epoch),
    }
    return _move(session, SessionStatus.IN_PROGRESS, sets, at)


def _completion(at: Moment, lifecycle: Lifecycle) -> dict[str, Any]:
    """What completing a session writes, whether by its last answer or by /end: its evaluation is due."""
    return {
        "completed_at": at.iso,
        "ended_at": at.epoch,
        "evaluation_status": EvaluationStatus.PENDING,
        "current_deadline": None,
        "due_at": lifecycle.after(lifecycle.evaluation_grace, at.epoch),
    }


def answerable(session: Session, question_number: int | None = None, turn: int | None = None) -> int:
    """The number of the question an answer now goes to (a follow-up's: its main question's); refused unless
    the session is in progress, `question_number` (when the client sends one) is that question and `turn`
    (when sent) is the turn now awaiting an answer."""
    if session.status is not SessionStatus.IN_PROGRESS:
        raise SessionNotActive()
    current = session.current_number
    if question_number is not None and question_number != current:
        raise AnswerConflict(
            f"Question {question_number} is not the current question; the current one is {current}"
        )
    if turn is not None and turn != session.turn:
        raise AnswerConflict(f"Turn {turn} is not the current turn; the current one is {session.turn}")
    return current


def record_answer(
    session: Session,
    text: str,
    at: Moment,
    lifecycle: Lifecycle,
    question_number: int | None = None,
    source: AnswerSource = "text",
    audio: AudioRecording | None = None,
    speaking: SpeakingInsights | None = None,
    late_grace_seconds: int = 0,
    turn: int | None = None,
    follow_up: FollowUp | None = None,
    interviewer_usage: TokenUsage | None = None,
) -> Change:
    """The answer to the current question (or to its pending follow-up); the last one completes the session
    unless `follow_up`, the interviewer's next question about it, is asked. Conditional on the number of
    answers read (every turn), so of two racing answers to one question exactly one is recorded.

    Timed (recruiter) sessions: the server's clock decides, for follow-ups too. A late answer is kept and
    flagged."""
    current = answerable(session, question_number, turn)
    if follow_up is not None and session.follow_ups_asked(current) >= session.follow_ups:
        raise IllegalTransition(f"Question {current} has had its {session.follow_ups} follow-up(s)")
    deadline = session.current_deadline
    answer = Answer(
        question_number=current,
        text=text,
        submitted_at=at.iso,
        source=source,
        audio=audio,
        speaking=speaking,
        deadline_at=deadline,
        late=deadline is not None and at.epoch > deadline + late_grace_seconds,
        follow_up_of=current if session.pending_follow_up else None,
        follow_up=follow_up,
        interviewer_usage=interviewer_usage if interviewer_usage and interviewer_usage.calls else None,
    )
    if follow_up is None and current == session.total_questions:
        return _move(session, SessionStatus.COMPLETED, _completion(at, lifecycle), at, [answer],
                     answered=len(session.answers))  # fmt: skip
    next_deadline = None
    if session.timers:
        asked = session.questions[current - 1] if follow_up else session.questions[current]
        next_deadline = at.epoch + session.timers.seconds_for(asked)
    sets = {"current_deadline": next_deadline, "due_at": lifecycle.after(lifecycle.inactivity, at.epoch)}
    return _move(session, SessionStatus.IN_PROGRESS, sets, at, [answer], answered=len(session.answers))


def end(session: Session, at: Moment, lifecycle: Lifecycle, by_candidate: bool) -> Change | None:
    """in_progress -> completed, by the organisation at any time, by the candidate only once the current
    question's time is up. None for a completed session: clients call /end after the last answer."""
    if session.status is SessionStatus.COMPLETED:
        return None
    if session.status is not SessionStatus.IN_PROGRESS:
        raise IllegalTransition(
            "Session has not started: start it before ending it"
            if session.status is SessionStatus.INITIALIZED
            else f"Session is {session.status.value}; it cannot be ended"
        )
    time_up = session.current_deadline is not None and at.epoch > session.current_deadline
    if by_candidate and not time_up:
        raise Forbidden(
            f"The interview has {session.total_questions - session.answered} unanswered question(s): "
            "a candidate can end it only after the last answer or once the current question's time is up"
        )
    return _move(session, SessionStatus.COMPLETED, _completion(at, lifecycle), at)


def _set(session: Session, sets: dict[str, Any] | None = None, add: dict[str, int] | None = None) -> Change:
    """Plain attribute updates on a live session, whatever its status."""
    sets = sets or {}
    moved = _moved(session, sets)
    if add:
        moved = moved.model_copy(update={k: getattr(session, k) + n for k, n in add.items()})
    return Change(session.session_id, session.scope, Expect(present=True), moved, sets, add=add or {})


def share_report(session: Session, share: ReportShare) -> Change:
    """What the candidate may read of their report from now on (`none` withdraws it again)."""
    return _set(session, {"report_share": share})


def revoke_share_links(session: Session) -> Change:
    """Every share link made so far stops working: each names the epoch it was made in."""
    return _set(session, add={"share_epoch": 1})


def give_consent(session: Session) -> Change | None:
    """Once: None when consent was given already, so repeating it changes nothing."""
    return None if session.consent_received else _set(session, {"consent_received": True})


def keep_reference_face(session: Session, key: str) -> Change:
    return _set(session, {"reference_face_key": key})


def participant_moved(session: Session, joined: bool) -> Change:
    """People in the LiveKit room: joins minus leaves."""
    return _set(session, add={"livekit_participants": 1 if joined else -1})


def log_events(
    session_id: str, kept: int, dropped: int, violations: int, window: EventWindow | None, limits: EventLimits
) -> Change:
    """The session's proctoring counters for a batch: `kept` on the timeline, `dropped` beyond its cap,
    and, when rate limited (`window`), this minute's count. Conditional on the session being live, on
    this minute's count leaving room for the whole batch and on the stored count leaving room for
    `kept`, so racing calls can never pass either cap."""
    n = kept + dropped
    sets: dict[str, Any] = {}
    add = {"proctoring_violations": violations}
    expect: dict[str, dict[str, int]] = {"equal": {}, "before": {}, "at_most": {}}
    if window is not None and window.fresh:  # the first events of this minute start its count
        sets = {"proctoring_minute": window.minute, "proctoring_minute_events": n}
        expect["before"]["proctoring_minute"] = window.minute
    elif window is not None:
        add["proctoring_minute_events"] = n
        expect["equal"]["proctoring_minute"] = window.minute
        expect["at_most"]["proctoring_minute_events"] = limits.per_minute - n
    if kept:
        add["proctoring_events_stored"] = kept
        expect["at_most"]["proctoring_events_stored"] = limits.max_stored - kept
    if dropped:
        add["proctoring_events_dropped"] = dropped
    condition = Expect(
        present=True, equal=expect["equal"], before=expect["before"], at_most=expect["at_most"]
    )
    return Change(session_id, "", condition, sets=sets, add=add)


CODE_RUNS = "code_runs_"  # + the question number: runs of that question's visible tests


def count_code_run(session: Session, question_number: int, limit: int) -> Change:
    """One more run of a question's visible tests. Conditional on the session being in progress and on
    the question's count leaving room for it, so racing runs can never pass `limit`."""
    runs = f"{CODE_RUNS}{question_number}"
    expect = Expect(present=True, status=SessionStatus.IN_PROGRESS, at_most={runs: limit - 1})
    return Change(session.session_id, session.scope, expect, session, add={runs: 1}, read_back=True)


# -- evaluation lease ---------------------------------------------------------------------------------


def claim_evaluation(session_id: str, claim: str, at: Moment, lease_seconds: int) -> Change:
    """Take the lease on a completed session's evaluation: pending, or running with a lease run out."""
    return Change(
        session_id,
        "",
        Expect(status=SessionStatus.COMPLETED, claimable_at=at.epoch),
        sets={
            "evaluation_status": EvaluationStatus.RUNNING,
            "evaluation_claim": claim,
            "evaluation_lease_until": at.epoch + lease_seconds,
        },
        add={"evaluation_attempts": 1},
        read_back=True,
    )


def report_saved(session_id: str, claim: str, at: Moment, lifecycle: Lifecycle) -> Change:
    """The lease holder's report is written; the session is erased after retention. An erasure that began
    meanwhile wins: no report outlives its session."""
    return Change(
        session_id,
        "",
        Expect(status=SessionStatus.COMPLETED, claim=claim),
        sets={
            "evaluation_status": EvaluationStatus.READY,
            "due_at": lifecycle.after(lifecycle.retention, at.epoch),
        },
        remove=("evaluation_lease_until",),
    )


def release_evaluation(session_id: str, claim: str, error: str) -> Change:
    """Give the lease back after a failure, with the reason, so the retried message can claim it at once."""
    return Change(
        session_id,
        "",
        Expect(claim=claim, evaluation=EvaluationStatus.RUNNING),
        sets={"evaluation_status": EvaluationStatus.PENDING, "evaluation_error": error[:MAX_ERROR_CHARS]},
        remove=("evaluation_lease_until",),
    )


# -- cleanup --------------------------------------------------------------------------------------------


def abandon(item: DueItem, at: Moment, lifecycle: Lifecycle) -> Change:
    """Active -> abandoned, if nothing happened since the item was read (its due time is unchanged)."""
    if item.status not in ACTIVE:
        raise IllegalTransition(f"Session is {item.status.value}: it cannot move to abandoned")
    to = SessionStatus.ABANDONED
    return Change(
        item.session_id,
        item.scope,
        Expect(status=item.status, due_at=item.due_at),
        sets={
            "status": to,
            "updated_at": at.iso,
            "due_at": lifecycle.after(lifecycle.retention, at.epoch),
            "ended_at": at.epoch,
        },
        counters={item.status.value: -1, to.value: 1},
    )


def postpone(item: DueItem, due_at: int) -> Change:
    """The session's next look moves to `due_at`, if nobody moved it since it was read."""
    return Change(item.session_id, item.scope, Expect(due_at=item.due_at), sets={"due_at": due_at})


def begin_erase(session_id: str, scope: str, status: SessionStatus, seen_due: int | None = None) -> Change:
    """Mark the session as being erased and take it out of the counters, once: conditional on the status
    read (and, for cleanup, on its due time), so a concurrent run or a retry cannot count it out twice.
    Due since forever: if the erasure stops half way, whatever run comes next finishes it."""
    if status is SessionStatus.ERASING:
        raise IllegalTransition("Session is erasing: it cannot move to erasing")
    return Change(
        session_id,
        scope,
        Expect(status=status, due_at=seen_due),
        sets={"status": SessionStatus.ERASING, "due_at": 0},
        counters={status.value: -1, "total": -1},
    )


# -- refusals -------------------------------------------------------------------------------------------


def is_live(found: dict[str, Any] | None, now: int) -> TypeIs[dict[str, Any]]:
    """DynamoDB's TTL deletes late: an expired item is treated as gone, and so is one being erased."""
    return (
        found is not None
        and int(found.get("expires_at", 0)) > now
        and found.get("status") != SessionStatus.ERASING.value
    )


def refusal(change: Change, found: dict[str, Any] | None, now: int) -> Exception:
    """The error for a change whose condition failed, from the item as it was found (None: no item)."""
    expect = change.expect
    if expect.claimable_at is not None:  # the lease: busy while another worker's is valid, else nothing to do
        running = found is not None and found.get("evaluation_status") == EvaluationStatus.RUNNING.value
        return EvaluationBusy(change.session_id) if running else Stale()
    if expect.claim is not None or expect.due_at is not None:
        return Stale()
    if runs := [a for a in expect.at_most if a.startswith(CODE_RUNS)]:
        if not is_live(found, now):
            return SessionNotFound()
        if found.get("status") != SessionStatus.IN_PROGRESS.value:
            return SessionNotActive()
        return RunLimitReached(
            f"Question {runs[0].removeprefix(CODE_RUNS)} has been run {expect.at_most[runs[0]] + 1} times, "
            "the most a question may be in a session; the answer can still be submitted"
        )
    if expect.equal or expect.before or expect.at_most:  # the proctoring counters moved meanwhile
        if not found or found.get("status") == SessionStatus.ERASING.value:
            return SessionNotFound()
        return EventWindowChanged(EventCounts.of(found))
    if expect.absent:
        return Stale()
    if not is_live(found, now):
        return SessionNotFound()
    if expect.answered is not None:
        if found.get("status") != SessionStatus.IN_PROGRESS.value:
            return SessionNotActive()
        total = change.session.total_questions if change.session else 0
        if change.session and change.session.follow_ups:  # answers count turns, follow-ups included
            return AnswerConflict(
                f"Turn {expect.answered + 1} was already answered by another request; "
                f"the session is now at turn {len(found.get('answers', [])) + 1}"
            )
        return AnswerConflict(
            f"Question {expect.answered + 1} was already answered by another request; "
            f"the session is now at question {min(len(found.get('answers', [])) + 1, total)}"
        )
    if expect.status is not None and change.new_status is not None:
        return IllegalTransition(f"Session is {found['status']}: it cannot move to {change.new_status.value}")
    return Stale()
