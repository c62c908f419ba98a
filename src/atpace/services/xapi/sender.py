"""Send the outbox to each school's LRS: batches, retries with exponential backoff, no duplicates.

One round (:func:`send_pending`) repeats, at most ``max_batches`` times: claim the oldest due statements
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, then a lease: their next try is pushed ``lease`` seconds ahead,
so a second sender running at the same time takes other rows, and rows of a sender that died become due
again), POST each school's share as one JSON array to ``{endpoint}statements``, and record the outcome:

- 200 or 204: delivered. The LRS stores a statement whose id it already holds only once (xAPI 1.0.3,
  part three, 2.1.2): a resend after a lost answer is delivered, not duplicated.
- 400 or 409 for a batch: the batch is sent again one statement at a time (``PUT ?statementId=``) to find
  the one at fault; a single 409 means the LRS already holds a statement with our id: delivered (noted);
  a single 400 is rejected (not retried, shown on the page).
- anything else (no answer, a timeout, 401/403, 429, 5xx): the batch waits ``backoff_base * 2**(tries-1)``
  seconds (at most ``backoff_max``, with a little jitter) and is tried again.

Every request has a timeout and every loop a bound; nothing here holds a database transaction open while it
waits for the LRS.
"""

from __future__ import annotations

import base64
import http.client
import json
import random
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from atpace.store.tables import utcnow
from atpace.store.tables_xapi import ERROR_MAX, XapiLrs, XapiOutbox

if TYPE_CHECKING:
    from atpace.store.db import Database

BATCH_SIZE = 500
MAX_BATCHES = 200  # per round: 100,000 statements; the periodic job sends the rest a minute later
TIMEOUT_S = 15.0
BACKOFF_BASE_S = 10.0
BACKOFF_MAX_S = 3600.0
LEASE_S = 120.0
SENT_KEPT_DAYS = 30  # delivered rows are kept this long for the page, then pruned
XAPI_VERSION = "1.0.3"
ANSWER_MAX = 2000  # bytes of an LRS's answer kept for the error message


@dataclass(frozen=True)
class Lrs:
    school_id: int
    endpoint: str
    key: str
    secret: str

    def url(self, statement_id: str | None = None) -> str:
        base = self.endpoint.rstrip("/") + "/statements"
        return base if statement_id is None else f"{base}?statementId={statement_id}"

    def headers(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode("ascii")
        return {
            "Authorization": f"Basic {token}", "X-Experience-API-Version": XAPI_VERSION,
            "Content-Type": "application/json", "User-Agent": "atpace-xapi",
        }  # fmt: skip


@dataclass(frozen=True)
class Row:
    id: int
    school_id: int
    statement_id: str
    statement: str
    attempts: int


@dataclass
class Outcome:
    delivered: list[int] = field(default_factory=list)
    noted: dict[int, str] = field(default_factory=dict)  # delivered with a note (the LRS had the id)
    rejected: dict[int, str] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)  # row id -> error
    tries: dict[int, int] = field(default_factory=dict)  # row id -> attempts so far


class Unreachable(Exception):
    """No HTTP answer: refused, reset, timed out."""


Post = Callable[[str, str, dict[str, str], bytes, float], tuple[int, bytes]]


