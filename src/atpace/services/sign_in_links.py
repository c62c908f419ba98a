"""One-time sign-in links: the first sign-in of an imported user (who has no password), or a password reset
made by an admin. The secret is shown once (in the link); only its SHA-256 is stored. A link works once,
before it expires; using it lets the user choose a password and starts a session."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from atpace.errors import InvalidInput, NotFound
from atpace.services import audit
from atpace.services.auth import MIN_PASSWORD_LENGTH, hash_password
from atpace.store.tables import SignInLink, User, utcnow

Purpose = Literal["first-sign-in", "password-reset"]
LINK_LIFETIME = {"first-sign-in": timedelta(days=14), "password-reset": timedelta(days=2)}
PATH_PREFIX = "/sign-in/"  # the page that takes the link: f"{PATH_PREFIX}{secret}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    user_id: int
    email: str
    display_name: str
    path: str  # PATH_PREFIX + secret; the faces prefix their own base URL
    expires_at: datetime


def issue_link(
    session: Session,
    user: User,
    purpose: Purpose,
    *,
    created_by: User | None = None,
    now: datetime | None = None,
) -> IssuedLink:
    """A new link for ``user``; earlier unused links of the same purpose stop working."""
    moment = now or utcnow()
    session.execute(
        update(SignInLink)
        .where(SignInLink.user_id == user.id, SignInLink.purpose == purpose, SignInLink.used_at.is_(None))
        .values(used_at=moment)
    )
    secret = secrets.token_urlsafe(32)
    expires = moment + LINK_LIFETIME[purpose]
    session.add(
        SignInLink(
            school_id=user.school_id, user_id=user.id, token_hash=_digest(secret), purpose=purpose,
            created_by_id=created_by.id if created_by else None, created_at=moment, expires_at=expires,
        )
    )  # fmt: skip
    session.flush()
    return IssuedLink(user.id, user.email, user.display_name, PATH_PREFIX + secret, expires)


def _valid_link(session: Session, secret: str, moment: datetime, *, lock: bool = False) -> SignInLink:
    query = select(SignInLink).where(SignInLink.token_hash == _digest(secret))
    link = session.scalar(query.with_for_update() if lock else query)
    if link is None or link.used_at is not None or link.expires_at <= moment:
        raise NotFound(
            "This sign-in link has expired or was already used; ask your school's administrator for a new one."
        )
    user = session.get(User, link.user_id)
    if user is None or not user.is_active:
        raise NotFound("This account is not active; ask your school's administrator.")
    return link


def link_user(session: Session, secret: str, *, now: datetime | None = None) -> User:
    """The user a valid link belongs to (to greet them on the page), without using it up."""
    link = _valid_link(session, secret, now or utcnow())
    user = session.get(User, link.user_id)
    assert user is not None
    return user


def use_link(session: Session, secret: str, new_password: str, *, now: datetime | None = None) -> User:
    """Set the user's password through the link and use the link up (once, even if sent twice at once)."""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    moment = now or utcnow()
    link = _valid_link(session, secret, moment, lock=True)
    used = session.execute(
        update(SignInLink)
        .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
        .values(used_at=moment)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("This sign-in link was already used.")
    user = session.get(User, link.user_id)
    assert user is not None
    user.password_hash = hash_password(new_password)
    session.flush()
    audit.record(
        session, school_id=user.school_id, actor_id=user.id, action="sign_in_link.used",
        subject=("user", user.id), detail={"purpose": link.purpose},
    )  # fmt: skip
    return user
