"""JSON API of exports (issue 12): ask for attempts, mastery or grades of a class (or, for an administrator,
the whole school) as CSV or Parquet, follow the export's progress, and download the file once it is done
(docs/exports.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from atpace.services import exports
from atpace.web.api.school_schemas import errors
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId

router = APIRouter(tags=["exports"])


class ExportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["attempts", "mastery", "grades"]
    format: Literal["csv", "parquet"] = "csv"
    class_id: Annotated[int | None, Field(ge=1, le=MAX_ID, description="none: the whole school (admins)")] = (
        None
    )


class ExportOut(BaseModel):
    id: int
    kind: str
    format: str
    status: str = Field(description="queued, running, done or failed")
    class_id: int | None
    class_name: str | None
    requested_by_id: int | None
    requested_by: str | None
    rows_done: int
    rows_total: int | None = Field(description="none until the rows have been counted")
    percent: int
    size: int | None = Field(description="bytes, once done")
    error: str = Field(description="why it failed")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None = Field(description="when the file is deleted")
    status_url: str
    file_url: str | None = Field(description="the download, once done")


def export_out(view: exports.ExportView) -> ExportOut:
    return ExportOut(
        id=view.id, kind=view.kind, format=view.format, status=view.status, class_id=view.class_id,
        class_name=view.class_name, requested_by_id=view.requested_by_id, requested_by=view.requested_by,
        rows_done=view.rows_done, rows_total=view.rows_total, percent=view.percent, size=view.size,
        error=view.error, created_at=view.created_at, started_at=view.started_at, finished_at=view.finished_at,
        expires_at=view.expires_at, status_url=f"/api/exports/{view.id}",
        file_url=f"/api/exports/{view.id}/file" if view.downloadable else None,
    )  # fmt: skip


def clean_later(request: Request, background: BackgroundTasks) -> None:
    """Once the request's transaction has committed (after the response), delete expired exports."""
    background.add_task(exports.clean_expired, request.app.state.database, request.app.state.settings)


@router.post("/exports", status_code=202, response_model=ExportOut, responses=errors(401, 403, 404, 409, 422))
def create_export(
    data: ExportIn, request: Request, background: BackgroundTasks, actor: ActorDep, session: SessionDep
) -> ExportOut:
    """Ask for an export; it runs in the background. Follow ``status_url`` until ``status`` is done (then
    ``file_url`` downloads it) or failed (``error`` says why)."""
    view = exports.request_export(session, actor, kind=data.kind, fmt=data.format, class_id=data.class_id)
    clean_later(request, background)
    return export_out(view)


@router.get("/exports", response_model=list[ExportOut], responses=errors(401, 403))
def list_exports(actor: ActorDep, session: SessionDep) -> list[ExportOut]:
    """Your exports, newest first (an administrator: the school's); the last 50."""
    return [export_out(v) for v in exports.list_exports(session, actor)]


@router.get("/exports/{export_id}", response_model=ExportOut, responses=errors(401, 403, 404, 422))
def get_export(export_id: PathId, actor: ActorDep, session: SessionDep) -> ExportOut:
    """One export and its progress (whoever asked for it, and the school's administrators)."""
    return export_out(exports.get_export(session, actor, export_id))


FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {}, "application/vnd.apache.parquet": {}},
        "description": "The file: CSV (UTF-8, header row) or Parquet; columns in docs/exports.md",
    },
    **errors(401, 403, 404, 409, 422),
}


@router.get("/exports/{export_id}/file", response_class=FileResponse, responses=FILE_RESPONSE)
def download_export(
    export_id: PathId, request: Request, actor: ActorDep, session: SessionDep
) -> FileResponse:
    """The finished export's file (whoever asked for it, and the school's administrators); recorded."""
    found = exports.export_file(session, actor, request.app.state.settings, export_id)
    return FileResponse(
        found.path,
        media_type=found.media_type,
        filename=found.filename,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )
