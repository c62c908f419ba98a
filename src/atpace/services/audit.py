"""The audit log: who did what and when (docs/audit.md).

Writing is ``record`` and nothing else: there is no function here (nor anywhere in atpace) that changes or
deletes an entry; the ORM and the database refuse it too (atpace/store/tables_audit.py, migration 0012).

An entry is written in the caller's transaction, so an action that rolls back leaves no entry. Two
exceptions keep the log whole: ``record_even_if_rolled_back`` (a failed sign-in, whose request fails) writes
the entry again in a transaction of its own when the caller's rolls back, and an entry made in a read-only
transaction (a CSV export is a GET) is written in a write transaction right after it.

Reading is for the school's administrators only: ``search`` (filtered, newest first, paginated) and
``export_csv`` (the same rows as a CSV file, itself recorded).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput
from atpace.store.db import AFTER_COMMIT, AFTER_ROLLBACK, READ_ONLY
from atpace.store.tables import Classroom, Course, Role, User, utcnow
from atpace.store.tables_audit import CLIENT_MAX, AuditEntry

if TYPE_CHECKING:  # services.auth records sign-ins through this module: no import back at run time
    from atpace.services.auth import Actor

# The vocabulary: every action atpace records, and what it means (docs/audit.md shows this table).
ACTIONS: dict[str, str] = {
    "sign_in.succeeded": "Signed in with e-mail and password (page or API)",
    "sign_in.failed": "A sign-in was refused (wrong password, unknown or deactivated account, throttled)",
    "api_token.issued": "An API token was issued",
    "sign_in_link.issued": "An administrator issued a one-time sign-in link (first sign-in or password reset)",
    "sign_in_link.used": "A one-time sign-in link was used to choose a password",
    "user.created": "An account was created",
    "user.updated": "An account's e-mail or name was corrected",
    "user.deactivated": "An account was deactivated",
    "user.reactivated": "An account was reactivated",
    "class_teacher.set": "A teacher was made a class's teacher or co-teacher (or their role changed)",
    "class_teacher.removed": "A teacher was removed from a class",
    "enrolment.added": "A student was added to a class",
    "enrolment.removed": "A student was removed from a class",
    "override.set": "A skill was locked, unlocked or cleared for a student",
    "practice_mode.changed": "A student's practice mode was set or returned to automatic",
    "feedback.graded": "A teacher graded a student's work",
    "feedback.returned": "A teacher returned a student's work for revision",
    "import.roster": "A OneRoster package was imported",
    "import.users": "Users were imported from a CSV file",
    "import.course": "A course package was imported",
    "import.standards": "A standards framework was imported",
    "export.heatmap": "A class's mastery heatmap was exported (CSV)",
    "export.grades": "A class's grades were exported (CSV)",
    "export.course": "A course package was exported",
    "export.audit": "The audit log was exported (CSV)",
    "export.requested": "Attempts, mastery or grades were asked for as a CSV or Parquet export",
    "export.downloaded": "A finished CSV or Parquet export was downloaded",
    "erasure.requested": "An administrator asked to erase a student's data",
    "erasure.confirmed": "A second administrator confirmed an erasure",
    "erasure.cancelled": "An erasure request was cancelled",
    "erasure.completed": "A student's personal data was erased",
    "job.retried": "An administrator queued a failed background job again",
    "lti.platform_registered": "An LMS was registered for LTI 1.3 (by hand or by Dynamic Registration)",
    "lti.platform_enabled": "An LMS registration was turned back on",
    "lti.platform_disabled": "An LMS registration was turned off (its launches are refused)",
    "lti.key_rotated": "The LTI tool's signing key was rotated",
    "lti.launch": "Someone signed in by an LTI launch from an LMS",
    "lti.context_linked": "An LMS course was linked to a class (created on the first launch, or by a teacher)",
    "lti.roster_synced": "A class's roster was brought in from its LMS course (Names and Roles)",
    "xapi_lrs.set": "The school's Learning Record Store (xAPI) was set, changed or switched off",
    "export.student_data": "A student's complete data was exported (privacy: a zip of JSON and CSV)",
    "equity.categories": "The subgroup categories the school records were changed (equity report)",
    "equity.value_set": "An administrator set or cleared a student's subgroup value (equity report)",
    "equity.values_imported": "Subgroup values were set from a CSV file (equity report)",
}
SubjectKind = Literal["user", "class", "course", "framework"]
SUBJECT_KINDS: tuple[str, ...] = ("user", "class", "course", "framework")
ERASURE_STEPS = ("requested", "confirmed", "cancelled", "completed")
PER_PAGE = 50
PER_PAGE_MAX = 200
EXPORT_MAX_ROWS = 100_000
CLIENT_KEY = "atpace.client"  # session.info: the address of the request's client, noted by the web face


def require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("only the school's administrators can read the audit log")


def note_client(session: Session, client: str) -> None:
    """Remember the request's client address: the entries this transaction records carry it."""
    session.info[CLIENT_KEY] = client[:CLIENT_MAX]


