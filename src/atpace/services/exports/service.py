"""Exports of attempts, mastery and grades (docs/exports.md): asked for by a teacher (a class they teach) or
an administrator (a class, or the whole school), run as a job, downloaded by whoever asked.

``request_export`` checks access and stores the export, queued, with its job (``exports.run``, through
``atpace.services.jobs``), in the caller's transaction: both exist or neither. ``run_export``
claims a queued export once (a second delivery of the job does nothing), reads its rows a chunk at a time
(``columns.Kind.chunk``: short read transactions, no table loaded whole), writes them to a temporary file
and renames it into place, and notes the rows done after each chunk in a short write transaction of its
own, so that the page shows progress. Whatever goes wrong marks the export failed, with the reason.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from atpace.errors import AtpaceError, Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import audit, jobs
from atpace.services.access import get_class
from atpace.services.exports.columns import KINDS, Scope
from atpace.services.exports.writers import AtomicFile, open_writer
from atpace.store.tables import Classroom, Role, School, User, utcnow
from atpace.store.tables_exports import ERROR_MAX, EXPORT_FORMATS, EXPORT_KINDS, Export

if TYPE_CHECKING:
    from atpace.config import Settings
    from atpace.services.auth import Actor
    from atpace.store.db import Database

log = logging.getLogger(__name__)

CHUNK_ROWS = 5_000  # rows read, written and counted at a time
KEEP = timedelta(days=7)  # a finished export's file is deleted this long after it was asked for
ACTIVE_MAX = 3  # exports one person may have queued or running at once (asked for within ACTIVE_WINDOW)
ACTIVE_WINDOW = timedelta(hours=1)
LIST_MAX = 50
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}
Progress = Callable[[int, int], None]  # (rows done, rows in all)


def exports_dir(settings: Settings) -> Path:
    """Where export files live: ``exports/`` in the folder of uploaded files (under the data folder)."""
    return settings.resolved_files_dir() / "exports"


@dataclass(frozen=True)
class ExportView:
    id: int
    kind: str
    format: str
    status: str
    class_id: int | None
    class_name: str | None  # None: the whole school
    requested_by_id: int | None
    requested_by: str | None
    rows_done: int
    rows_total: int | None
    size: int | None
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None
    downloadable: bool

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def filename(self) -> str:
        scope = f"class-{self.class_id}" if self.class_id is not None else "school"
        return f"{self.kind}-{scope}-{self.created_at:%Y-%m-%d}-{self.id}.{self.format}"


def _view(export: Export, class_name: str | None, requester: str | None) -> ExportView:
    return ExportView(
        export.id, export.kind, export.format, export.status, export.class_id, class_name,
        export.requested_by_id, requester, export.rows_done, export.rows_total, export.size, export.error,
        export.created_at, export.started_at, export.finished_at, export.expires_at,
        export.status == "done" and export.file_path is not None,
    )  # fmt: skip


def _validate(kind: str, fmt: str) -> None:
    if kind not in EXPORT_KINDS:
        raise InvalidInput("kind", f"choose one of {', '.join(EXPORT_KINDS)}")
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput("format", f"choose one of {', '.join(EXPORT_FORMATS)}")


def _require_staff(actor: Actor) -> None:
    if actor.role not in (Role.TEACHER, Role.ADMIN):
        raise Forbidden("only teachers and administrators export data")


def request_export(
    session: Session, actor: Actor, *, kind: str, fmt: str, class_id: int | None = None
) -> ExportView:
    """Store a queued export of ``kind`` for one class (its teachers and the school's administrators) or,
    with no class, the whole school (administrators only); its job is queued in the same transaction."""
    _require_staff(actor)
    _validate(kind, fmt)
    class_name = None
    if class_id is None:
        if actor.role != Role.ADMIN:
            raise Forbidden("only the school's administrators export the whole school: choose a class")
    else:
        class_name = get_class(session, actor, class_id).name
    now = utcnow()
    active = session.scalar(
        select(func.count())
        .select_from(Export)
        .where(
            Export.requested_by_id == actor.user_id,
            Export.status.in_(("queued", "running")),
            Export.created_at > now - ACTIVE_WINDOW,  # one whose worker died does not block for ever
        )
    )
    if (active or 0) >= ACTIVE_MAX:
        raise Conflict(f"you already have {ACTIVE_MAX} exports under way: wait for one to finish")
    export = Export(
        school_id=actor.school_id, requested_by_id=actor.user_id, class_id=class_id, kind=kind, format=fmt,
        status="queued", rows_done=0, error="", created_at=now, expires_at=now + KEEP,
    )  # fmt: skip
    session.add(export)
    session.flush()
    # queued with the export itself: the job exists if and only if the export does
    jobs.enqueue_in(session, "exports.run", {"export_id": export.id}, school_id=actor.school_id)
    audit.record(
        session, school_id=actor.school_id, actor_id=actor.user_id, action="export.requested",
        subject=("class", class_id) if class_id is not None else None,
        detail={"export_id": export.id, "kind": kind, "format": fmt},
    )  # fmt: skip
    return _view(export, class_name, actor.display_name)


def request_operator_export(
    session: Session, school_slug: str, *, kind: str, fmt: str, class_id: int | None = None
) -> int:
    """The command line's export (someone with the server's own access): any class of the school, or all of
    it. Recorded in the audit log with no actor."""
    _validate(kind, fmt)
    school = session.scalar(select(School).where(School.slug == school_slug))
    if school is None:
        raise InvalidInput("school", f"no school has the slug {school_slug!r}")
    if class_id is not None:
        classroom = session.get(Classroom, class_id)
        if classroom is None or classroom.school_id != school.id:
            raise InvalidInput("class", f"{school.name} has no class {class_id}")
    export = Export(
        school_id=school.id, requested_by_id=None, class_id=class_id, kind=kind, format=fmt, status="queued",
        rows_done=0, error="", created_at=utcnow(), expires_at=None,
    )  # fmt: skip
    session.add(export)
    session.flush()
    audit.record(
        session, school_id=school.id, actor_id=None, action="export.requested",
        subject=("class", class_id) if class_id is not None else None,
        detail={"export_id": export.id, "kind": kind, "format": fmt, "from": "command line"},
    )  # fmt: skip
    return export.id


def _reason(error: BaseException) -> str:
    text = error.message if isinstance(error, AtpaceError) else f"{type(error).__name__}: {error}"
    return text[:ERROR_MAX]


def _finish(database: Database, export_id: int, **values: object) -> None:
    with database.transaction() as session:
        session.execute(update(Export).where(Export.id == export_id).values(finished_at=utcnow(), **values))


def run_export(
    database: Database,
    settings: Settings,
    export_id: int,
    *,
    out: Path | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> None:
    """Write the export's file (to ``out`` when given: the command line). A queued export is claimed once;
    any other state means another run has it, and this one returns at once."""
    with database.transaction() as session:
        claimed = session.execute(
            update(Export)
            .where(Export.id == export_id, Export.status == "queued")
            .values(status="running", started_at=utcnow())
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            log.info("export %s is not queued (gone, running or finished): nothing to do", export_id)
            return
        export = session.get(Export, export_id)
        assert export is not None
        classroom = session.get(Classroom, export.class_id) if export.class_id is not None else None
        scope = Scope(export.school_id, export.class_id, classroom.course_id if classroom else None)
        kind, fmt, school_id = KINDS[export.kind], export.format, export.school_id
    try:
        with database.transaction(write=False) as session:
            upto = kind.last_key(session, scope)
            total = kind.count(session, scope, upto)
        with database.transaction() as session:
            session.execute(update(Export).where(Export.id == export_id).values(rows_total=total))
        if progress:
            progress(0, total)
        relative = f"{school_id}/{export_id}-{secrets.token_hex(8)}.{fmt}"
        path = out if out is not None else exports_dir(settings) / relative
        done, after = 0, 0
        with AtomicFile(path) as handle:
            writer = open_writer(fmt, handle, kind.columns)
            while True:
                with database.transaction(write=False) as session:
                    rows, after = kind.chunk(session, scope, after, upto, chunk_rows)
                if not rows:
                    break
                writer.write(rows)
                done += len(rows)
                with database.transaction() as session:
                    session.execute(update(Export).where(Export.id == export_id).values(rows_done=done))
                if progress:
                    progress(done, total)
            writer.close()
        _finish(
            database, export_id, status="done", rows_done=done, size=path.stat().st_size,
            file_path=relative if out is None else None,
        )  # fmt: skip
    except Exception as error:
        log.exception("export %s failed", export_id)
        _finish(database, export_id, status="failed", error=_reason(error))


def _visible(session: Session, actor: Actor, export_id: int) -> Export:
    _require_staff(actor)
    export = session.get(Export, export_id)
    if export is None or export.school_id != actor.school_id:
        raise NotFound(f"export {export_id} not found")
    if actor.role != Role.ADMIN and export.requested_by_id != actor.user_id:
        raise Forbidden("only whoever asked for an export (and the school's administrators) may see it")
    return export


def list_exports(session: Session, actor: Actor) -> list[ExportView]:
    """The actor's own exports (an administrator: the school's), newest first."""
    _require_staff(actor)
    query = select(Export).where(Export.school_id == actor.school_id)
    if actor.role != Role.ADMIN:
        query = query.where(Export.requested_by_id == actor.user_id)
    exports = list(
        session.scalars(query.order_by(Export.created_at.desc(), Export.id.desc()).limit(LIST_MAX))
    )
    return views(session, exports)


def views(session: Session, exports: list[Export]) -> list[ExportView]:
    class_ids = {e.class_id for e in exports if e.class_id is not None}
    user_ids = {e.requested_by_id for e in exports if e.requested_by_id is not None}
    classes: dict[int, str] = {}
    for class_id, name in session.execute(
        select(Classroom.id, Classroom.name).where(Classroom.id.in_(class_ids))
    ):
        classes[class_id] = name
    people: dict[int, str] = {}
    for user_id, name in session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))):
        people[user_id] = name
    return [
        _view(
            e, classes.get(e.class_id) if e.class_id is not None else None,
            people.get(e.requested_by_id) if e.requested_by_id is not None else None,
        )
        for e in exports
    ]  # fmt: skip


def get_export(session: Session, actor: Actor, export_id: int) -> ExportView:
    return views(session, [_visible(session, actor, export_id)])[0]


@dataclass(frozen=True)
class ExportFile:
    path: Path
    filename: str
    media_type: str


def export_file(session: Session, actor: Actor, settings: Settings, export_id: int) -> ExportFile:
    """The finished file, for whoever asked and the school's administrators; the download is recorded."""
    export = _visible(session, actor, export_id)
    if export.status != "done":
        raise Conflict(f"export {export_id} is {export.status}: there is no file to download")
    path = exports_dir(settings) / export.file_path if export.file_path else None
    if path is None or not path.is_file():
        raise NotFound(f"the file of export {export_id} is no longer kept: ask for a new export")
    audit.record(
        session, school_id=actor.school_id, actor_id=actor.user_id, action="export.downloaded",
        subject=("class", export.class_id) if export.class_id is not None else None,
        detail={"export_id": export.id, "kind": export.kind, "format": export.format},
    )  # fmt: skip
    view = views(session, [export])[0]
    return ExportFile(path, view.filename, MEDIA_TYPES[export.format])


