"""Erasing a student: a request, a second administrator's confirmation, a grace period, then the erasure
itself in one transaction (docs/privacy.md).

Every step is one conditional UPDATE of the request's row (``... WHERE confirmed_at IS NULL`` and so on),
so two administrators confirming at once, or two runs of ``erase_due`` at once, do the work once: the
second finds the row already changed and is told so (or skips it).
"""

from __future__ import annotations

import importlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Table, Text, and_, cast, event, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import audit
from atpace.services.files import FileStore
from atpace.services.privacy import catalog
from atpace.services.privacy.export import require_admin, school_student
from atpace.store.tables import Base, Role, StoredFile, User, utcnow
from atpace.store.tables_privacy import REASON_MAX, ErasureRequest

if TYPE_CHECKING:
    from atpace.config import Settings
    from atpace.services.auth import Actor
    from atpace.services.database import Database

ERASED_NAME = "Erased student"
ERASED_DOMAIN = "erased.invalid"
REDACTED = "[erased]"
MIN_NEEDLE = 4  # shorter names are not searched for in free text (too many false matches)
REMOVE_FILES = "atpace.privacy.remove_files"  # session.info: files to delete once the erasure commits


@dataclass(frozen=True)
class RequestView:
    id: int
    student_id: int
    reason: str
    requested_by_id: int | None
    requested_at: datetime
    confirmed_by_id: int | None
    confirmed_at: datetime | None
    executes_after: datetime | None
    executed_at: datetime | None
    cancelled_by_id: int | None
    cancelled_at: datetime | None

    @property
    def state(self) -> str:
        if self.executed_at is not None:
            return "erased"
        if self.cancelled_at is not None:
            return "cancelled"
        if self.confirmed_at is not None:
            return "confirmed"
        return "requested"

    @property
    def is_open(self) -> bool:
        return self.state in ("requested", "confirmed")

    @classmethod
    def of(cls, row: ErasureRequest) -> RequestView:
        return cls(
            row.id, row.student_id, row.reason, row.requested_by_id, row.requested_at, row.confirmed_by_id,
            row.confirmed_at, row.executes_after, row.executed_at, row.cancelled_by_id, row.cancelled_at,
        )  # fmt: skip


@dataclass(frozen=True)
class PrivacyStatus:
    student_id: int
    student_name: str
    erased: bool
    requests: list[RequestView]  # newest first
    other_admins: int  # active administrators of the school besides the actor
    grace_days: int
    names: dict[int, str]  # the administrators named by the requests

    @property
    def open(self) -> RequestView | None:
        return next((r for r in self.requests if r.is_open), None)


def _other_admins(session: Session, actor: Actor) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(User).where(
                User.school_id == actor.school_id, User.role == Role.ADMIN, User.is_active.is_(True),
                User.id != actor.user_id,
            )
        ) or 0
    )  # fmt: skip


def _is_erased(session: Session, student_id: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    ErasureRequest.student_id == student_id, ErasureRequest.executed_at.is_not(None)
                )
            )
        )
    )


def status(session: Session, actor: Actor, student_id: int, grace_days: int) -> PrivacyStatus:
    student = school_student(session, actor, student_id)
    rows = session.scalars(
        select(ErasureRequest)
        .where(ErasureRequest.student_id == student.id)
        .order_by(ErasureRequest.requested_at.desc(), ErasureRequest.id.desc())
    ).all()
    views = [RequestView.of(r) for r in rows]
    people = {
        i for r in views for i in (r.requested_by_id, r.confirmed_by_id, r.cancelled_by_id) if i is not None
    }
    names: dict[int, str] = {}
    if people:
        names = {
            i: n for i, n in session.execute(select(User.id, User.display_name).where(User.id.in_(people)))
        }
    return PrivacyStatus(
        student.id, student.display_name, _is_erased(session, student.id), views,
        _other_admins(session, actor), grace_days, names,
    )  # fmt: skip


@dataclass(frozen=True)
class OpenRequest:
    request: RequestView
    student_name: str


