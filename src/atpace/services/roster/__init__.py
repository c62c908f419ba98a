"""OneRoster 1.1/1.2 CSV roster import: the use case the CLI (`atpace roster import`), the admin page
(/admin/roster) and the JSON API (POST /api/admin/roster/import) share.

:func:`import_roster` (in :mod:`.importer`) does the work on a read package; the functions here find the
school, check that the actor is one of its administrators, and keep uploaded packages (:mod:`.uploads`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.interop.oneroster import RosterFile, read_roster
from atpace.services.auth import Actor
from atpace.services.roster.importer import import_roster
from atpace.services.roster.report import (
    TABLES,
    Issue,
    IssuedSignIn,
    RosterReport,
    TableCounts,
    issue_location,
)
from atpace.services.roster.uploads import MAX_UPLOAD_BYTES, store_upload, upload_path
from atpace.store.tables import Role, RosterImport, School, User

__all__ = [
    "MAX_UPLOAD_BYTES",
    "TABLES",
    "ImportSummary",
    "Issue",
    "IssuedSignIn",
    "RosterFile",
    "RosterReport",
    "TableCounts",
    "import_as_admin",
    "import_for_school",
    "import_roster",
    "import_upload",
    "issue_location",
    "read_package",
    "recent_imports",
    "require_admin",
    "upload_roster",
]


def read_package(path: Path | str) -> RosterFile:
    """Read and check a package (a folder or a .zip) without touching the database."""
    return read_roster(path)


def require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("only the school's administrators may import a roster")


def school_by_slug(session: Session, slug: str | None) -> School:
    """The school named by its slug; without one, the installation's only school."""
    if slug:
        school = session.scalar(select(School).where(School.slug == slug))
        if school is None:
            raise NotFound(f"no school with slug {slug!r}")
        return school
    slugs = list(session.scalars(select(School.slug).order_by(School.slug).limit(11)))
    if len(slugs) == 1:
        return session.scalars(select(School)).one()
    if not slugs:
        raise NotFound("there is no school yet: create one with `atpace schools create`")
    raise InvalidInput("school", f"name the school to import into (--school SLUG): {', '.join(slugs[:10])}")


def import_for_school(
    session: Session, slug: str | None, roster: RosterFile, *, apply: bool, org: str | None = None
) -> RosterReport:
    """The command line's import: into the school named by slug (or the only one), by no user."""
    return import_roster(session, school_by_slug(session, slug), roster, apply=apply, org=org)


def import_as_admin(
    session: Session, actor: Actor, roster: RosterFile, *, apply: bool, org: str | None = None
) -> RosterReport:
    """An administrator's import into their own school."""
    require_admin(actor)
    school = session.get(School, actor.school_id)
    if school is None:
        raise NotFound("your school is not there any more")
    return import_roster(session, school, roster, apply=apply, actor=actor, org=org)


def upload_roster(data_dir: Path, actor: Actor, files: list[tuple[str, bytes]]) -> str:
    """Keep an uploaded package (one .zip, or the .csv files) for the actor's school; returns its hash."""
    require_admin(actor)
    return store_upload(data_dir, actor.school_id, files)


def import_upload(
    session: Session, data_dir: Path, actor: Actor, digest: str, *, apply: bool, org: str | None = None
) -> RosterReport:
    """Import (or dry-run) a package uploaded earlier by an administrator of the same school."""
    require_admin(actor)
    roster = read_roster(upload_path(data_dir, actor.school_id, digest))
    school = session.get(School, actor.school_id)
    if school is None:
        raise NotFound("your school is not there any more")
    return import_roster(session, school, roster, apply=apply, actor=actor, org=org, upload=digest)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    id: int
    created_at: datetime
    by: str
    org_sourced_id: str | None
    changed: dict[str, int]  # created, updated, deactivated over all tables
    links_issued: int


def recent_imports(session: Session, actor: Actor, limit: int = 5) -> list[ImportSummary]:
    """The school's last applied imports, newest first."""
    require_admin(actor)
    rows = session.execute(
        select(RosterImport, User.display_name)
        .outerjoin(User, User.id == RosterImport.created_by_id)
        .where(RosterImport.school_id == actor.school_id, RosterImport.applied.is_(True))
        .order_by(RosterImport.created_at.desc(), RosterImport.id.desc())
        .limit(limit)
    ).all()
    summaries = []
    for record, name in rows:
        tables = record.report.get("tables", {})
        changed = {
            kind: sum(int(counts.get(kind, 0)) for counts in tables.values())
            for kind in ("created", "updated", "deactivated")
        }
        summaries.append(
            ImportSummary(
                record.id, record.created_at, name or "the command line", record.report.get("org_sourced_id"),
                changed, int(record.report.get("links_issued", 0)),
            )
        )  # fmt: skip
    return summaries