def _entry(
    school_id: int | None,
    actor_id: int | None,
    action: str,
    subject: tuple[SubjectKind, int] | None,
    detail: Mapping[str, Any] | None,
    client: str,
    at: datetime,
) -> Callable[[Session], None]:
    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not in the audit vocabulary")
    if subject is not None and subject[0] not in SUBJECT_KINDS:
        raise ValueError(f"{subject[0]!r} is not an audit subject kind")
    values = dict(
        school_id=school_id, actor_id=actor_id, action=action, at=at,
        subject_kind=subject[0] if subject else None, subject_id=subject[1] if subject else None,
        detail=dict(detail or {}), client=client[:CLIENT_MAX],
    )  # fmt: skip

    def write(session: Session) -> None:
        session.add(AuditEntry(**values))
        session.flush()

    return write


def record(
    session: Session,
    *,
    school_id: int | None,
    actor_id: int | None,
    action: str,
    subject: tuple[SubjectKind, int] | None = None,
    detail: Mapping[str, Any] | None = None,
    client: str | None = None,
) -> None:
    """Append one entry in the caller's transaction (see the module's notes for read-only transactions)."""
    where = client if client is not None else session.info.get(CLIENT_KEY, "")
    write = _entry(school_id, actor_id, action, subject, detail, where, utcnow())
    if session.info.get(READ_ONLY):
        session.info.setdefault(AFTER_COMMIT, []).append(write)
    else:
        write(session)


def record_even_if_rolled_back(
    session: Session,
    *,
    school_id: int | None,
    actor_id: int | None,
    action: str,
    subject: tuple[SubjectKind, int] | None = None,
    detail: Mapping[str, Any] | None = None,
    client: str | None = None,
) -> None:
    """Like ``record``, and if the caller's transaction rolls back (the request fails with this very
    error), the entry is written again in a transaction of its own."""
    record(
        session, school_id=school_id, actor_id=actor_id, action=action, subject=subject, detail=detail,
        client=client,
    )  # fmt: skip
    where = client if client is not None else session.info.get(CLIENT_KEY, "")
    write = _entry(school_id, actor_id, action, subject, detail, where, utcnow())
    session.info.setdefault(AFTER_ROLLBACK, []).append(write)


def login_digest(login: str) -> str:
    """A short one-way fingerprint of a login that names no account: repeated tries can be told apart
    without keeping what was typed (often a mistyped real address)."""
    return hashlib.sha256(login.strip().lower().encode()).hexdigest()[:16]


def record_erasure(
    session: Session, actor: Actor, *, student_id: int, step: str, detail: Mapping[str, Any] | None = None
) -> None:
    """The entry of one step of a student's erasure (issue 12, section 5 calls this). Only ids and counts
    belong in ``detail``: after the erasure nothing in the log should name the student."""
    if step not in ERASURE_STEPS:
        raise ValueError(f"erasure step must be one of {', '.join(ERASURE_STEPS)}")
    record(
        session, school_id=actor.school_id, actor_id=actor.user_id, action=f"erasure.{step}",
        subject=("user", student_id), detail=detail,
    )  # fmt: skip


