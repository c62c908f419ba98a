"""Schools and their accounts (administration use cases)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services.auth import create_user
from atpace.store.tables import Role, School, User

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def create_school(session: Session, slug: str, name: str) -> School:
    if not SLUG.match(slug):
        raise InvalidInput("slug", f"{slug!r} must be 2-63 lower-case letters, digits or dashes")
    if not name.strip() or len(name) > 200:
        raise InvalidInput("name", "school name must be 1-200 characters")
    if session.scalar(select(School.id).where(School.slug == slug)) is not None:
        raise Conflict(f"a school with slug {slug!r} already exists")
    school = School(slug=slug, name=name.strip())
    session.add(school)
    session.flush()
    return school


def create_user_in_school(
    session: Session, school_slug: str, email: str, display_name: str, role: str, password: str
) -> User:
    school = session.scalar(select(School).where(School.slug == school_slug))
    if school is None:
        raise NotFound(f"no school with slug {school_slug!r}; create it with `atpace schools create`")
    try:
        parsed_role = Role(role)
    except ValueError:
        raise InvalidInput(
            "role", f"role must be one of {', '.join(r.value for r in Role)}, not {role!r}"
        ) from None
    return create_user(
        session, school=school, email=email, display_name=display_name, role=parsed_role, password=password
    )
