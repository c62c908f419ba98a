"""Writing rows to a file: CSV (UTF-8, a header row, one row per line) or Parquet (typed columns, one row
group per chunk). The file is written under a temporary name beside its destination and renamed into place
only when whole, so a reader never sees half a file."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol

from atpace.services.exports.columns import Column, Row

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class RowWriter(Protocol):
    def write(self, rows: Sequence[Row]) -> None: ...
    def close(self) -> None: ...


def _plain(value: object) -> object:
    return "" if value is None else value


def _flag(value: object) -> str:
    return "" if value is None else "true" if value else "false"


def _time(value: object) -> str:
    # UTC already (atpace stores and reads UTC-aware times only): ISO 8601 with a Z
    return "" if not isinstance(value, datetime) else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _text(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (as atpace's other CSV files
    do); the Parquet file keeps it as it is."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


CSV_CELLS: dict[str, Callable[[object], object]] = {
    "int": _plain, "float": _plain, "bool": _flag, "time": _time, "str": _text,
}  # fmt: skip


class CsvWriter:
    def __init__(self, handle: IO[bytes], columns: Sequence[Column]) -> None:
        # a byte order mark first, so that spreadsheets read accents right (pandas: encoding="utf-8-sig")
        self._text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._text, lineterminator="\r\n")
        self._csv.writerow([c.name for c in columns])
        self._cells = [CSV_CELLS[c.type] for c in columns]

    def write(self, rows: Sequence[Row]) -> None:
        cells = self._cells
        self._csv.writerows([[cell(v) for cell, v in zip(cells, row, strict=True)] for row in rows])

    def close(self) -> None:
        self._text.flush()
        self._text.detach()  # the handle stays open: AtomicFile closes it


def arrow_schema(columns: Sequence[Column]) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    types = {
        "int": pa.int64(), "str": pa.string(), "bool": pa.bool_(), "float": pa.float64(),
        "time": pa.timestamp("us", tz="UTC"),
    }  # fmt: skip
    return pa.schema([pa.field(c.name, types[c.type], nullable=c.nullable) for c in columns])


class ParquetWriter:
    def __init__(self, handle: IO[bytes], columns: Sequence[Column]) -> None:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        self._schema = arrow_schema(columns)
        self._writer = pq.ParquetWriter(handle, self._schema, compression="zstd")

    def write(self, rows: Sequence[Row]) -> None:
        import pyarrow as pa

        if not rows:
            return
        arrays = [list(values) for values in zip(*rows, strict=True)]
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self._schema))

    def close(self) -> None:
        self._writer.close()


class AtomicFile:
    """``with AtomicFile(path) as handle``: written to a temporary file in the same folder, renamed to
    ``path`` when the block ends without error, deleted otherwise."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> IO[bytes]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent
        )
        self._temp = Path(name)
        self._handle = os.fdopen(descriptor, "wb")
        return self._handle

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if kind is None:
                self._handle.flush()
                os.fsync(self._handle.fileno())
            self._handle.close()
            if kind is None:
                os.replace(self._temp, self.path)
        finally:
            self._temp.unlink(missing_ok=True)


def open_writer(fmt: str, handle: IO[bytes], columns: Sequence[Column]) -> RowWriter:
    return CsvWriter(handle, columns) if fmt == "csv" else ParquetWriter(handle, columns)
