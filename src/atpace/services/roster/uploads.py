"""Roster packages uploaded through the web: kept under the data folder, named by their content hash, so
that the administrator's "Confirm import" imports exactly the file the dry run checked.

A package comes as one .zip, or as its .csv files (manifest.csv among them), which are put into a zip
with fixed dates so that the same files always give the same hash. Each school has its own folder: a hash
names a file of the importing administrator's school or nothing (404).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from atpace.errors import InvalidInput, NotFound

MAX_UPLOAD_BYTES = 64 * 1024 * 1024  # a zip of 10,000 users with 30,000 enrolments is about 1 MB
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_ZIP_MAGIC = b"PK\x03\x04"


def upload_folder(data_dir: Path, school_id: int) -> Path:
    return data_dir / "uploads" / "roster" / str(school_id)


def package_bytes(files: Sequence[tuple[str, bytes]]) -> bytes:
    """The package as one zip: the uploaded zip itself, or the uploaded CSV files zipped."""
    if not files:
        raise InvalidInput("files", "choose the roster: a .zip of the OneRoster CSV files, or the .csv files")
    if sum(len(data) for _name, data in files) > MAX_UPLOAD_BYTES:
        raise InvalidInput("files", f"the upload is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    if len(files) == 1 and (files[0][0].lower().endswith(".zip") or files[0][1].startswith(_ZIP_MAGIC)):
        return files[0][1]
    names = [PurePosixPath(name.replace("\\", "/")).name for name, _data in files]
    if not all(name.lower().endswith(".csv") for name in names):
        raise InvalidInput("files", "upload one .zip, or the package's .csv files (manifest.csv among them)")
    if len(set(names)) < len(names):
        raise InvalidInput("files", "two uploaded files have the same name")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (_given, data) in sorted(zip(names, files, strict=True)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def store_upload(data_dir: Path, school_id: int, files: Sequence[tuple[str, bytes]]) -> str:
    """Keep the uploaded package for the school; returns its SHA-256 (hex), which names it."""
    data = package_bytes(files)
    digest = hashlib.sha256(data).hexdigest()
    folder = upload_folder(data_dir, school_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.zip"
    if not path.exists():
        partial = folder / f".{digest}.{os.getpid()}.part"
        partial.write_bytes(data)
        os.replace(partial, path)
    return digest


def upload_path(data_dir: Path, school_id: int, digest: str) -> Path:
    """The stored package of this school with this hash; :class:`NotFound` when there is none."""
    path = upload_folder(data_dir, school_id) / f"{digest}.zip"
    if not _DIGEST.match(digest) or not path.is_file():
        raise NotFound("this upload is not here (any more): upload the roster again")
    return path
