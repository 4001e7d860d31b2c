"""What the webhook queue carries: one event for one endpoint (made by `events`, handled by `dispatch`)."""

import json
from dataclasses import dataclass
from typing import Any

MESSAGE_TYPE = "webhook_delivery"


@dataclass(frozen=True)
class Message:
    """What the queue carries for one event and one endpoint."""

    webhook_id: str  # the Standard Webhooks message id: the event's, the same on every attempt
    event_type: str
    org_id: str
    endpoint_id: str
    payload: str  # the exact body, made once when the event happened

    def body(self) -> str:
        return json.dumps({"type": MESSAGE_TYPE, **self.__dict__})

    @classmethod
    def parse(cls, body: str) -> "Message":
        """ValueError for anything but a delivery message."""
        data: Any = json.loads(body)
        if not isinstance(data, dict) or data.pop("type", None) != MESSAGE_TYPE:
            raise ValueError("not a webhook delivery message")
        try:
            return cls(**{k: str(data[k]) for k in cls.__dataclass_fields__})
        except KeyError as err:
            raise ValueError(f"a webhook delivery message without {err}") from err
