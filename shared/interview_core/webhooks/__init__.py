"""Webhooks to an organisation's own systems (issue 16): Standard Webhooks signing (`signing`), and the
address guard that keeps a delivery from reaching anything but the public internet (`targets`), with the
delivery itself (`delivery`), which connects to the address the guard checked."""

import base64
import secrets
from typing import Literal, get_args

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64


def new_secret() -> str:
    """A Standard Webhooks secret: made where endpoints are registered, which never load the signer."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


Event = Literal[
    "session.created",
    "session.started",
    "session.completed",
    "session.abandoned",
    "report.ready",
    "integrity.flagged",
    "session.erased",
]
EVENTS: tuple[str, ...] = get_args(Event)
