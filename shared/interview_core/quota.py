"""Daily quotas: what an organisation (or, with access control off, a client address) may spend per UTC
day on the calls that cost money, charged before the money is spent and exact under concurrency.

Items (pk / sk):
  QUOTA#<subject>#<yyyy-mm-dd> / SHARD#nn   a subject's usage on one UTC day (sessions, llm_calls,
                                            tts_chars, audio_seconds), spread over SHARDS items
  ORG#<org> / QUOTA                         an organisation's own limits (`infra.admin quota set`)

The subject is `org#<org_id>` with access control on and `ip#<address>` with it off. Each limit is split
into one share per shard (shard i gets limit // SHARDS, plus one for i < limit % SHARDS) and a charge is
a conditional ADD that keeps its shard within its share, so the shards' sum can never pass the limit,
however many requests race: no shard is ever a hot key, and no read precedes the common-case charge.
When the chosen shard has no room left, one consistent Query finds the room the others still have and
the charge is spread over them in one transaction; only when the day's total room is too small is it
refused (QuotaExceeded: 429 with Retry-After). See docs/design.md.
"""

import random
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from interview_core.aws import client
from interview_core.errors import QuotaExceeded

SHARDS = 8  # fixed: a day's usage is found by shard, so changing it mid-day would misplace shares
METRICS = ("sessions", "llm_calls", "tts_chars", "audio_seconds")
# What clients and operators see: audio is counted in seconds, limited and shown in minutes.
LIMIT_NAMES = {
    "sessions": "sessions",
    "llm_calls": "llm_calls",
    "tts_chars": "tts_chars",
    "audio_seconds": "audio_minutes",
}
LABELS = {
    "sessions": "sessions",
    "llm_calls": "language-model calls",
    "tts_chars": "text-to-speech characters",
    "audio_seconds": "audio minutes",
}
USAGE_TTL_DAYS = 2  # a day's counters are kept two more days (GET /api/usage reads only today)
MAX_CACHED_LIMITS = 1024
MAX_ROUNDS = 6  # spread attempts; each lost race means another charge succeeded meanwhile


def share(limit: int, shard: int, shards: int = SHARDS) -> int:
    return limit // shards + (1 if shard < limit % shards else 0)


@dataclass(frozen=True)
class Limits:
    """Daily limits, as operators set them (audio in minutes)."""

    sessions: int
    llm_calls: int
    tts_chars: int
    audio_minutes: int

    def of(self, metric: str) -> int:
        """The limit in the unit that is counted (audio: seconds)."""
        return self.audio_minutes * 60 if metric == "audio_seconds" else getattr(self, metric)


def _day(now: float) -> tuple[str, datetime]:
    today = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today.strftime("%Y-%m-%d"), today + timedelta(days=1)


@dataclass(frozen=True)
class Usage:
    subject: str
    day: str
    resets_at: datetime
    used: dict[str, int]  # by metric, audio in seconds
    limits: Limits


