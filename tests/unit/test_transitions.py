"""The session's state machine, with no AWS: every transition's legal move (what it writes, what it
counts, what it requires of the stored item) and its illegal ones, and how a refused write reads."""

from datetime import timedelta

import pytest

from interview_core.domain import (
    Answer,
    EvaluationStatus,
    Lifecycle,
    Question,
    Session,
    SessionStatus,
    Timers,
    counter_scope,
)
from interview_core.domain import transitions as move
from interview_core.domain.transitions import DueItem, EvaluationBusy, Expect, Moment, Stale, refusal
from interview_core.errors import (
    AnswerConflict,
    Forbidden,
    IllegalTransition,
    SessionNotActive,
    SessionNotFound,
)

LIFE = Lifecycle(
    inactivity=timedelta(hours=1),
    retention=timedelta(days=30),
    evaluation_grace=timedelta(minutes=15),
    ttl=timedelta(days=90),
)
T = 1_800_000_000
AT = Moment(T, "2027-01-15T08:00:00.000Z")
HOUR, GRACE, RETENTION = 3600, 900, 30 * 86400


def session(status: SessionStatus = SessionStatus.IN_PROGRESS, answered: int = 0, **kw) -> Session:
    questions = [Question(text="What is a list?"), Question(text="Reverse a list", type="coding")]
    return Session(
        session_id="0b4c2a6e-1f7d-4f1e-9a59-2c1e8f7d9b10",
        topic="Python",
        difficulty="simple",
        status=status,
        questions=questions,
        answers=[Answer(question_number=i + 1, text="x", submitted_at="t") for i in range(answered)],
        created_at="2027-01-15T07:00:00.000Z",
        updated_at="2027-01-15T07:00:00.000Z",
        expires_at=T + 90 * 86400,
        **kw,
    )


def recruiter(status: SessionStatus, answered: int = 0, **kw) -> Session:
    timers = Timers(text_question_timer=120, coding_question_timer=600)
    return session(
        status, answered, kind="recruiter", scope=counter_scope("recruiter", "acme"), timers=timers, **kw
    )


def due(status: SessionStatus, due_at: int = T - 5) -> DueItem:
    return DueItem("0b4c2a6e-1f7d-4f1e-9a59-2c1e8f7d9b10", "practice#public", status,
                   EvaluationStatus.NOT_REQUESTED, due_at, 0, None)  # fmt: skip


# -- create, start ------------------------------------------------------------------------------------


def test_a_new_session_is_counted_in_its_status_and_due_after_the_inactivity_timeout() -> None:
    s = session()
    change = move.create(s, AT, LIFE)
    assert change.expect == Expect(absent=True) and change.session is s
    assert change.counters == {"total": 1, "in_progress": 1}
    assert change.sets == {"due_at": T + HOUR}


def test_start_moves_to_in_progress_and_starts_the_first_questions_clock() -> None:
    s = recruiter(SessionStatus.INITIALIZED)
    change = move.start(s, AT, LIFE)
    assert change.session.status is SessionStatus.IN_PROGRESS
    assert change.session.started_at == AT.iso and change.session.updated_at == AT.iso
    assert change.session.current_deadline == T + 120  # the first question is a text question
    assert change.sets["due_at"] == T + HOUR
    assert change.counters == {"initialized": -1, "in_progress": 1}
    assert change.expect == Expect(status=SessionStatus.INITIALIZED, live_at=T)
    assert s.status is SessionStatus.INITIALIZED  # the session read is left as it was


@pytest.mark.parametrize(
    ("status", "detail"),
    [
        (SessionStatus.IN_PROGRESS, "Session already started"),
        (SessionStatus.COMPLETED, "Session is completed; it cannot be started"),
        (SessionStatus.ABANDONED, "Session is abandoned; it cannot be started"),
    ],
)
def test_only_an_initialized_session_starts(status: SessionStatus, detail: str) -> None:
    with pytest.raises(IllegalTransition) as refused:
        move.start(recruiter(status), AT, LIFE)
    assert refused.value.detail == detail


# -- answers --------------------------------------------------------------------------------------------


def test_an_answer_is_appended_conditional_on_the_answers_read() -> None:
    change = move.record_answer(
        recruiter(SessionStatus.IN_PROGRESS, current_deadline=T + 60), "A list.", AT, LIFE
    )
    answer = change.append["answers"][0]
    assert (answer.question_number, answer.text, answer.submitted_at, answer.late) == (
        1,
        "A list.",
        AT.iso,
        False,
    )
    assert change.session.answers == [answer] and change.session.status is SessionStatus.IN_PROGRESS
    assert change.sets == {
        "current_deadline": T + 600,
        "due_at": T + HOUR,
        "updated_at": AT.iso,
    }  # coding next
    assert change.counters == {} and "status" not in change.sets
    assert change.expect == Expect(status=SessionStatus.IN_PROGRESS, answered=0, live_at=T)


