"""A school's accounts, as its administrators manage them.

- E-mails are unique across the installation (a login never names its school); two administrators
  creating the same e-mail at once get one account and one 409, never a server error.
- A user created without a password gets a one-time first-sign-in link (shown once to the administrator);
  "reset password" makes a one-time password-reset link the same way. Nobody ever sees a password.
- Deactivating keeps every attempt, learner state and enrolment: the user can no longer sign in (their
  sessions end, their unused links stop working) and leaves rosters and heatmaps; reactivating brings
  everything back. An administrator cannot deactivate themself (so a school keeps an administrator).
- The role of an account does not change (a student's answers are not a teacher's): create a new account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from atpace.errors import Conflict, InvalidInput
from atpace.services import audit, limits
from atpace.services.auth import EMAIL_PATTERN, MIN_PASSWORD_LENGTH, Actor, hash_password
from atpace.services.school.common import (
    clean_name,
    require_admin,
    require_open,
    savepoint,
    school_class,
    school_user,
)
from atpace.services.school.enrolment import add_to_class
from atpace.services.sign_in_links import IssuedLink, Purpose, issue_link
from atpace.store.tables import (
    Attempt,
    AuthToken,
    Classroom,
    ClassTeacher,
    Enrollment,
    Role,
    SignInLink,
    User,
    utcnow,
)

ROLES = tuple(r.value for r in Role)
LIST_LIMIT_MAX = 500


def parse_role(value: str, field: str = "role") -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise InvalidInput(field, f"role must be one of {', '.join(ROLES)}, not {value!r}") from None


def clean_email(value: str, field: str = "email") -> str:
    email = value.strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > limits.EMAIL_MAX:
        raise InvalidInput(field, f"{value!r} is not an e-mail address")
    return email


def check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(field, f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > limits.PASSWORD_MAX:
        raise InvalidInput(field, f"password must have at most {limits.PASSWORD_MAX} characters")


def email_taken(email: str) -> Conflict:
    return Conflict(f"a user with e-mail {email} already exists", field="email")


def new_account(
    session: Session, school_id: int, email: str, display_name: str, role: Role, password: str | None
) -> User:
    """Insert an account (inputs already checked); a concurrent insert of the same e-mail is a 409."""
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise email_taken(email)
    user = User(
        school_id=school_id, email=email, display_name=display_name, role=role,
        password_hash=hash_password(password) if password else "",
    )  # fmt: skip
    with savepoint(session, email_taken(email)):
        session.add(user)
        session.flush()
    return user


def add_to_class_as(session: Session, classroom: Classroom, user: User) -> bool:
    """A student is enrolled, a teacher becomes a teacher of the class; True if that is new."""
    if user.role == Role.STUDENT:
        return add_to_class(session, classroom, user)
    if session.get(ClassTeacher, (classroom.id, user.id)) is not None:
        return False
    with savepoint(session, Conflict(f"{user.display_name} was just added to {classroom.name}")):
        session.add(ClassTeacher(class_id=classroom.id, user_id=user.id, role="teacher"))
        session.flush()
    return True


@dataclass(frozen=True)
class NewUser:
    user: User
    link: IssuedLink | None  # the first-sign-in link, when no password was given (shown once)
    class_name: str | None  # the class they were added to


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    display_name: str,
    role: str,
    password: str | None = None,
    class_id: int | None = None,
) -> NewUser:
    require_admin(actor)
    address = clean_email(email)
    name = clean_name(display_name, "display_name", "name")
    parsed = parse_role(role)
    if password:
        check_password(password)
    classroom = None
    if class_id is not None:
        classroom = school_class(session, actor, class_id)
        require_open(classroom)
        if parsed == Role.ADMIN:
            raise InvalidInput("class_id", "administrators are not members of classes")
    user = new_account(session, actor.school_id, address, name, parsed, password or None)
    if classroom is not None:
        add_to_class_as(session, classroom, user)
    link = None
    if not password:
        link = issue_link(session, user, "first-sign-in", created_by=session.get(User, actor.user_id))
    _audit(
        session, actor, "user.created", user,
        {"role": parsed.value, "class_id": classroom.id if classroom else None,
         "sign_in_link": link is not None},
    )  # fmt: skip
    return NewUser(user, link, classroom.name if classroom else None)


@dataclass(frozen=True)
class UserRow:
    id: int
    email: str
    display_name: str
    role: str
    is_active: bool
    has_password: bool
    created_at: datetime
    deactivated_at: datetime | None


@dataclass(frozen=True)
class UserPage:
    rows: list[UserRow]
    total: int  # matching users (rows holds at most ``limit`` of them)
    limit: int
    offset: int


def _row(u: User) -> UserRow:
    return UserRow(
        u.id, u.email, u.display_name, u.role.value, u.is_active, bool(u.password_hash), u.created_at,
        u.deactivated_at,
    )  # fmt: skip


def list_users(
    session: Session,
    actor: Actor,
    *,
    role: str | None = None,
    search: str = "",
    include_inactive: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> UserPage:
    require_admin(actor)
    if not 1 <= limit <= LIST_LIMIT_MAX:
        raise InvalidInput("limit", f"limit must be between 1 and {LIST_LIMIT_MAX}")
    if offset < 0:
        raise InvalidInput("offset", "offset must not be negative")
    conditions = [User.school_id == actor.school_id]
    if role:
        conditions.append(User.role == parse_role(role))
    if not include_inactive:
        conditions.append(User.is_active.is_(True))
    words = search.strip().lower()
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            or_(
                func.lower(User.display_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
    total = session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    users = session.scalars(
        select(User).where(*conditions).order_by(User.display_name, User.id).limit(limit).offset(offset)
    ).all()
    return UserPage([_row(u) for u in users], total, limit, offset)


@dataclass(frozen=True)
class Membership:
    class_id: int
    class_name: str
    role: str  # "student", "teacher" or "co-teacher"
    archived: bool


@dataclass(frozen=True)
class UserDetail:
    user: UserRow
    classes: list[Membership]
    attempts: int


def get_user(session: Session, actor: Actor, user_id: int) -> UserDetail:
    user = school_user(session, actor, user_id)
    require_admin(actor)
    enrolled = session.execute(
        select(Classroom, ClassTeacher.role)
        .join(ClassTeacher, ClassTeacher.class_id == Classroom.id)
        .where(ClassTeacher.user_id == user.id)
    ).all()
    memberships = [Membership(c.id, c.name, role, c.archived_at is not None) for c, role in enrolled]
    memberships += [
        Membership(c.id, c.name, "student", c.archived_at is not None)
        for c in session.scalars(
            select(Classroom)
            .join(Enrollment, Enrollment.class_id == Classroom.id)
            .where(Enrollment.user_id == user.id)
        )
    ]
    memberships.sort(key=lambda m: (m.archived, m.class_name.lower()))
    attempts = session.scalar(select(func.count()).select_from(Attempt).where(Attempt.student_id == user.id))
    return UserDetail(_row(user), memberships, attempts or 0)


def update_user(session: Session, actor: Actor, user_id: int, *, email: str, display_name: str) -> User:
    """Correct a user's e-mail (their login) or name."""
    user = school_user(session, actor, user_id, lock=True)
    require_admin(actor)
    address = clean_email(email)
    name = clean_name(display_name, "display_name", "name")
    # The log says what changed, not the values (they are personal data, kept in the account only).
    changed = [f for f, old, new in (("email", user.email, address), ("display_name", user.display_name, name))
               if old != new]  # fmt: skip
    if address != user.email:
        if session.scalar(select(User.id).where(User.email == address)) is not None:
            raise email_taken(address)
        with savepoint(session, email_taken(address)):
            user.email = address
            session.flush()
    user.display_name = name
    session.flush()
    if changed:
        _audit(session, actor, "user.updated", user, {"changed": changed})
    return user


