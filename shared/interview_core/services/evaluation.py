"""Evaluation: every answer scored on its own, then a report composed from those scores.

The report needs no extra model call: strengths, improvements and the summary derive from the
per-answer scores, so an interview of N questions costs N scoring calls.
"""

import re
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from interview_core.access import Caller, authorize
from interview_core.domain import (
    STRENGTH_THRESHOLD,
    CandidateReport,
    CompetencyScore,
    Difficulty,
    FollowUpScore,
    IntegrityReport,
    Question,
    QuestionScore,
    Report,
    ReportShare,
    RunResult,
    Session,
    SpeakingInsights,
    TokenUsage,
    epoch_now,
    utc_now,
)
from interview_core.errors import Forbidden, ProviderUnavailable
from interview_core.grading import code as code_grading
from interview_core.insights import FAST_WPM, SLOW_WPM
from interview_core.observability import count, milliseconds
from interview_core.providers.base import AnswerScore, LanguageModel
from interview_core.providers.offline import OfflineLanguageModel
from interview_core.services import coding
from interview_core.services.proctoring import shorten_timeline
from interview_core.store import SessionStore

if TYPE_CHECKING:
    from interview_core.webhooks.events import Events, Pending

MAX_REPORT_BYTES = 350_000  # DynamoDB items are at most 400 KB; the report is one item


@dataclass(frozen=True)
class Summary:
    overall_score: float | None  # weighted mean of the graded answers; None when none was graded
    graded: int
    needs_review: int
    competencies: list[CompetencyScore]
    strengths: list[str]
    improvements: list[str]
    text: str


class EvaluationOutcome(StrEnum):
    WRITTEN = "written"
    ALREADY_DONE = "already_done"  # duplicate or replayed message: nothing changed


MAX_PARALLEL_SCORING = 5  # each answer is its own model call; in parallel, 20 answers fit API Gateway's 30 s


def score_answers(
    llm: LanguageModel, items: list[tuple[Question, str]], topic: str, difficulty: Difficulty
) -> tuple[list[QuestionScore], TokenUsage]:
    def score(question: Question, answer: str) -> Scored:
        return score_answer(llm, question, answer, topic, difficulty)

    with ThreadPoolExecutor(max_workers=max(1, min(MAX_PARALLEL_SCORING, len(items)))) as pool:
        results = list(pool.map(score, *zip(*items, strict=True))) if items else []
    scores = _distinct_feedback(
        [
            QuestionScore(
                question_number=number,
                question=question.text,
                answer=answer,
                score=scored.result.score,
                evidence=scored.result.evidence,
                missing=scored.result.missing,
                feedback=scored.result.feedback,
                strengths=scored.result.strengths,
                needs_review=scored.result.score is None,
                review_reason=scored.result.review_reason,
                detected=scored.result.detected,
                competency=question.competency,
                weight=question.weight,
                question_type=question.type,
                tests=scored.tests,
                review_only=scored.review_only,
                source=question.source,
            )
            for number, ((question, answer), scored) in enumerate(zip(items, results, strict=True), start=1)
        ]
    )
    return scores, sum((r.result.usage for r in results), TokenUsage())


@dataclass(frozen=True)
class Scored:
    result: AnswerScore
    tests: RunResult | None = None  # a coding answer's run of every test
    review_only: bool = False  # a coding question without tests


def score_answer(
    llm: LanguageModel, question: Question, answer: str, topic: str, difficulty: Difficulty
) -> Scored:
    """A text answer is graded by the model (or the offline grader); a coding answer by its tests, with the
    static review and, when configured, the language model's reading of the code adding to it."""
    spec = question.coding
    if question.type != "coding" or spec is None:
        return Scored(llm.score_answer(question, answer, topic, difficulty))
    if not spec.tests:
        result = llm.score_answer(question, answer, topic, difficulty)
        evidence = code_grading.review_only(code_grading.review(answer, spec, None)) + result.evidence
        return Scored(result.model_copy(update={"evidence": evidence}), review_only=True)
    try:
        run = coding.run(spec, answer, spec.tests)
    except ProviderUnavailable as err:  # the answer is kept: a person grades it, with the reason
        return Scored(_not_run(err.detail))
    reviewer = llm.score_answer(question, answer, topic, difficulty) if llm.reads_code else None
    graded = code_grading.grade(
        run, code_grading.review(answer, spec, run), reviewer.score if reviewer else None
    )
    result = AnswerScore(
        score=graded.score,
        evidence=graded.evidence + (reviewer.evidence if reviewer else []),
        missing=reviewer.missing if reviewer else [],
        feedback=" ".join([graded.feedback, reviewer.feedback if reviewer else ""]).strip(),
        usage=reviewer.usage if reviewer else TokenUsage(),
        strengths=["passes every test"] if run.passed == run.total and not graded.hard_coded else [],
        detected=["hard_coded_outputs"] if graded.hard_coded else [],
    )
    return Scored(result, tests=run)


