"""The interview flow: start a session, record answers, read state and counts."""

from dataclasses import dataclass

from interview_core.access import Caller, authorize
from interview_core.domain import (
    PUBLIC_ORG,
    AnswerSource,
    AudioRecording,
    Difficulty,
    Session,
    SessionStatus,
    SpeakingInsights,
    counter_scope,
    epoch_now,
    new_session_id,
    utc_now,
)
from interview_core.domain import transitions as move
from interview_core.domain.transitions import Moment
from interview_core.observability import count, logger, tag_session
from interview_core.providers.base import LanguageModel
from interview_core.queue import EvaluationQueue
from interview_core.store import SessionStore

PRACTICE = "practice"


@dataclass(frozen=True)
class AnswerOutcome:
    session: Session  # as it is after the answer

    @property
    def completed(self) -> bool:
        return self.session.status is SessionStatus.COMPLETED


class InterviewService:
    def __init__(self, store: SessionStore, queue: EvaluationQueue, late_grace_seconds: int = 5) -> None:
        self.store = store
        self.queue = queue
        self.late_grace_seconds = late_grace_seconds

    def start(
        self,
        llm: LanguageModel,
        topic: str,
        difficulty: Difficulty,
        num_questions: int,
        org_id: str = PUBLIC_ORG,
    ) -> Session:
        generated = llm.generate_questions(topic, difficulty, num_questions)
        now = utc_now()
        session = Session(
            session_id=new_session_id(),
            kind=PRACTICE,
            org_id=org_id,
            scope=counter_scope(PRACTICE, org_id),
            topic=topic,
            difficulty=difficulty,
            status=SessionStatus.IN_PROGRESS,
            questions=generated.questions,
            created_at=now,
            updated_at=now,
            expires_at=self.store.lifecycle.after(self.store.lifecycle.ttl),
        )
        self.store.apply(move.create(session, Moment.now(), self.store.lifecycle))
        tag_session(session.session_id)
        logger.info("session started", extra={"questions": session.total_questions, "kind": session.kind})
        count("SessionsStarted")
        return session

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
    ) -> AnswerOutcome:
        """One read and one conditional write; the last answer also queues the evaluation."""
        tag_session(session_id)
        session = self.get(session_id, caller)
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
        )
        self.store.apply(change)
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
