"""The interview flow: start a session, record answers, read state and counts."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError

from interview_core.access import Caller, authorize
from interview_core.domain import (
    MAX_KEY_POINT_CHARS,
    MAX_KEY_POINTS,
    MAX_SESSION_CODING_CHARS,
    PUBLIC_ORG,
    AnswerSource,
    AudioRecording,
    Background,
    Difficulty,
    Question,
    QuestionType,
    Session,
    SessionStatus,
    SpeakingInsights,
    counter_scope,
    epoch_now,
    llm_calls_per_question,
    new_session_id,
    utc_now,
)
from interview_core.domain import transitions as move
from interview_core.domain.transitions import Moment
from interview_core.errors import InvalidRequest, ProviderUnavailable
from interview_core.observability import count, logger, tag_session
from interview_core.providers.base import FollowUpDecision, LanguageModel
from interview_core.providers.factory import language_model
from interview_core.providers.offline import OfflineLanguageModel
from interview_core.queue import EvaluationQueue
from interview_core.quota import Payer
from interview_core.store import SessionStore

if TYPE_CHECKING:
    from interview_core.jobs import JobQuestion
    from interview_core.webhooks.events import Events

PRACTICE = "practice"


def question_plan(question_types: Sequence[QuestionType], count: int) -> list[QuestionType]:
    """The type of each of `count` questions: question i takes question_types[i % len(question_types)], so
    ["coding"] makes every question a coding one and ["text", "coding"] alternates, starting with text."""
    return [question_types[i % len(question_types)] for i in range(count)]


@dataclass(frozen=True)
class AnswerOutcome:
    session: Session  # as it is after the answer

    @property
    def completed(self) -> bool:
        return self.session.status is SessionStatus.COMPLETED


class InterviewService:
    def __init__(
        self,
        store: SessionStore,
        queue: EvaluationQueue,
        late_grace_seconds: int = 5,
        bank: LanguageModel | None = None,
        interviewer: Callable[[], LanguageModel] = language_model,
        events: "Events | None" = None,
    ) -> None:
        self.events = events
        self.store = store
        self.queue = queue
        self.late_grace_seconds = late_grace_seconds
        self.bank = bank or OfflineLanguageModel()  # the coding bank: for the model's questions that fail
        self.interviewer = interviewer  # decides on follow-ups; built only when a session has them

    def start(
        self,
        llm: LanguageModel,
        topic: str,
        difficulty: Difficulty,
        num_questions: int,
        org_id: str = PUBLIC_ORG,
        question_types: Sequence[QuestionType] = ("text",),
        payer: Payer | None = None,
        background: Background | None = None,
        follow_ups: int = 0,
    ) -> Session:
        plan = question_plan(question_types, num_questions)
        if payer is not None:  # before any model call: one generation per type, and one scoring per question
            payer.charge(
                sessions=1, llm_calls=len(set(plan)) + num_questions * llm_calls_per_question(follow_ups)
            )
        made: dict[QuestionType, list[Question]] = {"text": [], "coding": []}
        if "text" in plan:
            made["text"] = text_questions(llm, topic, difficulty, plan.count("text"), background)
        if "coding" in plan:
            made["coding"] = self._coding_questions(llm, topic, difficulty, plan.count("coding"))
        # In the plan's order; a bank with fewer questions than asked gives a shorter session, as before.
        sources = {kind: iter(questions) for kind, questions in made.items()}
        questions = [q for kind in plan if (q := next(sources[kind], None)) is not None]
        now = utc_now()
        session = Session(
            session_id=new_session_id(),
            kind=PRACTICE,
            org_id=org_id,
            scope=counter_scope(PRACTICE, org_id),
            topic=topic,
            difficulty=difficulty,
            status=SessionStatus.IN_PROGRESS,
            questions=questions,
            created_at=now,
            updated_at=now,
            expires_at=self.store.lifecycle.after(self.store.lifecycle.ttl),
            job_description=background.job_description if background else None,
            resume_text=background.resume_text if background else None,
            follow_ups=follow_ups,
        )
        self.store.apply(move.create(session, Moment.now(), self.store.lifecycle))
        tag_session(session.session_id)
        logger.info(
            "session started",
            extra={
                "questions": session.total_questions,
                "kind": session.kind,
                "coding": plan.count("coding"),
                # whether texts came, and how many questions name what they say; never the texts
                "fitted": sum(q.source is not None for q in questions),
            },
        )
        count("SessionsStarted")
        return session

    def _coding_questions(
        self, llm: LanguageModel, topic: str, difficulty: Difficulty, wanted: int
    ) -> list[Question]:
        """`wanted` distinct coding questions: the model's, each kept only when its reference solution passes
        every test in the sandbox, and the coding bank's in place of the others."""
        generated = llm.generate_coding_questions(topic, difficulty, wanted)
        if generated.vetted:
            return generated.questions
        # An equal share of the session's budget each, so the bank's problems (3 KB at most) fit beside them.
        share = MAX_SESSION_CODING_CHARS // wanted
        kept: list[Question] = []
        for question in generated.questions[:wanted]:
            if question.text not in {q.text for q in kept} and _passes(question, share):
                kept.append(question)
        if len(kept) == wanted:
            return kept
        logger.warning("coding questions taken from the bank", extra={"replaced": wanted - len(kept)})
        count("GeneratedCodingQuestionsReplaced", wanted - len(kept))
        return kept + self.bank.generate_coding_questions(topic, difficulty, wanted - len(kept)).questions

    def get(self, session_id: str, caller: Caller | None = None) -> Session:
        return authorize(caller, self.store.get(session_id))

    def submit_answer(
        self,
        session_id: str,
        text: str,
        question_number: int | None = None,
        source: AnswerSource = "text",
        audio: AudioRecording | None = None,
        speaking: SpeakingInsights | None = None,
        caller: Caller | None = None,
        turn: int | None = None,
    ) -> AnswerOutcome:
        """One read and one conditional write; the last answer also queues the evaluation. With follow-ups
        on, the interviewer decides in between whether to ask one (see follow_up_for)."""
        tag_session(session_id)
        session = self.get(session_id, caller)
        decision = FollowUpDecision(follow_up=None)
        if session.follow_ups:
            number = move.answerable(session, question_number, turn)
            decision = follow_up_for(self.interviewer, session, number, text)
        change = move.record_answer(
            session,
            text,
            Moment.now(epoch_now()),
            self.store.lifecycle,
            question_number,
            source,
            audio,
            speaking,
            self.late_grace_seconds,
            turn,
            decision.follow_up,
            decision.usage,
        )
        completes = change.new_status is SessionStatus.COMPLETED
        pending = (
            self.events.pending(change.result, "session.completed") if self.events and completes else None
        )
        self.store.apply(change, also=self.events.outbox(pending) if self.events else None)
        if self.events:
            self.events.send(pending)
        updated = change.result
        answer = updated.answers[-1]
        outcome = AnswerOutcome(updated)
        logger.info(
            "answer recorded",
            extra={
                "question_number": answer.question_number,
                "source": source,
                "completed": outcome.completed,
                "late": answer.late,
                "follow_up": answer.follow_up.reason if answer.follow_up else None,
            },
        )
        count("AnswersRecorded")
        if outcome.completed:
            count("SessionsCompleted")
            self._queue_evaluation(session_id)
        return outcome

    def _queue_evaluation(self, session_id: str) -> None:
        # The session already says "pending": if sending fails, the scheduled sweep re-queues it.
        try:
            self.queue.enqueue(session_id)
        except Exception:
            logger.exception("could not queue evaluation; the pending sweep will re-queue it")

    def counts(self, org_id: str) -> dict[str, int]:
        return self.store.counts(counter_scope(PRACTICE, org_id))


