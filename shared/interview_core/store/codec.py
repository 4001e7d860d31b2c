"""The one attribute-value codec: plain Python values <-> DynamoDB's typed attribute values.

Floats are stored as decimals and read back as int or float; None is left out of items (and written as
NULL where it is a value in an update); enums and models are stored as their JSON form.
"""

from decimal import Decimal
from enum import Enum
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel

_ser = TypeSerializer()
_de = TypeDeserializer()


def value(v: Any) -> dict[str, Any]:
    """One attribute value, e.g. {"S": "x"}, {"N": "3"}, {"NULL": True}."""
    typed: dict[str, Any] = _ser.serialize(_plain(v))
    return typed


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    return {k: value(v) for k, v in data.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _native(_de.deserialize(v)) for k, v in item.items()}


def _plain(v: Any) -> Any:
    if isinstance(v, BaseModel):
        return _plain(v.model_dump(mode="json"))
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, float):
        return Decimal(str(v))
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items() if x is not None}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def _native(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, dict):
        return {k: _native(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_native(x) for x in v]
    return v
