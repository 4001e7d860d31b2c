"""Audio and images in S3, under keys the server chooses: everything of a session below one prefix,
so erasing a session is one prefix delete."""

from typing import Any

from interview_core.aws import client


def session_prefix(session_id: str) -> str:
    return f"sessions/{session_id}/"


class MediaStore:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    @property
    def _s3(self) -> Any:
        return client("s3")

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object below `prefix`; idempotent. Returns how many were deleted."""
        deleted = 0
        paginator = self._s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
            if keys:
                resp = self._s3.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
                if resp.get("Errors"):
                    raise RuntimeError(f"S3 refused to delete {len(resp['Errors'])} objects below {prefix}")
                deleted += len(keys)
        return deleted