def open_requests(session: Session, actor: Actor) -> list[OpenRequest]:
    """The school's requests not yet carried out nor cancelled, oldest first."""
    require_admin(actor)
    rows = session.execute(
        select(ErasureRequest, User.display_name)
        .join(User, User.id == ErasureRequest.student_id)
        .where(
            ErasureRequest.school_id == actor.school_id, ErasureRequest.executed_at.is_(None),
            ErasureRequest.cancelled_at.is_(None),
        )
        .order_by(ErasureRequest.requested_at, ErasureRequest.id)
    ).all()  # fmt: skip
    return [OpenRequest(RequestView.of(r), name) for r, name in rows]


def request_erasure(session: Session, actor: Actor, student_id: int, reason: str) -> RequestView:
    """Ask to erase the student's data; a second administrator must confirm it."""
    student = school_student(session, actor, student_id)
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise InvalidInput("reason", f"the reason is longer than {REASON_MAX} characters")
    if _is_erased(session, student.id):
        raise Conflict(f"student {student.id}'s data has already been erased")
    row = ErasureRequest(
        school_id=student.school_id, student_id=student.id, reason=reason, requested_by_id=actor.user_id,
        requested_at=utcnow(),
    )  # fmt: skip
    try:
        with session.begin_nested():  # the partial unique index refuses a second open request
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(
            f"an erasure of {student.display_name}'s data is already requested: confirm or cancel it"
        ) from None
    audit.record_erasure(
        session, actor, student_id=student.id, step="requested", detail={"request_id": row.id}
    )
    return RequestView.of(row)


def _school_request(session: Session, actor: Actor, request_id: int) -> ErasureRequest:
    row = session.get(ErasureRequest, request_id)
    if row is None or row.school_id != actor.school_id:
        raise NotFound(f"erasure request {request_id} not found")
    require_admin(actor)
    return row


