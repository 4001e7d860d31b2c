"""Absolute links in responses, so clients can follow them: the configured public URL, else the address
the client used. Apart from the views so the recruiter's functions do not load the practice API's models."""

from fastapi import Request

from interview_core.settings import get_settings


def _base(request: Request) -> str:
    return (get_settings().public_base_url or str(request.base_url)).rstrip("/")


def report_url(request: Request, session_id: str) -> str:
    return f"{_base(request)}/api/reports/{session_id}"


def share_urls(request: Request, token: str) -> tuple[str, str]:
    """A share link's page (for browsers) and its JSON."""
    base = _base(request)
    return f"{base}/r/{token}", f"{base}/api/shared-reports/{token}"
