"""Domain objects to response models; shared by the routes that return the same shapes."""

from fastapi import Request

from interview_core.api.schemas import (
    CompletedResponse,
    NextQuestionResponse,
    RecordingLink,
    SessionResponse,
)
from interview_core.api.urls import report_url
from interview_core.contracts import candidate_coding
from interview_core.domain import PRACTICE_STATUS, Session
from interview_core.services.interview import AnswerOutcome


def answer_response(request: Request, outcome: AnswerOutcome) -> NextQuestionResponse | CompletedResponse:
    s = outcome.session
    if outcome.completed:
        url = report_url(request, s.session_id)
        return CompletedResponse(
            session_id=s.session_id,
            feedback=(
                f"Thank you! All {s.answered} answers were recorded. Your evaluation is being prepared: "
                f"each answer is scored on its own and the report appears at {url}."
            ),
            total_answered=s.answered,
            report_url=url,
            evaluation_status=s.evaluation_status,
        )
    question = s.current_question
    assert question is not None
    pending = s.pending_follow_up
    return NextQuestionResponse(
        session_id=s.session_id,
        next_question=pending.text if pending else question.text,
        question_number=s.current_number,
        total_questions=s.total_questions,
        coding=None if pending else candidate_coding(question),
        **s.follow_up_fields(),
    )


def session_response(
    s: Session, audio_urls: dict[int, str] | None = None, owner: bool = False
) -> SessionResponse:
    """`audio_urls`: question number -> a link to that spoken answer's recording. `owner`: the session's
    organisation reads, so the texts the questions were fitted to (personal data) are shown."""
    current = s.current_question
    pending = s.pending_follow_up
    recordings = [
        RecordingLink(
            question_number=a.question_number,
            audio_url=audio_urls[a.question_number],
            format=a.audio.format,
            duration_seconds=a.audio.duration_seconds,
            speaking=a.speaking,
        )
        for a in s.answers
        if a.audio and audio_urls and a.question_number in audio_urls
    ]
    return SessionResponse(
        session_id=s.session_id,
        topic=s.topic,
        difficulty=s.difficulty,
        status=PRACTICE_STATUS[s.status],
        current_question_number=min(s.current_number, s.total_questions),
        total_questions=s.total_questions,
        answers_submitted=s.answered,
        current_question=pending.text if pending else current.text if current else None,
        current_coding=None if pending else candidate_coding(current),
        **(s.follow_up_fields() if current else {}),
        recordings=recordings or None,
        job_description=s.job_description if owner else None,
        resume_text=s.resume_text if owner else None,
    )
