"""API Gateway WebSocket connections: connection id -> the session and the caller it authenticated as.

Its own table (ConnectionsTable), not items in SessionsTable: connections are transport state that lives
minutes, churns on every reconnect and needs neither the sessions table's backups (PITR) nor its Retain
policy, and the connect/disconnect functions then get no access to session data at all (disconnect) or
read-only (connect).

Item: connection_id (key), session_id, org_id | token_hash, connected_at, messages, expires_at (TTL).
The candidate's token is kept only as its SHA-256, like the session's own copy.
"""

import hmac
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from interview_core.access import Caller, digest
from interview_core.aws import client
from interview_core.domain import Session, epoch_now
from interview_core.live.channel import Connection
from interview_core.store.codec import from_item, to_item, value

# API Gateway closes a WebSocket after 2 hours at most; TTL then deletes what $disconnect missed.
CONNECTION_TTL_SECONDS = 2 * 3600 + 600


@dataclass(frozen=True)
class CandidateByHash(Caller):
    """A candidate whose token was checked at connect: matched by its hash, so no token is stored."""

    token_hash: str = ""

    def can_access(self, session: Session) -> bool:
        return bool(session.candidate_token_hash) and hmac.compare_digest(
            self.token_hash, session.candidate_token_hash or ""
        )


class ConnectionStore:
    def __init__(self, table: str) -> None:
        self.table = table

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def put(self, connection_id: str, conn: Connection) -> None:
        now = epoch_now()
        caller = conn.caller
        data: dict[str, Any] = {
            "connection_id": connection_id,
            "session_id": conn.session_id,
            "connected_at": now,
            "messages": 0,
            "expires_at": now + CONNECTION_TTL_SECONDS,
            "org_id": caller.org_id,
            "token_hash": digest(caller.candidate_token)
            if caller.org_id is None and caller.candidate_token
            else None,
        }
        self._db.put_item(TableName=self.table, Item=to_item(data))

    def touch(self, connection_id: str) -> tuple[Connection, bool] | None:
        """The connection, and whether this is its first message, in one conditional write; None when it
        is unknown or expired (DynamoDB's TTL deletes late)."""
        try:
            resp = self._db.update_item(
                TableName=self.table,
                Key=_key(connection_id),
                UpdateExpression="ADD messages :one",
                ConditionExpression="attribute_exists(connection_id) AND expires_at > :now",
                ExpressionAttributeValues={":one": value(1), ":now": value(epoch_now())},
                ReturnValues="ALL_NEW",
            )
        except ClientError as err:
            if err.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        item = from_item(resp["Attributes"])
        if "org_id" in item:
            caller: Caller = Caller(org_id=item["org_id"])
        else:
            caller = CandidateByHash(token_hash=item.get("token_hash", ""))
        return Connection(item["session_id"], caller), item["messages"] == 1

    def delete(self, connection_id: str) -> None:
        self._db.delete_item(TableName=self.table, Key=_key(connection_id))


def _key(connection_id: str) -> dict[str, Any]:
    return to_item({"connection_id": connection_id})
