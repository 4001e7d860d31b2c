"""Domain errors, the one place that says how each is answered: `status` over HTTP (api/app.py) and `code`
in the live channel's `error` message (live/channel.py; one of live.protocol.ErrorCode), both read from the
class by one generic handler on each side. Each carries the `detail` clients see.

An error about something missing takes that thing's id and words the detail itself; the others take a
detail that says what went wrong and what the caller can do about it."""

from typing import ClassVar


class InterviewError(Exception):
    status: ClassVar[int]  # every subclass sets both (a unit test checks it)
    code: ClassVar[str]

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidRequest(InterviewError):
    """The request is well-formed but asks for something inconsistent (or refers to it wrongly)."""

    status, code = 400, "bad_request"


class SessionNotFound(InterviewError):
    """No such session, or not one the caller may see: the two look alike, so a foreign id reveals nothing.
    The recruiter API (seed 002) names the id; without one, the practice API's wording (seed 001)."""

    status, code = 404, "not_found"

    def __init__(self, session_id: str | None = None) -> None:
        super().__init__("Session not found" if session_id is None else f"Session {session_id} not found")


class NotFound(InterviewError):
    """Anything other than a session that the caller cannot see."""

    status, code = 404, "not_found"


class JobNotFound(NotFound):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"Job {job_id[:100]} not found")  # cut: a malformed id may be long, and is echoed


class ApiKeyNotFound(NotFound):
    def __init__(self, key_id: str, org_id: str) -> None:
        super().__init__(f"No API key {key_id} in organisation {org_id}")


class WebhookNotFound(NotFound):
    def __init__(self, webhook_id: str) -> None:
        super().__init__(f"Webhook endpoint {webhook_id[:100]} not found")


class ShareLinkNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("This link has expired, was revoked, or never existed")


class SessionNotActive(InterviewError):
    """Not in progress: not started yet, completed or abandoned."""

    status, code = 400, "not_active"

    def __init__(self) -> None:
        super().__init__("Session is not active")


class AnswerConflict(InterviewError):
    """Another request already recorded the answer to this question."""

    status, code = 409, "conflict"


class IllegalTransition(InterviewError):
    """The session's state does not allow this step (start twice, end before start, ...)."""

    status, code = 409, "illegal_state"


class EvaluationBusy(InterviewError):
    """Another worker holds a valid lease on this session's evaluation (the message is retried later)."""

    status, code = 409, "conflict"

    def __init__(self, session_id: str) -> None:
        super().__init__(f"Session {session_id} is being evaluated by another worker")


class ProviderUnavailable(InterviewError):
    """A provider the request needs (language model, speech, ...) is not configured or not reachable."""

    status, code = 503, "unavailable"


class AudioRejected(InterviewError):
    """The audio cannot be used as an answer (format, length, content); nothing was recorded."""

    status, code = 400, "bad_request"


class ImageRejected(InterviewError):
    """A photo that cannot be checked (format, size, decoding)."""

    status, code = 400, "bad_request"


class DocumentRejected(InterviewError):
    """A file that cannot be read as text (type, encryption, damage, no text); nothing was stored."""

    status, code = 400, "bad_request"


class FaceCheckFailed(InterviewError):
    """A photo that was checked and holds no face or several."""

    status, code = 422, "bad_request"


class PayloadTooLarge(InterviewError):
    """The request body is over what the endpoint accepts directly; the detail names the alternative."""

    status, code = 413, "bad_request"


class Unauthorized(InterviewError):
    """No credentials, or credentials that are not (or no longer) valid."""

    status, code = 401, "unauthorized"


class WebhookRejected(Unauthorized):
    """A webhook whose signature or body hash does not verify; nothing was recorded."""


class Forbidden(InterviewError):
    """Valid credentials that do not allow this call (e.g. a candidate token on a recruiter route)."""

    status, code = 403, "forbidden"


class RateLimited(InterviewError):
    """Too many requests of a kind in a short time; `retry_after` seconds until it is worth trying again."""

    status, code = 429, "rate_limited"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


class RunLimitReached(InterviewError):
    """A coding question's runs in this session are used up; submitting the answer still works."""

    status, code = 429, "rate_limited"


class QuotaExceeded(RateLimited):
    """A daily quota is used up (or too little of it is left for this request); nothing was charged.
    `retry_after` is the seconds until the quota resets (the next 00:00 UTC)."""


class Refused(Exception):
    """The live channel refuses a connection because of `reason`. The transport reports it as the same
    request over HTTP would be: an `error` with its code, then close code 4000 + its status (4401, 4404...)."""

    def __init__(self, reason: InterviewError) -> None:
        super().__init__(reason.detail)
        self.reason = reason

    @property
    def status(self) -> int:
        return self.reason.status

    @property
    def detail(self) -> str:
        return self.reason.detail

    @property
    def close_code(self) -> int:
        return 4000 + self.reason.status
