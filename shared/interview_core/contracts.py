"""Field types and limits that the HTTP API and the live channel both accept: one definition, so an answer or
a proctoring event is checked alike (and documented alike) whichever way it arrives.

Below `api` and `live`, which may both import it and neither the other; above the domain, whose limits it
applies. Only pydantic and the hygiene types: nearly every function loads it."""

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import ConfigDict, Field

from interview_core import text as hygiene
from interview_core.domain import MAX_ANSWER_CHARS
from interview_core.model import Model

if TYPE_CHECKING:  # the checker sees plain strings; pydantic the cleaned, bounded types
    AnswerText = str
    EventDetail = str
else:
    AnswerText = hygiene.answer(MAX_ANSWER_CHARS)
    EventDetail = hygiene.line(200, required=False)
QuestionNumber = Annotated[int, Field(ge=1)]  # 1-based, as every message and response counts them

# What a candidate's browser reports; server-side checks and LiveKit add their own types (proctoring.WEIGHTS).
ClientEventType = Literal[
    "tab_hidden", "window_blur", "paste", "fullscreen_exit", "no_face", "multiple_faces"
]
MAX_EVENTS_PER_BATCH = 50  # per request or live message; the per-minute cap is the service's


# Deferred, unlike a request body: it is built with the request or message that holds it, so the practice
# functions, which load this module for AnswerText, never build it.
class ProctoringEventIn(Model):
    model_config = ConfigDict(extra="forbid")
    type: ClientEventType
    at: int | None = Field(default=None, description="Epoch milliseconds on the client's clock")
    detail: EventDetail | None = None


ProctoringEvents = Annotated[list[ProctoringEventIn], Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)]
