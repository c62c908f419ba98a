"""Using a one-time sign-in link (first sign-in or password reset): greet the user, set their password,
end their other browser sessions."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from atpace.errors import InvalidInput
from atpace.services import limits
from atpace.services.sign_in_links import link_user, use_link
from atpace.store.tables import AuthToken, User


def greet(session: Session, secret: str) -> User:
    """The user a valid link belongs to (the link stays unused); an expired or used link is a NotFound."""
    return link_user(session, secret)


def choose_password(session: Session, secret: str, password: str, confirm: str | None = None) -> User:
    """Set the password through the link (used up, once even when sent twice) and sign out elsewhere."""
    if len(password) > limits.PASSWORD_MAX:
        raise InvalidInput("password", f"password must have at most {limits.PASSWORD_MAX} characters")
    if confirm is not None and confirm != password:
        link_user(session, secret)  # an expired link says so first
        raise InvalidInput("confirm", "the two passwords differ")
    user = use_link(session, secret, password)
    # A new password ends the sessions a lost or shared password may have opened (API tokens stay).
    session.execute(delete(AuthToken).where(AuthToken.user_id == user.id, AuthToken.kind == "session"))
    return user
