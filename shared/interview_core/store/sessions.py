"""Session items: reading a session (with its report), and every write to one through `apply`."""

import time
from typing import Any

from interview_core.domain import Report, Session, epoch_now
from interview_core.domain.transitions import is_live
from interview_core.errors import SessionNotFound
from interview_core.store.codec import from_item
from interview_core.store.table import META, REPORT, Table, session_key, valid_id

MAX_BATCH_ATTEMPTS = 5


class Sessions(Table):
    def _stored(self, session_id: str) -> dict[str, Any] | None:
        if not valid_id(session_id):
            return None
        resp = self._db.get_item(TableName=self.table, Key=session_key(session_id), ConsistentRead=True)
        return from_item(resp["Item"]) if "Item" in resp else None

    def get(self, session_id: str) -> Session:
        data = self._stored(session_id)
        if not is_live(data, epoch_now()):
            raise SessionNotFound()
        return Session.model_validate(data)

    def find(self, session_id: str) -> Session | None:
        """The session as stored, expired or erasing included (for what cleanup reports of it); None if gone."""
        data = self._stored(session_id)
        return Session.model_validate(data) if data is not None else None

    def get_with_report(self, session_id: str) -> tuple[Session, Report | None]:
        """The session and its report, if written: two keyed reads in one BatchGetItem, so nothing else in
        the partition (however many proctoring events) can push either off the page."""
        if not valid_id(session_id):
            raise SessionNotFound()
        request: dict[str, Any] = {
            self.table: {
                "Keys": [session_key(session_id), session_key(session_id, REPORT)],
                "ConsistentRead": True,
            }
        }
        items: dict[str, dict[str, Any]] = {}
        for attempt in range(MAX_BATCH_ATTEMPTS):
            resp = self._db.batch_get_item(RequestItems=request)
            items.update({i["sk"]["S"]: from_item(i) for i in resp["Responses"].get(self.table, [])})
            request = resp.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(0.05 * 2**attempt)  # throttled: back off as the SDKs do
        else:
            raise RuntimeError("DynamoDB kept the session read unprocessed; try again")
        if not is_live(items.get(META), epoch_now()):
            raise SessionNotFound()
        report = items.get(REPORT)
        return Session.model_validate(items[META]), (Report.model_validate(report) if report else None)
