"""Users, passwords, sessions and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pwdlib import PasswordHash
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, InvalidInput, TooManyAttempts, Unauthenticated
from atpace.services import audit
from atpace.services.throttle import LoginThrottle
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
    session: Session, *, school: School, email: str, display_name: str, role: Role, password: str,
    password_hash: str | None = None,
) -> User:  # fmt: skip
    """``password_hash``: the password's hash made already (the demo's accounts share one published
    password, hashed once rather than once per account)."""
    email = email.strip().lower()
    validate_new_user(email, display_name, password)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with e-mail {email} already exists")
    user = User(
        school_id=school.id,
        email=email,
        display_name=display_name.strip(),
        role=role,
        password_hash=password_hash or hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str, throttle: LoginThrottle, client: str) -> User:
    email = email.strip().lower()
    try:
        throttle.attempt(client, email)  # counted before it is judged: see services/throttle.py
    except TooManyAttempts:
        _audit_failure(session, email, None, "throttled", client)
        raise
    user = session.scalar(select(User).where(User.email == email))
    # A user without a password (imported, signs in by link) is checked against the dummy hash too, so
    # that the answer takes as long as for any other account.
    has_password = user is not None and bool(user.password_hash)
    valid = _hasher.verify(password, user.password_hash if user and has_password else _DUMMY_HASH)
    if user is None or not has_password or not valid or not user.is_active:
        reason = (
            "unknown_account" if user is None else "no_password" if not has_password
            else "wrong_password" if not valid else "deactivated"
        )  # fmt: skip
        _audit_failure(session, email, user, reason, client)
        raise Unauthenticated("Wrong e-mail or password.")
    audit.record(
        session, school_id=user.school_id, actor_id=user.id, action="sign_in.succeeded",
        subject=("user", user.id), client=client,
    )  # fmt: skip
    throttle.succeeded(session, email)
    return user


def _audit_failure(session: Session, email: str, user: User | None, reason: str, client: str) -> None:
    """The failed sign-in's audit entry outlives the request it fails (docs/audit.md)."""
    if user is None:
        user = session.scalar(select(User).where(User.email == email))
    detail = {"reason": reason} if user else {"reason": reason, "login_digest": audit.login_digest(email)}
    audit.record_even_if_rolled_back(
        session, school_id=user.school_id if user else None, actor_id=None, action="sign_in.failed",
        subject=("user", user.id) if user else None, detail=detail, client=client,
    )  # fmt: skip


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
    if kind == "api":
        audit.record(
            session, school_id=user.school_id, actor_id=user.id, action="api_token.issued",
            subject=("user", user.id),
            detail={"name": name, "expires_at": expires.isoformat() if expires else None},
        )  # fmt: skip
    return secret


def resolve_token(session: Session, secret: str, *, now: datetime | None = None) -> User:
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == _digest(secret)))
    moment = now or utcnow()
    if row is None or (row.expires_at is not None and row.expires_at <= moment) or not row.user.is_active:
        raise Unauthenticated("Your session has expired; please log in again.")
    return row.user


def revoke_token(session: Session, secret: str) -> None:
    session.execute(delete(AuthToken).where(AuthToken.token_hash == _digest(secret)))
