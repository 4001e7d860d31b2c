"""The live channel's messages: JSON text frames, each an object with a `type`.

These models are the protocol's single source: the channel parses and builds messages with them, and the
JSON Schema files in docs/schemas/ are generated from them (`python -m interview_core.live.protocol
docs/schemas`; a test fails when the committed files drift)."""

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, Field, TypeAdapter

from interview_core.contracts import (
    AnswerText,
    Code,
    CodeRunResponse,
    ProctoringEvents,
    QuestionNumber,
    ShownCoding,
)
from interview_core.domain import EvaluationStatus, QuestionType, SessionStatus
from interview_core.model import Model

# Holds the longest answer (5000 characters) in any script of up to 3 UTF-8 bytes a character, with its
# envelope; well under API Gateway's 32 KB frame limit.
MAX_FRAME_BYTES = 16 * 1024
TIMER_WARNINGS = (60, 30, 10)  # seconds left at which the local transport pushes a `timer` message
ErrorCode = Literal[
    "invalid_json",  # the frame is not a JSON object
    "too_large",  # the frame is over MAX_FRAME_BYTES
    "unknown_type",  # `type` is missing or not one of the client messages
    "invalid_message",  # a known type with missing or invalid fields
    "unauthorized",  # missing or invalid credentials (sent before the server closes with 4401)
    "not_found",  # no such session, or not one these credentials open (4404 at connect)
    "not_active",  # the session is not in progress (not started yet, completed or abandoned)
    "conflict",  # the question was already answered (HTTP 409): by another connection, or a stale number
    "illegal_state",  # start/end not allowed in the session's state (HTTP 409), or on a practice session
    "unavailable",  # a provider the request needs is down (HTTP 503)
    "rate_limited",  # too many of these messages just now, or a question's runs used up (HTTP 429); nothing recorded
    "forbidden",  # these credentials may not do this (HTTP 403), e.g. a candidate ending before the last answer
    "bad_request",  # any other refusal with a detail (HTTP 400)
    "internal",  # a server error; the connection stays usable
]


# -- client -> server -----------------------------------------------------------------------------


class ClientMessage(Model):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not silently ignored
    type: str  # each message narrows it to its own literal


class AnswerMessage(ClientMessage):
    """Answer the current question (text, or code for a coding question)."""

    type: Literal["answer"]
    question_number: QuestionNumber = Field(
        description="The question this answers: a stale number is a conflict"
    )
    answer: AnswerText
    turn: QuestionNumber | None = Field(
        default=None,
        description="Optional: the turn this answers (follow-ups count); a stale turn is a conflict",
    )


class ProctoringMessage(ClientMessage):
    """What the candidate's browser saw; recorded on the session's proctoring timeline."""

    type: Literal["proctoring"]
    events: ProctoringEvents


class PingMessage(ClientMessage):
    """Keep-alive (send one every ~15 s). Answered with `pong`, and over API Gateway also with `timer`."""

    type: Literal["ping"]


class StartMessage(ClientMessage):
    """Start an initialized recruiter session: the first question's timer starts now."""

    type: Literal["start"]


class EndMessage(ClientMessage):
    """End a recruiter session now; its evaluation is queued. Practice sessions end with their last answer."""

    type: Literal["end"]


class StateRequest(ClientMessage):
    """Ask for the current state: answered with `state`, then `question` or `completed` (+ `report_ready`)."""

    type: Literal["state"]


class RunCodeMessage(ClientMessage):
    """Run code against a coding question's visible tests, as POST /api/code/run does (30 runs a question).
    Answered with `code_result`; the run records nothing but its count."""

    type: Literal["run_code"]
    code: Code = Field(description="Python: the candidate's code; SQL: one query")
    question_number: QuestionNumber | None = Field(
        default=None, description="The question to run; left out: the current one"
    )


AnyClientMessage = Annotated[
    AnswerMessage
    | ProctoringMessage
    | PingMessage
    | StartMessage
    | EndMessage
    | StateRequest
    | RunCodeMessage,
    Field(discriminator="type"),
]
CLIENT_MESSAGES: TypeAdapter[Any] = TypeAdapter(AnyClientMessage)


# -- server -> client -----------------------------------------------------------------------------


class ServerMessage(Model):
    # Every field is always sent (nulls included): the schema lists them all as required.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    def frame(self) -> str:
        return self.model_dump_json(by_alias=True)  # as the schemas name fields: a coding `schema`


