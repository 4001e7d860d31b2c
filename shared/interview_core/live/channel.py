"""The live channel, independent of its transport: who may connect, what each client message does, and
which messages go back. Both transports (FastAPI locally, API Gateway WebSocket in AWS) call only this,
and this calls only the core services the HTTP routes use, so the rules are the HTTP API's: the same
access checks, the same conditional answer write (racing answers record one), the server's deadlines.

Nothing here keeps state between calls: everything lives in DynamoDB, so a dropped connection resumes
from `on_connect` on any server or Lambda instance."""

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from pydantic import ValidationError

from interview_core.access import MESSAGES, ApiKeys, Caller, check, identify
from interview_core.contracts import candidate_coding
from interview_core.domain import EvaluationStatus, Report, Session, SessionStatus
from interview_core.errors import (
    Forbidden,
    IllegalTransition,
    InterviewError,
    InvalidRequest,
    Refused,
    SessionNotFound,
    Unauthorized,
)
from interview_core.live.protocol import (
    CLIENT_MESSAGES,
    CLIENT_TYPES,
    MAX_FRAME_BYTES,
    TIMER_WARNINGS,
    AckMessage,
    AnswerMessage,
    ClientMessage,
    CodeResultMessage,
    CompletedMessage,
    EndMessage,
    ErrorCode,
    ErrorMessage,
    PingMessage,
    PongMessage,
    ProctoringMessage,
    ProctoringRecordedMessage,
    QuestionMessage,
    ReportReadyMessage,
    RunCodeMessage,
    ServerMessage,
    StartMessage,
    StateMessage,
    StateRequest,
    TimerMessage,
)
from interview_core.observability import logger, tag_session
from interview_core.services.evaluation import EvaluationService, may_read_report
from interview_core.services.interview import PRACTICE, InterviewService
from interview_core.services.proctoring import ProctoringService, make_event
from interview_core.services.recruiter import RecruiterService
from interview_core.settings import Settings
from interview_core.text import printable

if TYPE_CHECKING:  # the sandbox loads only where a run is made ($default), not in $connect or $disconnect
    from interview_core.services.coding import CodingService

# A handler's replies, and the session as it is afterwards when the handler read it (else None).
Handled = tuple[list[ServerMessage], Session | None]


@dataclass(frozen=True)
class Credentials:
    """From the connection's query string: browsers cannot set headers on a WebSocket."""

    token: str | None = None  # the candidate's per-session token (candidate_token from create)
    api_key: str | None = None  # an organisation's API key


@dataclass(frozen=True)
class Connection:
    session_id: str
    caller: Caller
    base_url: str = ""  # where report links point when PUBLIC_BASE_URL is not set; empty: relative links


def error(code: ErrorCode, detail: str, in_reply_to: str | None = None) -> ErrorMessage:
    """An `error` message. Codes are named here only for the channel's own refusals (a frame it cannot
    parse); a domain error's code comes from its class (`refusal`)."""
    return ErrorMessage(code=code, detail=detail, in_reply_to=in_reply_to)


def refusal(err: InterviewError, in_reply_to: str | None = None) -> ErrorMessage:
    """A domain error as the channel reports it: its code and detail (over HTTP: its status)."""
    return error(cast(ErrorCode, err.code), err.detail, in_reply_to)


def seconds_until(deadline: int) -> int:
    return max(0, math.ceil(deadline - time.time()))


def warning_times(question: QuestionMessage) -> list[float]:
    """Epoch seconds at which a pushing transport checks the clock for this question: each warning still
    ahead when the question was sent, then the deadline itself (`expired`)."""
    if question.deadline_at is None or question.seconds_left is None:
        return []
    ahead = [w for w in TIMER_WARNINGS if w < question.seconds_left]
    return [float(question.deadline_at - w) for w in ahead] + [float(question.deadline_at)]


