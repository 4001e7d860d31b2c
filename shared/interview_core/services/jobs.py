"""A job's questions as the organisation sends them, on creation and on edit: its own, checked and vetted in
the sandbox, then those written from its description when it asks (`generate`)."""

from collections.abc import Sequence

from interview_core.contracts import QuestionIn
from interview_core.domain import Difficulty
from interview_core.errors import InvalidRequest
from interview_core.jobs import JobQuestion
from interview_core.providers.base import LanguageModel
from interview_core.quota import Payer
from interview_core.services.coding import vet
from interview_core.services.interview import job_questions

MAX_JOB_QUESTIONS = 50


def questions_for(
    written: Sequence[QuestionIn],
    title: str,
    description: str | None,
    generate: tuple[Difficulty, int] | None,
    llm: LanguageModel,
    payer: Payer,
    before: Sequence[JobQuestion] = (),
) -> list[JobQuestion]:
    """`generate`: the difficulty and number of questions to write from the description. `before`: the
    job's questions until now, when it is edited: a question written anew keeps the `source` it had (the
    skill it was generated from), found by its text, else by its place when no question was added or
    removed, since a client cannot send a source."""
    if not written and generate is None:
        raise InvalidRequest("questions: send at least one question, or `generate` to write them")
    questions = [JobQuestion.written(q.checked(f"questions.{i}")) for i, q in enumerate(written)]
    by_text = {q.text: q.source for q in before if q.source}
    in_place = len(before) == len(questions)
    for i, q in enumerate(questions):
        q.source = by_text.get(q.text) or (before[i].source if in_place else None)
    vet([q.as_question(q.text, q.type, q.coding_spec()) for q in questions])  # before it is stored
    if generate is not None:
        if not description:
            raise InvalidRequest("generate: the questions are written from the description; send one")
        difficulty, count = generate
        payer.charge(llm_calls=1)  # before the model is called
        questions += job_questions(llm, title, description, difficulty, count)
    return questions[:MAX_JOB_QUESTIONS]
