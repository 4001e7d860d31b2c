"""Proctoring: a timeline of what happened around the answers, and an advisory integrity score.

Events come from the candidate's browser (tab hidden, blur, paste, fullscreen exit), from server-side
photo checks (no face, several faces) and from LiveKit webhooks (joins, leaves, extra participants).
"""

import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any, BinaryIO, Literal

from interview_core.access import Caller, authorize
from interview_core.blobs import MediaStore, session_prefix
from interview_core.domain import IntegrityReport, ProctoringEvent, Session, epoch_now
from interview_core.domain import transitions as move
from interview_core.domain.transitions import EventCounts, EventLimits, EventWindow, EventWindowChanged
from interview_core.errors import FaceCheckFailed, PayloadTooLarge, RateLimited, SessionNotFound
from interview_core.observability import count, logger, tag_session
from interview_core.store import SessionStore

# Points off 100 per occurrence: how strongly each suggests outside help, not proof of it.
WEIGHTS = {
    "tab_hidden": 5,
    "window_blur": 3,
    "paste": 8,
    "fullscreen_exit": 4,
    "no_face": 6,
    "multiple_faces": 12,
    "extra_participant": 15,
}
DESCRIBED = {
    "tab_hidden": "left the interview tab",
    "window_blur": "switched to another window",
    "paste": "pasted text",
    "fullscreen_exit": "left full screen",
    "no_face": "no face on camera",
    "multiple_faces": "more than one face on camera",
    "extra_participant": "an unexpected participant joined the room",
}