def test_the_last_answer_completes_the_session_and_its_evaluation_is_due() -> None:
    change = move.record_answer(session(answered=1), "Reversed.", AT, LIFE, question_number=2)
    s = change.session
    assert s.status is SessionStatus.COMPLETED and s.answered == 2
    assert s.completed_at == AT.iso and s.evaluation_status is EvaluationStatus.PENDING
    assert change.sets["due_at"] == T + GRACE and change.sets["ended_at"] == T
    assert change.sets["current_deadline"] is None
    assert change.counters == {"in_progress": -1, "completed": 1}
    assert change.expect.answered == 1


def test_an_answer_after_the_deadline_and_its_grace_is_kept_and_flagged_late() -> None:
    s = recruiter(SessionStatus.IN_PROGRESS, current_deadline=T - 6)
    assert move.record_answer(s, "late", AT, LIFE, late_grace_seconds=5).append["answers"][0].late is True
    assert (
        move.record_answer(s, "in grace", AT, LIFE, late_grace_seconds=6).append["answers"][0].late is False
    )


def test_an_answer_to_another_question_than_the_current_one_conflicts() -> None:
    with pytest.raises(AnswerConflict) as refused:
        move.record_answer(session(answered=1), "x", AT, LIFE, question_number=1)
    assert refused.value.detail == "Question 1 is not the current question; the current one is 2"


@pytest.mark.parametrize(
    "status", [SessionStatus.INITIALIZED, SessionStatus.COMPLETED, SessionStatus.ABANDONED]
)
def test_only_a_session_in_progress_takes_answers(status: SessionStatus) -> None:
    with pytest.raises(SessionNotActive):
        move.record_answer(session(status), "x", AT, LIFE)


# -- end -----------------------------------------------------------------------------------------------


def test_the_organisation_ends_a_session_at_any_time() -> None:
    change = move.end(
        recruiter(SessionStatus.IN_PROGRESS, current_deadline=T + 100), AT, LIFE, by_candidate=False
    )
    assert change is not None
    assert change.session.status is SessionStatus.COMPLETED and change.session.current_deadline is None
    assert change.session.evaluation_status is EvaluationStatus.PENDING
    assert change.sets["ended_at"] == T and change.sets["due_at"] == T + GRACE
    assert change.counters == {"in_progress": -1, "completed": 1}
    assert change.expect == Expect(status=SessionStatus.IN_PROGRESS, live_at=T)


def test_a_candidate_ends_only_once_the_current_questions_time_is_up() -> None:
    with pytest.raises(Forbidden) as refused:
        move.end(recruiter(SessionStatus.IN_PROGRESS, current_deadline=T + 1), AT, LIFE, by_candidate=True)
    assert refused.value.detail.startswith("The interview has 2 unanswered question(s)")
    assert move.end(recruiter(SessionStatus.IN_PROGRESS, current_deadline=T - 1), AT, LIFE, True) is not None


def test_ending_a_completed_session_changes_nothing() -> None:
    assert move.end(recruiter(SessionStatus.COMPLETED, answered=2), AT, LIFE, by_candidate=True) is None


@pytest.mark.parametrize(
    ("status", "detail"),
    [
        (SessionStatus.INITIALIZED, "Session has not started: start it before ending it"),
        (SessionStatus.ABANDONED, "Session is abandoned; it cannot be ended"),
    ],
)
def test_a_session_not_in_progress_cannot_be_ended(status: SessionStatus, detail: str) -> None:
    with pytest.raises(IllegalTransition) as refused:
        move.end(recruiter(status), AT, LIFE, by_candidate=False)
    assert refused.value.detail == detail


# -- plain updates ---------------------------------------------------------------------------------------


def test_plain_updates_need_a_live_session_and_change_no_status() -> None:
    s = recruiter(SessionStatus.COMPLETED, answered=2)
    shared = move.share_report(s, "scores")
    assert shared.sets == {"report_share": "scores"} and shared.session.report_share == "scores"
    assert shared.expect == Expect(present=True) and shared.counters == {}
    face = move.keep_reference_face(s, "sessions/x/proctoring/reference.jpg")
    assert face.session.reference_face_key == "sessions/x/proctoring/reference.jpg"
    joined = move.participant_moved(s, joined=True)
    assert joined.add == {"livekit_participants": 1} and joined.session.livekit_participants == 1
    assert move.participant_moved(s, joined=False).add == {"livekit_participants": -1}


