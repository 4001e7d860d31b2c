"""Webhooks to an organisation's own systems (issue 16): Standard Webhooks signing (`signing`), and the
address guard that keeps a delivery from reaching anything but the public internet (`targets`), with the
delivery itself (`delivery`), which connects to the address the guard checked."""

EVENTS = (
    "session.created",
    "session.started",
    "session.completed",
    "report.ready",
    "integrity.flagged",
    "session.erased",
)
