"""UTC checks shared by the policy modules (the clock is always passed in, timezone-aware UTC)."""

from __future__ import annotations

from datetime import datetime, timedelta


def utc_problem(name: str, value: object) -> str | None:
    """A message when ``value`` is not a timezone-aware UTC datetime, else None."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() != timedelta(0):
        return f"{name}={value!r} must be a timezone-aware UTC datetime"
    return None
