"""Moved to `interview_core.text`, below both the HTTP API and the live channel (see Layers in
docs/design.md). These names stay here only for the importers not yet moved (api/app.py, live/channel.py,
api/routes/recruiter_create.py); the layer test allows live/channel.py's import until it moves."""

from interview_core.text import EMAIL_PATTERN, has_lone_surrogate, printable

__all__ = ["EMAIL_PATTERN", "has_lone_surrogate", "printable"]
