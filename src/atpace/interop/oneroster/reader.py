"""Reading a OneRoster 1.1/1.2 CSV package into typed records: :func:`read_roster`.

Everything that can be checked without a database is checked here; what is wrong becomes an
:class:`Issue` in ``problems`` (with the file, the physical line, the header being line 1, and the column)
and the reading goes on, so one pass reports every problem. Tolerated departures from the spec (a BOM,
CRLF, values in the wrong case, ``inactive``, unknown columns) become ``warnings``; repeated ones are
counted into one warning per file and column.
"""

from __future__ import annotations

import _csv
import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

from atpace.interop.oneroster.package import MAX_PACKAGE_BYTES, Package, PackageError, open_package
from atpace.interop.oneroster.records import (
    AcademicSession,
    Class,
    Course,
    Demographics,
    Enrollment,
    Issue,
    Org,
    RosterFile,
    UnresolvedRef,
    User,
    UserRole,
    choose_role,
    role_orgs,
)
from atpace.interop.oneroster.spec import (
    BOOLEANS,
    CLASS_TYPES,
    DEMOGRAPHIC_BOOLEANS,
    DEMOGRAPHIC_FIELDS,
    ENROLLMENT_ATPACE_ROLES,
    ENROLLMENT_ROLES,
    EXTENSION_PREFIX,
    ORG_TYPES,
    ROLE_TYPES,
    SESSION_TYPES,
    SEXES,
    TABLE_SPECS,
    TABLES,
    UNUSED_TABLES,
    USER_ROLES,
    USERS_11_SPEC,
    VENDOR_TERM_PREFIX,
    Mode,
    Status,
    TableSpec,
)

MAX_PROBLEMS_PER_FILE: Final = 1000  # a wholly wrong file says so without a million-line report
MANIFEST: Final = "manifest.csv"
_MANIFEST_SPEC: Final = TableSpec(("propertyName", "value"), frozenset({"propertyName", "value"}))
_GUID: Final = re.compile(r"[0-9A-Za-z._\-/@]+")  # the spec's GUID alphabet
_MAX_ID: Final = 255
_NO_EXTENSIONS: Final[Mapping[str, str]] = MappingProxyType({})
_STATUS: Final[dict[str, Status]] = {"active": "active", "tobedeleted": "tobedeleted"}
_MODE: Final[dict[str, Mode]] = {"absent": "absent", "bulk": "bulk", "delta": "delta"}


_FILE_ORDER: Final = {MANIFEST: 0} | {f"{table}.csv": rank for rank, table in enumerate(TABLES, 1)}


def _report_order(issue: Issue) -> tuple[int, str, int]:
    """The manifest, then the tables in reading order, then other files and the package itself; by line."""
    return (_FILE_ORDER.get(issue.file, len(_FILE_ORDER)), issue.file, issue.line or 0)


@cache
def _folded(allowed: frozenset[str]) -> dict[str, str]:
    return {value.lower(): value for value in allowed}