def test_consent_is_given_once() -> None:
    change = move.give_consent(recruiter(SessionStatus.INITIALIZED))
    assert change is not None and change.sets == {"consent_received": True}
    assert move.give_consent(change.session) is None


# -- evaluation lease ------------------------------------------------------------------------------------


def test_the_lease_is_claimed_on_a_completed_session_and_counted_as_an_attempt() -> None:
    change = move.claim_evaluation("sid", "claim-1", AT, lease_seconds=90)
    assert change.sets == {
        "evaluation_status": EvaluationStatus.RUNNING,
        "evaluation_claim": "claim-1",
        "evaluation_lease_until": T + 90,
    }
    assert change.add == {"evaluation_attempts": 1} and change.read_back
    assert change.expect == Expect(status=SessionStatus.COMPLETED, claimable_at=T)


def test_the_saved_report_and_a_released_lease_require_the_writers_claim() -> None:
    saved = move.report_saved("sid", "claim-1", AT, LIFE)
    assert saved.sets == {"evaluation_status": EvaluationStatus.READY, "due_at": T + RETENTION}
    assert saved.remove == ("evaluation_lease_until",)
    assert saved.expect == Expect(status=SessionStatus.COMPLETED, claim="claim-1")
    released = move.release_evaluation("sid", "claim-1", "E" * 900)
    assert released.sets["evaluation_status"] is EvaluationStatus.PENDING
    assert released.sets["evaluation_error"] == "E" * 500
    assert released.expect == Expect(claim="claim-1", evaluation=EvaluationStatus.RUNNING)


# -- cleanup --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [SessionStatus.INITIALIZED, SessionStatus.IN_PROGRESS])
def test_an_inactive_session_is_abandoned_if_its_due_time_is_unchanged(status: SessionStatus) -> None:
    change = move.abandon(due(status, due_at=T - 5), AT, LIFE)
    assert change.sets == {"status": SessionStatus.ABANDONED, "updated_at": AT.iso, "due_at": T + RETENTION,
                           "ended_at": T}  # fmt: skip
    assert change.counters == {status.value: -1, "abandoned": 1}
    assert change.expect == Expect(status=status, due_at=T - 5)


@pytest.mark.parametrize("status", [SessionStatus.COMPLETED, SessionStatus.ABANDONED, SessionStatus.ERASING])
def test_only_an_active_session_is_abandoned(status: SessionStatus) -> None:
    with pytest.raises(IllegalTransition):
        move.abandon(due(status), AT, LIFE)


def test_postpone_moves_the_due_time_only_if_nobody_moved_it() -> None:
    change = move.postpone(due(SessionStatus.COMPLETED, due_at=T - 5), T + 60)
    assert (
        change.sets == {"due_at": T + 60} and change.expect == Expect(due_at=T - 5) and change.counters == {}
    )


def test_an_erasure_takes_the_session_out_of_its_counters_once() -> None:
    change = move.begin_erase("sid", "practice#public", SessionStatus.COMPLETED, seen_due=T)
    assert change.sets == {"status": SessionStatus.ERASING, "due_at": 0}  # due at once, should it stop
    assert change.counters == {"completed": -1, "total": -1}
    assert change.expect == Expect(status=SessionStatus.COMPLETED, due_at=T)
    assert move.begin_erase("sid", "practice#public", SessionStatus.ABANDONED).expect.due_at is None
    with pytest.raises(IllegalTransition):
        move.begin_erase("sid", "practice#public", SessionStatus.ERASING)


# -- refusals ---------------------------------------------------------------------------------------------


def found(status: SessionStatus, answers: int = 0, expires_at: int = T + 10, **kw) -> dict:
    return {"status": status.value, "answers": [{}] * answers, "expires_at": expires_at, **kw}


def test_a_refused_answer_says_whether_the_session_is_gone_finished_or_answered_meanwhile() -> None:
    change = move.record_answer(session(), "x", AT, LIFE)
    assert isinstance(refusal(change, None, T), SessionNotFound)
    assert isinstance(refusal(change, found(SessionStatus.IN_PROGRESS, expires_at=T), T), SessionNotFound)
    assert isinstance(refusal(change, found(SessionStatus.ERASING), T), SessionNotFound)
    assert isinstance(refusal(change, found(SessionStatus.ABANDONED), T), SessionNotActive)
    conflict = refusal(change, found(SessionStatus.IN_PROGRESS, answers=1), T)
    assert isinstance(conflict, AnswerConflict)
    assert conflict.detail == (
        "Question 1 was already answered by another request; the session is now at question 2"
    )
    last = refusal(change, found(SessionStatus.COMPLETED, answers=2), T)
    assert isinstance(last, SessionNotActive)