def _not_run(reason: str) -> AnswerScore:
    return AnswerScore(
        score=None,
        evidence=[],
        missing=[],
        feedback="Your code was recorded; its tests could not be run, so a person will review it.",
        usage=TokenUsage(),
        review_reason=f"the tests could not be run: {reason}",
    )


def _distinct_feedback(scores: list[QuestionScore]) -> list[QuestionScore]:
    """A report repeats no sentence: one an earlier answer's feedback already said is referred to instead
    ("Question 3: as for question 1.")."""
    first: dict[str, int] = {}
    for s in scores:
        kept = []
        for sentence in re.split(r"(?<=[.!?])\s+", s.feedback.strip()):
            seen = first.setdefault(sentence, s.question_number)
            kept.append(
                sentence
                if seen == s.question_number
                else f"Question {s.question_number}: as for question {seen}."
            )
        s.feedback = " ".join(dict.fromkeys(kept))
    return scores


def _mean(scores: list[QuestionScore]) -> float | None:
    graded = [s for s in scores if s.score is not None]
    total = sum(s.weight for s in graded)
    return round(sum(s.weight * (s.score or 0) for s in graded) / total, 1) if total else None


def competency_scores(scores: list[QuestionScore]) -> list[CompetencyScore]:
    """One line per competency the questions name, in the order they first appear."""
    named: dict[str, list[QuestionScore]] = {}
    for s in scores:
        if s.competency:
            named.setdefault(s.competency, []).append(s)
    return [
        CompetencyScore(
            competency=name,
            score=_mean(group),
            questions=[s.question_number for s in group],
            needs_review=sum(s.score is None for s in group),
        )
        for name, group in named.items()
    ]


def _out_of_ten(score: float | None) -> str:
    return "not scored" if score is None else f"{score}/10"


def _answers(n: int, kind: str = "") -> str:
    return f"{n} {kind}answer{'s' * (n != 1)} "


def _band(overall: float) -> str:
    if overall >= 8:
        return "Excellent performance"
    if overall >= 6:
        return "Good performance"
    if overall >= 4:
        return "Fair performance: several expected points were missed"
    return "Needs more preparation: most expected points were missed"


def _strength(s: QuestionScore) -> str:
    made = f"covered {'; '.join(s.strengths)}" if s.strengths else "matched the model answer"
    return f"Question {s.question_number} scored {s.score}/10: it {made}."


# What to do instead, for each way an answer games the grader.
_INSTEAD = {
    "keyword_list": "explain in sentences how the terms relate, not a list of them",
    "restates_question": "answer the question rather than restating it",
    "off_topic": "answer the question that was asked",
    "contradiction": "check the claims: the answer says the opposite of what is expected",
    "addressed_to_grader": "answer the question; text addressed to the grader is ignored",
    "hard_coded_outputs": "solve the problem in general: returning the tests' expected values fails other input",
}


def _improvement(s: QuestionScore) -> str | None:
    if s.detected:
        return f"Question {s.question_number}: {_INSTEAD.get(s.detected[0], 'answer the question itself')}."
    if s.tests and s.tests.passed < s.tests.total:
        failing = s.tests.total - s.tests.passed
        return f"Question {s.question_number}: {failing} of {s.tests.total} tests fail; check the edge cases."
    if s.missing:
        return f"Question {s.question_number}: also cover {'; '.join(s.missing)}."
    if s.score is not None and s.score < STRENGTH_THRESHOLD:
        return f"Question {s.question_number}: compare your answer with a complete one; parts were missing or wrong."
    return None


