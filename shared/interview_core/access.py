"""Who is calling: an organisation (by API key), a candidate (by a per-session token), or, while access
control is off, the public organisation. Keys and tokens are stored only as SHA-256 hashes.

Items (pk / sk):
  APIKEY#<sha256> / META        org_id, key_id, name, created_at, revoked: the lookup on every request
  ORG#<org> / APIKEY#<key_id>   the same key listed under its organisation, so it can be revoked by id
"""

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from interview_core.aws import client
from interview_core.domain import PUBLIC_ORG, Session, utc_now
from interview_core.errors import ApiKeyNotFound, Forbidden, SessionNotFound, Unauthorized
from interview_core.store.codec import from_item, to_item, value

KEY_PREFIX = "mik_"  # recognisable in a leaked-secret scan
MAX_CACHED_KEYS = 1024
ORG_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Caller:
    org_id: str | None = None  # set for API keys (and for everyone while access control is off)
    candidate_token: str | None = None  # set for a candidate acting on their own session

    @property
    def organisation(self) -> str:
        """The acting organisation, on the routes whose rule (ROUTES) admits organisations only."""
        if self.org_id is None:
            raise Forbidden("This call needs the organisation's API key")
        return self.org_id

    @property
    def is_candidate(self) -> bool:
        """Acting with a candidate token only: the organisation's rights do not apply."""
        return self.org_id is None

    def can_access(self, session: Session) -> bool:
        if self.org_id is not None and self.org_id == session.org_id:
            return True
        if self.candidate_token and session.candidate_token_hash:
            return hmac.compare_digest(digest(self.candidate_token), session.candidate_token_hash)
        return False


PUBLIC = Caller(org_id=PUBLIC_ORG)


class Role(StrEnum):
    ORGANISATION = "organisation"  # the organisation's X-API-Key (anyone while access control is off)
    CANDIDATE = "candidate"  # the candidate token of the session in the path, body or query
    PUBLIC = "public"  # no credentials


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    note: str = ""  # what the services check beyond the role

    @property
    def who(self) -> str:
        return " or ".join(r.value for r in Role if r in self.roles)


_ORG = frozenset({Role.ORGANISATION})
_BOTH = frozenset({Role.ORGANISATION, Role.CANDIDATE})
_ANYONE = frozenset({Role.PUBLIC})