def confirm_erasure(
    session: Session, actor: Actor, request_id: int, grace_days: int, files: FileStore
) -> RequestView:
    """A second, different administrator confirms; the erasure runs once ``grace_days`` have passed (at
    once, in this transaction, when the grace period is 0)."""
    row = _school_request(session, actor, request_id)
    if row.requested_by_id == actor.user_id:
        more = (
            "ask another administrator of the school to confirm it"
            if _other_admins(session, actor)
            else "your school has no other administrator: an erasure needs two, so create a second "
            "administrator account first (or ask your atpace operator)"
        )
        raise Forbidden(f"you asked for this erasure, so you cannot confirm it too: {more}")
    now = utcnow()
    done = session.execute(
        update(ErasureRequest)
        .where(
            ErasureRequest.id == row.id, ErasureRequest.confirmed_at.is_(None),
            ErasureRequest.cancelled_at.is_(None), ErasureRequest.executed_at.is_(None),
        )
        .values(confirmed_by_id=actor.user_id, confirmed_at=now, executes_after=now + timedelta(days=grace_days))
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("this erasure request has already been confirmed or cancelled")
    audit.record_erasure(
        session, actor, student_id=row.student_id, step="confirmed",
        detail={"request_id": row.id, "grace_days": grace_days},
    )  # fmt: skip
    if grace_days == 0:
        execute(session, row.id, files, actor_id=actor.user_id)
    session.refresh(row)
    return RequestView.of(row)


def cancel_erasure(session: Session, actor: Actor, request_id: int) -> RequestView:
    """Any administrator of the school may cancel a request until it has been carried out."""
    row = _school_request(session, actor, request_id)
    done = session.execute(
        update(ErasureRequest)
        .where(ErasureRequest.id == row.id, ErasureRequest.cancelled_at.is_(None), ErasureRequest.executed_at.is_(None))
        .values(cancelled_by_id=actor.user_id, cancelled_at=utcnow())
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("this erasure request has already been carried out or cancelled")
    audit.record_erasure(
        session, actor, student_id=row.student_id, step="cancelled", detail={"request_id": row.id}
    )
    session.refresh(row)
    return RequestView.of(row)


# Carrying out ------------------------------------------------------------------------------------------


def erase_due(database: Database, settings: Settings) -> int:
    """Carry out every confirmed request whose grace period has passed, one transaction each; the number
    carried out by this call (a request another run took first is skipped)."""
    files = FileStore(settings.resolved_files_dir())
    with database.transaction(write=False) as session:
        due = session.scalars(
            select(ErasureRequest.id)
            .where(
                ErasureRequest.confirmed_at.is_not(None), ErasureRequest.executed_at.is_(None),
                ErasureRequest.cancelled_at.is_(None), ErasureRequest.executes_after <= utcnow(),
            )
            .order_by(ErasureRequest.executes_after, ErasureRequest.id)
        ).all()  # fmt: skip
    carried_out = 0
    for request_id in due:
        with database.transaction() as session:
            if execute(session, request_id, files, actor_id=None):
                carried_out += 1
    return carried_out


def execute(session: Session, request_id: int, files: FileStore, *, actor_id: int | None) -> bool:
    """Erase the request's student in the caller's transaction; False when the request is no longer due
    (carried out or cancelled meanwhile). The files go once the transaction commits."""
    now = utcnow()
    claimed = session.execute(
        update(ErasureRequest)
        .where(
            ErasureRequest.id == request_id, ErasureRequest.executed_at.is_(None),
            ErasureRequest.cancelled_at.is_(None), ErasureRequest.confirmed_at.is_not(None),
            ErasureRequest.executes_after <= now,
        )
        .values(executed_at=now)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    row = session.get(ErasureRequest, request_id)
    assert row is not None
    student = session.get(User, row.student_id)
    assert student is not None
    counts = erase_student(session, student, files)
    audit.record(
        session, school_id=row.school_id, actor_id=actor_id, action="erasure.completed",
        subject=("user", student.id), detail={"request_id": row.id, **counts},
    )  # fmt: skip
    return True


def _needles(student: User) -> list[str]:
    """The strings that name the student (searched for, case-insensitively, in every text column)."""
    found = {student.display_name, student.email, student.sourced_id or ""}
    if student.given_name and student.family_name:
        found.add(f"{student.given_name} {student.family_name}")
    return sorted((n.strip() for n in found if len(n.strip()) >= MIN_NEEDLE), key=len, reverse=True)


def erase_student(session: Session, student: User, files: FileStore) -> dict[str, int]:
    """Delete or anonymise every row of and about the student; returns counts per kind (no names)."""
    session.flush()
    dropped = _drop_xapi(session, student.id)
    paths = list(session.scalars(select(StoredFile.path).where(_owned_where(student.id, "stored_files"))))
    needles = _needles(student)
    rewritten = _scrub_mentions(session, student, needles)
    _forget_json_keys(session, student)
    deleted = 0
    for owned in reversed(catalog.owned_tables(student.id)):  # children first
        result = session.execute(owned.table.delete().where(owned.where))
        deleted += int(result.rowcount or 0)  # type: ignore[attr-defined]
    _tombstone(session, student)
    session.flush()
    session.expire_all()
    root = files.root
    session.info.setdefault(REMOVE_FILES, []).extend(root / p for p in paths)
    return {
        "rows_deleted": deleted,
        "rows_rewritten": rewritten,
        "files": len(paths),
        "xapi_dropped": dropped,
    }


def _owned_where(student_id: int, table_name: str) -> Any:
    for owned in catalog.owned_tables(student_id):
        if owned.table.name == table_name:
            return owned.where
    raise LookupError(table_name)


def _drop_xapi(session: Session, student_id: int) -> int:
    """Unsent statements and the pseudonym's link go (atpace.services.xapi, when installed)."""
    try:
        module = importlib.import_module("atpace.services.xapi")
    except ImportError:
        return 0
    drop: Callable[[Session, int], int] | None = getattr(module, "drop_for_student", None)
    return int(drop(session, student_id)) if drop is not None else 0


def _tombstone(session: Session, student: User) -> None:
    now = utcnow()
    student.email = f"erased-{secrets.token_hex(8)}@{ERASED_DOMAIN}"
    student.display_name = ERASED_NAME
    student.given_name = student.family_name = student.grade = ""
    student.sourced_id = None
    student.password_hash = ""
    student.is_active = False
    student.deactivated_at = now
    student.created_at = now


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def _variants(needle: str) -> set[str]:
    """The needle as ``lower()`` leaves it in the database (SQLite lowers ASCII letters only, PostgreSQL
    every letter), as typed and as JSON writes it (non-ASCII letters escaped). Candidates only: the
    rewrite itself matches case-insensitively in Python."""
    forms = {needle, json.dumps(needle)[1:-1]}
    return {f.lower() for f in forms} | {_ascii_lower(f) for f in forms}


def _replace_text(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(REDACTED, text)


def _replace_json(value: object, pattern: re.Pattern[str]) -> object:
    if isinstance(value, str):
        return _replace_text(value, pattern)
    if isinstance(value, list):
        return [_replace_json(v, pattern) for v in value]
    if isinstance(value, dict):
        return {_replace_text(str(k), pattern): _replace_json(v, pattern) for k, v in value.items()}
    return value


def _scrub_mentions(session: Session, student: User, needles: list[str]) -> int:
    """Rewrite, in every text and JSON column of the student's school (and of tables with no school), the
    student's name, e-mail address and roster id to "[erased]"; a row whose primary key names them goes.
    The audit log is not touched: it holds ids only."""
    if not needles:
        return 0
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    changed = 0
    for table in Base.metadata.sorted_tables:
        if table.name in (catalog.AUDIT, catalog.USERS):
            continue
        columns = catalog.text_columns(table)
        if not columns:
            continue
        matches = []
        for column in columns:
            text = func.lower(cast(column, Text)) if isinstance(column.type, JSON) else func.lower(column)
            matches += [text.contains(v, autoescape=True) for n in needles for v in _variants(n)]
        where = or_(*matches)
        if "school_id" in table.c:
            where = and_(where, or_(table.c.school_id == student.school_id, table.c.school_id.is_(None)))
        keys = list(table.primary_key.columns)
        for row in session.execute(select(*keys, *columns).where(where)).mappings().all():
            changed += _rewrite(session, table, keys, columns, dict(row), pattern)
    return changed


def _rewrite(
    session: Session, table: Table, keys: list[Any], columns: list[Any], row: dict[str, Any],
    pattern: re.Pattern[str],
) -> int:  # fmt: skip
    new: dict[str, Any] = {}
    for column in columns:
        value = row[column.name]
        if value is None:
            continue
        fixed = (
            _replace_json(value, pattern) if isinstance(column.type, JSON) else _replace_text(value, pattern)
        )
        if fixed != value:
            new[column.name] = fixed
    if not new:
        return 0
    match = and_(*(k == row[k.name] for k in keys))
    if any(k.name in new for k in keys):  # a key that names the student (a sign-in counter): the row goes
        session.execute(table.delete().where(match))
    else:
        session.execute(table.update().where(match).values(**new))
    return 1


def _forget_json_keys(session: Session, student: User) -> None:
    """Remove the student's entry from JSON maps keyed by student id (a group's baseline)."""
    for table_name, column_name in catalog.ID_KEYED_JSON:
        table = Base.metadata.tables[table_name]
        column = table.c[column_name]
        keys = list(table.primary_key.columns)
        where = func.lower(cast(column, Text)).contains(f'"{student.id}"', autoescape=True)
        if "school_id" in table.c:
            where = and_(where, table.c.school_id == student.school_id)
        for row in session.execute(select(*keys, column).where(where)).mappings().all():
            value = row[column_name]
            if isinstance(value, dict) and str(student.id) in value:
                kept = {k: v for k, v in value.items() if k != str(student.id)}
                session.execute(
                    table.update().where(and_(*(k == row[k.name] for k in keys))).values({column_name: kept})
                )


@event.listens_for(Session, "after_commit")
def _remove_files(session: Session) -> None:
    for path in session.info.pop(REMOVE_FILES, []):
        Path(path).unlink(missing_ok=True)


@event.listens_for(Session, "after_soft_rollback")
def _keep_files(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the whole transaction rolled back (not a savepoint): nothing was erased
        session.info.pop(REMOVE_FILES, None)