def summarize(scores: list[QuestionScore], llm: LanguageModel, subject: str) -> Summary:
    """The whole interview in a few sentences: no sentence repeats a per-answer feedback, and strengths
    and improvements name what scored well and what was missing (the organisation's view: the candidate's
    is CandidateReport)."""
    graded = [s for s in scores if s.score is not None]
    review = len(scores) - len(graded)
    overall = _mean(scores)
    competencies = competency_scores(scores)
    strengths = [_strength(s) for s in graded if (s.score or 0) >= STRENGTH_THRESHOLD]
    improvements = [line for s in graded if (line := _improvement(s))]
    if not scores:
        return Summary(None, 0, 0, [], [], [], "No answers to evaluate.")
    parts = []
    if overall is None:
        parts.append(f"No answer on {subject} could be graded automatically.")
    else:
        parts.append(
            f"{_band(overall)}. Overall {overall}/10 over {_answers(len(graded), 'graded ')}on {subject}."
        )
        if len(graded) > 1:
            best = max(graded, key=lambda s: s.score or 0)
            worst = min(graded, key=lambda s: s.score or 0)
            if best.score != worst.score:
                parts.append(
                    f"The strongest was question {best.question_number}, the weakest question {worst.question_number}."
                )
    if review:
        parts.append(
            f"{_answers(review).strip()} not scored: nothing to grade {'them' if review > 1 else 'it'} against "
            "offline."
        )
    unchecked = [s.question_number for s in scores if s.review_only]
    if unchecked:
        parts.append(
            f"Coding question{'s' * (len(unchecked) > 1)} {', '.join(map(str, unchecked))} "
            f"{'have' if len(unchecked) > 1 else 'has'} no tests: graded by review only."
        )
    if competencies:
        parts.append(
            "By competency: "
            + ", ".join(f"{c.competency} {_out_of_ten(c.score)}" for c in competencies)
            + "."
        )
    if llm.name == OfflineLanguageModel.name and graded:
        parts.append(
            "Scored offline by comparing each answer's meaning with the rubric, not by a language model."
        )
    return Summary(overall, len(graded), review, competencies, strengths, improvements, " ".join(parts))


@dataclass(frozen=True)
class SpeakingSummary:
    text: str
    advice: list[str]


FILLERS_PER_MINUTE_NOTICEABLE = 4.0


def speaking_summary(insights: list[SpeakingInsights]) -> SpeakingSummary | None:
    """Delivery across the spoken answers: reported beside the score, never part of it."""
    if not insights:
        return None
    minutes = sum(i.duration_seconds for i in insights) / 60 or 1e-6
    wpm = round(sum(i.word_count for i in insights) / minutes)
    fillers = round(sum(i.filler_count for i in insights) / minutes, 1)
    pauses = sum(i.long_pauses for i in insights)
    pace = "slow" if wpm < SLOW_WPM else "fast" if wpm > FAST_WPM else "conversational"
    text = (
        f"Across {len(insights)} spoken answer{'s' * (len(insights) > 1)}: {wpm} words per minute ({pace}), "
        f"{fillers} filler words per minute, {pauses} pause{'s' * (pauses != 1)} of "
        f"{insights[0].pause_threshold_seconds:g} s or more."
    )
    advice = []
    if pace == "slow":
        advice.append(f"Delivery: at {wpm} words per minute you speak slowly; aim for {SLOW_WPM}-{FAST_WPM}.")
    elif pace == "fast":
        advice.append(
            f"Delivery: at {wpm} words per minute you speak fast; slow down to {SLOW_WPM}-{FAST_WPM}."
        )
    if fillers >= FILLERS_PER_MINUTE_NOTICEABLE:
        advice.append(f"Delivery: {fillers} filler words per minute; a short silent pause works better.")
    return SpeakingSummary(text, advice)


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def follow_up_turns(session: Session) -> dict[int, list[tuple[str, str, bool]]]:
    """Per main question number, its follow-ups in order: (question asked, answer, answered late)."""
    turns: dict[int, list[tuple[str, str, bool]]] = {}
    for before, answer in zip(session.answers, session.answers[1:], strict=False):
        if answer.follow_up_of is not None and before.follow_up is not None:
            turns.setdefault(answer.follow_up_of, []).append(
                (before.follow_up.text, answer.text, answer.late)
            )
    return turns


