"""DynamoDB persistence: one table, single-table design.

Items (pk / sk):
  SESSION#<id> / META          the session: everything the hot path needs, so an answer is 1 read + 1 write
  SESSION#<id> / REPORT        the evaluation report (kept apart: it is large and written once)
  SESSION#<id> / EVENT#<ms>#<n> proctoring events (timeline), kept apart so the session item stays small
  COUNTER#<scope> / SHARD#nn   session counts per status, sharded so no counter item becomes a hot key
  SHARE#<sha256> / META        a report's share link, by its token's hash (shares)

One part per concern, each over the same table and the same write path (`table.Table.apply`, which turns a
domain Change into one call) and the same codec: `sessions` (reads), `listings` (counts and the
organisation's listings), `proctoring` (the event log), `leases` (the evaluation lease and the report),
`cleanup` (the due index and erasure), `shares` (report share links). `SessionStore` is all of them, for
the services' wiring.
"""

from interview_core.domain.transitions import (
    DueItem,
    EventCounts,
    EventLimits,
    EventWindow,
    EventWindowChanged,
)
from interview_core.errors import EvaluationBusy
from interview_core.store.cleanup import DUE_INDEX, CleanupIndex
from interview_core.store.codec import from_item, to_item
from interview_core.store.leases import EvaluationLeases
from interview_core.store.listings import COUNTED_FIELDS, LIST_INDEX, STATUS_INDEX, Listings
from interview_core.store.proctoring import DROPPED_EVENTS, ProctoringLog
from interview_core.store.sessions import Sessions
from interview_core.store.shares import ShareLinks
from interview_core.store.table import (
    DUE_SHARDS,
    META,
    REPORT,
    due_shard,
    due_shard_name,
    list_scope,
    session_item,
    session_key,
    status_pk,
)

__all__ = [
    "COUNTED_FIELDS",
    "DROPPED_EVENTS",
    "DUE_INDEX",
    "DUE_SHARDS",
    "LIST_INDEX",
    "META",
    "REPORT",
    "STATUS_INDEX",
    "DueItem",
    "EvaluationBusy",
    "EventCounts",
    "EventLimits",
    "EventWindow",
    "EventWindowChanged",
    "SessionStore",
    "due_shard",
    "due_shard_name",
    "from_item",
    "list_scope",
    "session_item",
    "session_key",
    "status_pk",
    "to_item",
]


class SessionStore(Sessions, Listings, ProctoringLog, EvaluationLeases, CleanupIndex, ShareLinks):
    """Every part of the store over one table, as the services are wired with it."""
