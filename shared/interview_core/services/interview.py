"""The interview flow: start a session, record answers, read state and counts."""

from dataclasses import dataclass

from interview_core.domain import (
    Answer,
    AnswerSource,
    AudioRecording,
    Difficulty,
    Session,
    SessionStatus,
    SpeakingInsights,
    new_session_id,
    utc_now,
)
from interview_core.errors import AnswerConflict, SessionNotActive
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
    def __init__(self, store: SessionStore, queue: EvaluationQueue) -> None:
        self.store = store
        self.queue = queue

    def start(self, llm: LanguageModel, topic: str, difficulty: Difficulty, num_questions: int) -> Session:
        generated = llm.generate_questions(topic, difficulty, num_questions)
        now = utc_now()
        session = Session(
            session_id=new_session_id(),
            kind=PRACTICE,
            topic=topic,
            difficulty=difficulty,
            status=SessionStatus.IN_PROGRESS,
            questions=generated.questions,
            created_at=now,
            updated_at=now,
            expires_at=self.store.lifecycle.after(self.store.lifecycle.ttl),
        )
        self.store.create(session)
        tag_session(session.session_id)
        logger.info("session started", extra={"questions": session.total_questions, "kind": session.kind})
        count("SessionsStarted")
        return session

    def get(self, session_id: str) -> Session:
        return self.store.get(session_id)

    def submit_answer(
        self,
        session_id: str,
        text: str,
        question_number: int | None = None,
        source: AnswerSource = "text",
        audio: AudioRecording | None = None,
        speaking: SpeakingInsights | None = None,
    ) -> AnswerOutcome:
        """One read and one conditional write; the last answer also queues the evaluation."""
        tag_session(session_id)
        session = self.store.get(session_id)
        if session.status is not SessionStatus.IN_PROGRESS:
            raise SessionNotActive()
        current = session.answered + 1
        if question_number is not None and question_number != current:
            raise AnswerConflict(
                f"Question {question_number} is not the current question; the current one is {current}"
            )
        answer = Answer(
            question_number=current,
            text=text,
            submitted_at=utc_now(),
            source=source,
            audio=audio,
            speaking=speaking,
        )
        updated = self.store.record_answer(session, answer)
        outcome = AnswerOutcome(updated)
        logger.info(
            "answer recorded",
            extra={"question_number": current, "source": source, "completed": outcome.completed},
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

    def counts(self, scope: str = PRACTICE) -> dict[str, int]:
        return self.store.counts(scope)
