"""Opening a OneRoster package, a folder or a .zip, without trusting it.

Nothing is extracted to disk: members are read into memory, so a hostile name could not write anywhere,
but a zip naming an absolute path or ``..`` is refused all the same (no honest exporter writes one), as is
one whose uncompressed size, declared or actual, passes ``max_bytes`` (a zip bomb).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_PACKAGE_BYTES = 256 * 1024 * 1024  # far above 10,000 users with 30,000 enrolments (about 5 MB)
MAX_MEMBERS = 1000


class PackageError(Exception):
    """The package cannot be read at all; the message is for the admin."""


@dataclass(slots=True)
class Package:
    """The CSV files at the package's root, by name, and a reader that enforces the size budget."""

    files: dict[str, str]  # file name as written -> key for ``_read``
    _read: Callable[[str, int], bytes]
    budget: int
    warnings: list[str] = field(default_factory=list)

    def find(self, name: str) -> str | None:
        """The file's name as written in the package: exactly ``name``, else one differing only in case."""
        if name in self.files:
            return name
        folded = [written for written in self.files if written.lower() == name.lower()]
        return folded[0] if len(folded) == 1 else None

    def read(self, name: str) -> bytes:
        data = self._read(self.files[name], self.budget + 1)
        if len(data) > self.budget:
            raise PackageError(f"the package is larger than the limit once uncompressed (at {name})")
        self.budget -= len(data)
        return data


def _unsafe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":")


def _choose_root(paths: list[str], warnings: list[str]) -> str:
    """The folder holding manifest.csv: the root, or failing that one folder that the files sit in."""
    manifests = [p for p in paths if PurePosixPath(p).name.lower() == "manifest.csv"]
    if any(PurePosixPath(p).parent == PurePosixPath(".") for p in manifests):
        return ""
    if not manifests:
        raise PackageError(
            "no manifest.csv: a OneRoster 1.1/1.2 package starts with one (1.0 packages without it are not read)"
        )
    if len(manifests) > 1:
        raise PackageError(f"several manifest.csv files and none at the root: {', '.join(sorted(manifests))}")
    root = str(PurePosixPath(manifests[0]).parent)
    warnings.append(f"the files are inside the folder {root}/; OneRoster wants them at the package root")
    return root


@contextmanager
def open_package(path: Path, max_bytes: int = MAX_PACKAGE_BYTES) -> Iterator[Package]:
    """Open a folder or a zip file; :class:`PackageError` when it is neither, unsafe or too large."""
    if path.is_dir():
        yield _open_folder(path, max_bytes)
        return
    if not path.is_file():
        raise PackageError(f"{path.name}: no such file or folder")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(f"{path.name} is neither a folder nor a readable zip file ({exc})") from exc
    with archive:
        yield _open_zip(archive, max_bytes)


def _open_folder(folder: Path, max_bytes: int) -> Package:
    warnings: list[str] = []
    # The folder and its subfolders, not deeper: a package is flat, or at most inside one folder.
    children = sorted(folder.iterdir())
    entries = [p for p in children if p.is_file()]
    entries += [p for child in children if child.is_dir() for p in sorted(child.iterdir()) if p.is_file()]
    relative = [p.relative_to(folder).as_posix() for p in entries if not p.name.startswith(".")]
    root = _choose_root(relative, warnings)
    files = {
        PurePosixPath(rel).name: rel
        for rel in relative
        if str(PurePosixPath(rel).parent) == (root or ".") and rel.lower().endswith(".csv")
    }
    if sum((folder / rel).stat().st_size for rel in files.values()) > max_bytes:
        raise PackageError(f"the CSV files are larger than the limit of {max_bytes} bytes")

    def read(key: str, limit: int) -> bytes:
        with (folder / key).open("rb") as handle:
            return handle.read(limit)

    return Package(files, read, max_bytes, warnings)


def _open_zip(archive: zipfile.ZipFile, max_bytes: int) -> Package:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise PackageError(f"the zip has {len(infos)} members; a OneRoster package has at most a few dozen")
    for info in infos:
        if _unsafe(info.filename):
            raise PackageError(f"the zip names an unsafe path: {info.filename!r}")
        if info.flag_bits & 0x1:
            raise PackageError(f"the zip member {info.filename!r} is encrypted")
    members = [
        info
        for info in infos
        if not info.is_dir()
        and not info.filename.startswith("__MACOSX/")
        and not PurePosixPath(info.filename).name.startswith(".")
    ]
    if sum(info.file_size for info in members) > max_bytes:
        raise PackageError(f"the zip is larger than the limit of {max_bytes} bytes once uncompressed")
    warnings: list[str] = []
    root = _choose_root([info.filename for info in members], warnings)
    files = {
        PurePosixPath(info.filename).name: info.filename
        for info in members
        if str(PurePosixPath(info.filename).parent) == (root or ".")
        and info.filename.lower().endswith(".csv")
    }

    def read(key: str, limit: int) -> bytes:
        try:
            with archive.open(key) as handle:
                return handle.read(limit)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError) as exc:
            raise PackageError(f"the zip member {key!r} cannot be read ({exc})") from exc

    return Package(files, read, max_bytes, warnings)