class LiveChannel:
    def __init__(
        self,
        interview: InterviewService,
        recruiter: RecruiterService,
        proctoring: ProctoringService,
        evaluation: EvaluationService,
        coding: "CodingService",
        api_keys: ApiKeys,
        settings: Settings,
    ) -> None:
        self.interview = interview
        self.recruiter = recruiter
        self.proctoring = proctoring
        self.evaluation = evaluation
        self.coding = coding
        self.api_keys = api_keys
        self.settings = settings

    # -- connect ----------------------------------------------------------------------------------

    def on_connect(
        self, session_id: str, credentials: Credentials, base_url: str = ""
    ) -> tuple[Connection, list[ServerMessage]]:
        """Authenticate (raises Refused) and return the connection with what to send first: `state`, then
        the current `question` or `completed` (and `report_ready`). One Query, credentials aside."""
        if not session_id:
            raise Refused(InvalidRequest("session_id is required in the query string"))
        tag_session(session_id)
        conn = Connection(session_id, self._caller(credentials), base_url)
        try:
            session, report = self.evaluation.report(session_id, conn.caller)
        except SessionNotFound:
            # A session these credentials do not open looks exactly like a missing one (as over HTTP).
            raise Refused(SessionNotFound()) from None
        logger.info("live connection opened", extra={"kind": session.kind})
        return conn, self._snapshot(conn, session, report)

    def _caller(self, credentials: Credentials) -> Caller:
        """The rule of api/auth.py, from the query string instead of headers."""
        try:
            who = identify(
                credentials.api_key,
                credentials.token,
                self.api_keys,
                self.settings.auth_required,
                "Missing credentials: add token (the candidate's) or api_key to the query",
            )
            check(who, MESSAGES["connect"])
        except (Unauthorized, Forbidden) as err:
            raise Refused(err) from None
        if who.org_id:
            logger.append_keys(org_id=who.org_id)
        return who

    # -- messages ---------------------------------------------------------------------------------

    def on_message(
        self, conn: Connection, raw: str | bytes, *, greet: bool = False, clock: bool = False
    ) -> list[ServerMessage]:
        """The replies to one client frame; never raises. A refused frame gets one `error` and changes
        nothing. `greet`: also send the connect snapshot first (a transport that could not send it at
        connect). `clock`: end with the current question's `timer` (a transport that cannot push one)."""
        tag_session(conn.session_id)
        message = self._parse(raw)
        replies: list[ServerMessage] = []
        if greet and not isinstance(message, StateRequest):
            replies += self._run(None, lambda: (self._state(conn), None))[0]
        after: Session | None = None
        if isinstance(message, ErrorMessage):
            replies.append(message)
        else:
            handler = self._HANDLERS[type(message)]

            def handle() -> Handled:
                check(conn.caller, MESSAGES[message.type])
                return handler(self, conn, message)

            out, after = self._run(message.type, handle)
            replies += out
        if clock and not any(isinstance(m, QuestionMessage) for m in replies):
            replies += [timer] if (timer := self.clock(conn, after)) else []
        return replies

    def clock(self, conn: Connection, session: Session | None = None) -> TimerMessage | None:
        """The current question's clock, if it is timed: seconds left, or expired."""
        try:
            session = session or self.interview.get(conn.session_id, conn.caller)
        except InterviewError:
            return None
        if session.current_question is None or session.current_deadline is None:
            return None
        left = seconds_until(session.current_deadline)
        return TimerMessage(
            question_number=session.current_number,
            deadline_at=session.current_deadline,
            seconds_left=left,
            expired=left == 0,
        )

    def _parse(self, raw: str | bytes) -> ClientMessage | ErrorMessage:
        if isinstance(raw, bytes):
            return error("invalid_json", "Send JSON text frames, not binary ones")
        if len(raw) > MAX_FRAME_BYTES or len(raw.encode()) > MAX_FRAME_BYTES:
            return error("too_large", f"Frames are limited to {MAX_FRAME_BYTES} bytes")
        try:
            data = json.loads(raw)
        except ValueError:
            return error("invalid_json", 'Frames are JSON objects with a type, e.g. {"type": "state"}')
        if not isinstance(data, dict):
            return error("invalid_json", 'Frames are JSON objects with a type, e.g. {"type": "state"}')
        kind = data.get("type")
        if kind not in CLIENT_TYPES:
            return error("unknown_type", f"Unknown message type {kind!r}; one of: {', '.join(CLIENT_TYPES)}")
        try:
            return CLIENT_MESSAGES.validate_python(data)  # type: ignore[no-any-return]
        except ValidationError as err:
            detail = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'][1:]) or 'message'}: {e['msg']}" for e in err.errors()
            )
            return error("invalid_message", printable(detail), kind)  # a field name may be a lone surrogate

    @staticmethod
    def _run(in_reply_to: str | None, handle: Callable[[], Handled]) -> Handled:
        """A handler's result, or the error its refusal maps to. A refusal changes nothing: the services
        check before they write, and each write is one conditional, all-or-nothing request."""
        try:
            return handle()
        except InterviewError as err:
            return [refusal(err, in_reply_to)], None
        except Exception:
            logger.exception("live message failed", extra={"message_type": in_reply_to})
            detail = 'Internal server error; send {"type": "state"} to see where the session stands'
            return [error("internal", detail, in_reply_to)], None

    # -- handlers ---------------------------------------------------------------------------------

    def _answer(self, conn: Connection, m: AnswerMessage) -> Handled:
        outcome = self.interview.submit_answer(
            conn.session_id, m.answer, m.question_number, caller=conn.caller, turn=m.turn
        )
        s = outcome.session
        ack = AckMessage(question_number=m.question_number, late=s.answers[-1].late)
        return [ack, *self._progress(conn, s, None)], s

    def _proctoring(self, conn: Connection, m: ProctoringMessage) -> Handled:
        s = self.proctoring.session(conn.session_id, conn.caller)
        question = s.current_number if s.is_active else None
        events = [make_event(e.type, "client", e.at, e.detail, question) for e in m.events]
        recorded = self.proctoring.record(s, events)
        violations = s.proctoring_violations + sum(e.violation for e in events)
        return [ProctoringRecordedMessage(recorded=recorded, violations_count=violations)], s

    def _ping(self, conn: Connection, m: PingMessage) -> Handled:
        return [PongMessage(server_time=time.time())], None

    def _start(self, conn: Connection, m: StartMessage) -> Handled:
        self._recruiter_only(conn, "Practice sessions start when they are created")
        s = self.recruiter.start(conn.session_id, conn.caller)
        return self._snapshot(conn, s, None), s

    def _end(self, conn: Connection, m: EndMessage) -> Handled:
        self._recruiter_only(conn, "Practice sessions end with their last answer")
        s = self.recruiter.end(conn.session_id, conn.caller)
        report = None
        if s.evaluation_status is EvaluationStatus.READY:  # it had ended before: the report may be there
            s, report = self.evaluation.report(conn.session_id, conn.caller)
        return self._progress(conn, s, self._readable(conn, s, report)), s

    def _state_request(self, conn: Connection, m: StateRequest) -> Handled:
        return self._state(conn), None

    def _run_code(self, conn: Connection, m: RunCodeMessage) -> Handled:
        # The service checks the number (in progress, a coding question, a candidate's current one) and
        # counts the run before it runs; reading the session for the default costs one GetItem more.
        number = m.question_number or self.interview.get(conn.session_id, conn.caller).current_number
        result = self.coding.run_visible(conn.session_id, number, m.code, conn.caller)
        return [CodeResultMessage.of(result)], None

    _HANDLERS: dict[type[ClientMessage], Callable[..., Handled]] = {
        AnswerMessage: _answer,
        ProctoringMessage: _proctoring,
        PingMessage: _ping,
        StartMessage: _start,
        EndMessage: _end,
        StateRequest: _state_request,
        RunCodeMessage: _run_code,
    }

    # -- views ------------------------------------------------------------------------------------

    def _recruiter_only(self, conn: Connection, detail: str) -> None:
        if self.interview.get(conn.session_id, conn.caller).kind == PRACTICE:
            raise IllegalTransition(detail)

    def _state(self, conn: Connection) -> list[ServerMessage]:
        session, report = self.evaluation.report(conn.session_id, conn.caller)
        return self._snapshot(conn, session, report)

    def _readable(self, conn: Connection, s: Session, report: Report | None) -> Report | None:
        """report_ready only for a report the caller may open (a candidate's, once released)."""
        return report if may_read_report(conn.caller, s) else None

    def _snapshot(self, conn: Connection, s: Session, report: Report | None) -> list[ServerMessage]:
        report = self._readable(conn, s, report)
        state = StateMessage(
            session_id=s.session_id,
            kind=s.kind,
            status=s.status,
            answered=s.answered,
            total_questions=s.total_questions,
            evaluation_status=s.evaluation_status,
            consent_received=s.consent_received,
            reference_face_captured=s.reference_face_key is not None,
            proctoring_violations=s.proctoring_violations,
        )
        return [state, *self._progress(conn, s, report)]

    def _progress(self, conn: Connection, s: Session, report: Report | None) -> list[ServerMessage]:
        """What comes next: the current question, or completed (and report_ready once the report exists).
        An initialized session waits for `start`; an abandoned one has nothing more."""
        question = s.current_question
        if question is not None:
            deadline = s.current_deadline
            pending = s.pending_follow_up
            return [
                QuestionMessage(
                    question_number=s.current_number,
                    total_questions=s.total_questions,
                    text=pending.text if pending else question.text,
                    question_type="text" if pending else question.type,
                    deadline_at=deadline,
                    seconds_left=seconds_until(deadline) if deadline is not None else None,
                    coding=None if pending else candidate_coding(question),
                    **s.follow_up_fields(),
                )
            ]
        if s.status is not SessionStatus.COMPLETED:
            return []
        url = self._report_url(conn)
        done: list[ServerMessage] = [
            CompletedMessage(
                session_id=s.session_id,
                answered=s.answered,
                total_questions=s.total_questions,
                evaluation_status=s.evaluation_status,
                report_url=url,
            )
        ]
        return done + ([ReportReadyMessage(report_url=url)] if report is not None else [])

    def _report_url(self, conn: Connection) -> str:
        base = self.settings.public_base_url or conn.base_url
        return f"{base.rstrip('/')}/api/reports/{conn.session_id}"