def deactivate_user(session: Session, actor: Actor, user_id: int) -> User:
    """The user can no longer sign in; nothing of theirs is deleted. Deactivating twice changes nothing."""
    user = school_user(session, actor, user_id, lock=True)
    require_admin(actor)
    if user.id == actor.user_id:
        raise Conflict("you cannot deactivate your own account; ask another administrator", field="user_id")
    if user.is_active:
        user.is_active = False
        user.deactivated_at = utcnow()
        session.execute(delete(AuthToken).where(AuthToken.user_id == user.id))
        session.execute(
            update(SignInLink)
            .where(SignInLink.user_id == user.id, SignInLink.used_at.is_(None))
            .values(used_at=utcnow())
        )
        session.flush()
        _audit(session, actor, "user.deactivated", user, {})
    return user


def reactivate_user(session: Session, actor: Actor, user_id: int) -> User:
    user = school_user(session, actor, user_id, lock=True)
    require_admin(actor)
    if not user.is_active:
        user.is_active = True
        user.deactivated_at = None
        session.flush()
        _audit(session, actor, "user.reactivated", user, {})
    return user


def sign_in_link(session: Session, actor: Actor, user_id: int) -> IssuedLink:
    """A one-time link for the user to choose a password: a password reset, or their first sign-in when
    they have none yet. Earlier unused links of the same kind stop working."""
    user = school_user(session, actor, user_id, lock=True)
    require_admin(actor)
    if not user.is_active:
        raise Conflict(f"{user.display_name}'s account is deactivated: reactivate it first")
    purpose: Purpose = "password-reset" if user.password_hash else "first-sign-in"
    link = issue_link(session, user, purpose, created_by=session.get(User, actor.user_id))
    _audit(session, actor, "sign_in_link.issued", user, {"purpose": purpose})
    return link


def _audit(session: Session, actor: Actor, action: str, user: User, detail: dict[str, object]) -> None:
    audit.record(
        session, school_id=actor.school_id, actor_id=actor.user_id, action=action, subject=("user", user.id),
        detail=detail,
    )  # fmt: skip
