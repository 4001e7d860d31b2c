"""Field types and limits that more than one side accepts: one definition, so an answer or a proctoring event
is checked alike (and documented alike) whichever way it arrives (the HTTP API or the live channel), and a
question's rubric alike on every route that takes one (and in the recruiter service, which reads it).

Below `api`, `live` and `services`, which may all import it; above the domain, whose limits it applies. Only
pydantic and the hygiene types: nearly every function loads it."""

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, TypeAdapter
from pydantic_core import PydanticCustomError

from interview_core import text as hygiene
from interview_core.domain import (
    MAX_ANSWER_CHARS,
    MAX_COMPETENCY_CHARS,
    MAX_KEY_POINT_CHARS,
    MAX_KEY_POINTS,
    MAX_REFERENCE_CHARS,
    MAX_WEIGHT,
    KeyPoint,
    Question,
    QuestionType,
)
from interview_core.model import Model

if TYPE_CHECKING:  # the checker sees plain strings; pydantic the cleaned, bounded types
    AnswerText = str
    EventDetail = str
    QuestionText = str
    ReferenceAnswer = str
    KeyPointText = str
    Competency = str
else:
    AnswerText = hygiene.answer(MAX_ANSWER_CHARS)
    EventDetail = hygiene.line(200, required=False)
    QuestionText = hygiene.text(2000)  # coding questions span lines
    ReferenceAnswer = hygiene.text(MAX_REFERENCE_CHARS, required=False)  # model answers hold code too
    KeyPointText = hygiene.line(MAX_KEY_POINT_CHARS)
    Competency = hygiene.line(MAX_COMPETENCY_CHARS, required=False)
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


class Rubric(Model):
    """What an answer is graded against, as the organisation writes it beside a question: on
    /evaluate-answers, custom questions and jobs alike. The organisation's alone: never shown to candidates."""

    model_config = ConfigDict(extra="forbid")
    reference_answer: ReferenceAnswer | None = Field(default=None, description="A model answer")
    key_points: list[KeyPointText] = Field(
        default_factory=list, max_length=MAX_KEY_POINTS, description="What a good answer covers"
    )
    competency: Competency | None = Field(
        default=None, description='What the question assesses, e.g. "data modelling": reports score each one'
    )
    weight: float = Field(  # strict: true or "2" is a mistake, not a weight
        default=1.0, gt=0, le=MAX_WEIGHT, strict=True, description="Relative weight in the overall score"
    )

    def as_question(self, text: str, type: QuestionType = "text") -> Question:
        """The domain question: a recruiter's key point is a `KeyPoint` without keywords."""
        return Question(
            text=text,
            type=type,
            reference_answer=self.reference_answer or None,  # a blank one is none (the field is optional)
            key_points=[KeyPoint(point=p) for p in self.key_points],
            competency=self.competency or None,
            weight=self.weight,
        )


class QuestionIn(Rubric):
    """A question the organisation writes: custom questions at session creation, and a job's."""

    text: QuestionText
    type: QuestionType | None = Field(
        default=None, description="text or coding; left out: the request's question_types, else text"
    )


@cache
def _question_text() -> TypeAdapter[str]:
    return TypeAdapter(QuestionText)


def _question_object(value: Any) -> Any:
    if isinstance(value, str):  # checked here, so its errors name the question (questions.0) as they always did
        return {"text": _question_text().validate_python(value)}
    if isinstance(value, dict | QuestionIn):
        return value
    raise PydanticCustomError("question_type", "A question is its text, or an object with its text")


# The seed sends question texts; a text with a rubric is an object. Both are read as a QuestionIn.
QuestionItem = Annotated[
    QuestionIn, BeforeValidator(_question_object, json_schema_input_type=QuestionText | QuestionIn)
]
