"""Domain exceptions. They become HTTP status codes only in the web layer, messages only in the CLI."""

from __future__ import annotations


class AtpaceError(Exception):
    """Base class of every error a user can cause."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(AtpaceError):
    """The thing does not exist, or the actor may not know that it exists."""


class Forbidden(AtpaceError):
    """The actor is known but may not do this."""


class Unauthenticated(AtpaceError):
    """No valid session or token."""


class InvalidInput(AtpaceError):
    """Input that names a field and what is wrong with it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Conflict(AtpaceError):
    """The request clashes with what is stored (a duplicate name, for instance); ``field`` names the
    input that clashes, when one does."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TooManyAttempts(AtpaceError):
    """Throttled: too many failed logins."""

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