def http_request(method: str, url: str, headers: dict[str, str], body: bytes, timeout: float) -> tuple[int, bytes]:
    """One request with the standard library; returns (status, first bytes of the answer)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read(ANSWER_MAX))
    except urllib.error.HTTPError as error:
        with error:
            return int(error.code), bytes(error.read(ANSWER_MAX))
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", None) or error
        raise Unreachable(f"no answer from the LRS: {reason}") from error


def _due(now: datetime, limit: int) -> Select[int, int, str, str, int]:
    return (
        select(XapiOutbox.id, XapiOutbox.school_id, XapiOutbox.statement_id, XapiOutbox.statement, XapiOutbox.attempts)
        .join(XapiLrs, XapiLrs.school_id == XapiOutbox.school_id)
        .where(
            XapiOutbox.sent_at.is_(None), XapiOutbox.rejected_at.is_(None), XapiOutbox.next_attempt_at <= now,
            XapiLrs.enabled.is_(True),
        )
        .order_by(XapiOutbox.id)
        .limit(limit)
    )  # fmt: skip


def _claim(database: Database, now: datetime, limit: int, lease: float) -> tuple[list[Row], dict[int, Lrs]]:
    with database.transaction() as session:
        query = _due(now, limit)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=XapiOutbox)
        rows = [Row(i, school, sid, text, tries) for i, school, sid, text, tries in session.execute(query).all()]
        if not rows:
            return [], {}
        session.execute(
            update(XapiOutbox).where(XapiOutbox.id.in_([r.id for r in rows]))
            .values(next_attempt_at=now + timedelta(seconds=lease))
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        schools = {r.school_id for r in rows}
        lrs = {
            s.school_id: Lrs(s.school_id, s.endpoint, s.key, s.secret)
            for s in session.scalars(select(XapiLrs).where(XapiLrs.school_id.in_(schools)))
        }
        return rows, lrs


def _answer(status: int, body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    try:
        detail = json.loads(text).get("detail", text)
        text = detail if isinstance(detail, str) else json.dumps(detail)
    except (ValueError, AttributeError):
        pass
    return f"the LRS answered {status}: {text[:300]}" if text else f"the LRS answered {status}"


def _deliver(lrs: Lrs, rows: Sequence[Row], timeout: float, send: Post, outcome: Outcome) -> None:
    body = ("[" + ",".join(r.statement for r in rows) + "]").encode()
    try:
        status, answer = send("POST", lrs.url(), lrs.headers(), body, timeout)
    except Unreachable as error:
        outcome.failed.update({r.id: str(error) for r in rows})
        return
    if status in (200, 204):
        outcome.delivered.extend(r.id for r in rows)
        return
    if status in (400, 409) and len(rows) > 1:
        for row in rows:  # find the statement at fault; the others go through
            _deliver_one(lrs, row, timeout, send, outcome)
        return
    if status in (400, 409):
        _settle_one(rows[0], status, answer, outcome)
        return
    message = _answer(status, answer)
    if status in (401, 403):
        message += " (check the key and secret set for the LRS)"
    outcome.failed.update({r.id: message for r in rows})


def _deliver_one(lrs: Lrs, row: Row, timeout: float, send: Post, outcome: Outcome) -> None:
    try:
        status, answer = send("PUT", lrs.url(row.statement_id), lrs.headers(), row.statement.encode(), timeout)
    except Unreachable as error:
        outcome.failed[row.id] = str(error)
        return
    if status in (200, 204):
        outcome.delivered.append(row.id)
    elif status in (400, 409):
        _settle_one(row, status, answer, outcome)
    else:
        outcome.failed[row.id] = _answer(status, answer)


def _settle_one(row: Row, status: int, answer: bytes, outcome: Outcome) -> None:
    if status == 409:  # our id is taken at the LRS: it was delivered (by an earlier try or another sender)
        outcome.noted[row.id] = "the LRS already held a statement with this id: " + _answer(status, answer)
    else:
        outcome.rejected[row.id] = _answer(status, answer)


def _chunks(ids: Sequence[int], size: int = 500) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def _record(
    session: Session, outcome: Outcome, now: datetime, backoff_base: float, backoff_max: float
) -> None:
    def values(ids: Sequence[int], **changes: Any) -> None:
        for chunk in _chunks(ids):
            session.execute(
                update(XapiOutbox).where(XapiOutbox.id.in_(chunk)).values(**changes)
                .execution_options(synchronize_session=False)
            )  # fmt: skip

    values(outcome.delivered, sent_at=now, last_error="")
    for row_id, note in outcome.noted.items():
        values([row_id], sent_at=now, last_error=note[:ERROR_MAX])
    for row_id, error in outcome.rejected.items():
        values([row_id], rejected_at=now, last_error=error[:ERROR_MAX], attempts=XapiOutbox.attempts + 1)
    by_error: dict[tuple[str, int], list[int]] = {}
    for row_id, error in outcome.failed.items():
        by_error.setdefault((error, outcome.tries.get(row_id, 0) + 1), []).append(row_id)
    for (error, tries), ids in by_error.items():
        delay = min(backoff_base * 2 ** min(tries - 1, 30), backoff_max) * random.uniform(0.9, 1.1)
        values(
            ids, attempts=XapiOutbox.attempts + 1, last_error=error[:ERROR_MAX],
            next_attempt_at=now + timedelta(seconds=delay),
        )  # fmt: skip


def send_pending(
    database: Database,
    settings: object | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    max_batches: int = MAX_BATCHES,
    timeout: float = TIMEOUT_S,
    backoff_base: float = BACKOFF_BASE_S,
    backoff_max: float = BACKOFF_MAX_S,
    lease: float = LEASE_S,
    send: Post = http_request,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """Send what is due to each school's LRS; returns the number of statements delivered in this round.

    ``settings`` (atpace's Settings) is accepted for the job runner's sake; the LRS of each school is
    in the database. Statements that fail wait for their backoff: a later round (the periodic job, or
    ``atpace xapi send``) tries them again."""
    del settings
    if not 1 <= batch_size <= 10_000:
        raise ValueError(f"batch_size must be 1 to 10000, not {batch_size}")
    delivered = 0
    for _ in range(max_batches):
        rows, lrs = _claim(database, clock(), batch_size, lease)
        if not rows:
            break
        outcome = Outcome(tries={r.id: r.attempts for r in rows})
        by_school: dict[int, list[Row]] = {}
        for row in rows:
            by_school.setdefault(row.school_id, []).append(row)
        for school_id, share in by_school.items():
            target = lrs.get(school_id)
            if target is None:  # switched off or removed between the claim and now
                outcome.failed.update({r.id: "the school's LRS is not set" for r in share})
                continue
            _deliver(target, share, timeout, send, outcome)
        with database.transaction() as session:
            _record(session, outcome, clock(), backoff_base, backoff_max)
        delivered += len(outcome.delivered) + len(outcome.noted)
    prune_sent(database, clock())
    return delivered


def prune_sent(database: Database, now: datetime, days: int = SENT_KEPT_DAYS) -> int:
    with database.transaction() as session:
        result = session.execute(
            delete(XapiOutbox).where(XapiOutbox.sent_at < now - timedelta(days=days))
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
