"""The evaluation lease on a session item, and the report it guards (SESSION#<id> / REPORT, written once).

A worker claims the lease (pending, or running with an expired lease -> running with its own claim
token), scores, then writes the report in a transaction that requires its token: of concurrent or
repeated deliveries, exactly one report is written."""

from contextlib import suppress
from typing import Any

from interview_core.domain import Report, Session
from interview_core.domain import transitions as move
from interview_core.domain.transitions import REFUSALS, Moment
from interview_core.store.codec import to_item, value
from interview_core.store.table import REPORT, Table, session_key


class EvaluationLeases(Table):
    def claim_evaluation(self, session_id: str, claim: str, lease_seconds: int) -> Session | None:
        """Take the evaluation lease. None when there is nothing to do (already done or gone);
        raises EvaluationBusy while another worker's lease is still valid."""
        try:
            claimed = self.apply(move.claim_evaluation(session_id, claim, Moment.now(), lease_seconds))
        except REFUSALS:
            return None
        return Session.model_validate(claimed)

    def save_report(
        self, report: Report, claim: str, expires_at: int, also: list[dict[str, Any]] | None = None
    ) -> bool:
        """Write the report once. False when it was already written (a duplicate delivery) or the lease or
        the session is gone."""
        item = {**session_key(report.session_id, REPORT), **to_item(report.model_dump(mode="json"))}
        item["expires_at"] = value(expires_at)
        change = move.report_saved(report.session_id, claim, Moment.now(), self.lifecycle)
        try:
            self.apply(change, also=[self.put_new(item), *(also or [])])
        except REFUSALS:
            return False
        return True

    def release_evaluation(self, session_id: str, claim: str, error: str) -> None:
        """Give the lease back after a failure so the retried message can claim it at once; a lease
        already taken over or finished stays as it is."""
        with suppress(*REFUSALS):
            self.apply(move.release_evaluation(session_id, claim, error))
