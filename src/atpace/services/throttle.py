"""Rate limits shared by every worker and machine of an installation, kept in the database.

A limit is counted per key (``account:<e-mail>``, ``client:<address>``) in one-minute windows, read as a
sliding minute: the current window's count plus the previous window's, weighted by the part of it that
is still within the last 60 seconds. Counting and checking are one statement per key
(``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``), so two attempts at the same moment cannot both pass
a check that only one of them should: every attempt is counted *before* it is judged. The counts live
in their own short transaction, so they stay counted when the request that made them fails.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from atpace.errors import TooManyAttempts
from atpace.services.database import Database
from atpace.store.tables import utcnow
from atpace.store.tables_security import RateCounter

WINDOW_SECONDS = 60
KEEP_WINDOWS = 2  # older counts no longer matter and are removed


@dataclass(frozen=True)
class Limit:
    key: str
    per_minute: int


class SharedRateLimiter:
    def __init__(self, database: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.database = database
        self.clock = clock

    def hit(self, limits: Sequence[Limit], message: str) -> None:
        """Count one attempt under every key; refuse it (TooManyAttempts) when any key is over its limit."""
        now = self.clock().timestamp()
        minute = int(now // WINDOW_SECONDS)
        still_counting = 1.0 - (now % WINDOW_SECONDS) / WINDOW_SECONDS  # of the previous window
        wait = 0
        with self.database.transaction() as session:
            for limit in sorted(limits, key=lambda item: item.key):  # one lock order for every caller
                current = _increment(session, limit.key, minute)
                previous = session.scalar(
                    select(RateCounter.count).where(
                        RateCounter.key == limit.key, RateCounter.minute == minute - 1
                    )
                )
                if current + (previous or 0) * still_counting > limit.per_minute:
                    wait = max(wait, seconds_until_within(limit.per_minute, current, previous or 0, now))
            session.execute(delete(RateCounter).where(RateCounter.minute < minute - KEEP_WINDOWS + 1))
        if wait:
            raise TooManyAttempts(f"{message} Try again in {wait} seconds.", wait)

    @staticmethod
    def reset(session: Session, key: str) -> None:
        """Forget a key's counts, in the caller's transaction (a second write transaction inside a
        request's would wait for the request's own lock on SQLite)."""
        session.execute(delete(RateCounter).where(RateCounter.key == key))


def _increment(session: Session, key: str, minute: int) -> int:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    counted = (
        insert(RateCounter)
        .values(key=key, minute=minute, count=1)
        .on_conflict_do_update(
            index_elements=[RateCounter.key, RateCounter.minute], set_={"count": RateCounter.count + 1}
        )
        .returning(RateCounter.count)
    )
    return int(session.execute(counted).scalar_one())


def seconds_until_within(per_minute: int, current: int, previous: int, now: float) -> int:
    """Seconds until the sliding count is back within the limit, with no further attempt: while this window
    lasts, the previous window's share fades; after it, this window's count fades in turn."""
    into_window = now % WINDOW_SECONDS
    left_in_window = WINDOW_SECONDS - into_window
    if current <= per_minute:
        # current + previous * (1 - t / 60) <= limit, t the time into this window
        t = WINDOW_SECONDS * (1 - (per_minute - current) / previous) if previous else into_window
        return max(1, math.ceil(t - into_window))
    # next window: current * (1 - t' / 60) <= limit
    return max(1, math.ceil(left_in_window + WINDOW_SECONDS * (1 - per_minute / current)))


class LoginThrottle:
    """Sign-in attempts: at most ``per_account`` per minute for one e-mail, from all clients together, and
    ``per_client`` per minute from one client address, over all accounts. Each attempt is counted before
    its password is checked (so a burst of parallel guesses is cut at the limit): call :meth:`attempt`
    before the request's own transaction has touched the database (on SQLite it would hold the write
    lock the count needs). A successful sign-in clears its account's count, not its client's, in the
    request's transaction."""

    def __init__(self, database: Database, per_account: int, per_client: int) -> None:
        self.limiter = SharedRateLimiter(database)
        self.per_account = per_account
        self.per_client = per_client

    def attempt(self, client: str, email: str) -> None:
        self.limiter.hit(
            [Limit(f"account:{email}", self.per_account), Limit(f"client:{client}", self.per_client)],
            "Too many sign-in attempts.",
        )

    def succeeded(self, session: Session, email: str) -> None:
        self.limiter.reset(session, f"account:{email}")
