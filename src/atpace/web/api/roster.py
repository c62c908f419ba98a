"""POST /api/admin/roster/import: the roster import of the admin page, in one call."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from atpace.services import roster
from atpace.web.deps import SessionDep
from atpace.web.inputs import Text
from atpace.web.pages.roster import ORG_MAX, AdminDep, data_dir, read_uploads

router = APIRouter(tags=["roster"])


class CountsOut(BaseModel):
    created: int
    updated: int
    deactivated: int
    unchanged: int


class IssueOut(BaseModel):
    file: str
    line: int | None
    column: str | None
    message: str


class SignInLinkOut(BaseModel):
    login: str
    name: str
    role: str
    sourced_id: str
    link: str
    expires_at: datetime


class RosterReportOut(BaseModel):
    ok: bool
    dry_run: bool
    applied: bool
    school: str
    org_sourced_id: str | None
    version: str
    source_system: str
    modes: dict[str, str]
    tables: dict[str, CountsOut]
    problems: list[IssueOut]
    warnings: list[IssueOut]
    links_to_issue: int
    links: list[SignInLinkOut]
    import_id: int | None
    upload: str | None


def _issues(items: list[roster.Issue]) -> list[IssueOut]:
    return [IssueOut(file=i.file, line=i.line, column=i.column, message=i.message) for i in items]


def report_out(report: roster.RosterReport, base_url: str) -> RosterReportOut:
    base = base_url.rstrip("/")
    return RosterReportOut(
        ok=report.ok, dry_run=report.dry_run, applied=report.applied, school=report.school,
        org_sourced_id=report.org_sourced_id, version=report.version, source_system=report.source_system,
        modes=report.modes, tables={name: CountsOut(**c.as_dict()) for name, c in report.tables.items()},
        problems=_issues(report.problems), warnings=_issues(report.warnings),
        links_to_issue=report.links_to_issue,
        links=[
            SignInLinkOut(
                login=link.login, name=link.name, role=link.role, sourced_id=link.sourced_id,
                link=base + link.path, expires_at=link.expires_at,
            )
            for link in report.links
        ],
        import_id=report.import_id, upload=report.upload,
    )  # fmt: skip


@router.post(
    "/admin/roster/import",
    response_model=RosterReportOut,
    responses={
        422: {"description": "The package has problems: nothing was imported (the report says which)"}
    },
)
def import_roster(
    request: Request,
    actor: AdminDep,
    session: SessionDep,
    files: Annotated[
        list[UploadFile] | None, File(description="the package: one .zip, or its .csv files")
    ] = None,
    dry_run: Annotated[bool, Query(description="check and report only; write nothing")] = False,
    org: Annotated[
        str | None, Query(max_length=ORG_MAX, description="sourcedId of the org that is this school"), Text
    ] = None,
) -> Response:
    """Import a OneRoster 1.1/1.2 CSV package into the administrator's school (admins only).

    The report counts, per table, the rows created, updated, deactivated (or removed) and unchanged, and
    lists every problem with its file, line and column. Any problem: nothing is written and the answer is
    422 with the report. Imported users get one-time sign-in links, returned here once (``links``).
    409 when another import of the school is running.
    """
    digest = roster.upload_roster(data_dir(request), actor, read_uploads(files))
    report = roster.import_upload(
        session, data_dir(request), actor, digest, apply=not dry_run, org=(org or "").strip() or None
    )
    body = report_out(report, str(request.base_url))
    if report.problems:
        detail = f"the package has {len(report.problems)} problems: nothing was imported"
        return JSONResponse({"detail": detail, **body.model_dump(mode="json")}, status_code=422)
    # The links sign people in: not kept by a cache.
    return JSONResponse(body.model_dump(mode="json"), headers={"Cache-Control": "no-store"})
