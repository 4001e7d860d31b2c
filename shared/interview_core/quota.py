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
refused (QuotaExceeded: 429 with Retry-After). A limit changed during the day (`infra.admin quota set`)
marks the day's shards, and from then on every charge of that day is conditional on all shards, since
some may hold more than their new share. See docs/design.md.
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
from interview_core.store.codec import from_item, to_item, value

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
MAX_ROUNDS = 8  # spread attempts; each lost race means another charge succeeded meanwhile
CHANGED = "limits_changed"  # on every shard of a day whose limits changed during it (mark_changed)


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
        item = from_item(resp.get("Item", {}))
        return {name: int(item[name]) for name in LIMIT_NAMES.values() if name in item}

    def set_overrides(self, org_id: str, **limits: int) -> dict[str, int]:
        """Set some of an organisation's limits (the others keep theirs); warm functions see the change
        within `cache_seconds`."""
        if unknown := set(limits) - set(LIMIT_NAMES.values()):
            raise ValueError(f"unknown limits: {sorted(unknown)}")
        if any(v < 0 for v in limits.values()):
            raise ValueError("limits are 0 or more")
        if limits:
            names = {f"#l{i}": k for i, k in enumerate(limits)}
            values = {f":l{i}": value(v) for i, v in enumerate(limits.values())}
            self._db.update_item(
                TableName=self.table,
                Key=_limits_key(org_id),
                UpdateExpression="SET " + ", ".join(f"#l{i} = :l{i}" for i in range(len(limits))),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
            self.mark_changed(f"org#{org_id}")
        with self._lock:
            self._cache.pop(org_id, None)
        return self.overrides(org_id)

    # -- usage ----------------------------------------------------------------------------------

    def usage(self, subject: str) -> Usage:
        day, resets = _day(self.clock())
        per_shard, _ = self._read(_usage_pk(subject, day))
        used = {m: sum(s.get(m, 0) for s in per_shard.values()) for m in METRICS}
        return Usage(subject, day, resets, used, self.limits(subject))

    def _read(self, pk: str) -> tuple[dict[int, dict[str, int]], bool]:
        """Usage by shard, and whether today's limits changed (see mark_changed)."""
        resp = self._db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": value(pk)},
            ConsistentRead=True,
        )
        items = [from_item(i) for i in resp["Items"]]
        used = {int(i["sk"].removeprefix("SHARD#")): {m: i[m] for m in METRICS if m in i} for i in items}
        return used, any(CHANGED in i for i in items)

    def mark_changed(self, subject: str) -> None:
        """After a limit changes mid-day, today's shards may hold more than their new shares, so a
        charge on one shard alone could pass the new limit: mark every shard so that, for the rest of the
        day, charges read all shards and write conditionally on all of them (see charge)."""
        day, resets = _day(self.clock())
        pk = _usage_pk(subject, day)
        for shard in range(self.shards):
            self._db.update_item(
                TableName=self.table,
                Key=_shard_key(pk, shard),
                UpdateExpression=f"SET {CHANGED} = :yes, expires_at = :exp",
                ExpressionAttributeValues={":yes": value(True), ":exp": value(_expiry(resets))},
            )

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
        limits = self.limits(subject)
        caps = {m: [share(limits.of(m), i, self.shards) for i in range(self.shards)] for m in amounts}
        fits = [i for i in range(self.shards) if all(n <= caps[m][i] for m, n in amounts.items())]
        writes = _Writes(self.table, pk, caps, _expiry(resets))
        if fits and self._write([writes.within_share(random.choice(fits), amounts)]):
            return
        for _ in range(MAX_ROUNDS):
            used, changed = self._read(pk)
            # Normally each shard is within its share, and conditions on the charged shards suffice.
            # A shard over its share (the limit was lowered today) makes the others' room an overestimate:
            # then the write is conditional on every shard holding what was read.
            over = changed or any(
                used.get(i, {}).get(m, 0) > caps[m][i] for m in amounts for i in range(self.shards)
            )
            plan: dict[int, dict[str, int]] = {}
            for metric, n in amounts.items():
                room = {i: caps[metric][i] - used.get(i, {}).get(metric, 0) for i in range(self.shards)}
                left = min(
                    sum(r for r in room.values() if r > 0),
                    limits.of(metric) - sum(u.get(metric, 0) for u in used.values()),
                )
                if left < n:
                    raise _refusal(subject, metric, limits, max(left, 0), n, resets, now)
                for i in sorted(room, key=lambda s: (-room[s], random.random())):  # fewest shards first
                    part = min(n, room[i])
                    if part <= 0:
                        break
                    plan.setdefault(i, {})[metric] = part
                    n -= part
            if over:
                items = [
                    writes.unchanged(i, plan.get(i, {}), used.get(i, {}), amounts) for i in range(self.shards)
                ]
            else:
                items = [writes.within_share(i, parts) for i, parts in plan.items()]
            if self._write(items):
                return
        # Every round lost a race to charges that succeeded: the quota is all but used up.
        metric = next(iter(amounts))
        raise _refusal(subject, metric, limits, 0, amounts[metric], resets, now)

    def _write(self, items: list[dict[str, Any]]) -> bool:
        try:
            if len(items) == 1 and "Update" in items[0]:
                self._db.update_item(**items[0]["Update"])
            else:
                self._db.transact_write_items(TransactItems=items)
        except ClientError as err:
            code = err.response["Error"]["Code"]
            if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
                return False
            raise
        return True


