"""How a source call can fail, classified for the fallback chain and the queue.

Retryable errors (the upstream is down, slow, over quota, answered garbage, or refused this
credential) send the chain to the next source and, when every source failed so, retry the task
later. Permanent ones (the thing does not exist, the request itself is wrong) fail the task
unless another source answers.
"""

from __future__ import annotations


class SourceError(Exception):
    kind = "error"
    retryable = True

    def __init__(self, source: str, detail: str) -> None:
        super().__init__(f"{source}: {self.kind}: {detail}")
        self.source = source
        self.detail = detail


class Unavailable(SourceError):
    """5xx, a timeout, a refused connection."""

    kind = "unavailable"


class QuotaExceeded(SourceError):
    """429 or the platform's own quota error; the credential rests until its quota resets."""

    kind = "quota"


class AuthFailed(SourceError):
    """The credential was refused (revoked, invalid); it rests and another is tried."""

    kind = "auth"


class Malformed(SourceError):
    """A body that is not the documented shape (not JSON, fields missing or mistyped)."""

    kind = "malformed"


class NoCredential(SourceError):
    """Every credential of the source is disabled or resting."""

    kind = "no_credential"


class NotFound(SourceError):
    kind = "not_found"
    retryable = False


class Refused(SourceError):
    """The upstream says the request itself is wrong (a 4xx other than the above)."""

    kind = "refused"
    retryable = False