def add_follow_ups(llm: LanguageModel, session: Session, scores: list[QuestionScore]) -> TokenUsage:
    """Each follow-up answer scored on its own against its main question's rubric (asked as the follow-up),
    listed under the main question's entry, which then says how they changed its assessment: the expected
    points the first answer missed and a follow-up's answer made raise its score by their share of what was
    missing; a follow-up's answer that contradicts the expected answer lowers it to that answer's score."""
    turns = follow_up_turns(session)
    by_number = {s.question_number: s for s in scores}
    items = [
        (session.questions[n - 1].model_copy(update={"text": asked}), answer)
        for n, asked_turns in turns.items()
        for asked, answer, _ in asked_turns
    ]
    with ThreadPoolExecutor(max_workers=max(1, min(MAX_PARALLEL_SCORING, len(items)))) as pool:
        graded = [
            r.result
            for r in pool.map(
                lambda qa: score_answer(llm, qa[0], qa[1], session.topic, session.difficulty), items
            )
        ]
    usage = sum((g.usage for g in graded), TokenUsage())
    at = 0
    for n, asked_turns in turns.items():
        mine, at = graded[at : at + len(asked_turns)], at + len(asked_turns)
        entry = by_number[n]
        entry.follow_ups = [
            FollowUpScore(
                question=asked, answer=answer, score=g.score, evidence=g.evidence, feedback=g.feedback
            )
            for (asked, answer, _), g in zip(asked_turns, mine, strict=True)
        ]
        _assess(entry, mine, {p for g in mine for p in g.strengths})
    return usage


def _assess(entry: QuestionScore, follow_ups: list[AnswerScore], made: set[str]) -> None:
    asked = len(entry.follow_ups)
    first = entry.score
    entry.score_before_follow_ups = first
    recovered = [p for p in entry.missing if p in made]
    wrong = any("contradiction" in f.detected for f in follow_ups)
    noun = f"{asked} follow-up{'s' * (asked > 1)}"
    if first is None:
        entry.follow_up_effect = f"{noun} asked; the question is not scored, so they change no score."
        return
    if wrong:
        lowest = min((f.score for f in follow_ups if f.score is not None), default=first)
        entry.score = min(first, lowest)
        entry.follow_up_effect = (
            f"{noun} asked; an answer to one contradicts the expected answer, so the question's score "
            f"{'stays at' if entry.score == first else 'falls from ' + str(first) + ' to'} {entry.score}/10."
        )
        return
    if recovered and entry.missing:
        entry.score = min(10, first + round((10 - first) * len(recovered) / len(entry.missing)))
        entry.missing = [p for p in entry.missing if p not in recovered]
        entry.strengths = [*entry.strengths, *recovered]
        entry.follow_up_effect = (
            f"{noun} asked; the answers to them made {len(recovered)} of the {len(recovered) + len(entry.missing)} "
            f"expected points the first answer missed, so the score rises from {first} to {entry.score}/10."
        )
        return
    entry.follow_up_effect = (
        f"{noun} asked; the answers to them made none of the expected points the first answer missed, so "
        f"the score stays at {first}/10."
        if entry.missing
        else f"{noun} asked on a complete answer; the score stays at {first}/10."
    )


