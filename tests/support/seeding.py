"""Builds tables of many sessions in given states quickly (BatchWriteItem), for cleanup tests and bench.

Items are built by the store's own `session_item`, so they are what the API would have written; the
counter item is set to the exact counts of what was written.
"""

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3

from interview_core.blobs import session_prefix
from interview_core.domain import (
    COUNTED_STATES,
    PUBLIC_ORG,
    Answer,
    EvaluationStatus,
    KeyPoint,
    Lifecycle,
    Question,
    Report,
    Session,
    SessionStatus,
    TokenUsage,
    counter_scope,
    epoch_now,
)
from interview_core.store import REPORT, session_item, session_key, to_item

DAY = 86400
LIFECYCLE = Lifecycle(
    inactivity=timedelta(days=1),
    retention=timedelta(days=30),
    evaluation_grace=timedelta(minutes=15),
    ttl=timedelta(days=90),
)


@dataclass(frozen=True)
class Kind:
    """A category of seeded sessions and what one cleanup run must do with it."""

    name: str
    status: SessionStatus
    evaluation: EvaluationStatus
    due_in: int  # seconds from now (negative: overdue)
    ended_ago: int | None = None
    report: bool = False
    media: bool = False
    lease_in: int | None = None


def _session(kind: Kind, now: int) -> tuple[Session, dict[str, Any]]:
    sid = str(uuid.uuid4())
    answered = kind.status in (SessionStatus.COMPLETED, SessionStatus.ERASING)
    session = Session(
        session_id=sid,
        topic="Python",
        difficulty="simple",
        status=kind.status,
        questions=[
            Question(text="What is a list?", key_points=[KeyPoint(point="ordered", keywords=["order"])])
        ],
        answers=[
            Answer(question_number=1, text="An ordered collection.", submitted_at="2026-01-01T00:00:00Z")
        ]
        if answered
        else [],
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
        completed_at="2026-01-01T00:00:00Z" if answered else None,
        evaluation_status=kind.evaluation,
        expires_at=now + 90 * DAY,
    )
    item = session_item(session, now + kind.due_in)
    if kind.ended_ago is not None:
        item["ended_at"] = {"N": str(now - kind.ended_ago)}
    if kind.lease_in is not None:
        item["evaluation_lease_until"] = {"N": str(now + kind.lease_in)}
    return session, item


def _report_item(session: Session) -> dict[str, Any]:
    report = Report(
        session_id=session.session_id,
        topic=session.topic,
        difficulty=session.difficulty,
        overall_score=5,
        questions=[],
        strengths=[],
        improvements=[],
        summary="seeded",
        provider="offline-rubric",
        model="question-bank",
        rubric_version="keyword-rubric-v1",
        token_usage=TokenUsage(),
        generated_at="2026-01-01T00:00:00Z",
        evaluation_seconds=0.1,
    )
    return {**session_key(session.session_id, REPORT), **to_item(report.model_dump(mode="json"))}


def seed(
    table: str, bucket: str, plan: Iterable[tuple[Kind, int]], now: int | None = None
) -> dict[str, list[str]]:
    """Write `n` sessions of each kind; returns the session ids by kind name."""
    now = epoch_now() if now is None else now
    db, s3 = boto3.client("dynamodb"), boto3.client("s3")
    items: list[dict[str, Any]] = []
    ids: dict[str, list[str]] = {}
    counts: Counter = Counter()
    for kind, n in plan:
        for _ in range(n):
            session, item = _session(kind, now)
            ids.setdefault(kind.name, []).append(session.session_id)
            items.append(item)
            if kind.report:
                items.append(_report_item(session))
            if kind.media:
                s3.put_object(
                    Bucket=bucket, Key=session_prefix(session.session_id) + "answer-1.webm", Body=b"x"
                )
            if kind.status in COUNTED_STATES:
                counts[kind.status.value] += 1
                counts["total"] += 1
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]
        while requests:
            requests = (
                db.batch_write_item(RequestItems={table: requests}).get("UnprocessedItems", {}).get(table, [])
            )
    counter = {"pk": {"S": f"COUNTER#{counter_scope('practice', PUBLIC_ORG)}"}, "sk": {"S": "SHARD#00"}}
    counter.update({field: {"N": str(value)} for field, value in counts.items()})
    db.put_item(TableName=table, Item=counter)
    return ids


def table_state(table: str) -> dict[str, Any]:
    """Everything stored, for assertions: session statuses by id, report ids, counts by status."""
    db = boto3.client("dynamodb")
    sessions: dict[str, str] = {}
    reports: set[str] = set()
    for page in db.get_paginator("scan").paginate(
        TableName=table, ProjectionExpression="pk, sk, #s", ExpressionAttributeNames={"#s": "status"}
    ):
        for item in page["Items"]:
            pk, sk = item["pk"]["S"], item["sk"]["S"]
            if pk.startswith("SESSION#"):
                sid = pk.removeprefix("SESSION#")
                if sk == "META":
                    sessions[sid] = item["status"]["S"]
                elif sk == REPORT:
                    reports.add(sid)
    by_status = Counter(s for s in sessions.values() if s in {c.value for c in COUNTED_STATES})
    return {
        "sessions": sessions,
        "reports": reports,
        "counts": {**by_status, "total": sum(by_status.values())},
    }


def media_sessions(bucket: str) -> set[str]:
    keys = []
    for page in (
        boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="sessions/")
    ):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return {k.split("/")[1] for k in keys}
