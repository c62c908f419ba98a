"""What the school pages share: a refused form shown again with its message, CSV uploads, one-time links."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from starlette.datastructures import UploadFile

from atpace.errors import AtpaceError, Conflict, InvalidInput, NotFound, TooManyAttempts
from atpace.services import limits

FORM_ERRORS = (InvalidInput, Conflict, NotFound, TooManyAttempts)


@dataclass(frozen=True)
class FormError:
    """A refused form: which form, the message, the field at fault and what the user typed."""

    form: str
    message: str
    field: str | None = None
    values: dict[str, str] = dataclasses.field(default_factory=dict)
    status: int = 422
    problems: tuple[Any, ...] = ()  # a CSV file's problems, each with line, column and message


def form_error(form: str, error: AtpaceError, **values: str) -> FormError:
    status = 422
    if isinstance(error, NotFound):
        status = 404
    elif isinstance(error, Conflict):
        status = 409
    elif isinstance(error, TooManyAttempts):
        status = 429
    field_name = error.field if isinstance(error, InvalidInput | Conflict) else None
    problems = tuple(getattr(error, "problems", ()))
    return FormError(form, error.message, field_name, dict(values), status, problems)


def no_store(response: Response) -> Response:
    """A page that shows a one-time link must not be kept by the browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@dataclass(frozen=True)
class CsvUpload:
    data: bytes | str | None  # None: no file chosen and nothing pasted
    dry_run: bool


async def csv_upload(request: Request) -> CsvUpload:
    """The users CSV of an import form: an uploaded file (multipart, sent by htmx with the CSRF header) or the
    rows pasted into its text box (works without JavaScript)."""
    async with request.form(max_files=1, max_fields=10, max_part_size=limits.CSV_MAX_BYTES) as form:
        dry_run = form.get("dry_run") in ("1", "on", "true")
        upload, pasted = form.get("file"), form.get("csv_text")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(limits.CSV_MAX_BYTES + 1)
            if data:
                return CsvUpload(data, dry_run)
        if isinstance(pasted, str) and pasted.strip():
            return CsvUpload(pasted, dry_run)
        return CsvUpload(None, dry_run)


CsvUploadDep = Annotated[CsvUpload, Depends(csv_upload)]
NO_CSV = InvalidInput("file", "choose a CSV file or paste its rows into the box")
