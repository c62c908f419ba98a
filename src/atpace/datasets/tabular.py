"""Tabular logs: pyBKT-style CSV and a generic CSV or Parquet log.

* pyBKT CSV (Badrinath et al. 2021): ``user_id, skill_name, correct, order_id`` (others ignored),
  comma- or tab-separated, with pyBKT's alternative KDD Cup names (``Anon Student Id``,
  ``KC(Default)``, ``Correct First Attempt``, ``Row``). Several skills in one cell are joined by
  ``~~``, as pyBKT writes them; such a row becomes one attempt with a row per skill.
* Generic log: ``student, correct`` and ``skill`` (or ``skills``), optional ``item`` and ``timestamp``
  (ISO 8601 or seconds since the epoch). ``skills`` may hold several keys joined by ``;`` (CSV) or be
  a list column (Parquet).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from numpy.typing import NDArray

from atpace.datasets.errors import DatasetFormatError
from atpace.engine.models.interaction_log import InteractionLog

PYBKT_COLUMNS = {
    "user_id": ("user_id", "Anon Student Id"),
    "skill_name": ("skill_name", "KC(Default)", "KC(SubSkills)"),
    "correct": ("correct", "Correct First Attempt"),
    "order_id": ("order_id", "Row"),
    "item": ("problem_id", "Problem Name"),
}
ID_COLUMNS = frozenset(
    {"student", "skill", "skills", "item"}
    | {name for key in ("user_id", "skill_name", "item") for name in PYBKT_COLUMNS[key]}
)
_TRUE = {"1", "1.0", "true", "True", "TRUE"}
_FALSE = {"0", "0.0", "false", "False", "FALSE"}


def _where(path: Path, row: int, csv: bool) -> int | None:
    """The file line of a data row (header on line 1) for CSV; None for Parquet (rows are named)."""
    return row + 2 if csv else None


def _read_table(path: Path) -> tuple[pa.Table, bool]:
    if path.suffix.lower() in {".parquet", ".pq"}:
        try:
            return pq.read_table(path), False
        except (pa.ArrowInvalid, OSError) as error:
            raise DatasetFormatError(path, None, f"expected a Parquet file: {error}") from None
    with path.open(encoding="utf-8") as handle:
        header = handle.readline()
    if not header.strip():
        raise DatasetFormatError(path, 1, "expected a header line naming the columns")
    delimiter = "\t" if header.count("\t") > header.count(",") else ","
    # Ids are text: "007" and "7" are two students, not one number.
    names = [name.strip().strip('"') for name in header.rstrip("\r\n").split(delimiter)]
    id_types = {name: pa.string() for name in names if name in ID_COLUMNS}
    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(column_types=id_types, strings_can_be_null=True),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
        )
    except pa.ArrowInvalid as error:
        # Arrow names the offending row ("Row #N") in its message; keep it whole
        raise DatasetFormatError(path, None, f"expected {'tab' if delimiter == chr(9) else 'comma'}-separated "
                                 f"rows with the header's number of fields: {error}") from None  # fmt: skip
    return table, True


def _column(table: pa.Table, names: Sequence[str]) -> str | None:
    return next((n for n in names if n in table.column_names), None)


def _strings(table: pa.Table, name: str) -> NDArray[np.object_]:
    column = table.column(name)
    if pa.types.is_floating(column.type):
        # ids stored as floats by pandas exports (1.0): print them as integers
        values = column.to_numpy(zero_copy_only=False)
        return np.array(
            [None if np.isnan(v) else (str(int(v)) if v == int(v) else str(v)) for v in values], dtype=object
        )
    return np.asarray(column.cast(pa.string()).to_pylist(), dtype=object)


def _correct(path: Path, table: pa.Table, name: str, csv: bool) -> NDArray[np.int8]:
    values = np.asarray(table.column(name).cast(pa.string()).to_pylist(), dtype=object)
    right = np.isin(values, sorted(_TRUE))
    bad = np.flatnonzero(~right & ~np.isin(values, sorted(_FALSE)))
    if bad.size:
        row = int(bad[0])
        raise DatasetFormatError(
            path, _where(path, row, csv),
            f"expected 0 or 1 in column {name!r}, found {values[row]!r}" + ("" if csv else f" (row {row})"),
        )  # fmt: skip
    return right.astype(np.int8)


def _order_key(path: Path, table: pa.Table, name: str, csv: bool) -> NDArray[np.float64]:
    """The column that orders a student's rows (times, as seconds, or order ids); none may be missing."""
    column = table.column(name)
    if pa.types.is_timestamp(column.type):
        micros = column.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_numpy(zero_copy_only=False)
        seconds = np.asarray(micros, dtype=np.float64) / 1e6
        _no_missing_number(path, seconds, name, csv)
        return seconds
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        numbers = np.asarray(column.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        _no_missing_number(path, numbers, name, csv)
        return numbers
    out = np.full(len(column), np.nan)
    for row, value in enumerate(column.cast(pa.string()).to_pylist()):
        if value is None or value == "":
            continue  # reported below with the other missing times
        try:
            out[row] = float(value)
        except ValueError:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                raise DatasetFormatError(
                    path,
                    _where(path, row, csv),
                    f"expected an ISO 8601 time or seconds in {name!r}, found {value!r}",
                ) from None
            out[row] = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    _no_missing_number(path, out, name, csv)
    return out


def _no_missing_number(path: Path, values: NDArray[np.float64], name: str, csv: bool) -> None:
    """A row without its time or order could not be placed in its student's sequence."""
    missing = np.flatnonzero(np.isnan(values))
    if missing.size:
        raise DatasetFormatError(
            path,
            _where(path, int(missing[0]), csv),
            f"expected a value in column {name!r} (it orders the rows)",
        )


def _expand_skills(skills: Sequence[object], separator: str) -> tuple[NDArray[np.int64], list[str | None]]:
    """Rows repeated once per skill in a multi-skill cell: (source row per output row, skill per output row)."""
    cells = np.asarray(skills, dtype=object)
    single = np.array([not isinstance(c, list | tuple) and (c is None or separator not in c) for c in cells])
    if single.all():  # the common case: one skill (or none) per row
        keys = [None if c is None or c == "" else str(c).strip() for c in cells]
        return np.arange(cells.shape[0], dtype=np.int64), keys
    source: list[int] = []
    out: list[str | None] = []
    for row, cell in enumerate(cells.tolist()):
        parts = (
            list(cell) if isinstance(cell, list | tuple) else (str(cell).split(separator) if cell else [None])
        )
        parts = [p.strip() if isinstance(p, str) else p for p in parts]
        # "A;" or "A;;B": the empty pieces are separators, not a skill-less row
        parts = [p for p in parts if p not in ("", None)] or [None]
        source.extend([row] * len(parts))
        out.extend(parts)
    return np.asarray(source, dtype=np.int64), out


def _build(
    student: NDArray[np.object_],
    skills: Sequence[object],
    correct: NDArray[np.int8],
    item: NDArray[np.object_] | None,
    order: NDArray[np.float64],
    separator: str,
) -> InteractionLog:
    source, skill_keys = _expand_skills(skills, separator)
    return InteractionLog.from_columns(
        student=student[source],
        skill=np.asarray(skill_keys, dtype=object),
        correct=correct[source],
        item=item[source] if item is not None else None,
        attempt=source,
        timestamp=order[source],
    )


def _require(path: Path, table: pa.Table, wanted: dict[str, tuple[str, ...]], csv: bool) -> dict[str, str]:
    found = {key: _column(table, names) for key, names in wanted.items()}
    missing = [" or ".join(repr(n) for n in wanted[k]) for k, v in found.items() if v is None]
    if missing:
        raise DatasetFormatError(
            path,
            1 if csv else None,
            f"expected columns {', '.join(missing)}; found {', '.join(table.column_names)}",
        )
    return {k: v for k, v in found.items() if v is not None}


def _no_missing(path: Path, values: NDArray[np.object_], name: str, csv: bool) -> None:
    empty = np.flatnonzero((values == None) | (values == ""))  # noqa: E711 (element-wise on objects)
    if empty.size:
        raise DatasetFormatError(
            path, _where(path, int(empty[0]), csv), f"expected a value in column {name!r}"
        )


def read_pybkt_csv(path: str | Path) -> InteractionLog:
    """A pyBKT-style CSV (see the module notes); rows sorted by student, then ``order_id``."""
    path = Path(path)
    table, csv = _read_table(path)
    required = {k: PYBKT_COLUMNS[k] for k in ("user_id", "skill_name", "correct")}
    columns = _require(path, table, required, csv)
    student = _strings(table, columns["user_id"])
    _no_missing(path, student, columns["user_id"], csv)
    order_name = _column(table, PYBKT_COLUMNS["order_id"])
    if order_name is not None:
        order = _order_key(path, table, order_name, csv)
    else:
        order = np.arange(len(student), dtype=np.float64)
    item_name = _column(table, PYBKT_COLUMNS["item"])
    return _build(
        student,
        _strings(table, columns["skill_name"]).tolist(),
        _correct(path, table, columns["correct"], csv),
        _strings(table, item_name) if item_name else None,
        order,
        "~~",
    )


def read_log(path: str | Path, skill_separator: str = ";") -> InteractionLog:
    """A generic CSV or Parquet log (see the module notes)."""
    path = Path(path)
    table, csv = _read_table(path)
    columns = _require(
        path, table, {"student": ("student",), "skill": ("skill", "skills"), "correct": ("correct",)}, csv
    )
    student = _strings(table, columns["student"])
    _no_missing(path, student, columns["student"], csv)
    skill_column = table.column(columns["skill"])
    skills = (
        skill_column.to_pylist()
        if pa.types.is_list(skill_column.type)
        else _strings(table, columns["skill"]).tolist()
    )
    times = (
        _order_key(path, table, "timestamp", csv)
        if "timestamp" in table.column_names
        else np.full(len(student), np.nan)
    )
    return _build(
        student,
        skills,
        _correct(path, table, columns["correct"], csv),
        _strings(table, "item") if "item" in table.column_names else None,
        times,
        skill_separator,
    )