class EvaluationService:
    def __init__(
        self,
        store: SessionStore,
        lease: timedelta,
        integrity: Callable[[str], IntegrityReport],
        events: "Events | None" = None,
    ) -> None:
        self.events = events
        self.store = store
        self.lease = lease
        self.integrity = integrity  # a recruiter session's proctoring summary (ProctoringService.integrity)

    def evaluate_session(self, llm: LanguageModel, session_id: str) -> EvaluationOutcome:
        """Idempotent: a lease guards concurrent deliveries and the report is written at most once.
        Raises EvaluationBusy while another worker holds the lease, so that message is retried later."""
        claim = uuid.uuid4().hex
        session = self.store.claim_evaluation(session_id, claim, int(self.lease.total_seconds()))
        if session is None:
            return EvaluationOutcome.ALREADY_DONE
        started = time.monotonic()
        try:
            report = self._build_report(llm, session, started)
            pending = self._events(session, report)
            outbox = [i for p in pending for i in self.events.outbox(p)] if self.events else []
            written = self.store.save_report(report, claim, max(session.expires_at, epoch_now()), outbox)
        except Exception as err:  # a failed write too: give the lease back, with the reason, for the retry
            count("EvaluationFailures")
            self.store.release_evaluation(session_id, claim, f"{type(err).__name__}: {err}")
            raise
        if not written:
            return EvaluationOutcome.ALREADY_DONE
        if self.events:
            for p in pending:
                self.events.send(p)
        count("EvaluationsCompleted")
        if session.completed_at:  # from the last answer to the report: what the candidate waits for
            milliseconds("EvaluationLatency", (time.time() - _epoch(session.completed_at)) * 1000)
        return EvaluationOutcome.WRITTEN

    def _events(self, session: Session, report: Report) -> "list[Pending | None]":
        """report.ready, and integrity.flagged when the proctoring summary's level is low (concern is high)."""
        if not self.events:
            return []
        ready = self.events.pending(
            session,
            "report.ready",
            overall_score=report.overall_score,
            report_path=f"/api/reports/{session.session_id}",
        )
        flagged = None
        if report.integrity and report.integrity.level == "low":
            flagged = self.events.pending(
                session,
                "integrity.flagged",
                integrity_score=report.integrity.score,
                reasons=report.integrity.reasons,
            )
        return [ready, flagged]

    def _build_report(self, llm: LanguageModel, session: Session, started: float) -> Report:
        mains = [a for a in session.answers if a.follow_up_of is None]
        items = [(session.questions[a.question_number - 1], a.text) for a in mains]
        scores, usage = score_answers(llm, items, session.topic, session.difficulty)
        for score, answer in zip(scores, mains, strict=True):
            score.speaking = answer.speaking
            score.late = answer.late
        if any(a.follow_up_of is not None for a in session.answers):
            usage += add_follow_ups(llm, session, scores)
        usage = sum((a.interviewer_usage for a in session.answers if a.interviewer_usage), usage)
        summary = summarize(scores, llm, session.topic)
        speaking = speaking_summary([a.speaking for a in session.answers if a.speaking])
        report = Report(
            session_id=session.session_id,
            topic=session.topic,
            difficulty=session.difficulty,
            overall_score=summary.overall_score,
            graded_answers=summary.graded,
            answers_needing_review=summary.needs_review,
            competencies=summary.competencies,
            questions=scores,
            strengths=summary.strengths,
            improvements=summary.improvements + (speaking.advice if speaking else []),
            summary=summary.text,
            speaking_summary=speaking.text if speaking else None,
            integrity=self._integrity(session),
            provider=llm.name,
            model=llm.model,
            rubric_version=llm.rubric_version,
            token_usage=usage,
            generated_at=utc_now(),
            evaluation_seconds=round(time.monotonic() - started, 3),
        )
        excess = len(report.model_dump_json().encode()) - MAX_REPORT_BYTES  # DynamoDB counts UTF-8 bytes
        if excess > 0 and report.integrity:
            report.integrity = shorten_timeline(report.integrity, excess)
        return report

    def _integrity(self, session: Session) -> IntegrityReport | None:
        if session.kind != "recruiter":
            return None
        return self.integrity(session.session_id)

    def report(self, session_id: str, caller: Caller | None = None) -> tuple[Session, Report | None]:
        session, report = self.store.get_with_report(session_id)
        authorize(caller, session)
        return session, report

    def readable_report(
        self, session_id: str, caller: Caller
    ) -> tuple[Session, Report | CandidateReport | None]:
        """The report as `caller` may read it: in full for the organisation (and a practice session's
        owner); for a recruiter session's candidate, only what the organisation released (403 before)."""
        session, report = self.report(session_id, caller)
        if not may_read_report(caller, session):
            raise Forbidden("The organisation has not released this report")
        if report is None:
            return session, report
        if session.kind == "practice":
            return session, report.with_candidate_tests()
        if not _is_recruiters_candidate(caller, session):
            return session, report
        return session, candidate_report(session, report, session.report_share)


def candidate_report(session: Session, report: Report, share: ReportShare) -> CandidateReport:
    """What a candidate may read under `share`: feedback that quotes the rubric left out."""
    rubric = [
        t
        for q in session.questions
        for t in (
            q.reference_answer,
            q.coding.reference_solution if q.coding else None,
            *(k.point for k in q.key_points),
        )
        if t
    ]
    return CandidateReport.of(report, share, rubric)


def report_pdf(session: Session, report: Report | CandidateReport) -> bytes:
    """The report as readable_report gave it, as a PDF; the organisation's names the candidate."""
    from interview_core import report_pdf as pdf  # fpdf2: only when a PDF is asked for

    if isinstance(report, CandidateReport):
        return pdf.render_candidate_report(report)
    return pdf.render_report(report, session.candidate if session.kind == "recruiter" else None)


def _is_recruiters_candidate(caller: Caller | None, session: Session) -> bool:
    return caller is not None and caller.is_candidate and session.kind == "recruiter"


def may_read_report(caller: Caller | None, session: Session) -> bool:
    """A recruiter session's candidate reads their report only once the organisation released it."""
    return not _is_recruiters_candidate(caller, session) or session.report_share != "none"
