"""The one error a loader raises for a malformed file."""

from __future__ import annotations

from pathlib import Path


class DatasetFormatError(ValueError):
    """A file that does not match its format; the message names the file, the line and what was expected."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