@dataclass(frozen=True)
class _Writes:
    """The conditional writes of one charge on one subject's day."""

    table: str
    pk: str
    caps: dict[str, list[int]]  # per charged metric, each shard's share
    expires: int

    def _add(
        self, shard: int, parts: dict[str, int], condition: str, names: dict[str, str], values: dict[str, Any]
    ) -> dict[str, Any]:
        names = {**names, **{f"#a{j}": m for j, m in enumerate(parts)}}
        values = {**values, ":exp": value(self.expires)}
        values.update({f":a{j}": value(n) for j, n in enumerate(parts.values())})
        adds = ", ".join(f"#a{j} :a{j}" for j in range(len(parts)))
        update = {
            "TableName": self.table,
            "Key": _shard_key(self.pk, shard),
            "UpdateExpression": f"ADD {adds} SET expires_at = :exp",
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        return {"Update": update}

    def within_share(self, shard: int, parts: dict[str, int]) -> dict[str, Any]:
        """ADD `parts` if the shard stays within its share of each (and today's limits did not change)."""
        names, values, conditions = {"#changed": CHANGED}, {}, ["attribute_not_exists(#changed)"]
        for j, (metric, part) in enumerate(parts.items()):
            names[f"#m{j}"] = metric
            values[f":max{j}"] = value(self.caps[metric][shard] - part)  # >= 0: part fits the share
            conditions.append(f"(attribute_not_exists(#m{j}) OR #m{j} <= :max{j})")
        return self._add(shard, parts, " AND ".join(conditions), names, values)

    def unchanged(
        self, shard: int, parts: dict[str, int], read: dict[str, int], metrics: dict[str, int]
    ) -> dict[str, Any]:
        """ADD `parts` (or only check) if the shard still holds what was read of every charged metric."""
        names, values, conditions = {}, {}, []
        for j, metric in enumerate(metrics):
            names[f"#m{j}"] = metric
            if metric in read:
                values[f":was{j}"] = value(read[metric])
                conditions.append(f"#m{j} = :was{j}")
            else:
                conditions.append(f"attribute_not_exists(#m{j})")
        condition = " AND ".join(conditions)
        if parts:
            return self._add(shard, parts, condition, names, values)
        check = {"TableName": self.table, "Key": _shard_key(self.pk, shard), "ConditionExpression": condition,
                 "ExpressionAttributeNames": names}  # fmt: skip
        if values:
            check["ExpressionAttributeValues"] = values
        return {"ConditionCheck": check}


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


def _expiry(resets: datetime) -> int:
    return int(resets.timestamp()) + USAGE_TTL_DAYS * 86400


def _usage_pk(subject: str, day: str) -> str:
    return f"QUOTA#{subject}#{day}"


def _limits_key(org_id: str) -> dict[str, Any]:
    return to_item({"pk": f"ORG#{org_id}", "sk": "QUOTA"})


def _shard_key(pk: str, shard: int) -> dict[str, Any]:
    return to_item({"pk": pk, "sk": f"SHARD#{shard:02d}"})


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
