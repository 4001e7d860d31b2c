"""Share links: SHARE#<sha256 of the token> / META, found by one GetItem on the hash. The item names its
session and the session's share epoch when it was made; it expires by TTL (and is ignored once past
expires_at, since TTL deletes late). Erasing the session makes it useless: the session read is a 404."""

from typing import Any

from interview_core.domain import ShareLink, epoch_now
from interview_core.store.codec import from_item, to_item
from interview_core.store.table import META, Table


def share_key(token_hash: str) -> dict[str, Any]:
    return {"pk": {"S": f"SHARE#{token_hash}"}, "sk": {"S": META}}


class ShareLinks(Table):
    def put_share_link(self, token_hash: str, link: ShareLink) -> None:
        self._db.put_item(
            TableName=self.table,
            Item={**share_key(token_hash), **to_item(link.model_dump(mode="json"))},
            ConditionExpression="attribute_not_exists(pk)",  # a 256-bit token never repeats; never overwrite
        )

    def get_share_link(self, token_hash: str) -> ShareLink | None:
        resp = self._db.get_item(TableName=self.table, Key=share_key(token_hash))
        if "Item" not in resp:
            return None
        link = ShareLink.model_validate(from_item(resp["Item"]))
        return link if link.expires_at > epoch_now() else None