def make_event(
    type_: str,
    source: Literal["client", "server", "livekit"],
    at_ms: int | None = None,
    detail: str | None = None,
    question_number: int | None = None,
) -> ProctoringEvent:
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    # Clients say when it happened; a clock far off is replaced by ours so the timeline stays ordered.
    at_ms = at_ms if at_ms is not None and abs(at_ms - now_ms) < 10 * 60 * 1000 else now_ms
    return ProctoringEvent(
        type=type_,
        at=datetime.fromtimestamp(at_ms / 1000, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        at_ms=at_ms,
        source=source,
        detail=detail,
        question_number=question_number,
        violation=type_ in WEIGHTS,
    )


def integrity(events: list[ProctoringEvent], dropped: dict[str, int] | None = None) -> IntegrityReport:
    """`dropped`: events beyond the stored timeline, by type; they count as much as the listed ones."""
    dropped = dropped or {}
    violations = Counter(e.type for e in events if e.violation)
    violations.update({t: n for t, n in dropped.items() if t in WEIGHTS})
    score = max(0, 100 - sum(WEIGHTS[t] * n for t, n in violations.items()))
    reasons = [
        f"{DESCRIBED[t]}: {n} time{'s' * (n != 1)} (-{WEIGHTS[t] * n})" for t, n in violations.most_common()
    ]
    level = "high" if score >= 85 else "medium" if score >= 60 else "low"
    return IntegrityReport(
        score=score,
        level=level,
        reasons=reasons or ["no proctoring events of concern"],
        violations=dict(violations),
        timeline=sorted(events, key=lambda e: e.at_ms),
        events_not_listed=sum(dropped.values()),
        advisory="Advisory only: review the timeline with the candidate before drawing any conclusion; "
        "the score never rejects a candidate by itself.",
    )


MAX_RECORD_ATTEMPTS = 5


def shorten_timeline(report: IntegrityReport, free_bytes: int) -> IntegrityReport:
    """The report with events left off its timeline until about `free_bytes` of JSON are saved: plain
    events before violations, the latest first. Left-off events stay in the counts and the score."""
    timeline = report.timeline
    order = sorted(range(len(timeline)), key=lambda i: (timeline[i].violation, -timeline[i].at_ms))
    dropped: set[int] = set()
    freed = 0
    for i in order:
        if freed >= free_bytes:
            break
        dropped.add(i)
        freed += len(timeline[i].model_dump_json().encode()) + 1
    return report.model_copy(
        update={
            "timeline": [e for i, e in enumerate(timeline) if i not in dropped],
            "events_not_listed": report.events_not_listed + len(dropped),
        }
    )


class ProctoringService:
    def __init__(
        self, store: SessionStore, media: MediaStore, max_image_bytes: int, limits: EventLimits
    ) -> None:
        self.store = store
        self.media = media
        self.max_image_bytes = max_image_bytes
        self.limits = limits

    def session(self, session_id: str, caller: Caller) -> Session:
        tag_session(session_id)
        return authorize(caller, self.store.get(session_id), subject=session_id)

    def record(self, session: Session, events: list[ProctoringEvent]) -> int:
        """Events on the timeline, up to the session's cap; beyond it they are only counted by type (the
        integrity score still counts them). More than `per_minute` in a minute: RateLimited, nothing kept."""
        if not events:
            return 0
        seen = EventCounts(
            session.proctoring_events_stored, session.proctoring_minute, session.proctoring_minute_events
        )
        violations = sum(e.violation for e in events)
        # Only what the candidate's client sends is rate limited: evidence from the server and LiveKit
        # must never be crowded out by a candidate filling the minute first.
        limited = any(e.source == "client" for e in events)
        for _ in range(MAX_RECORD_ATTEMPTS):
            now = time.time()
            minute = int(now // 60)
            fresh = seen.minute < minute
            if limited and (0 if fresh else seen.in_minute) + len(events) > self.limits.per_minute:
                raise RateLimited(
                    f"At most {self.limits.per_minute} proctoring events per minute are accepted for a "
                    "session; nothing from this call was recorded",
                    retry_after=60 - int(now % 60),
                )
            room = max(0, self.limits.max_stored - seen.stored)
            kept, over = events[:room], events[room:]
            try:
                self.store.add_events(
                    session.session_id,
                    [e.model_dump(mode="json") for e in kept],
                    dict(Counter(e.type for e in over)),
                    violations,
                    EventWindow(minute, fresh) if limited else None,
                    self.limits,
                )
                break
            except EventWindowChanged as changed:  # a racing call moved the counters: decide again
                seen = changed.current
        else:
            raise RateLimited("Too many proctoring calls at once for this session; try again", retry_after=1)
        count("ProctoringEvents", len(events))
        logger.info("proctoring events", extra={"types": sorted({e.type for e in events})})
        return len(events)

    def consent(self, session: Session) -> None:
        change = move.give_consent(session)
        if change is None:  # once: repeating it must not fill the timeline
            return
        self.store.apply(change)
        self.record(session, [make_event("consent_given", "server")])

    def check_photo(self, session: Session, image: bytes, purpose: Literal["reference", "snapshot"]) -> Any:
        """Face detection on a reference photo or webcam snapshot; the photo is kept in S3 either way.
        A reference photo must hold exactly one face (422 otherwise); a snapshot's verdict is an event."""
        from interview_core.faces import IMAGE_TYPES, check_faces  # OpenCV: only the photo functions load it

        check = check_faces(image)
        name = f"{purpose}-{epoch_now()}-{check.verdict}.{check.image_type}"
        key = f"{session_prefix(session.session_id)}proctoring/{name}"
        question = session.current_number if session.is_active else None
        if purpose == "reference":
            if check.verdict != "ok":
                # A retake in bad light is not a violation: noted on the timeline, not scored.
                self.record(session, [make_event("reference_face_rejected", "server", detail=check.verdict)])
                raise FaceCheckFailed(
                    "No face found in the photo: face the camera in good light and try again"
                    if check.verdict == "no_face"
                    else f"{check.faces} faces found in the photo: only the candidate may be in view"
                )
            self.media.put(key, image, IMAGE_TYPES[check.image_type])
            self.store.apply(move.keep_reference_face(session, key))
            self.record(session, [make_event("reference_face_captured", "server")])
        else:
            self.media.put(key, image, IMAGE_TYPES[check.image_type])
            self.record(
                session, [make_event(check.verdict if check.verdict != "ok" else "face_ok", "server",
                                     detail=key, question_number=question)]
            )  # fmt: skip
        return check

    def read_image(self, file: BinaryIO, size: int | None) -> bytes:
        if size is not None and size > self.max_image_bytes:
            raise PayloadTooLarge(
                f"The image is {size / 1e6:.1f} MB; the limit is {self.max_image_bytes / 1e6:g} MB"
            )
        data = file.read(self.max_image_bytes + 1)
        if len(data) > self.max_image_bytes:
            raise PayloadTooLarge(f"The image is over the {self.max_image_bytes / 1e6:g} MB limit")
        return data

    def participant_event(self, event: Any) -> bool:
        """A verified LiveKit webhook (livekit_rooms.ParticipantEvent) on the timeline. Anyone but the
        session's candidate joining its room is flagged; the count of people in the room is kept."""
        if event.session_id is None or event.event not in ("participant_joined", "participant_left"):
            return False
        try:
            session = self.store.get(event.session_id)
        except SessionNotFound:
            return False
        joined = event.event == "participant_joined"
        expected = event.identity == f"candidate-{session.session_id}"
        kind = event.event if expected or not joined else "extra_participant"
        self.store.apply(move.participant_moved(session, joined))
        self.record(session, [make_event(kind, "livekit", event.at * 1000, detail=event.identity)])
        return True

    def integrity(self, session_id: str) -> IntegrityReport:
        stored, dropped = self.store.events(session_id, self.limits.max_stored)
        return integrity([ProctoringEvent.model_validate(e) for e in stored], dropped)
