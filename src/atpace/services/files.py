"""Uploaded files: checked by their content, stored under the data folder, served only through the
services that decide who may read them (a submission's student, their teachers and admins; a strategy's
school).

A file is refused, and nothing is stored, when it is empty, larger than ``limits.UPLOAD_MAX_BYTES``, its
name holds a path or control characters, its content is not a type atpace accepts, or its content is not
the type its name says (a ``.pdf`` that is a PNG). The stored path is made by atpace (school id and a
random name), never taken from the upload; a file written for a transaction that rolls back is removed.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import filetype
from sqlalchemy import event
from sqlalchemy.orm import Session

from atpace.errors import InvalidInput, NotFound
from atpace.services import limits
from atpace.store.tables import StoredFile

# The types atpace accepts, by the extension a name may carry, with the media type sent back.
ACCEPTED: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "mp4": "video/mp4",
    "txt": "text/plain",
    "md": "text/plain",
    "csv": "text/csv",
}
TEXT_EXTENSIONS = ("txt", "md", "csv")
SAME_TYPE = {"jpeg": "jpg"}  # names that mean the same content type
ACCEPTED_NAMES = (
    "PDF, images (PNG, JPEG, GIF, WebP), Word/Excel/PowerPoint or OpenDocument files, MP3, M4A, MP4, text"
)


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # safe display name
    extension: str
    media_type: str
    data: bytes


def check_upload(filename: str, data: bytes, field: str = "file") -> CheckedUpload:
    """The upload as atpace will store it, or :class:`InvalidInput` naming what is wrong."""
    name = safe_name(filename, field)
    if not data:
        raise InvalidInput(field, f"{name} is empty")
    if len(data) > limits.UPLOAD_MAX_BYTES:
        mb = limits.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise InvalidInput(field, f"{name} is {len(data) / 1048576:.1f} MB; files may be at most {mb} MB")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED:
        raise InvalidInput(field, f"{name}: atpace accepts {ACCEPTED_NAMES}")
    found = _content_extension(data)
    wanted = SAME_TYPE.get(extension, extension)
    if extension in TEXT_EXTENSIONS:
        if found is not None or not _is_text(data):
            raise InvalidInput(field, f"{name} is named as text but its content is not plain text")
    elif found != wanted:
        what = f"a {found.upper()} file" if found else "not a type atpace recognises"
        raise InvalidInput(field, f"{name} is named .{extension} but its content is {what}")
    return CheckedUpload(name, extension, ACCEPTED[extension], data)


def _content_extension(data: bytes) -> str | None:
    kind = filetype.guess(data[:8192])  # signatures sit at the start
    if kind is None:
        return None
    return str(kind.extension)


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def safe_name(filename: str, field: str = "file") -> str:
    """The display name of an upload; a name with a path in it is refused, not cut."""
    name = unicodedata.normalize("NFC", filename.strip())
    if not name:
        raise InvalidInput(field, "choose a file to upload")
    if "/" in name or "\\" in name or name in (".", "..") or PurePosixPath(name).name != name:
        raise InvalidInput(field, f"the file name {name!r} holds a path; give the file's own name only")
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise InvalidInput(field, "the file name holds control characters")
    if name.startswith("."):
        raise InvalidInput(field, f"the file name {name!r} starts with a dot")
    if len(name) > limits.FILE_NAME_MAX:
        raise InvalidInput(field, f"the file name is longer than {limits.FILE_NAME_MAX} characters")
    return name


@dataclass(frozen=True)
class FileStore:
    """The folder of uploaded files (``Settings.resolved_files_dir()``)."""

    root: Path

    def save(self, session: Session, school_id: int, uploader_id: int, upload: CheckedUpload) -> StoredFile:
        """Write the file and its row in the caller's transaction; the file goes if the transaction rolls back."""
        relative = f"{school_id}/{secrets.token_hex(16)}.{upload.extension}"
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(upload.data)
        os.replace(partial, target)
        _remove_on_rollback(session, target)
        row = StoredFile(
            school_id=school_id, uploaded_by_id=uploader_id, name=upload.name, path=relative,
            media_type=upload.media_type, size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row

    def read(self, row: StoredFile) -> bytes:
        path = (self.root / row.path).resolve()
        if not path.is_relative_to(self.root.resolve()) or not path.is_file():
            raise NotFound(f"the file {row.name} is missing from the data folder")
        return path.read_bytes()


NEW_FILES = "atpace.new_files"  # session.info key: files written in the open transaction


def _remove_on_rollback(session: Session, path: Path) -> None:
    session.info.setdefault(NEW_FILES, []).append(path)


@event.listens_for(Session, "after_commit")
def _keep_new_files(session: Session) -> None:
    session.info.pop(NEW_FILES, None)


@event.listens_for(Session, "after_soft_rollback")
def _drop_new_files(session: Session, _previous: object) -> None:
    for path in session.info.pop(NEW_FILES, []):
        path.unlink(missing_ok=True)
