"""Retention: the scheduled cleanup and erasure on request.

The cleanup reads only sessions that are due (DueIndex) and, for each, does the one thing its state
calls for: abandon an inactive session, queue an evaluation that never arrived again, or erase a
session past retention with everything it owns. Every step is a conditional write on what was read, so
two runs at once, a rerun, or a run that died half way never count or delete anything twice.
"""

import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from interview_core.access import Caller, authorize
from interview_core.blobs import MediaStore, session_prefix
from interview_core.domain import EvaluationStatus, Lifecycle, SessionStatus, epoch_now
from interview_core.errors import Forbidden, SessionNotFound
from interview_core.observability import count, logger
from interview_core.queue import EvaluationQueue
from interview_core.store import DUE_SHARDS, DueItem, SessionStore, due_shard_name

if TYPE_CHECKING:
    from interview_core.webhooks.events import CleanupEvents, Events, Pending

MAX_ERASE_ATTEMPTS = 5


@dataclass
class SweepResult:
    examined: int = 0
    abandoned: int = 0
    requeued: int = 0
    erased: int = 0
    postponed: int = 0
    skipped: int = 0  # changed by someone else since it was read: left for its new due time
    events_requeued: int = 0  # webhook events written with their change but not queued then
    complete: bool = True  # False when the time budget ran out: the next run resumes

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


class RetentionService:
    def __init__(
        self,
        store: SessionStore,
        media: MediaStore,
        queue: EvaluationQueue,
        lifecycle: Lifecycle,
        events: "Events | None" = None,
    ) -> None:
        self.events = events
        self.store = store
        self.media = media
        self.queue = queue
        self.lifecycle = lifecycle

    def sweep(
        self, now: int | None = None, batch_size: int = 100, deadline: float | None = None
    ) -> SweepResult:
        """One cleanup run. `deadline` (time.monotonic) bounds it; what is left stays due for the next run."""
        now = epoch_now() if now is None else now
        result = SweepResult()
        events = self.events.for_cleanup(self.store.find) if self.events else None
        for shard in range(DUE_SHARDS):
            start = None
            while True:
                if deadline is not None and time.monotonic() > deadline:
                    result.complete = False
                    self._report(result)
                    return result
                items, start = self.store.due(due_shard_name(shard), now, batch_size, start)
                for item in items:
                    result.examined += 1
                    self._act(item, now, result, events)
                if not start:
                    break
        if self.events:
            try:  # webhook events whose change was written but which were never queued
                result.events_requeued = self.events.sweep(now)
            except Exception:
                logger.exception("webhook outbox sweep failed; the next run retries")
        self._report(result)
        return result

    @staticmethod
    def _report(result: SweepResult) -> None:
        if result.examined:
            logger.info("cleanup run", extra=result.as_dict())
            count("SessionsAbandoned", result.abandoned)
            count("SessionsErased", result.erased)
            count("EvaluationsRequeued", result.requeued)

    def _act(self, item: DueItem, now: int, result: SweepResult, events: "CleanupEvents | None") -> None:
        status = item.status
        if status is SessionStatus.ERASING:  # an erasure that stopped half way: its event went with its start
            self._finish_erase(item.session_id)
            result.erased += 1
        elif status in (SessionStatus.INITIALIZED, SessionStatus.IN_PROGRESS):
            abandoned = SessionStatus.ABANDONED.value
            pending = events.pending(item, "session.abandoned", status=abandoned) if events else None
            if self.store.abandon(item, now, also=self._outbox(pending)):
                self._send(pending)
                result.abandoned += 1
            else:
                result.skipped += 1
        elif item.evaluation_missing and not item.past_retention(self.lifecycle, now):
            self._requeue(item, now, result)
        else:
            pending = events.pending(item, "session.erased", reason="retention") if events else None
            erasing = self.store.begin_erase(
                item.session_id, status, item.scope, seen_due=item.due_at, also=self._outbox(pending)
            )
            if erasing:
                self._send(pending)
                self._finish_erase(item.session_id)
                result.erased += 1
            else:
                result.skipped += 1

    def _outbox(self, pending: "Pending | None") -> list[dict[str, Any]] | None:
        return self.events.outbox(pending) if self.events else None

    def _send(self, pending: "Pending | None") -> None:
        if self.events:
            self.events.send(pending)

    def _requeue(self, item: DueItem, now: int, result: SweepResult) -> None:
        if item.evaluation_status is EvaluationStatus.RUNNING and item.lease_until > now:
            # a worker is on it: look again once its lease has run out
            moved = self.store.postpone(item, item.lease_until + 1)
            result.postponed += moved
            result.skipped += not moved
            return
        # Move the due time first: of two concurrent runs only one wins this write and sends.
        if self.store.postpone(item, self.lifecycle.after(self.lifecycle.evaluation_grace, now)):
            self.queue.enqueue(item.session_id)
            result.requeued += 1
        else:
            result.skipped += 1

    def erase(
        self,
        session_id: str,
        caller: Caller | None = None,
        subject: str | None = None,
        kind: str | None = None,
    ) -> None:
        """Erase a session and everything it owns now (erasure on request), not when TTL gets to it.
        `kind`: only sessions of that kind (the practice route must never erase a recruiter session).
        `subject`: the id a missing session's detail names (SessionNotFound), as the recruiter API words it."""
        session = None
        if caller is not None or kind is not None:
            try:
                session = self.store.get(session_id)
                if caller is not None:
                    authorize(caller, session, subject=subject)
            except SessionNotFound:
                raise SessionNotFound(subject) from None
            if kind is not None and session.kind != kind:
                raise Forbidden(
                    "This is a recruiter session: only its organisation can erase it, with "
                    "DELETE /api/parallel_interview/session/{session_id}"
                )
        pending = (
            self.events.pending(session, "session.erased", reason="request")
            if self.events and session
            else None
        )
        outbox = self._outbox(pending)
        for _ in range(MAX_ERASE_ATTEMPTS):
            found = self.store.status_of(session_id)
            if found is None:
                raise SessionNotFound(subject)
            status, scope = found
            if status is SessionStatus.ERASING or self.store.begin_erase(
                session_id, status, scope, also=outbox
            ):
                if status is not SessionStatus.ERASING:
                    self._send(pending)
                self._finish_erase(session_id)
                count("SessionsErased")
                return
        raise RuntimeError(f"session kept changing while being erased ({MAX_ERASE_ATTEMPTS} attempts)")

    def _finish_erase(self, session_id: str) -> None:
        # Objects first, the session item last: while it exists, a rerun knows there is work left.
        objects = self.media.delete_prefix(session_prefix(session_id))
        items = self.store.erase_items(session_id)
        logger.info("session erased", extra={"session_id": session_id, "objects": objects, "items": items})