# Reading -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    actor_id: int | None = None
    student_id: int | None = None  # entries about this student (subject)
    since: date | None = None  # UTC days, both ends included
    until: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    action: str
    meaning: str
    actor_id: int | None
    actor_name: str | None  # None: no actor (unknown account, the command line) or a deleted account
    subject_kind: str | None
    subject_id: int | None
    subject_name: str | None
    detail: dict[str, Any]
    client: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    per_page: int
    filters: AuditFilters = field(default_factory=AuditFilters)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _conditions(actor: Actor, filters: AuditFilters) -> list[ColumnElement[bool]]:
    if filters.action is not None and filters.action not in ACTIONS:
        raise InvalidInput("action", f"unknown action {filters.action!r}")
    if filters.since and filters.until and filters.until < filters.since:
        raise InvalidInput("until", "the end of the date range is before its start")
    conditions = [AuditEntry.school_id == actor.school_id]  # another school's entries: never
    if filters.action:
        conditions.append(AuditEntry.action == filters.action)
    if filters.actor_id is not None:
        conditions.append(AuditEntry.actor_id == filters.actor_id)
    if filters.student_id is not None:
        conditions += [AuditEntry.subject_kind == "user", AuditEntry.subject_id == filters.student_id]
    if filters.since:
        conditions.append(AuditEntry.at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        conditions.append(AuditEntry.at < datetime.combine(filters.until + timedelta(days=1), time(), UTC))
    return conditions


def _names(session: Session, school_id: int, entries: Sequence[AuditEntry]) -> dict[tuple[str, int], str]:
    """Names are looked up when read (the log itself keeps ids), within the school only."""
    wanted: dict[str, set[int]] = {"user": set(), "class": set(), "course": set()}
    for e in entries:
        if e.actor_id is not None:
            wanted["user"].add(e.actor_id)
        if e.subject_kind in wanted and e.subject_id is not None:
            wanted[e.subject_kind].add(e.subject_id)
    names: dict[tuple[str, int], str] = {}
    for kind, model, column in (
        ("user", User, User.display_name), ("class", Classroom, Classroom.name), ("course", Course, Course.title),
    ):  # fmt: skip
        if wanted[kind]:
            rows = session.execute(
                select(model.id, column).where(model.id.in_(wanted[kind]), model.school_id == school_id)
            )
            names.update(((kind, i), n) for i, n in rows)
    return names


def _row(e: AuditEntry, names: dict[tuple[str, int], str]) -> AuditRow:
    actor_name = names.get(("user", e.actor_id)) if e.actor_id is not None else None
    subject = (e.subject_kind, e.subject_id) if e.subject_kind and e.subject_id is not None else None
    return AuditRow(
        e.id, e.at, e.action, ACTIONS.get(e.action, e.action), e.actor_id, actor_name, e.subject_kind,
        e.subject_id, names.get(subject) if subject else None, dict(e.detail), e.client,
    )  # fmt: skip


def _rows(session: Session, actor: Actor, entries: Sequence[AuditEntry]) -> list[AuditRow]:
    names = _names(session, actor.school_id, entries)
    return [_row(e, names) for e in entries]


def search(
    session: Session, actor: Actor, filters: AuditFilters, page: int = 1, per_page: int = PER_PAGE
) -> AuditPage:
    """The school's entries that match, newest first (administrators of the school only)."""
    require_admin(actor)
    if page < 1:
        raise InvalidInput("page", "page must be 1 or more")
    if not 1 <= per_page <= PER_PAGE_MAX:
        raise InvalidInput("per_page", f"per_page must be between 1 and {PER_PAGE_MAX}")
    conditions = _conditions(actor, filters)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    entries = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return AuditPage(_rows(session, actor, entries), total, page, per_page, filters)


@dataclass(frozen=True)
class Choices:
    """What the page's filters offer: the actions, the school's staff, and its students."""

    actions: list[tuple[str, str]]
    staff: list[tuple[int, str]]
    students: list[tuple[int, str]]


def filter_choices(session: Session, actor: Actor) -> Choices:
    require_admin(actor)
    people = session.execute(
        select(User.id, User.display_name, User.role)
        .where(User.school_id == actor.school_id)
        .order_by(User.display_name, User.id)
    ).all()
    return Choices(
        sorted(ACTIONS.items()),
        [(i, n) for i, n, r in people if r != Role.STUDENT],
        [(i, n) for i, n, r in people if r == Role.STUDENT],
    )


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvFile:
    filename: str  # ASCII letters, digits, hyphens and a dot only
    text: str  # with a byte order mark, so that spreadsheets read accents right

    @property
    def content(self) -> bytes:
        return self.text.encode("utf-8")


def _cell(value: object) -> str:
    """As class reports do: a cell that starts like a formula gets a leading quote, times are UTC."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


CSV_HEADER = (
    "id", "at", "action", "actor_id", "actor", "subject_kind", "subject_id", "subject", "detail", "client",
)  # fmt: skip


def export_csv(session: Session, actor: Actor, filters: AuditFilters) -> CsvFile:
    """Every matching entry as a CSV file, newest first (spreadsheet-safe cells); the export is recorded."""
    require_admin(actor)
    conditions = _conditions(actor, filters)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    if total > EXPORT_MAX_ROWS:
        raise InvalidInput(
            "since", f"{total} entries match; narrow the date range to {EXPORT_MAX_ROWS} at most"
        )
    entries = session.scalars(
        select(AuditEntry).where(*conditions).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).all()
    rows = _rows(session, actor, entries)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(
        [
            _cell(cell)
            for cell in (
                r.id, r.at, r.action, r.actor_id, r.actor_name, r.subject_kind, r.subject_id, r.subject_name,
                json.dumps(r.detail, sort_keys=True, ensure_ascii=False), r.client,
            )
        ]
        for r in rows
    )  # fmt: skip
    record(
        session, school_id=actor.school_id, actor_id=actor.user_id, action="export.audit",
        detail={"rows": len(rows), **_filter_detail(filters)},
    )  # fmt: skip
    return CsvFile(f"audit-{utcnow():%Y-%m-%d}.csv", "\ufeff" + out.getvalue())


def _filter_detail(filters: AuditFilters) -> dict[str, Any]:
    values = {
        "action": filters.action, "actor_id": filters.actor_id, "student_id": filters.student_id,
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
    }  # fmt: skip
    return {k: v for k, v in values.items() if v is not None}