@dataclass(slots=True)
class _Report:
    """Problems and warnings of one read; repeated warnings are tallied per (file, column, kind)."""

    problems: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    _per_file: dict[str, int] = field(default_factory=dict)
    _overflow: dict[str, int] = field(default_factory=dict)
    _tallies: dict[tuple[str, str | None, str], tuple[int, int, str]] = field(default_factory=dict)

    def problem(self, file: str, line: int | None, column: str | None, message: str) -> None:
        count = self._per_file.get(file, 0) + 1
        self._per_file[file] = count
        if count <= MAX_PROBLEMS_PER_FILE:
            self.problems.append(Issue(file, line, column, message))
        elif count == MAX_PROBLEMS_PER_FILE + 1:
            self._overflow[file] = len(self.problems)  # a placeholder, counted in finish()
            self.problems.append(Issue(file, line, None, ""))

    def warn(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.warnings.append(Issue(file, line, column, message))

    def tally(self, file: str, line: int, column: str | None, kind: str, message: str) -> None:
        """Count a repeated warning; ``message`` of the first occurrence is the one reported."""
        key = (file, column, kind)
        entry = self._tallies.get(key)
        self._tallies[key] = (1, line, message) if entry is None else (entry[0] + 1, entry[1], entry[2])

    def finish(self) -> None:
        for file, index in self._overflow.items():
            more = self._per_file[file] - MAX_PROBLEMS_PER_FILE
            first = self.problems[index]
            self.problems[index] = Issue(
                file, first.line, None, f"{more} more problems in this file not listed"
            )
        for (file, column, _kind), (count, line, message) in self._tallies.items():
            text = f"{message} ({count} rows from this one)" if count > 1 else message
            self.warnings.append(Issue(file, line, column, text))
        self._tallies.clear()
        self.problems.sort(key=_report_order)
        self.warnings.sort(key=_report_order)


class _Table:
    """One CSV file: its header bound to a spec, its rows, and typed access to their values."""

    def __init__(self, report: _Report, file: str, data: bytes, mode: Mode, valid_ids: set[str]) -> None:
        self.report = report
        # Ids found valid, shared by the tables of one read: ids recur (a class in each of its enrolments).
        self._valid_ids = valid_ids
        self.file = file
        self.mode: Mode = mode
        self.index: dict[str, int] = {}
        self.extensions: dict[str, int] = {}
        self.header: list[str] = []
        self.width = 0
        self._seen: dict[str, int] = {}
        self._csv: _csv.Reader | None = None
        self.complete = False  # every row was read: references to this table can be checked
        try:
            text = data.decode("utf-8-sig")  # tolerates the BOM the spec allows
        except UnicodeDecodeError as exc:
            self.problem(
                data.count(b"\n", 0, exc.start) + 1, None, "not UTF-8 text (OneRoster files are UTF-8)"
            )
            return
        if "\x00" in text:  # a binary file, and no database stores NUL in text
            self.problem(
                text.count("\n", 0, text.index("\x00")) + 1, None, "a NUL character: not a text file"
            )
            return
        self._csv = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = next(self._csv, None)
        except csv.Error as exc:
            self.problem(1, None, f"malformed CSV header: {exc}")
            return
        if header is None:
            self.problem(None, None, "the file is empty (no header)")
            return
        self.header = [name.strip() for name in header]
        self.width = len(header)
        self.complete = True

    @property
    def readable(self) -> bool:
        return bool(self.header)

    def problem(self, line: int | None, column: str | None, message: str) -> None:
        self.report.problem(self.file, line, column, message)

    def tally(self, line: int, column: str | None, kind: str, message: str) -> None:
        self.report.tally(self.file, line, column, kind, message)

    def bind(self, spec: TableSpec) -> bool:
        """Map the header onto ``spec``; False (with problems) when a required column is missing."""
        known = set(spec.columns)
        folded = {column.lower(): column for column in spec.columns}
        empty = 0
        ok = True
        for position, name in enumerate(self.header):
            if not name:
                empty += 1
                continue
            if name.startswith(EXTENSION_PREFIX):
                self.extensions.setdefault(name, position)
                continue
            column = name if name in known else folded.get(name.lower())
            if column is None:
                self.report.warn(self.file, 1, name, "unknown column ignored")
                continue
            if column != name:
                self.report.warn(
                    self.file, 1, name, f"read as {column} (OneRoster column names are case-sensitive)"
                )
            if column in self.index:
                self.problem(1, name, "the column appears twice")
                ok = False
                continue
            self.index[column] = position
        if empty:
            self.report.warn(self.file, 1, None, f"{empty} columns without a name ignored")
        required = spec.required | ({"status", "dateLastModified"} if self.mode == "delta" else frozenset())
        for column in spec.columns:
            if column in required and column not in self.index:
                self.problem(1, column, "required column is missing")
                ok = False
        for column in spec.columns:
            self.index.setdefault(column, self.width)  # an absent optional column reads as empty
        self.complete = ok
        return ok

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, stripped values padded with one trailing "") per data row; structural faults reported."""
        reader = self._csv
        if reader is None:
            return
        width = self.width
        last = reader.line_num
        count = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                self.problem(last + 1, None, f"malformed CSV, the rest of the file is not read: {exc}")
                self.complete = False
                return
            line, last = last + 1, reader.line_num
            values = [value.strip() for value in row]
            if not any(values):
                self.tally(line, None, "blank", "blank rows skipped")
                continue
            if len(values) > width:
                if any(values[width:]):
                    self.problem(line, None, f"{len(values)} fields where the header has {width}")
                    continue
                del values[width:]
            elif len(values) < width:
                self.tally(
                    line,
                    None,
                    "short",
                    "rows with fewer fields than the header: the missing ones read as empty",
                )
                values.extend([""] * (width - len(values)))
            values.append("")
            count += 1
            yield line, values
        if count == 0:
            if self.mode == "bulk":
                self.problem(
                    None, None, "a bulk file must have data rows (an empty one would deactivate everything)"
                )
            else:
                self.report.warn(self.file, None, None, "no data rows")

    def value(self, row: list[str], column: str) -> str:
        return row[self.index.get(column, self.width)]

    # Typed values. ``need`` is False on delta rows marked tobedeleted, which only need their sourcedId.

    def text(self, row: list[str], line: int, column: str, need: bool = False) -> str:
        value = row[self.index[column]]
        if need and not value:
            self.problem(line, column, "a value is required")
        return value

    def ident(self, row: list[str], line: int, column: str, need: bool = False) -> str:
        value = row[self.index[column]]
        if not value:
            if need:
                self.problem(line, column, "a value is required")
            return value
        self._check_id(value, line, column)
        return value

    def _check_id(self, value: str, line: int, column: str) -> None:
        if value in self._valid_ids:
            return
        if len(value) > _MAX_ID:
            self.problem(line, column, f"longer than {_MAX_ID} characters")
        elif not _GUID.fullmatch(value):
            self.tally(
                line, column, "guid", f"ids with characters outside a-z A-Z 0-9 . - _ / @ (e.g. {value!r})"
            )
        else:
            self._valid_ids.add(value)

    def idents(self, row: list[str], line: int, column: str, need: bool = False) -> tuple[str, ...]:
        ids = self.strings(row, column)
        if not ids and need:
            self.problem(line, column, "a value is required")
        for value in ids:
            self._check_id(value, line, column)
        return ids

    def strings(self, row: list[str], column: str) -> tuple[str, ...]:
        value = row[self.index[column]]
        if not value:
            return ()
        if "," not in value:
            return (value,)
        return tuple(part for part in (piece.strip() for piece in value.split(",")) if part)

    def enum(
        self,
        row: list[str],
        line: int,
        column: str,
        allowed: frozenset[str],
        need: bool = False,
        extensible: bool = False,
    ) -> str:
        value = row[self.index[column]]
        if not value:
            if need:
                self.problem(line, column, "a value is required")
            return value
        if value in allowed or (extensible and value.startswith(VENDOR_TERM_PREFIX)):
            return value
        spec_value = _folded(allowed).get(value.lower())
        if spec_value is not None:
            self.tally(
                line,
                column,
                "case",
                f"values in another case than the spec's read as such ({value!r} as {spec_value!r})",
            )
            return spec_value
        terms = ", ".join(sorted(allowed)) + (f" or {VENDOR_TERM_PREFIX}…" if extensible else "")
        self.problem(line, column, f"{value!r} is not one of {terms}")
        return ""

    def boolean(self, row: list[str], line: int, column: str, need: bool = False) -> bool | None:
        value = self.enum(row, line, column, BOOLEANS, need)
        return None if not value else value == "true"

    def day(self, row: list[str], line: int, column: str, need: bool = False) -> date | None:
        value = row[self.index[column]]
        if not value:
            if need:
                self.problem(line, column, "a value is required")
            return None
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.problem(line, column, f"{value!r} is not a date (YYYY-MM-DD)")
            return None
        self.tally(
            line, column, "datetime", f"date-times where a date is due: the date is kept (e.g. {value!r})"
        )
        return moment.date()

    def moment(self, value: str, line: int, column: str) -> datetime | None:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.problem(
                line, column, f"{value!r} is not an ISO 8601 date-time (e.g. 2024-04-23T18:25:43.511Z)"
            )
            return None
        if moment.tzinfo is None:
            self.tally(line, column, "naive", "date-times without a time zone read as UTC")
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)

    def year(self, row: list[str], line: int, column: str, need: bool = False) -> int | None:
        value = row[self.index[column]]
        if not value:
            if need:
                self.problem(line, column, "a value is required")
            return None
        if len(value) == 4 and value.isdigit():
            return int(value)
        self.problem(line, column, f"{value!r} is not a year (YYYY)")
        return None

    def head(self, row: list[str], line: int) -> tuple[str, Status | None, datetime | None] | None:
        """sourcedId, status and dateLastModified; None (with a problem) when the row cannot be keyed."""
        sourced_id = self.ident(row, line, "sourcedId", True)
        if not sourced_id:
            return None
        first = self._seen.get(sourced_id)
        if first is not None:
            self.problem(line, "sourcedId", f"duplicate sourcedId {sourced_id!r} (first on line {first})")
            return None
        self._seen[sourced_id] = line
        raw = self.value(row, "status")
        status: Status | None = None
        if raw:
            status = _STATUS.get(raw) or _STATUS.get(raw.lower())
            if status is None and raw.lower() == "inactive":
                status = "tobedeleted"
                self.tally(line, "status", "inactive", "'inactive' (OneRoster 1.0) read as 'tobedeleted'")
            elif status is None:
                self.problem(line, "status", f"{raw!r} is not one of active, tobedeleted")
            elif status != raw:
                self.tally(
                    line, "status", "case", f"values in another case than the spec's read as such ({raw!r})"
                )
            if self.mode == "bulk":
                self.tally(
                    line,
                    "status",
                    "bulk",
                    "a bulk file with status values: they are kept (tobedeleted rows are deactivated)",
                )
        elif self.mode == "delta":
            self.problem(line, "status", "a delta file needs a status (active or tobedeleted)")
        raw = self.value(row, "dateLastModified")
        modified = None
        if raw:
            modified = self.moment(raw, line, "dateLastModified")
        elif self.mode == "delta":
            self.problem(line, "dateLastModified", "a delta file needs dateLastModified")
        return sourced_id, status, modified

    def extras(self, row: list[str]) -> Mapping[str, str]:
        if not self.extensions:
            return _NO_EXTENSIONS
        return {
            name: row[position]
            for name, position in self.extensions.items()
            if position < self.width and row[position]
        }


# (table the id must be in, id, file, line, column, required): a required reference unresolved in a bulk
# table is a problem, an optional one a warning. A tuple, not a dataclass: there is one per enrolment and more.
_Ref = tuple[str, str, str, int, str, bool]


class _Reader:
    """One read of one package: the manifest, then each table in :data:`TABLES` order, then references."""

    def __init__(self, package: Package, report: _Report, result: RosterFile) -> None:
        self.package = package
        self.report = report
        self.result = result
        self.refs: list[_Ref] = []
        self.valid_ids: set[str] = set()
        self.tables: dict[str, _Table] = {}
        # Tables whose rows are not all known (a missing file, column or malformed CSV): references to them
        # are not checked, rather than each reported as a problem of its own.
        self.unreadable: set[str] = set()
        self.present: dict[str, set[str]] = {table: set() for table in TABLES}
        self.manifest_lines: dict[str, int] = {}
        self.declared: dict[str, Mode] = {}  # file.* of the manifest, by lower-case file stem

    def ref(
        self, table: _Table, target: str, ids: str | tuple[str, ...], line: int, column: str, required: bool
    ) -> None:
        for sourced_id in (ids,) if isinstance(ids, str) else ids:
            if sourced_id:
                self.refs.append((target, sourced_id, table.file, line, column, required))

    # The manifest.

    def read_manifest(self) -> bool:
        name = self.package.find(MANIFEST)
        if name is None:
            self.report.problem(MANIFEST, None, None, "manifest.csv is missing")
            return False
        if name != MANIFEST:
            self.report.warn(
                name, None, None, "read as manifest.csv (OneRoster file names are case-sensitive)"
            )
        table = _Table(self.report, MANIFEST, self.package.read(name), "absent", self.valid_ids)
        if not table.readable or not table.bind(_MANIFEST_SPEC):
            return False
        properties: dict[str, str] = {}
        for line, row in table.rows():
            key, value = table.value(row, "propertyName"), table.value(row, "value")
            if key in properties:
                table.problem(
                    line, "propertyName", f"{key} appears twice (first on line {self.manifest_lines[key]})"
                )
                continue
            properties[key] = value
            self.manifest_lines[key] = line
        result = self.result
        result.manifest_version = properties.pop("manifest.version", "")
        if result.manifest_version != "1.0":
            self.report.warn(
                MANIFEST,
                self.manifest_lines.get("manifest.version"),
                "value",
                "manifest.version should be 1.0",
            )
        version = properties.pop("oneroster.version", "")
        version_line = self.manifest_lines.get("oneroster.version")
        if version in ("1.1", "1.2") or version.startswith("1.2."):
            result.version = version[:3]
        elif version == "1.0":
            result.version = "1.1"
            self.report.warn(
                MANIFEST, version_line, "value", "oneroster.version 1.0 with a manifest: read as 1.1"
            )
        elif not version:
            self.report.problem(
                MANIFEST,
                version_line,
                "value" if version_line else None,
                "oneroster.version is missing (1.1 or 1.2)",
            )
        else:
            self.report.problem(
                MANIFEST,
                version_line,
                "value",
                f"oneroster.version {version!r} is not supported (1.1 or 1.2)",
            )
        result.source_system_name = properties.pop("source.systemName", "")
        result.source_system_code = properties.pop("source.systemCode", "")
        for key, value in properties.items():
            line = self.manifest_lines[key]
            if not key.startswith("file."):
                self.report.warn(MANIFEST, line, "propertyName", f"unknown property {key} ignored")
                continue
            stem = key.removeprefix("file.")
            mode = _MODE.get(value.lower())
            if mode is None:
                if value:
                    self.report.problem(
                        MANIFEST, line, "value", f"{key} is {value!r}, not absent, bulk or delta"
                    )
                else:
                    self.report.warn(MANIFEST, line, "value", f"{key} has no value: read as absent")
                mode = "absent"
            elif mode != value:
                self.report.warn(MANIFEST, line, "value", f"{value!r} read as {mode!r}")
            self.declared[stem.lower()] = mode
            if (stem, result.version or "1.2") in TABLE_SPECS:
                result.modes[stem] = mode
            elif mode != "absent":
                why = (
                    f"not part of OneRoster {result.version}"
                    if stem in TABLES
                    else "atpace does not use it"
                    if stem in UNUSED_TABLES
                    else "not a OneRoster file"
                )
                self.report.warn(MANIFEST, line, "propertyName", f"{stem}.csv is {mode} but {why}: ignored")
        for stem in TABLES:
            result.modes.setdefault(stem, "absent")
        return bool(result.version)

    def check_files(self) -> None:
        """Files the manifest lists must be there; files it marks absent or leaves out are ignored."""
        for stem, mode in self.result.modes.items():
            if mode != "absent" and self.package.find(f"{stem}.csv") is None:
                line = self.manifest_lines.get(f"file.{stem}")
                self.report.problem(MANIFEST, line, "value", f"{stem}.csv is listed as {mode} but missing")
        for written in self.package.files:
            stem = written.lower().removesuffix(".csv")
            declared = self.declared.get(stem)
            if written.lower() == MANIFEST or declared in ("bulk", "delta"):
                continue  # read, or already warned about from the manifest
            if declared == "absent":
                self.report.warn(written, None, None, "present but marked absent in the manifest: ignored")
            else:
                self.report.warn(written, None, None, "not listed in the manifest: ignored")

    def open(self, name: str) -> _Table | None:
        """The table's file, decoded and its header read; None when absent or unreadable."""
        mode = self.result.mode(name)
        if mode == "absent":
            return None
        written = self.package.find(f"{name}.csv")
        if written is None:
            self.unreadable.add(name)  # check_files reported it
            return None
        if written != f"{name}.csv":
            self.report.warn(
                written, None, None, f"read as {name}.csv (OneRoster file names are case-sensitive)"
            )
        table = _Table(self.report, f"{name}.csv", self.package.read(written), mode, self.valid_ids)
        self.tables[name] = table
        return table if table.readable else None

    def bound(self, name: str) -> _Table | None:
        """The table with its header bound to the spec of the package's version."""
        table = self.open(name)
        if table is None or not table.bind(self.spec(name)):
            return None
        return table

    def spec(self, name: str) -> TableSpec:
        return TABLE_SPECS[(name, self.result.version)]

    # The tables.

    def read_orgs(self) -> None:
        table = self.bound("orgs")
        if table is None:
            return
        for line, row in table.rows():
            head = table.head(row, line)
            if head is None:
                continue
            sid, status, modified = head
            need = status != "tobedeleted"
            org = Org(
                sid,
                status,
                modified,
                name=table.text(row, line, "name", need),
                type=table.enum(row, line, "type", ORG_TYPES, need, extensible=True),
                identifier=table.text(row, line, "identifier"),
                parent_sourced_id=table.ident(row, line, "parentSourcedId") or None,
                line=line,
                extensions=table.extras(row),
            )
            self.ref(table, "orgs", org.parent_sourced_id or "", line, "parentSourcedId", False)
            self.result.orgs.append(org)
            self.present["orgs"].add(sid)

    def read_sessions(self) -> None:
        table = self.bound("academicSessions")
        if table is None:
            return
        for line, row in table.rows():
            head = table.head(row, line)
            if head is None:
                continue
            sid, status, modified = head
            need = status != "tobedeleted"
            session = AcademicSession(
                sid,
                status,
                modified,
                title=table.text(row, line, "title", need),
                type=table.enum(row, line, "type", SESSION_TYPES, need, extensible=True),
                start_date=table.day(row, line, "startDate", need),
                end_date=table.day(row, line, "endDate", need),
                parent_sourced_id=table.ident(row, line, "parentSourcedId") or None,
                school_year=table.year(row, line, "schoolYear", need),
                line=line,
                extensions=table.extras(row),
            )
            if session.start_date and session.end_date and session.end_date < session.start_date:
                table.problem(line, "endDate", "endDate is before startDate")
            self.ref(
                table, "academicSessions", session.parent_sourced_id or "", line, "parentSourcedId", False
            )
            self.result.academic_sessions.append(session)
            self.present["academicSessions"].add(sid)

    def read_courses(self) -> None:
        table = self.bound("courses")
        if table is None:
            return
        for line, row in table.rows():
            head = table.head(row, line)
            if head is None:
                continue
            sid, status, modified = head
            need = status != "tobedeleted"
            course = Course(
                sid,
                status,
                modified,
                title=table.text(row, line, "title", need),
                course_code=table.text(row, line, "courseCode"),
                grades=table.strings(row, "grades"),
                org_sourced_id=table.ident(row, line, "orgSourcedId", need),
                school_year_sourced_id=table.ident(row, line, "schoolYearSourcedId") or None,
                subjects=table.strings(row, "subjects"),
                subject_codes=table.strings(row, "subjectCodes"),
                line=line,
                extensions=table.extras(row),
            )
            self.ref(table, "orgs", course.org_sourced_id, line, "orgSourcedId", True)
            self.ref(
                table,
                "academicSessions",
                course.school_year_sourced_id or "",
                line,
                "schoolYearSourcedId",
                False,
            )
            self.result.courses.append(course)
            self.present["courses"].add(sid)

    def read_classes(self) -> None:
        table = self.bound("classes")
        if table is None:
            return
        for line, row in table.rows():
            head = table.head(row, line)
            if head is None:
                continue
            sid, status, modified = head
            need = status != "tobedeleted"
            klass = Class(
                sid,
                status,
                modified,
                title=table.text(row, line, "title", need),
                class_code=table.text(row, line, "classCode"),
                class_type=table.enum(row, line, "classType", CLASS_TYPES, need, extensible=True),
                course_sourced_id=table.ident(row, line, "courseSourcedId", need),
                school_sourced_id=table.ident(row, line, "schoolSourcedId", need),
                term_sourced_ids=table.idents(row, line, "termSourcedIds", need),
                grades=table.strings(row, "grades"),
                subjects=table.strings(row, "subjects"),
                subject_codes=table.strings(row, "subjectCodes"),
                periods=table.strings(row, "periods"),
                location=table.text(row, line, "location"),
                line=line,
                extensions=table.extras(row),
            )
            self.ref(table, "courses", klass.course_sourced_id, line, "courseSourcedId", True)
            self.ref(table, "orgs", klass.school_sourced_id, line, "schoolSourcedId", True)
            self.ref(table, "academicSessions", klass.term_sourced_ids, line, "termSourcedIds", True)
            self.result.classes.append(klass)
            self.present["classes"].add(sid)

    def read_roles(self) -> dict[str, list[UserRole]]:
        by_user: dict[str, list[UserRole]] = {}
        if self.result.version != "1.2":
            return by_user
        table = self.bound("roles")
        if table is None:
            return by_user
        for line, row in table.rows():
            head = table.head(row, line)
            if head is None:
                continue
            sid, status, modified = head
            need = status != "tobedeleted"
            role = UserRole(
                sid,
                status,
                modified,
                user_sourced_id=table.ident(row, line, "userSourcedId", True),
                role_type=table.enum(row, line, "roleType", ROLE_TYPES, need),
                role=table.enum(row, line, "role", USER_ROLES, need, extensible=True),
                org_sourced_id=table.ident(row, line, "orgSourcedId", need),
                begin_date=table.day(row, line, "beginDate"),
                end_date=table.day(row, line, "endDate"),
                user_profile_sourced_id=table.ident(row, line, "userProfileSourcedId") or None,
                line=line,
                extensions=table.extras(row),
            )
            self.ref(table, "users", role.user_sourced_id, line, "userSourcedId", True)
            self.ref(table, "orgs", role.org_sourced_id, line, "orgSourcedId", True)
            self.result.roles.append(role)
            if role.user_sourced_id:
                by_user.setdefault(role.user_sourced_id, []).append(role)
        return by_user

    def read_users(self, roles: dict[str, list[UserRole]]) -> None:
        table = self.open("users")
        if table is None:
            return
        spec = self.spec("users")
        in_users = self.result.version == "1.1"
        if not in_users and self.result.mode("roles") == "absent" and "role" in table.header:  # a hybrid
            spec, in_users = USERS_11_SPEC, True
            self.report.warn(
                table.file, 1, "role", "no roles.csv: roles and orgs read from users.csv's 1.1 columns"
            )
        if not table.bind(spec):
            return
        if not in_users and self.result.mode("roles") == "absent":
            self.report.warn(table.file, None, None, "roles.csv is absent: users keep the roles they have")
        passwords = 0
        for line, row in table.rows():
            head = table.head(row, line)
            if head is None:
                continue
            sid, status, modified = head
            need = status != "tobedeleted"
            if table.value(row, "password"):
                passwords += 1
            user_roles = tuple(roles.get(sid, ()))
            if in_users:
                role_name = table.enum(row, line, "role", USER_ROLES, need, extensible=True)
                orgs = table.idents(row, line, "orgSourcedIds", need)
                self.ref(table, "orgs", orgs, line, "orgSourcedIds", True)
                user_roles = tuple(
                    UserRole(None, status, modified, sid, "primary", role_name, org, None, None, None, line)
                    for org in orgs
                )
            self.present["users"].add(sid)
            primary_org: str | None = None
            if "primaryOrgSourcedId" in table.index:  # a 1.2 column
                primary_org = table.ident(row, line, "primaryOrgSourcedId") or None
            chosen = choose_role(user_roles, primary_org)
            active = sorted(
                (r for r in user_roles if r.status != "tobedeleted" and r.role),
                key=lambda r: r.role_type != "primary",
            )
            # Not imported: roles given and none is atpace's, or a bulk roles.csv without any. A delta that
            # only removes roles says nothing of the roles left: the user is kept with no role (unchanged).
            if chosen is None and status != "tobedeleted" and (active or self.result.mode("roles") == "bulk"):
                skipped = active[0].role if active else ""
                self.result.skipped_users[sid] = skipped
                if skipped:
                    table.tally(
                        line,
                        "role",
                        f"skip:{skipped}",
                        f"skipped role {skipped}: users not imported (atpace has students, teachers and admins)",
                    )
                else:
                    table.tally(line, None, "norole", "users without a role in roles.csv not imported")
                continue
            user = User(
                sid,
                status,
                modified,
                enabled_user=table.boolean(row, line, "enabledUser", need),
                username=table.text(row, line, "username", need),
                given_name=table.text(row, line, "givenName", need),
                family_name=table.text(row, line, "familyName", need),
                middle_name=table.text(row, line, "middleName"),
                preferred_given_name=table.value(row, "preferredGivenName"),
                preferred_family_name=table.value(row, "preferredFamilyName"),
                email=table.text(row, line, "email"),
                identifier=table.text(row, line, "identifier"),
                user_ids=self._user_ids(table, row, line),
                grades=table.strings(row, "grades"),
                agent_sourced_ids=table.idents(row, line, "agentSourcedIds"),
                primary_org_sourced_id=primary_org,
                role=chosen.atpace_role if chosen else None,
                oneroster_role=chosen.role if chosen else None,
                org_sourced_ids=role_orgs(user_roles, chosen),
                roles=user_roles,
                line=line,
                extensions=table.extras(row),
            )
            self.ref(table, "users", user.agent_sourced_ids, line, "agentSourcedIds", False)
            self.ref(table, "orgs", primary_org or "", line, "primaryOrgSourcedId", False)
            self.result.users.append(user)
        if passwords:
            self.report.warn(
                table.file,
                None,
                "password",
                f"{passwords} passwords not imported: imported users sign in with a one-time link",
            )
        self._duplicates(table.file, "username")
        self._duplicates(table.file, "email")

    @staticmethod
    def _user_ids(table: _Table, row: list[str], line: int) -> tuple[tuple[str, str], ...]:
        pairs: list[tuple[str, str]] = []
        for item in table.strings(row, "userIds"):
            if item.startswith("{") and item.endswith("}") and ":" in item:
                kind, _, value = item[1:-1].partition(":")
                pairs.append((kind.strip(), value.strip()))
            else:
                table.tally(
                    line,
                    "userIds",
                    "userids",
                    f"userIds not written {{type:id}}, kept with no type (e.g. {item!r})",
                )
                pairs.append(("", item))
        return tuple(pairs)

    def _duplicates(self, file: str, attribute: str) -> None:
        """Two users with one username or email cannot both sign in: a warning for the service to act on."""
        first: dict[str, int] = {}
        for user in self.result.users:
            value = str(getattr(user, attribute)).lower()
            if not value or user.status == "tobedeleted":
                continue
            if value in first:
                column = "username" if attribute == "username" else "email"
                self.report.warn(file, user.line, column, f"{value!r} is also on line {first[value]}")
            else:
                first[value] = user.line

    def read_enrollments(self) -> None:
        table = self.bound("enrollments")
        if table is None:
            return
        skipped_users = self.result.skipped_users
        for line, row in table.rows():
            head = table.head(row, line)
            if head is None:
                continue
            sid, status, modified = head
            need = status != "tobedeleted"
            role = table.enum(row, line, "role", ENROLLMENT_ROLES, need, extensible=True)
            enrollment = Enrollment(
                sid,
                status,
                modified,
                class_sourced_id=table.ident(row, line, "classSourcedId", need),
                school_sourced_id=table.ident(row, line, "schoolSourcedId", need),
                user_sourced_id=table.ident(row, line, "userSourcedId", need),
                role=ENROLLMENT_ATPACE_ROLES.get(role),
                oneroster_role=role,
                primary=table.boolean(row, line, "primary"),
                begin_date=table.day(row, line, "beginDate"),
                end_date=table.day(row, line, "endDate"),
                line=line,
                extensions=table.extras(row),
            )
            self.ref(table, "classes", enrollment.class_sourced_id, line, "classSourcedId", True)
            self.ref(table, "orgs", enrollment.school_sourced_id, line, "schoolSourcedId", True)
            self.ref(table, "users", enrollment.user_sourced_id, line, "userSourcedId", True)
            self.present["enrollments"].add(sid)
            if role and enrollment.role is None:
                table.tally(
                    line,
                    "role",
                    f"skip:{role}",
                    f"skipped role {role}: enrolments not imported (atpace enrols students and teachers)",
                )
            elif enrollment.user_sourced_id in skipped_users:
                table.tally(line, "userSourcedId", "skipped", "enrolments of users not imported skipped")
            else:
                self.result.enrollments.append(enrollment)

    def read_demographics(self) -> None:
        table = self.bound("demographics")
        if table is None:
            return
        for line, row in table.rows():
            head = table.head(row, line)
            if head is None:
                continue
            sid, status, modified = head
            values: dict[str, str] = {}
            for column in DEMOGRAPHIC_FIELDS:
                value = table.value(row, column)
                if not value:
                    continue
                if column == "birthDate":
                    table.day(row, line, column)
                elif column == "sex":
                    value = table.enum(row, line, column, SEXES, extensible=True)
                elif column in DEMOGRAPHIC_BOOLEANS:
                    value = table.enum(row, line, column, BOOLEANS)
                if value:
                    values[column] = value
            self.ref(table, "users", sid, line, "sourcedId", True)
            if sid in self.result.skipped_users:
                table.tally(line, "sourcedId", "skipped", "demographics of users not imported skipped")
                continue
            self.result.demographics.append(
                Demographics(sid, status, modified, values, line, table.extras(row))
            )

    def resolve(self) -> None:
        """Each reference is to a row of this package, or (delta or absent table) left for the database."""
        result, present = self.result, self.present
        schools = {klass.sourced_id: klass.school_sourced_id for klass in result.classes}
        for enrollment in result.enrollments:
            school = schools.get(enrollment.class_sourced_id)
            if school and enrollment.school_sourced_id and school != enrollment.school_sourced_id:
                self.report.tally(
                    "enrollments.csv",
                    enrollment.line,
                    "schoolSourcedId",
                    "school",
                    f"enrolments whose school is not their class's ({enrollment.school_sourced_id!r}, not {school!r})",
                )
        unknown = self.unreadable | {name for name, table in self.tables.items() if not table.complete}
        for target, sourced_id, file, line, column, required in self.refs:
            if sourced_id in present[target] or target in unknown:
                continue
            if result.mode(target) == "bulk":
                if required:
                    self.report.problem(file, line, column, f"{sourced_id!r} is not in {target}.csv")
                else:
                    self.report.tally(
                        file,
                        line,
                        column,
                        "dangling",
                        f"references to rows not in {target}.csv, ignored (e.g. {sourced_id!r})",
                    )
            elif required:
                result.unresolved.append(UnresolvedRef(target, sourced_id, file, line, column))


def read_roster(path: Path | str, *, max_bytes: int = MAX_PACKAGE_BYTES) -> RosterFile:
    """Read and check a OneRoster 1.1/1.2 CSV package (a folder or a .zip) without touching a database.

    Never raises for what is in the files: a package that cannot be opened, or any row that is wrong,
    gives ``problems``; the records read are returned all the same for the dry-run report.
    """
    path = Path(path)
    result = RosterFile()
    report = _Report(result.problems, result.warnings)
    label = path.name or str(path)
    try:
        with open_package(path, max_bytes) as package:
            for message in package.warnings:
                report.warn(label, None, None, message)
            reader = _Reader(package, report, result)
            if reader.read_manifest():
                reader.check_files()
                reader.read_orgs()
                reader.read_sessions()
                reader.read_courses()
                reader.read_classes()
                roles = reader.read_roles()
                reader.read_users(roles)
                reader.read_enrollments()
                reader.read_demographics()
                reader.resolve()
    except PackageError as exc:
        report.problem(label, None, None, str(exc))
    report.finish()
    return result