def test_a_refused_move_names_the_status_it_found() -> None:
    change = move.start(recruiter(SessionStatus.INITIALIZED), AT, LIFE)
    lost = refusal(change, found(SessionStatus.IN_PROGRESS), T)
    assert isinstance(lost, IllegalTransition)
    assert lost.detail == "Session is in_progress: it cannot move to in_progress"
    assert isinstance(refusal(change, None, T), SessionNotFound)
    assert isinstance(
        refusal(move.share_report(session(), "none"), found(SessionStatus.ERASING), T), SessionNotFound
    )


def test_a_refused_lease_is_busy_only_while_another_worker_runs() -> None:
    claim = move.claim_evaluation("sid", "c", AT, 90)
    assert isinstance(
        refusal(claim, found(SessionStatus.COMPLETED, evaluation_status="running"), T), EvaluationBusy
    )
    assert isinstance(refusal(claim, found(SessionStatus.COMPLETED, evaluation_status="ready"), T), Stale)
    assert isinstance(refusal(claim, None, T), Stale)


def test_refused_cleanup_and_lease_writes_are_stale_whatever_was_found() -> None:
    for change in (
        move.postpone(due(SessionStatus.COMPLETED), T),
        move.abandon(due(SessionStatus.IN_PROGRESS), AT, LIFE),
        move.report_saved("sid", "c", AT, LIFE),
        move.release_evaluation("sid", "c", "boom"),
    ):
        assert isinstance(refusal(change, found(SessionStatus.COMPLETED), T), Stale)


@pytest.mark.parametrize(
    ("status", "evaluation", "missing"),
    [
        (SessionStatus.COMPLETED, EvaluationStatus.PENDING, True),
        (SessionStatus.COMPLETED, EvaluationStatus.RUNNING, True),
        (SessionStatus.COMPLETED, EvaluationStatus.READY, False),
        (SessionStatus.ABANDONED, EvaluationStatus.NOT_REQUESTED, False),
    ],
)
def test_cleanup_queues_again_only_a_completed_sessions_missing_report(
    status: SessionStatus, evaluation: EvaluationStatus, missing: bool
) -> None:
    item = DueItem("sid", "practice#public", status, evaluation, T, 0, T - RETENTION)
    assert item.evaluation_missing is missing
    assert item.past_retention(LIFE, T) and not item.past_retention(LIFE, T - 1)


LIMITS = move.EventLimits(max_stored=100, per_minute=20)


def test_the_first_events_of_a_minute_start_its_count() -> None:
    change = move.log_events("sid", 3, 0, 1, move.EventWindow(minute=500, fresh=True), LIMITS)
    assert change.sets == {"proctoring_minute": 500, "proctoring_minute_events": 3}
    assert change.add == {"proctoring_violations": 1, "proctoring_events_stored": 3}
    assert change.expect == Expect(present=True, before={"proctoring_minute": 500},
                                   at_most={"proctoring_events_stored": 97})  # fmt: skip


def test_later_events_of_the_minute_need_room_for_the_whole_batch() -> None:
    change = move.log_events("sid", 0, 5, 0, move.EventWindow(minute=500, fresh=False), LIMITS)
    assert change.sets == {} and change.add == {
        "proctoring_violations": 0,
        "proctoring_minute_events": 5,
        "proctoring_events_dropped": 5,
    }
    assert change.expect == Expect(present=True, equal={"proctoring_minute": 500},
                                   at_most={"proctoring_minute_events": 15})  # fmt: skip
    server = move.log_events("sid", 1, 0, 0, None, LIMITS)  # server evidence is never rate limited
    assert server.expect == Expect(present=True, at_most={"proctoring_events_stored": 99})


def test_a_refused_batch_hands_back_the_counters_found() -> None:
    change = move.log_events("sid", 1, 0, 0, move.EventWindow(500, False), LIMITS)
    moved = refusal(
        change, found(SessionStatus.IN_PROGRESS, proctoring_minute=500, proctoring_minute_events=20), T
    )
    assert isinstance(moved, move.EventWindowChanged) and moved.current == move.EventCounts(0, 500, 20)
    assert isinstance(refusal(change, found(SessionStatus.ERASING), T), SessionNotFound)
    assert isinstance(refusal(change, None, T), SessionNotFound)
