"""Class join codes: a teacher shows the code, a signed-in student types it and joins the class.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 8.5 * 10**11
possibilities; it is unique across the installation (a code is looked up without knowing the school) and
a collision when one is made is retried. Joining is for students of the class's school only: a code of
another school's class, of an archived class or a mistyped one are all the same "not found", and failed
tries are throttled per student, so codes cannot be guessed by trying many.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from atpace.errors import Conflict, InvalidInput, NotFound, TooManyAttempts
from atpace.services.access import require_student
from atpace.services.auth import Actor
from atpace.services.school.common import require_open, roster_class, savepoint
from atpace.services.school.enrolment import add_to_class, record_enrolment
from atpace.store.tables import Classroom, utcnow

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
ATTEMPTS = 5  # tries to find an unused code (a collision is already one in ~10**11 per existing code)
FAILED_JOINS_PER_10_MINUTES = 10
UNKNOWN_CODE = "no class has this join code: check it with your teacher"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(code: str) -> str:
    """What a student typed, as stored: upper case, without spaces and dashes."""
    return "".join(ch for ch in code.upper() if not ch.isspace() and ch != "-")


def display(code: str | None) -> str:
    """ABCD-EFGH: easier to read aloud and copy."""
    if not code:
        return ""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def set_join_code(session: Session, actor: Actor, class_id: int) -> Classroom:
    """Give the class a new join code (the old one stops working): its teachers or an administrator."""
    classroom = roster_class(session, actor, class_id, lock=True)
    require_open(classroom)
    for _ in range(ATTEMPTS):
        code = new_code()
        try:
            with savepoint(session, Conflict("join code taken")):
                session.execute(
                    update(Classroom)
                    .where(Classroom.id == classroom.id)
                    .values(join_code=code)
                    .execution_options(synchronize_session=False)
                )
                session.flush()
        except Conflict:
            continue
        session.refresh(classroom)
        return classroom
    raise Conflict("could not find an unused join code; try again")  # pragma: no cover - needs 5 clashes


def clear_join_code(session: Session, actor: Actor, class_id: int) -> Classroom:
    """Turn joining by code off for this class."""
    classroom = roster_class(session, actor, class_id, lock=True)
    classroom.join_code = None
    session.flush()
    return classroom


class JoinThrottle:
    """Failed join tries per student (and client) in a moving ten-minute window, in this process."""

    def __init__(self, failures: int = FAILED_JOINS_PER_10_MINUTES) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._limit = RateLimitItemPerMinute(failures, multiples=10)
        self._lock = threading.Lock()

    def check(self, *keys: str) -> None:
        if not self._limiter.test(self._limit, *keys):
            reset_at, _remaining = self._limiter.get_window_stats(self._limit, *keys)
            wait = max(1, int(reset_at - utcnow().timestamp()) + 1)
            raise TooManyAttempts(f"Too many wrong join codes. Try again in {wait} seconds.", wait)

    def failed(self, *keys: str) -> None:
        with self._lock:
            self._limiter.hit(self._limit, *keys)


@dataclass(frozen=True)
class Joined:
    class_id: int
    class_name: str
    already: bool  # the student was in the class before


def join_class(session: Session, actor: Actor, code: str, throttle: JoinThrottle, client: str) -> Joined:
    """The acting student joins the class with this code (again: nothing changes)."""
    student = require_student(
        session, actor, "join classes with a code; teachers are added by an administrator"
    )
    keys = (str(student.id), client)
    throttle.check(*keys)
    typed = normalise(code)
    if not typed:
        raise InvalidInput("code", "enter the join code your teacher gave you")
    classroom = None
    if len(typed) == CODE_LENGTH and set(typed) <= set(ALPHABET):
        classroom = session.scalar(select(Classroom).where(Classroom.join_code == typed))
    if classroom is None or classroom.school_id != student.school_id or classroom.archived_at is not None:
        throttle.failed(*keys)
        raise NotFound(UNKNOWN_CODE)
    added = add_to_class(session, classroom, student)
    if added:
        record_enrolment(session, actor, "enrolment.added", classroom, student, via="join_code")
    return Joined(classroom.id, classroom.name, already=not added)
