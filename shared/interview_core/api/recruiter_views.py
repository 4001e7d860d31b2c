"""Domain objects to the recruiter API's response models."""

from typing import Any

from interview_core.api.recruiter_schemas import (
    InterviewConfig,
    InterviewState,
    LiveKitRoomInfo,
    SessionDetailResponse,
    SessionDetails,
    SessionQuestion,
    SessionRow,
    UserDetails,
)
from interview_core.contracts import candidate_coding
from interview_core.domain import Candidate, Report, Session


def user_details(candidate: Candidate | dict[str, Any] | None) -> UserDetails:
    data = candidate.model_dump() if isinstance(candidate, Candidate) else (candidate or {})
    return UserDetails(name=data.get("name", ""), email=data.get("email", ""), phone=data.get("phone"))


def interview_config(s: Session) -> InterviewConfig:
    assert s.timers is not None
    return InterviewConfig(
        total_questions=s.total_questions,
        max_questions=s.max_questions or s.total_questions,
        text_question_timer=s.timers.text_question_timer,
        coding_question_timer=s.timers.coding_question_timer,
        question_types=[q.type for q in s.questions],
    )


def session_row(row: dict[str, Any]) -> SessionRow:
    return SessionRow(
        proctoring_session_id=row["session_id"],
        session_id=row["session_id"],
        user_details=user_details(row.get("candidate")),
        status=row["status"],
        created_at=row["created_at"],
        job_id=row.get("job_id"),
        job_title=row.get("job_title"),
        question_index=int(row.get("question_index", 0)),
        consent_received=bool(row.get("consent_received", False)),
    )


def average_score(report: Report | None) -> float | None:
    return report.overall_score if report else None


def session_questions(s: Session) -> list[SessionQuestion]:
    return [
        SessionQuestion(
            number=n,
            text=q.text,
            type=q.type,
            reference_answer=q.reference_answer,
            key_points=[k.point for k in q.key_points],
            competency=q.competency,
            weight=q.weight,
            coding=q.coding,
        )
        for n, q in enumerate(s.questions, start=1)
    ]


def session_detail(
    s: Session, report: Report | None, participants: int, with_rubrics: bool
) -> SessionDetailResponse:
    """`with_rubrics` for the organisation only: the rubric, and its own ids, never reach the candidate."""
    assert s.timers is not None and s.livekit is not None
    current = s.current_question
    return SessionDetailResponse(
        session=SessionDetails(
            session_id=s.session_id,
            user_details=user_details(s.candidate),
            status=s.status.value,
            is_active=s.is_active,
            current_question_count=s.answered,
            max_questions=s.max_questions or s.total_questions,
            consent_received=s.consent_received,
            reference_face_captured=s.reference_face_key is not None,
            total_questions=s.total_questions,
            current_question_index=min(s.current_number - 1, s.total_questions - 1),
            current_question=(pending.text if (pending := s.pending_follow_up) else current.text)
            if current
            else None,
            current_question_type=current.type if current else None,
            current_coding=candidate_coding(current),
            current_deadline=s.current_deadline if current else None,
            average_score=average_score(report),
            proctoring_violations_count=s.proctoring_violations,
            job_id=s.job_id,
            job_title=s.job_title,
            external_id=s.external_id if with_rubrics else None,
            job_external_id=s.job_external_id if with_rubrics else None,
            created_at=s.created_at,
            started_at=s.started_at,
            completed_at=s.completed_at,
            evaluation_status=s.evaluation_status.value,
            report_share=s.report_share,
        ),
        interview_state=InterviewState(
            dialogue_length=2 * len(s.answers) + (1 if current else 0),  # questions asked plus answers given
            evaluations_count=len(report.questions) if report else 0,
            text_question_timer=s.timers.text_question_timer,
            coding_question_timer=s.timers.coding_question_timer,
            late_answers=sum(a.late for a in s.answers),
        ),
        livekit_room=LiveKitRoomInfo(
            name=s.livekit.name,
            num_participants=participants,
            creation_time=s.livekit.creation_time,
            fallback=s.livekit.fallback,
        ),
        integrity=report.integrity if report else None,
        questions=session_questions(s) if with_rubrics else None,
    )
