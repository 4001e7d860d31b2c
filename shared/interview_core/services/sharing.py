"""Read-only links to a report that work without a key, for as long as the organisation chose (1-30 days).

What a link shows is what the report's candidate may read: a link can be forwarded, so it never carries
the organisation's view (hidden tests, rubric quotes, integrity details, the candidate's email or phone).
A recruiter session shows its release setting (`feedback` or `scores`; under `none` no link is made, and a
link made before the organisation withdrew the report answers 403); a practice session shows feedback and
scores, as its owner reads them. The token is 256 random bits, stored only as its SHA-256: reading a link
is one GetItem on that hash, then the session read any report read makes."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from interview_core.access import Caller, authorize, digest, new_secret
from interview_core.domain import (
    MAX_SHARE_DAYS,
    MIN_SHARE_DAYS,
    CandidateReport,
    ReportShare,
    Session,
    ShareLink,
    epoch_now,
    utc_now,
)
from interview_core.domain import transitions as move
from interview_core.errors import Forbidden, InvalidRequest, SessionNotFound, ShareLinkNotFound
from interview_core.observability import count
from interview_core.services.evaluation import candidate_report
from interview_core.store import SessionStore

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32): anything else is never read
DAY = 86_400


@dataclass(frozen=True)
class MadeLink:
    token: str
    link: ShareLink

    @property
    def expires_at_iso(self) -> str:
        return datetime.fromtimestamp(self.link.expires_at, UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class SharedReport:
    session: Session
    link: ShareLink
    report: CandidateReport | None  # None while the evaluation is pending


def _shown(session: Session) -> ReportShare:
    return session.report_share if session.kind == "recruiter" else "scores"


class ReportSharing:
    def __init__(self, store: SessionStore) -> None:
        self.store = store

    def create(self, session_id: str, caller: Caller, days: int) -> MadeLink:
        org = caller.organisation  # a candidate's token never makes a link (the route admits only keys)
        if not MIN_SHARE_DAYS <= days <= MAX_SHARE_DAYS:  # the body's schema says so too
            raise InvalidRequest(f"expires_in_days must be {MIN_SHARE_DAYS}-{MAX_SHARE_DAYS}")
        session = authorize(caller, self.store.get(session_id), session_id)
        if _shown(session) == "none":
            raise InvalidRequest(
                "Release the report first (release-report: feedback or scores): a link shows what the "
                "candidate may read"
            )
        token = new_secret()
        now = epoch_now()
        link = ShareLink(
            session_id=session.session_id,
            org_id=org,
            epoch=session.share_epoch,
            created_at=utc_now(),
            expires_at=now + days * DAY,
        )
        self.store.put_share_link(digest(token), link)
        count("ReportLinksShared")
        return MadeLink(token, link)

    def revoke(self, session_id: str, caller: Caller) -> Session:
        _ = caller.organisation  # organisations only
        session = authorize(caller, self.store.get(session_id), session_id)
        change = move.revoke_share_links(session)
        try:
            self.store.apply(change)
        except SessionNotFound:
            raise SessionNotFound(session_id) from None
        return change.result

    def read(self, token: str) -> SharedReport:
        if not TOKEN.fullmatch(token):
            raise ShareLinkNotFound()
        link = self.store.get_share_link(digest(token))
        if link is None:
            raise ShareLinkNotFound()
        try:
            session, report = self.store.get_with_report(link.session_id)
        except SessionNotFound:  # deleted or erased: its links die with it
            raise ShareLinkNotFound() from None
        if session.org_id != link.org_id or session.share_epoch != link.epoch:
            raise ShareLinkNotFound()
        share = _shown(session)
        if share == "none":
            raise Forbidden("The organisation has withdrawn this report")
        return SharedReport(session, link, candidate_report(session, report, share) if report else None)