# Who may call what: the one table. HTTP routes are enforced by api.auth.caller, live-channel messages by
# live.channel; both then check that a candidate token belongs to the session it names (else 404). The
# README and docs/design.md show this table (render_table), and a test drives every row.
ROUTES: dict[str, Rule] = {
    "GET /": Rule(_ANYONE),
    "GET /health": Rule(_ANYONE),
    "GET /api/config": Rule(_ANYONE),
    "POST /start-interview": Rule(_ORG),
    "POST /api/resume-text": Rule(_ORG),
    "POST /submit-answer": Rule(_BOTH),
    "POST /audio-answer/{session_id}": Rule(_BOTH),
    "POST /audio-upload/{session_id}": Rule(_BOTH),
    "POST /transcribe-audio": Rule(_ORG),
    "POST /text-to-speech": Rule(_ORG),
    "GET /session/{session_id}": Rule(_BOTH),
    "DELETE /session/{session_id}": Rule(_ORG, "practice sessions only: a recruiter session answers 403"),
    "GET /sessions": Rule(_ORG),
    "POST /generate-questions": Rule(_ORG),
    "POST /evaluate-answers": Rule(_ORG),
    "GET /api/reports/{session_id}": Rule(
        _BOTH, "candidate: only what the organisation released (release-report), never the integrity details"
    ),
    "POST /api/reports/{session_id}/share": Rule(
        _ORG, "a recruiter session's report once released (release-report); links expire in 1-30 days"
    ),
    "DELETE /api/reports/{session_id}/share": Rule(_ORG, "revokes every link of the report"),
    "GET /api/shared-reports/{token}": Rule(
        _ANYONE, "the link's token: what the candidate may read, until it expires or is revoked"
    ),
    "GET /r/{token}": Rule(_ANYONE, "the same, as a page for browsers"),
    "POST /api/webhooks": Rule(_ORG, "https URLs that resolve to public addresses only"),
    "GET /api/webhooks": Rule(_ORG, "the organisation's own endpoints, never their secrets"),
    "DELETE /api/webhooks/{webhook_id}": Rule(_ORG),
    "POST /api/webhooks/{webhook_id}/rotate-secret": Rule(_ORG, "the old secret keeps signing for 24 hours"),
    "POST /api/webhooks/{webhook_id}/enable": Rule(_ORG, "resumes deliveries to a disabled endpoint"),
    "GET /api/webhooks/{webhook_id}/deliveries": Rule(_ORG, "attempts of the last 30 days, newest first"),
    "POST /api/webhooks/{webhook_id}/test": Rule(_ORG, "to that endpoint only"),
    "POST /api/parallel_interview/create": Rule(_ORG),
    "GET /api/parallel_interview/sessions": Rule(_ORG),
    "GET /api/parallel_interview/session/{session_id}": Rule(_ORG),
    "POST /api/parallel_interview/session/{session_id}/start": Rule(_BOTH),
    "POST /api/parallel_interview/session/{session_id}/end": Rule(
        _BOTH, "candidate: only after the last answer or once the current question's time is up"
    ),
    "POST /api/parallel_interview/session/{session_id}/release-report": Rule(_ORG),
    "POST /api/parallel_interview/session/{session_id}/consent": Rule(_BOTH),
    "DELETE /api/parallel_interview/session/{session_id}": Rule(_ORG),
    "GET /api/parallel_interview/stats": Rule(_ORG),
    "GET /api/usage": Rule(_ORG, "with access control off: the caller's address's usage"),
    "POST /api/jobs": Rule(_ORG),
    "GET /api/jobs": Rule(_ORG),
    "GET /api/jobs/{job_id}": Rule(_ORG),
    "PUT /api/jobs/{job_id}": Rule(_ORG),
    "DELETE /api/jobs/{job_id}": Rule(_ORG),
    "POST /capture_reference_face": Rule(_BOTH),
    "POST /api/proctoring/{session_id}/snapshot": Rule(_BOTH),
    "POST /api/proctoring/{session_id}/events": Rule(_BOTH, "at most 300 events a minute per session"),
    "POST /api/code/run": Rule(
        _BOTH, "a session in progress; candidate: only the current question; 30 runs per question"
    ),
    "POST /api/livekit/webhook": Rule(_ANYONE, "signed by LiveKit with the deployment's API secret"),
}

# The live channel: connecting needs the organisation's key or the session's candidate token; each message
# then calls the same services as its HTTP counterpart, with the same notes.
MESSAGES: dict[str, Rule] = {
    "connect": Rule(_BOTH),
    "state": Rule(_BOTH),
    "ping": Rule(_BOTH),
    "answer": Rule(_BOTH),
    "proctoring": Rule(_BOTH, "at most 300 events a minute per session, with the HTTP route's"),
    "start": Rule(_BOTH, "recruiter sessions"),
    "end": Rule(_BOTH, "recruiter sessions; candidate: only after the last answer or once the time is up"),
    "run_code": Rule(
        _BOTH,
        "a session in progress; candidate: only the current question; 30 runs per question, with the HTTP route's",
    ),
}


def check(caller: Caller, rule: Rule) -> Caller:
    """Refuse a caller whose role the rule does not list (403): a candidate token on an organisation's
    call. Callers without credentials never get this far when access control is on (identify: 401)."""
    if caller.is_candidate and Role.CANDIDATE not in rule.roles and Role.PUBLIC not in rule.roles:
        raise Forbidden(
            "This call needs the organisation's X-API-Key; a candidate session token cannot make it"
        )
    return caller


def render_table() -> str:
    """The access table as Markdown (README and docs/design.md carry it; a test keeps them in step)."""
    rows = ["| call | who may call it | also checked |", "|---|---|---|"]
    rows += [f"| `{call}` | {rule.who} | {rule.note} |" for call, rule in ROUTES.items()]
    rows += [f"| live channel `{m}` | {rule.who} | {rule.note} |" for m, rule in MESSAGES.items()]
    return "\n".join(rows)


