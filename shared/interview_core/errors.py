"""Domain errors. Each carries the `detail` clients see; the API layer maps the class to a status code."""


class InterviewError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class SessionNotFound(InterviewError):
    def __init__(self, detail: str = "Session not found") -> None:
        super().__init__(detail)


class SessionNotActive(InterviewError):
    def __init__(self, detail: str = "Session is not active") -> None:
        super().__init__(detail)


class AnswerConflict(InterviewError):
    """Another request already recorded the answer to this question."""


class ProviderUnavailable(InterviewError):
    """A provider the request needs (language model, speech, ...) is not configured or not reachable."""


class AudioRejected(InterviewError):
    """The audio cannot be used as an answer (format, length, content); nothing was recorded."""


class PayloadTooLarge(InterviewError):
    """The request body is over what the endpoint accepts directly; the detail names the alternative."""


class Unauthorized(InterviewError):
    """No credentials, or credentials that are not (or no longer) valid."""


class Forbidden(InterviewError):
    """Valid credentials that do not allow this call (e.g. a candidate token on a recruiter route)."""


class IllegalTransition(InterviewError):
    """The session's state does not allow this step (start twice, end before start, ...)."""


class NotFound(InterviewError):
    """Anything other than a session that the caller cannot see (a job, an upload)."""


class ImageRejected(InterviewError):
    """A photo that cannot be checked (format, size, decoding)."""


class FaceCheckFailed(InterviewError):
    """A photo that was checked and holds no face or several."""


class RateLimited(InterviewError):
    """Too many requests of a kind in a short time; `retry_after` seconds until it is worth trying again."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


class QuotaExceeded(RateLimited):
    """A daily quota is used up (or too little of it is left for this request); nothing was charged.
    `retry_after` is the seconds until the quota resets (the next 00:00 UTC)."""