class Quotas:
    def __init__(
        self,
        table: str,
        defaults: Limits,
        cache_seconds: int = 30,
        shards: int = SHARDS,
        clock: Any = time.time,
    ) -> None:
        self.table = table
        self.defaults = defaults
        self.cache_seconds = cache_seconds
        self.shards = shards
        self.clock = clock
        self._cache: dict[str, tuple[float, Limits]] = {}
        self._lock = threading.Lock()

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    # -- who pays -------------------------------------------------------------------------------

    def payer(self, auth_required: bool, org_id: str | None, address: str | None) -> "Payer":
        """With access control off everyone is the public organisation, so the address pays; with it on,
        the caller's organisation (a candidate: their session's organisation, see Payer.for_session)."""
        if not auth_required:
            return Payer(self, f"ip#{address or 'unknown'}")
        return Payer(self, f"org#{org_id}" if org_id else None)

    # -- limits ---------------------------------------------------------------------------------

    def limits(self, subject: str) -> Limits:
        """The subject's limits: an organisation's own (cached like API keys, so a warm function adds no
        call per request), else the defaults from settings."""
        kind, _, org = subject.partition("#")
        if kind != "org":
            return self.defaults
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(org)
        if cached and now - cached[0] < self.cache_seconds:
            return cached[1]
        limits = replace(self.defaults, **self.overrides(org))
        with self._lock:
            if len(self._cache) >= MAX_CACHED_LIMITS:
                self._cache.clear()
            self._cache[org] = (now, limits)
        return limits

    def overrides(self, org_id: str) -> dict[str, int]:
        resp = self._db.get_item(TableName=self.table, Key=_limits_key(org_id), ConsistentRead=True)
        item = resp.get("Item", {})
        return {name: int(item[name]["N"]) for name in LIMIT_NAMES.values() if name in item}

    def set_overrides(self, org_id: str, **limits: int) -> dict[str, int]:
        """Set some of an organisation's limits (the others keep theirs); warm functions see the change
        within `cache_seconds`."""
        if unknown := set(limits) - set(LIMIT_NAMES.values()):
            raise ValueError(f"unknown limits: {sorted(unknown)}")
        if any(v < 0 for v in limits.values()):
            raise ValueError("limits are 0 or more")
        if limits:
            names = {f"#l{i}": k for i, k in enumerate(limits)}
            values = {f":l{i}": {"N": str(v)} for i, v in enumerate(limits.values())}
            self._db.update_item(
                TableName=self.table,
                Key=_limits_key(org_id),
                UpdateExpression="SET " + ", ".join(f"#l{i} = :l{i}" for i in range(len(limits))),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        with self._lock:
            self._cache.pop(org_id, None)
        return self.overrides(org_id)

    # -- usage ----------------------------------------------------------------------------------

    def usage(self, subject: str) -> Usage:
        day, resets = _day(self.clock())
        per_shard = self._read(_usage_pk(subject, day))
        used = {m: sum(s.get(m, 0) for s in per_shard.values()) for m in METRICS}
        return Usage(subject, day, resets, used, self.limits(subject))

    def _read(self, pk: str) -> dict[int, dict[str, int]]:
        resp = self._db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
            ConsistentRead=True,
        )
        return {
            int(i["sk"]["S"].removeprefix("SHARD#")): {m: int(i[m]["N"]) for m in METRICS if m in i}
            for i in resp["Items"]
        }

    # -- charging -------------------------------------------------------------------------------

    def charge(self, subject: str, **amounts: int) -> None:
        """Count `amounts` (by metric) against today's limits, or raise QuotaExceeded and count nothing.

        Common case: one conditional UpdateItem on a random shard with room for the whole charge.
        Otherwise one Query and one write spreading the charge over the shards that have room."""
        amounts = {m: int(n) for m, n in amounts.items() if n > 0}
        if not amounts:
            return
        now = self.clock()
        day, resets = _day(now)
        pk = _usage_pk(subject, day)
        expires = int(resets.timestamp()) + USAGE_TTL_DAYS * 86400
        limits = self.limits(subject)
        caps = {m: [share(limits.of(m), i, self.shards) for i in range(self.shards)] for m in amounts}
        fits = [i for i in range(self.shards) if all(n <= caps[m][i] for m, n in amounts.items())]
        if fits and self._write({random.choice(fits): amounts}, pk, caps, expires):
            return
        for _ in range(MAX_ROUNDS):
            used = self._read(pk)
            plan: dict[int, dict[str, int]] = {}
            for metric, n in amounts.items():
                room = {i: caps[metric][i] - used.get(i, {}).get(metric, 0) for i in range(self.shards)}
                if sum(r for r in room.values() if r > 0) < n:
                    raise _refusal(
                        subject, metric, limits, sum(max(r, 0) for r in room.values()), n, resets, now
                    )
                for i in sorted(room, key=lambda s: (-room[s], random.random())):  # fewest shards first
                    part = min(n, room[i])
                    if part <= 0:
                        break
                    plan.setdefault(i, {})[metric] = part
                    n -= part
            if self._write(plan, pk, caps, expires):
                return
        # Every round lost a race to charges that succeeded: the quota is all but used up.
        metric = next(iter(amounts))
        raise _refusal(subject, metric, limits, 0, amounts[metric], resets, now)

    def _write(
        self, plan: dict[int, dict[str, int]], pk: str, caps: dict[str, list[int]], expires: int
    ) -> bool:
        updates = [self._update(pk, shard, parts, caps, expires) for shard, parts in plan.items()]
        try:
            if len(updates) == 1:
                self._db.update_item(**updates[0])
            else:
                self._db.transact_write_items(TransactItems=[{"Update": u} for u in updates])
        except ClientError as err:
            code = err.response["Error"]["Code"]
            if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
                return False
            raise
        return True

    def _update(
        self, pk: str, shard: int, parts: dict[str, int], caps: dict[str, list[int]], expires: int
    ) -> dict[str, Any]:
        names = {f"#m{j}": m for j, m in enumerate(parts)}
        values: dict[str, Any] = {":exp": {"N": str(expires)}}
        conditions = []
        for j, (metric, part) in enumerate(parts.items()):
            values[f":n{j}"] = {"N": str(part)}
            values[f":max{j}"] = {"N": str(caps[metric][shard] - part)}  # >= 0: part fits the share
            conditions.append(f"(attribute_not_exists(#m{j}) OR #m{j} <= :max{j})")
        return {
            "TableName": self.table,
            "Key": {"pk": {"S": pk}, "sk": {"S": f"SHARD#{shard:02d}"}},
            "UpdateExpression": "ADD "
            + ", ".join(f"#m{j} :n{j}" for j in range(len(parts)))
            + " SET expires_at = :exp",
            "ConditionExpression": " AND ".join(conditions),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }


@dataclass(frozen=True)
class Payer:
    """Who a request's costs are charged to."""

    quotas: Quotas
    subject: str | None  # None: a candidate, whose session's organisation pays

    def for_session(self, org_id: str) -> "Payer":
        return self if self.subject else replace(self, subject=f"org#{org_id}")

    def charge(self, **amounts: int) -> None:
        assert self.subject, "a candidate's charges go to their session's organisation (for_session)"
        self.quotas.charge(self.subject, **amounts)


def _usage_pk(subject: str, day: str) -> str:
    return f"QUOTA#{subject}#{day}"


def _limits_key(org_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"ORG#{org_id}"}, "sk": {"S": "QUOTA"}}


def _refusal(
    subject: str, metric: str, limits: Limits, left: int, needed: int, resets: datetime, now: float
) -> QuotaExceeded:
    whose = "organisation" if subject.startswith("org#") else "client address"
    limit = limits.of(metric)
    shown = limits.audio_minutes if metric == "audio_seconds" else limit
    head = f"Daily quota of {shown} {LABELS[metric]} for this {whose}"
    if left <= 0:
        detail = f"{head} is used up; it resets at 00:00 UTC"
    else:
        unit = "audio seconds" if metric == "audio_seconds" else LABELS[metric]
        detail = f"{head} has {left} {unit} left and this request needs {needed}; it resets at 00:00 UTC"
    return QuotaExceeded(detail, retry_after=max(1, int(resets.timestamp() - now + 0.999)))
