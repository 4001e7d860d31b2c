"""Cleanup cost against table size: 100 expired sessions in tables of 1,000 and 20,000 sessions.

Read units are computed from what each read returned (DynamoDB rounds each read up to 4 KB; eventually
consistent reads cost half), because moto reports no real consumed capacity. Wall time on moto is shown
too: moto answers an index query by scanning the table, so unlike DynamoDB it grows with the table.

    .venv/bin/python bench/cleanup.py [--sizes 1000 20000]
"""

import argparse
import json
import math
import os
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra import aws_standin  # noqa: E402

os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
READ_OPS = {"Query", "GetItem", "Scan", "BatchGetItem"}


class ReadMeter:
    """Counts DynamoDB calls and the read units their results would cost (botocore event hooks)."""

    def __init__(self, db) -> None:  # noqa: ANN001
        self.db, self.units = db, 0.0
        self.calls: Counter[str] = Counter()
        db.meta.events.register("before-call.dynamodb", self._before)
        db.meta.events.register("after-call.dynamodb", self._after)

    def stop(self) -> None:
        self.db.meta.events.unregister("before-call.dynamodb", self._before)
        self.db.meta.events.unregister("after-call.dynamodb", self._after)

    def _before(self, params, context, **_) -> None:  # noqa: ANN001
        context["consistent"] = bool(params.get("ConsistentRead"))

    def _after(self, parsed, model, context, **_) -> None:  # noqa: ANN001
        self.calls[model.name] += 1
        if model.name in READ_OPS:
            items = parsed.get("Items") or ([parsed["Item"]] if "Item" in parsed else [])
            size_bytes = sum(len(json.dumps(i)) for i in items)
            self.units += max(1, math.ceil(size_bytes / 4096)) * (1 if context.get("consistent") else 0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--expired", type=int, default=100)
    args = parser.parse_args()

    standin = aws_standin.start()
    os.environ.update({**standin.env, "POWERTOOLS_LOG_LEVEL": "WARNING"})
    from interview_core import wiring
    from interview_core.aws import client
    from interview_core.domain import EvaluationStatus as E
    from interview_core.domain import SessionStatus as S
    from interview_core.domain import epoch_now
    from tests.support.seeding import DAY, Kind, seed

    keep = [
        Kind("active", S.IN_PROGRESS, E.NOT_REQUESTED, due_in=3600),
        Kind("reported", S.COMPLETED, E.READY, due_in=5 * DAY, ended_ago=25 * DAY, report=True),
    ]
    expired = Kind("expired", S.COMPLETED, E.READY, due_in=-3600, ended_ago=31 * DAY, report=True, media=True)

    rows = []
    for size in args.sizes:
        urllib.request.urlopen(
            urllib.request.Request(f"{standin.endpoint}/moto-api/reset", method="POST")
        ).read()
        aws_standin.provision(standin.endpoint)
        wiring.reset()
        now = epoch_now()
        rest = size - args.expired
        seed(os.environ["SESSIONS_TABLE"], os.environ["MEDIA_BUCKET"],
             [(keep[0], rest // 2), (keep[1], rest - rest // 2), (expired, args.expired)], now)  # fmt: skip

        meter = ReadMeter(client("dynamodb"))
        start = time.perf_counter()
        result = wiring.retention_service().sweep(now=now)
        wall = time.perf_counter() - start
        meter.stop()
        calls, units = meter.calls, meter.units
        reads = sum(v for k, v in calls.items() if k in READ_OPS)
        rows.append((size, result.examined, result.erased, units, reads, sum(calls.values()), wall))

    print(f"cleanup of {args.expired} expired sessions (erased with their report and audio)")
    print(f"{'sessions':>9}{'examined':>10}{'erased':>8}{'read units':>12}{'read calls':>12}{'all calls':>11}"
          f"{'wall s':>9}")  # fmt: skip
    for size, examined, erased, units, reads, total, wall in rows:
        print(f"{size:>9}{examined:>10}{erased:>8}{units:>12.1f}{reads:>12}{total:>11}{wall:>9.2f}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"largest / smallest table: read units {last[3] / first[3]:.2f}x, calls {last[5] / first[5]:.2f}x, "
              f"wall {last[6] / first[6]:.2f}x (target: read units the same within noise)")  # fmt: skip
    standin.stop()


if __name__ == "__main__":
    main()
