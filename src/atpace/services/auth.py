"""Users, passwords, sessions and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pwdlib import PasswordHash
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, InvalidInput, TooManyAttempts, Unauthenticated
from atpace.store.tables import AuthToken, Role, School, User, utcnow

_hasher = PasswordHash.recommended()  # argon2id
# A real hash to verify against when the e-mail is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: enough to authorise without another query."""

    user_id: int
    school_id: int
    role: Role
    display_name: str
    email: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.school_id, user.role, user.display_name, user.email)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def validate_new_user(email: str, display_name: str, password: str) -> None:
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise InvalidInput("email", f"{email!r} is not an e-mail address")
    if not display_name.strip() or len(display_name) > 120:
        raise InvalidInput("display_name", "display name must be 1-120 characters")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"password must have at least {MIN_PASSWORD_LENGTH} characters")


def create_user(
    session: Session, *, school: School, email: str, display_name: str, role: Role, password: str
) -> User:
    email = email.strip().lower()
    validate_new_user(email, display_name, password)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with e-mail {email} already exists")
    user = User(
        school_id=school.id,
        email=email,
        display_name=display_name.strip(),
        role=role,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


class LoginThrottle:
    """Counts failed logins per (client, e-mail) in a moving one-minute window."""

    def __init__(self, failures_per_minute: int) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._limit = RateLimitItemPerMinute(failures_per_minute)

    def check(self, client: str, email: str) -> None:
        if not self._limiter.test(self._limit, client, email):
            reset_at, _remaining = self._limiter.get_window_stats(self._limit, client, email)
            wait = max(1, int(reset_at - utcnow().timestamp()) + 1)
            raise TooManyAttempts(f"Too many failed logins. Try again in {wait} seconds.", wait)

    def failed(self, client: str, email: str) -> None:
        self._limiter.hit(self._limit, client, email)


def authenticate(session: Session, email: str, password: str, throttle: LoginThrottle, client: str) -> User:
    email = email.strip().lower()
    throttle.check(client, email)
    user = session.scalar(select(User).where(User.email == email))
    # A user without a password (imported, signs in by link) is checked against the dummy hash too, so
    # that the answer takes as long as for any other account.
    has_password = user is not None and bool(user.password_hash)
    valid = _hasher.verify(password, user.password_hash if user and has_password else _DUMMY_HASH)
    if user is None or not has_password or not valid or not user.is_active:
        throttle.failed(client, email)
        raise Unauthenticated("Wrong e-mail or password.")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, user: User, *, kind: str, lifetime: timedelta | None, name: str = ""
) -> str:
    """Store a new token's hash and return the secret (shown once)."""
    secret = secrets.token_urlsafe(32)
    expires = utcnow() + lifetime if lifetime else None
    session.add(
        AuthToken(user_id=user.id, kind=kind, token_hash=_digest(secret), name=name, expires_at=expires)
    )
    session.flush()
    return secret


def resolve_token(session: Session, secret: str, *, now: datetime | None = None) -> User:
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == _digest(secret)))
    moment = now or utcnow()
    if row is None or (row.expires_at is not None and row.expires_at <= moment) or not row.user.is_active:
        raise Unauthenticated("Your session has expired; please log in again.")
    return row.user


def revoke_token(session: Session, secret: str) -> None:
    session.execute(delete(AuthToken).where(AuthToken.token_hash == _digest(secret)))
