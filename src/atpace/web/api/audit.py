"""JSON API of the audit log (issue 12): the school's administrators read it, filtered, as JSON or CSV.
Nothing here (nor anywhere in atpace) changes or deletes an entry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from atpace.services import audit
from atpace.web.api.school_schemas import errors
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, Text

router = APIRouter(tags=["audit"])

ERRORS = errors(401, 403, 422)
ActionQuery = Annotated[
    str | None, Query(max_length=40, description="one action of the vocabulary (docs/audit.md)"), Text
]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    action: str
    meaning: str
    actor_id: int | None
    actor_name: str | None
    subject_kind: str | None
    subject_id: int | None
    subject_name: str | None
    detail: dict[str, Any]
    client: str


class AuditPageOut(BaseModel):
    entries: list[AuditEntryOut]
    total: int
    page: int
    per_page: int
    pages: int


def filters_of(
    action: str | None, actor_id: int | None, student_id: int | None, since: date | None, until: date | None
) -> audit.AuditFilters:
    return audit.AuditFilters(action or None, actor_id, student_id, since, until)


@router.get("/audit", response_model=AuditPageOut, responses=ERRORS)
def audit_log(
    actor: ActorDep,
    session: SessionDep,
    action: ActionQuery = None,
    actor_id: IdQuery = None,
    student_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="entries about this student")
    ] = None,
    since: Annotated[date | None, Query(description="first UTC day included")] = None,
    until: Annotated[date | None, Query(description="last UTC day included")] = None,
    page: Annotated[int, Query(ge=1, le=MAX_ID)] = 1,
    per_page: Annotated[int, Query(ge=1, le=audit.PER_PAGE_MAX)] = audit.PER_PAGE,
) -> AuditPageOut:
    """The school's audit entries, newest first (administrators of the school only)."""
    found = audit.search(
        session, actor, filters_of(action, actor_id, student_id, since, until), page, per_page
    )
    return AuditPageOut(
        entries=[AuditEntryOut.model_validate(r, from_attributes=True) for r in found.rows],
        total=found.total, page=found.page, per_page=found.per_page, pages=found.pages,
    )  # fmt: skip


CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "A CSV file (UTF-8, header row)"},
    **ERRORS,
}


def csv_download(export: audit.CsvFile) -> Response:
    return Response(
        export.content,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/audit.csv", response_class=Response, responses=CSV_RESPONSE)
def audit_csv(
    actor: ActorDep,
    session: SessionDep,
    action: ActionQuery = None,
    actor_id: IdQuery = None,
    student_id: IdQuery = None,
    since: date | None = None,
    until: date | None = None,
) -> Response:
    """Every matching entry as CSV, newest first (at most 100,000; the export is itself recorded)."""
    filters = filters_of(action, actor_id, student_id, since, until)
    return csv_download(audit.export_csv(session, actor, filters))