def follow_up_for(
    interviewer: Callable[[], LanguageModel], session: Session, number: int, text: str
) -> FollowUpDecision:
    """Whether to ask a follow-up after `text`, the answer now given to question `number`: none when the
    question has had its follow-ups. With a language model, one call decides; when it fails, the offline
    decision does, since the candidate is waiting for the next question. A session without follow-ups
    never gets here, so it builds no model and loads nothing new."""
    question = session.questions[number - 1]
    if session.follow_ups_asked(number) >= session.follow_ups or question.type == "coding":
        return FollowUpDecision(follow_up=None)
    given = [a for a in session.answers if a.question_number == number]
    asked = [a.follow_up for a in given if a.follow_up is not None]
    answers = [*(a.text for a in given), text]
    try:
        return interviewer().follow_up(question, answers, asked)
    except ProviderUnavailable as err:
        logger.warning("follow-up decided offline: the language model failed", extra={"error": err.detail})
        count("FollowUpFallbacks")
        return OfflineLanguageModel().follow_up(question, answers, asked)


def text_questions(
    llm: LanguageModel, topic: str, difficulty: Difficulty, count: int, background: Background | None = None
) -> list[Question]:
    """`count` text questions, fitted to `background` when it is given. Without it, the three-argument call
    every provider has always taken."""
    made = (
        llm.generate_questions(topic, difficulty, count, background)
        if background
        else llm.generate_questions(topic, difficulty, count)
    )
    return made.questions


def job_questions(
    llm: LanguageModel, title: str, description: str, difficulty: Difficulty, count: int
) -> "list[JobQuestion]":
    """`count` text questions with rubrics written from the job's description (and its title as the topic),
    as the organisation's own are stored. One the question contract refuses (a model's over-long text) is
    left out."""
    written = text_questions(llm, title, difficulty, count, Background(job_description=description))
    return [q for q in map(_job_question, written) if q is not None]


def _job_question(q: Question) -> "JobQuestion | None":
    from interview_core.jobs import JobQuestion

    try:
        return JobQuestion.model_validate(
            {
                "text": q.text,
                "reference_answer": q.reference_answer,
                "key_points": [kp.point[:MAX_KEY_POINT_CHARS] for kp in q.key_points[:MAX_KEY_POINTS]],
                "competency": q.competency,
                "weight": q.weight,
                "source": q.source,
            }
        )
    except ValidationError:
        return None


def _passes(question: Question, max_chars: int) -> bool:
    """Whether a generated coding question fits `max_chars`, its tests parse and its reference solution passes
    them all in the sandbox (services.coding.vet, as for the organisation's questions); no sandbox here is a
    no."""
    from interview_core.services.coding import coding_chars, vet  # the sandbox: only for generated questions

    spec = question.coding
    if spec is None or not spec.tests or not spec.reference_solution or coding_chars([question]) > max_chars:
        return False
    try:
        vet([question])
    except (InvalidRequest, ProviderUnavailable) as err:
        logger.info("generated coding question refused", extra={"reason": str(err)[:300]})
        return False
    return True
