"""A student's complete data as one zip of JSON and CSV files, with their uploaded files (docs/privacy.md)."""

from __future__ import annotations

import csv
import enum
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, NotFound
from atpace.services import audit
from atpace.services.access import get_student
from atpace.services.privacy import catalog
from atpace.store.tables import Role, School, StoredFile, User, utcnow
from atpace.store.tables_audit import AuditEntry

if TYPE_CHECKING:
    from atpace.services.auth import Actor
    from atpace.services.files import FileStore


@dataclass(frozen=True)
class DataZip:
    filename: str  # ASCII letters, digits, hyphens and a dot only
    content: bytes
    tables: dict[str, int]  # rows per table in the zip
    files: int


def require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("only the school's administrators can export or erase a student's data")


def school_student(session: Session, actor: Actor, student_id: int) -> User:
    """The student, for an administrator of their school (anyone else: 403; another school's: 404)."""
    student = get_student(session, actor, student_id)
    require_admin(actor)
    return student


def student_data_zip(session: Session, actor: Actor, student_id: int, files: FileStore) -> DataZip:
    """Every row of or about the student, their files and a README, as a zip (the export is audited)."""
    student = school_student(session, actor, student_id)
    return build_zip(session, student, files, actor_id=actor.user_id)


def find_student(session: Session, school_slug: str, who: str) -> User:
    """A student of the school by id, e-mail address or roster sourcedId (the command line's way)."""
    school = session.scalar(select(School).where(School.slug == school_slug))
    if school is None:
        raise NotFound(f"no school {school_slug!r}")
    matches = [User.email == who.strip().lower(), User.sourced_id == who.strip()]
    if who.strip().isdigit():
        matches.append(User.id == int(who))
    student = session.scalar(
        select(User).where(User.school_id == school.id, User.role == Role.STUDENT, or_(*matches)).limit(1)
    )
    if student is None:
        raise NotFound(f"no student {who!r} in {school_slug}")
    return student


def _value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _rows(session: Session, table: Table, where: Any) -> list[dict[str, object]]:
    columns = [c for c in table.columns if not catalog.is_secret(c)]
    order = list(table.primary_key.columns)
    found = session.execute(select(*columns).where(where).order_by(*order)).mappings().all()
    return [{k: _value(v) for k, v in row.items()} for row in found]


def _csv(rows: list[dict[str, object]], table: Table) -> str:
    out = io.StringIO()
    names = [c.name for c in table.columns if not catalog.is_secret(c)]
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                for k, v in row.items()
            }
        )
    return "\ufeff" + out.getvalue()


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _safe_file_name(file_id: int, name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "file"
    return f"files/{file_id}-{cleaned[:100]}"


def build_zip(session: Session, student: User, files: FileStore, *, actor_id: int | None) -> DataZip:
    """The zip of ``student``'s data (no authorisation here: callers check it)."""
    now = utcnow()
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    described: list[tuple[str, str]] = []
    missing: list[str] = []
    file_count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        user_table = User.__table__
        assert isinstance(user_table, Table)
        profile = _rows(session, user_table, user_table.c.id == student.id)
        archive.writestr("profile.json", _json(profile[0] if profile else {}))
        for owned in catalog.owned_tables(student.id):
            rows = _rows(session, owned.table, owned.where)
            counts[owned.table.name] = len(rows)
            archive.writestr(f"tables/{owned.table.name}.json", _json(rows))
            if owned.table.name in catalog.CSV_TABLES:
                archive.writestr(f"tables/{owned.table.name}.csv", _csv(rows, owned.table))
            what = catalog.description(owned.table) or "rows that belong to the student's own rows"
            described.append((owned.table.name, what))
            if owned.table.name == StoredFile.__tablename__:
                for row in session.scalars(select(StoredFile).where(owned.where).order_by(StoredFile.id)):
                    try:
                        archive.writestr(_safe_file_name(row.id, row.name), files.read(row))
                        file_count += 1
                    except NotFound:
                        missing.append(f"{row.id} {row.name}")
        entries = _rows(
            session, AuditEntry.__table__,  # type: ignore[arg-type]
            (AuditEntry.school_id == student.school_id)
            & (
                ((AuditEntry.subject_kind == "user") & (AuditEntry.subject_id == student.id))
                | (AuditEntry.actor_id == student.id)
            ),
        )  # fmt: skip
        counts[catalog.AUDIT] = len(entries)
        archive.writestr("audit_entries.json", _json(entries))
        archive.writestr("README.txt", _readme(student, now, counts, described, missing, file_count))
    audit.record(
        session, school_id=student.school_id, actor_id=actor_id, action="export.student_data",
        subject=("user", student.id), detail={"tables": len(counts), "files": file_count},
    )  # fmt: skip
    return DataZip(f"student-{student.id}-data-{now:%Y-%m-%d}.zip", buffer.getvalue(), counts, file_count)


def _readme(
    student: User,
    now: datetime,
    counts: dict[str, int],
    described: list[tuple[str, str]],
    missing: list[str],
    file_count: int,
) -> str:
    lines = [
        f"The data atpace holds of and about student {student.id}, as of {now:%Y-%m-%d %H:%M} UTC.",
        "",
        "profile.json        the account: name, e-mail address (the login), roster ids, grade, dates.",
        "tables/NAME.json    one file per table that can hold the student's rows: every such row, every",
        "                    column (times in UTC, ISO 8601). An empty list: no rows of that kind.",
        "tables/NAME.csv     the same rows as CSV (UTF-8) for the big tables: "
        + ", ".join(catalog.CSV_TABLES)
        + ".",
        f"files/             the files the student uploaded ({file_count}), named 'id-name'.",
        "audit_entries.json  the audit log's entries about the student or done by them (ids only).",
        "",
        "Never exported: digests of passwords and tokens (columns ending in _hash); they are useless to",
        "anyone but an attacker.",
    ]
    for name, why in catalog.NOT_EXPORTED.items():
        lines.append(f"Not exported: {name}: {why}.")
    if missing:
        lines += ["", "Files whose record exists but whose content is missing from the data folder:"]
        lines += [f"  {m}" for m in missing]
    lines += ["", "Tables (rows):"]
    lines += [f"  {name} ({counts.get(name, 0)}): {what}" for name, what in described]
    lines += ["", "How atpace erases a student's data, and what it keeps: docs/privacy.md.", ""]
    return "\n".join(lines)