def clean_expired(database: Database, settings: Settings, now: datetime | None = None) -> int:
    """Delete the exports (rows and files) past their expiry; the number deleted."""
    moment = now or utcnow()
    with database.transaction() as session:
        gone = session.execute(
            select(Export.id, Export.file_path).where(
                Export.expires_at.is_not(None), Export.expires_at < moment
            )
        ).all()
        if gone:
            session.execute(delete(Export).where(Export.id.in_([i for i, _ in gone])))
    for _id, relative in gone:
        if relative:
            (exports_dir(settings) / relative).unlink(missing_ok=True)
    return len(gone)


@dataclass(frozen=True)
class Choices:
    classes: list[tuple[int, str]]  # the classes the actor may export
    whole_school: bool


def export_choices(session: Session, actor: Actor) -> Choices:
    """What the page's form offers: a teacher's own classes (co-taught too); for an administrator every
    class of the school and the whole school."""
    from atpace.store.tables import ClassTeacher

    _require_staff(actor)
    query = select(Classroom.id, Classroom.name).where(Classroom.school_id == actor.school_id)
    if actor.role != Role.ADMIN:
        query = query.join(ClassTeacher, ClassTeacher.class_id == Classroom.id).where(
            ClassTeacher.user_id == actor.user_id
        )
    rows = session.execute(query.order_by(Classroom.name, Classroom.id)).all()
    return Choices([(i, n) for i, n in rows], actor.role == Role.ADMIN)


def operator_view(session: Session, export_id: int) -> ExportView:
    """An export as the command line sees it (no actor: the server's own access)."""
    export = session.get(Export, export_id)
    if export is None:
        raise NotFound(f"export {export_id} not found")
    return views(session, [export])[0]
