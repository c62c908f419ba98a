"""A school's Learning Record Store: its administrators set it (endpoint, key, secret, home page, on/off)
and read the outbox's state (waiting, sent, failing with the last error, rejected).

The secret is never shown again: a view says only whether one is set, and saving with an empty secret keeps
the one stored. Setting, changing or switching the LRS off is audited (``xapi_lrs.set``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput
from atpace.services import audit
from atpace.services.auth import Actor
from atpace.services.xapi.outbox import forget_lrs
from atpace.store.tables import Role, utcnow
from atpace.store.tables_xapi import ENDPOINT_MAX as ENDPOINT_MAX  # the faces check lengths with them
from atpace.store.tables_xapi import KEY_MAX as KEY_MAX
from atpace.store.tables_xapi import SECRET_MAX as SECRET_MAX
from atpace.store.tables_xapi import XapiLrs, XapiOutbox

HOME_PAGE_MAX = 300  # activity ids add a path to it
ERRORS_SHOWN = 5


def require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("only the school's administrators can set the Learning Record Store")


@dataclass(frozen=True)
class LrsInput:
    endpoint: str
    key: str
    secret: str  # "" keeps the secret already stored
    home_page: str
    enabled: bool = True


@dataclass(frozen=True)
class LrsView:
    endpoint: str
    key: str
    home_page: str
    enabled: bool
    secret_set: bool
    updated_at: datetime | None


@dataclass(frozen=True)
class OutboxError:
    error: str
    count: int
    newest: datetime


@dataclass(frozen=True)
class OutboxStatus:
    waiting: int  # not tried yet
    failing: int  # tried, will be tried again
    sent: int  # delivered (kept for 30 days)
    rejected: int  # refused by the LRS: not retried
    oldest_waiting: datetime | None
    last_sent: datetime | None
    next_try: datetime | None
    errors: tuple[OutboxError, ...]  # the most recent errors of failing and rejected statements


def _http_url(field: str, value: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(field, "give the address (https://...)")
    if len(value) > limit:
        raise InvalidInput(field, f"the address is too long ({limit} characters at most)")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise InvalidInput(field, "give an http:// or https:// address with a host name")
    if parts.username or parts.password:
        raise InvalidInput(field, "put the key and secret in their own fields, not in the address")
    if parts.query or parts.fragment:
        raise InvalidInput(field, "give the address without ?query or #fragment")
    return value


def lrs_view(session: Session, actor: Actor) -> LrsView | None:
    require_admin(actor)
    row = session.get(XapiLrs, actor.school_id)
    if row is None:
        return None
    return LrsView(row.endpoint, row.key, row.home_page, row.enabled, bool(row.secret), row.updated_at)


def save_lrs(session: Session, actor: Actor, data: LrsInput) -> LrsView:
    """Set or change the school's LRS (``enabled=False`` switches it off: statements stop being written,
    and those waiting stay until it is on again)."""
    require_admin(actor)
    endpoint = _http_url("endpoint", data.endpoint, ENDPOINT_MAX)
    endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
    home_page = _http_url("home_page", data.home_page, HOME_PAGE_MAX).rstrip("/")
    key = data.key.strip()
    if not key or len(key) > KEY_MAX or ":" in key or any(not c.isprintable() for c in key):
        raise InvalidInput("key", f"give the LRS key (1-{KEY_MAX} printable characters, no colon)")
    if len(data.secret) > SECRET_MAX or any(not c.isprintable() for c in data.secret):
        raise InvalidInput("secret", f"the secret is {SECRET_MAX} printable characters at most")
    row = session.scalar(select(XapiLrs).where(XapiLrs.school_id == actor.school_id).with_for_update())
    if row is None and not data.secret:
        raise InvalidInput("secret", "give the LRS secret")
    changed: list[str] = []
    if row is None:
        row = XapiLrs(school_id=actor.school_id, endpoint=endpoint, home_page=home_page, key=key,
                      secret=data.secret, enabled=data.enabled)  # fmt: skip
        session.add(row)
        changed = ["endpoint", "home_page", "key", "secret", "enabled"]
    else:
        for name, value in (("endpoint", endpoint), ("home_page", home_page), ("key", key), ("enabled", data.enabled)):
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed.append(name)
        if data.secret and data.secret != row.secret:
            row.secret = data.secret
            changed.append("secret")
    row.updated_at, row.updated_by_id = utcnow(), actor.user_id
    session.flush()
    forget_lrs(session, actor.school_id)
    if changed:
        audit.record(
            session, school_id=actor.school_id, actor_id=actor.user_id, action="xapi_lrs.set",
            detail={"changed": changed, "enabled": data.enabled, "endpoint": endpoint},
        )  # fmt: skip
    return LrsView(row.endpoint, row.key, row.home_page, row.enabled, True, row.updated_at)


def outbox_status(session: Session, actor: Actor) -> OutboxStatus:
    require_admin(actor)
    return school_status(session, actor.school_id)


def school_status(session: Session, school_id: int | None) -> OutboxStatus:
    """The outbox of one school (``None``: the whole installation, for the CLI)."""
    mine = [XapiOutbox.school_id == school_id] if school_id is not None else []
    unsent = [XapiOutbox.sent_at.is_(None), XapiOutbox.rejected_at.is_(None)]

    def count(*where: object) -> int:
        return int(session.scalar(select(func.count()).select_from(XapiOutbox).where(*mine, *where)) or 0)  # type: ignore[arg-type]

    waiting = count(*unsent, XapiOutbox.attempts == 0)
    failing = count(*unsent, XapiOutbox.attempts > 0)
    sent = count(XapiOutbox.sent_at.is_not(None))
    rejected = count(XapiOutbox.rejected_at.is_not(None))
    oldest = session.scalar(select(func.min(XapiOutbox.created_at)).where(*mine, *unsent))
    last_sent = session.scalar(select(func.max(XapiOutbox.sent_at)).where(*mine))
    next_try = session.scalar(select(func.min(XapiOutbox.next_attempt_at)).where(*mine, *unsent))
    rows = session.execute(
        select(XapiOutbox.last_error, func.count(), func.max(XapiOutbox.created_at))
        .where(*mine, XapiOutbox.sent_at.is_(None), XapiOutbox.last_error != "")
        .group_by(XapiOutbox.last_error)
        .order_by(func.max(XapiOutbox.created_at).desc())
        .limit(ERRORS_SHOWN)
    ).all()
    errors = tuple(OutboxError(str(e), int(n), newest) for e, n, newest in rows)
    return OutboxStatus(waiting, failing, sent, rejected, oldest, last_sent, next_try, errors)


def retry_now(session: Session, actor: Actor) -> int:
    """Try the school's failing and rejected statements again at the next send (after fixing the LRS)."""
    require_admin(actor)
    result = session.execute(
        update(XapiOutbox)
        .where(XapiOutbox.school_id == actor.school_id, XapiOutbox.sent_at.is_(None))
        .values(next_attempt_at=utcnow(), rejected_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