def identify(
    api_key: str | None, token: str | None, keys: "ApiKeys", auth_required: bool, missing: str
) -> Caller:
    """The one rule for every transport: an organisation's key, else a candidate's token, else (with
    access control off) the public organisation. `missing` says where the credentials were expected."""
    if api_key:
        org = keys.org_for(api_key)
        if org is None:
            raise Unauthorized("Invalid or revoked API key")
        return Caller(org_id=org)
    if token:
        return Caller(candidate_token=token)
    if auth_required:
        raise Unauthorized(missing)
    return PUBLIC


def authorize(caller: Caller | None, session: Session, subject: str | None = None) -> Session:
    """The session if `caller` may act on it; otherwise exactly what a missing session looks like, so a
    foreign id reveals nothing: SessionNotFound(subject). `None` is the system itself (workers, cleanup)."""
    if caller is not None and not caller.can_access(session):
        raise SessionNotFound(subject)
    return session


@dataclass(frozen=True)
class ApiKeyInfo:
    key_id: str
    org_id: str
    name: str
    created_at: str
    revoked: bool


class ApiKeys:
    def __init__(self, table: str, cache_seconds: int) -> None:
        self.table = table
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def org_for(self, key: str) -> str | None:
        """The organisation a key belongs to, or None for an unknown or revoked key. A warm function
        remembers answers for `cache_seconds`, so a revocation takes effect within that time."""
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            return None
        hashed = digest(key)
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(hashed)
        if cached and now - cached[0] < self.cache_seconds:
            return cached[1]
        resp = self._db.get_item(TableName=self.table, Key=_key_item(hashed), ConsistentRead=True)
        item = from_item(resp.get("Item", {}))
        org = item["org_id"] if item and not item.get("revoked", False) else None
        with self._lock:
            if len(self._cache) >= MAX_CACHED_KEYS:  # a flood of made-up keys must not grow a warm function
                self._cache.clear()
            self._cache[hashed] = (now, org)
        return org

    def create(self, org_id: str, name: str) -> tuple[str, ApiKeyInfo]:
        """A new key for `org_id`. The key itself is returned once and never stored."""
        if not ORG_ID.match(org_id):
            raise ValueError("organisation ids are 2-63 characters: lowercase letters, digits and '-'")
        key = new_secret(KEY_PREFIX)
        hashed = digest(key)
        info = ApiKeyInfo(hashed[:12], org_id, name, utc_now(), False)
        fields = to_item(
            {
                "org_id": org_id,
                "key_id": info.key_id,
                "name": name,
                "created_at": info.created_at,
                "revoked": False,
            }
        )
        self._db.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": self.table, "Item": {**_key_item(hashed), **fields},
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": self.table, "Item": {**_org_item(org_id, info.key_id), **fields,
                                                            "key_hash": value(hashed)}}},
            ]
        )  # fmt: skip
        return key, info

    def list(self, org_id: str) -> list[ApiKeyInfo]:
        resp = self._db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)",
            ExpressionAttributeValues=to_item({":pk": f"ORG#{org_id}", ":sk": "APIKEY#"}),
        )
        return [_info(from_item(i)) for i in resp["Items"]]

    def revoke(self, org_id: str, key_id: str) -> ApiKeyInfo:
        resp = self._db.get_item(TableName=self.table, Key=_org_item(org_id, key_id), ConsistentRead=True)
        if "Item" not in resp:
            raise ApiKeyNotFound(key_id, org_id)
        found = from_item(resp["Item"])
        hashed = found["key_hash"]
        update = {
            "UpdateExpression": "SET revoked = :yes",
            "ExpressionAttributeValues": {":yes": value(True)},
        }
        self._db.transact_write_items(
            TransactItems=[
                {"Update": {"TableName": self.table, "Key": _key_item(hashed), **update}},
                {"Update": {"TableName": self.table, "Key": _org_item(org_id, key_id), **update}},
            ]
        )
        with self._lock:
            self._cache.pop(hashed, None)
        return _info({**found, "revoked": True})


def _key_item(hashed: str) -> dict[str, Any]:
    return to_item({"pk": f"APIKEY#{hashed}", "sk": "META"})


def _org_item(org_id: str, key_id: str) -> dict[str, Any]:
    return to_item({"pk": f"ORG#{org_id}", "sk": f"APIKEY#{key_id}"})


def _info(data: dict[str, Any]) -> ApiKeyInfo:
    return ApiKeyInfo(
        data["key_id"], data["org_id"], data["name"], data["created_at"], data.get("revoked", False)
    )
