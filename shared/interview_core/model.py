"""The bases of every pydantic model in the package.

A model's validator and serializer are built on first use, not at import: each function imports the
schemas and domain models of many routes, but builds only those its own route touches (cold start).
"""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)


class Body(Model):
    """A request body, built at import after all: FastAPI wraps it in a validator as soon as its route is
    declared, and rebuilding a deferred model inside that wrapper makes pydantic warn on every cold start
    (the parameter's alias, which a body model cannot use). The first request would build it anyway."""

    model_config = ConfigDict(defer_build=False)
