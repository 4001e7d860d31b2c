"""The cold-start floor: FastAPI + Mangum + one boto3 DynamoDB GetItem, nothing else."""

import os

import boto3
from fastapi import FastAPI
from mangum import Mangum

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
_db = boto3.client("dynamodb")


@app.get("/health")
def health() -> dict:
    _db.get_item(TableName=os.environ["SESSIONS_TABLE"], Key={"pk": {"S": "floor"}, "sk": {"S": "floor"}})
    return {"status": "ok"}


handler = Mangum(app, lifespan="off")
