"""Jobs: predefined question sets an organisation creates once and addresses by `job_id` at session creation.

Items: ORG#<org> / JOB#<job_id>, so an organisation's jobs are one Query and another's are out of reach.
"""

import uuid
from typing import Any

from botocore.exceptions import ClientError

from interview_core.aws import client
from interview_core.contracts import CodingFields, QuestionIn, Rubric
from interview_core.domain import QuestionSource, QuestionType, ReportShare, utc_now
from interview_core.errors import JobNotFound
from interview_core.model import Model
from interview_core.store.codec import from_item, to_item


class JobQuestion(Rubric, CodingFields):
    """A job's question, its rubric and how it is run, as the organisation wrote them; its sessions copy
    all three."""

    text: str
    type: QuestionType = "text"
    source: QuestionSource | None = None  # generated from the job's description: the skill it names

    @classmethod
    def written(cls, q: QuestionIn) -> "JobQuestion":
        return cls(**{**dict(q), "type": q.type or "text"})


class Job(Model):
    job_id: str
    org_id: str
    title: str
    description: str | None = None
    questions: list[JobQuestion]
    candidate_report: ReportShare = "none"  # what its sessions' candidates may read of their reports
    follow_ups: int = 0  # its sessions' follow-up questions per main question, unless a session says
    external_id: str | None = None  # the organisation's own id for it, copied to its sessions' events
    created_at: str
    updated_at: str | None = None  # set by PUT /api/jobs/{job_id}


def _valid_id(job_id: str) -> bool:
    """Job ids are UUIDs: anything else is not found without a read (and never reaches DynamoDB as a key
    over its size limit)."""
    try:
        return str(uuid.UUID(job_id)) == job_id
    except ValueError:
        return False


class JobStore:
    def __init__(self, table: str) -> None:
        self.table = table

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    @staticmethod
    def _key(org_id: str, job_id: str) -> dict[str, Any]:
        return to_item({"pk": f"ORG#{org_id}", "sk": f"JOB#{job_id}"})

    def create(
        self,
        org_id: str,
        title: str,
        questions: list[JobQuestion],
        description: str | None,
        candidate_report: ReportShare = "none",
        follow_ups: int = 0,
        external_id: str | None = None,
    ) -> Job:
        job = Job(
            job_id=str(uuid.uuid4()),
            org_id=org_id,
            title=title,
            description=description,
            questions=questions,
            candidate_report=candidate_report,
            follow_ups=follow_ups,
            external_id=external_id,
            created_at=utc_now(),
        )
        self._db.put_item(
            TableName=self.table,
            Item={**self._key(org_id, job.job_id), **to_item(job.model_dump(mode="json"))},
            ConditionExpression="attribute_not_exists(pk)",
        )
        return job

    def update(
        self,
        org_id: str,
        job_id: str,
        title: str,
        questions: list[JobQuestion],
        description: str | None,
        candidate_report: ReportShare,
        follow_ups: int = 0,
        external_id: str | None = None,
    ) -> Job:
        """One conditional write: a job deleted meanwhile stays deleted (404)."""
        if not _valid_id(job_id):
            raise JobNotFound(job_id)
        fields = {
            "title": title,
            "questions": [q.model_dump(mode="json") for q in questions],
            "candidate_report": candidate_report,
            "follow_ups": follow_ups,
            "updated_at": utc_now(),
        }
        optional = {"description": description, "external_id": external_id}  # removed when not given
        fields.update({k: v for k, v in optional.items() if v})
        names = {f"#{k}": k for k in [*fields, *optional]}
        values = {f":{k}": v for k, v in fields.items()}
        expression = "SET " + ", ".join(f"#{k} = :{k}" for k in fields)
        if removed := [f"#{k}" for k, v in optional.items() if not v]:
            expression += " REMOVE " + ", ".join(removed)
        try:
            resp = self._db.update_item(
                TableName=self.table,
                Key=self._key(org_id, job_id),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_item(values),
                ReturnValues="ALL_NEW",
            )
        except ClientError as err:
            if err.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise JobNotFound(job_id) from err
            raise
        return _job(resp["Attributes"])

    def get(self, org_id: str, job_id: str) -> Job:
        if not _valid_id(job_id):
            raise JobNotFound(job_id)
        resp = self._db.get_item(TableName=self.table, Key=self._key(org_id, job_id), ConsistentRead=True)
        if "Item" not in resp:
            raise JobNotFound(job_id)
        return _job(resp["Item"])

    def list(self, org_id: str) -> list[Job]:
        jobs: list[Job] = []
        for page in self._db.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :job)",
            ExpressionAttributeValues=to_item({":pk": f"ORG#{org_id}", ":job": "JOB#"}),
        ):
            jobs += [_job(i) for i in page["Items"]]
        return sorted(jobs, key=lambda j: j.created_at, reverse=True)

    def delete(self, org_id: str, job_id: str) -> None:
        """Sessions made from the job keep their copy of its questions."""
        if not _valid_id(job_id):
            raise JobNotFound(job_id)
        try:
            self._db.delete_item(
                TableName=self.table,
                Key=self._key(org_id, job_id),
                ConditionExpression="attribute_exists(pk)",
            )
        except ClientError as err:
            if err.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise JobNotFound(job_id) from err
            raise


def _job(item: dict[str, Any]) -> Job:
    return Job.model_validate({k: v for k, v in from_item(item).items() if k not in ("pk", "sk")})