class QuestionMessage(ServerMessage):
    """The question to answer now."""

    type: Literal["question"] = "question"
    question_number: int = Field(description="1-based")
    total_questions: int
    text: str
    question_type: QuestionType
    deadline_at: int | None = Field(description="Epoch seconds (server clock); null: untimed (practice)")
    seconds_left: int | None = Field(description="Seconds until deadline_at when sent; null: untimed")
    coding: ShownCoding
    # Only in sessions with follow-ups on: the others' messages stay as they were.
    follow_up: bool | None = Field(
        default=None, description="True for a follow-up question", exclude_if=lambda v: v is None
    )
    follow_up_of: int | None = Field(
        default=None, description="A follow-up's main question number", exclude_if=lambda v: v is None
    )
    turn: int | None = Field(
        default=None,
        description="The running count of every question asked, follow-ups included",
        exclude_if=lambda v: v is None,
    )


class TimerMessage(ServerMessage):
    """The current question's clock: a warning (seconds_left 60/30/10), or `expired` once the deadline passed.
    An answer after the deadline is still recorded, and flagged late."""

    type: Literal["timer"] = "timer"
    question_number: int
    deadline_at: int
    seconds_left: int = Field(ge=0)
    expired: bool


class AckMessage(ServerMessage):
    """The answer was recorded."""

    type: Literal["ack"] = "ack"
    question_number: int
    late: bool = Field(description="Answered after the question's deadline (plus network slack)")


class StateMessage(ServerMessage):
    """Where the session stands."""

    type: Literal["state"] = "state"
    session_id: str
    kind: Literal["practice", "recruiter"]
    status: SessionStatus
    answered: int
    total_questions: int
    evaluation_status: EvaluationStatus
    consent_received: bool
    reference_face_captured: bool
    proctoring_violations: int


class ProctoringRecordedMessage(ServerMessage):
    """Proctoring events were added to the timeline."""

    type: Literal["proctoring_recorded"] = "proctoring_recorded"
    recorded: int
    violations_count: int


class CompletedMessage(ServerMessage):
    """No more questions: every answer is recorded (or the interview was ended) and the evaluation is queued."""

    type: Literal["completed"] = "completed"
    session_id: str
    answered: int
    total_questions: int
    evaluation_status: EvaluationStatus
    report_url: str


class ReportReadyMessage(ServerMessage):
    """The evaluation report can be fetched (GET report_url with the same credentials)."""

    type: Literal["report_ready"] = "report_ready"
    report_url: str


class PongMessage(ServerMessage):
    type: Literal["pong"] = "pong"
    server_time: float = Field(description="Epoch seconds: lets a client correct its clock for deadline_at")


class CodeResultMessage(ServerMessage, CodeRunResponse):
    """A `run_code`'s result: the body POST /api/code/run returns. Hidden tests never run here."""

    type: Literal["code_result"] = "code_result"


class ErrorMessage(ServerMessage):
    """A refused message. The session is unchanged and the connection stays open (except at connect)."""

    type: Literal["error"] = "error"
    code: ErrorCode
    detail: str
    in_reply_to: str | None = Field(description="The `type` of the client message refused, when known")


AnyServerMessage = Annotated[
    QuestionMessage
    | TimerMessage
    | AckMessage
    | StateMessage
    | ProctoringRecordedMessage
    | CompletedMessage
    | ReportReadyMessage
    | PongMessage
    | CodeResultMessage
    | ErrorMessage,
    Field(discriminator="type"),
]
SERVER_MESSAGES: TypeAdapter[Any] = TypeAdapter(AnyServerMessage)


# -- JSON Schema files ----------------------------------------------------------------------------

_CLIENT = (
    AnswerMessage,
    ProctoringMessage,
    PingMessage,
    StartMessage,
    EndMessage,
    StateRequest,
    RunCodeMessage,
)
_SERVER = (
    QuestionMessage,
    TimerMessage,
    AckMessage,
    StateMessage,
    ProctoringRecordedMessage,
    CompletedMessage,
    ReportReadyMessage,
    PongMessage,
    CodeResultMessage,
    ErrorMessage,
)


def _type_of(model: type[Model]) -> str:
    return str(get_args(model.model_fields["type"].annotation)[0])


CLIENT_TYPES = tuple(_type_of(m) for m in _CLIENT)


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema: one per message, plus the two unions a client can validate against."""
    out: dict[str, dict[str, Any]] = {}
    for model in _CLIENT:
        out[f"client.{_type_of(model)}.json"] = model.model_json_schema(mode="validation")
    for reply in _SERVER:
        out[f"server.{_type_of(reply)}.json"] = reply.model_json_schema(mode="serialization")
    out["client-message.json"] = CLIENT_MESSAGES.json_schema(mode="validation")
    out["server-message.json"] = SERVER_MESSAGES.json_schema(mode="serialization")
    base = "https://json-schema.org/draft/2020-12/schema"
    return {name: {"$schema": base, **schema} for name, schema in out.items()}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # python -m interview_core.live.protocol docs/schemas
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas")
    target.mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        (target / name).write_text(render(schema))
    print(f"wrote {len(json_schemas())} schemas to {target}")
