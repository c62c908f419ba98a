"""The administrator's roster import: upload a OneRoster package, read the dry-run report, confirm.

The uploaded package is kept under the data folder, named by its content hash (services.roster.uploads);
the confirm form sends that hash back, so the import applies exactly the file the dry run checked. The
one-time sign-in links of the users created are offered once, as a CSV download built into the result
page (they are not stored anywhere: only their hashes are).
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from atpace.errors import InvalidInput
from atpace.services import roster
from atpace.services.auth import Actor
from atpace.services.database import Session
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import Text
from atpace.web.pages.common import is_htmx, render

router = APIRouter()

ORG_MAX = 255  # a OneRoster sourcedId
DIGEST_MAX = 64  # a SHA-256 in hex


def require_admin(actor: ActorDep) -> Actor:
    roster.require_admin(actor)
    return actor


AdminDep = Annotated[Actor, Depends(require_admin)]


def read_uploads(files: list[UploadFile] | None) -> list[tuple[str, bytes]]:
    """The uploaded files' names and bytes, refusing more than the import takes."""
    uploaded: list[tuple[str, bytes]] = []
    budget = roster.MAX_UPLOAD_BYTES
    for upload in files or []:
        if not upload.filename:
            continue  # an empty file input
        data = upload.file.read(budget + 1)
        budget -= len(data)
        if budget < 0:
            raise InvalidInput("files", f"the upload is larger than {roster.MAX_UPLOAD_BYTES // 2**20} MB")
        uploaded.append((upload.filename, data))
    return uploaded


def data_dir(request: Request) -> Path:
    folder: Path = request.app.state.settings.data_dir
    return folder


def _page(
    request: Request,
    actor: Actor,
    session: Session,
    *,
    report: roster.RosterReport | None = None,
    org: str = "",
    error: str | None = None,
    links_href: str | None = None,
) -> Response:
    status = 422 if error else 200
    context = dict(
        report=report, org=org, error=error, links_href=links_href, links_name=_links_name(report),
        labels=roster.TABLES,
    )  # fmt: skip
    if is_htmx(request):
        return render(request, "roster_result.html", actor, status_code=status, **context)
    imports = roster.recent_imports(session, actor)
    return render(request, "roster.html", actor, status_code=status, imports=imports, **context)


def _links_name(report: roster.RosterReport | None) -> str:
    school = report.school if report else "school"
    return f"sign-in-links-{school}-{datetime.now(UTC).strftime('%Y%m%d-%H%M')}.csv"


@router.get("/admin/roster")
def roster_page(request: Request, actor: AdminDep, session: SessionDep) -> Response:
    return _page(request, actor, session)


@router.post("/admin/roster")
def upload_roster(
    request: Request,
    actor: AdminDep,
    session: SessionDep,
    files: Annotated[list[UploadFile] | None, File(description="a .zip, or the package's .csv files")] = None,
    org: Annotated[str, Form(max_length=ORG_MAX), Text] = "",
) -> Response:
    """Keep the upload and show the dry run's report, with a "Confirm import" button when it is clean."""
    try:
        digest = roster.upload_roster(data_dir(request), actor, read_uploads(files))
    except InvalidInput as error:
        return _page(request, actor, session, org=org, error=error.message)
    report = roster.import_upload(
        session, data_dir(request), actor, digest, apply=False, org=org.strip() or None
    )
    return _page(request, actor, session, report=report, org=org)


@router.post("/admin/roster/confirm")
def confirm_roster(
    request: Request,
    actor: AdminDep,
    session: SessionDep,
    upload: Annotated[str, Form(max_length=DIGEST_MAX), Text],
    org: Annotated[str, Form(max_length=ORG_MAX), Text] = "",
) -> Response:
    """Import the package the dry run checked; the result page offers the sign-in links once."""
    report = roster.import_upload(
        session, data_dir(request), actor, upload, apply=True, org=org.strip() or None
    )
    links_href = None
    if report.links:
        text = report.links_csv(str(request.base_url))
        links_href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(text.encode()).decode()
    response = _page(request, actor, session, report=report, org=org, links_href=links_href)
    response.headers["Cache-Control"] = "no-store"  # the links sign people in: not kept by a cache
    return response
