"""What a roster import reports: counts per table, problems and warnings with file, line and column, and
the one-time sign-in links it issued (with the CSV the administrator hands out)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from atpace.interop.oneroster import Issue

__all__ = ["TABLES", "Issue", "IssuedSignIn", "RosterReport", "TableCounts", "issue_location"]

# The atpace tables an import writes, in the order the report lists them, with their labels.
TABLES: dict[str, str] = {
    "academic_sessions": "academic sessions",
    "courses": "courses (OneRoster)",
    "classes": "classes",
    "users": "users",
    "enrollments": "enrolments (students)",
    "class_teachers": "enrolments (teachers)",
    "demographics": "demographics",
}
LINKS_CSV_COLUMNS = ("login", "name", "role", "link", "sourcedId", "expires")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(slots=True)
class TableCounts:
    """Rows of one table: created, updated (reactivated included), deactivated (or removed) and unchanged.

    Only rows the package names are counted unchanged; rows a bulk file leaves out count as deactivated
    when they were active, and are not counted when they already were not."""

    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deactivated

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deactivated": self.deactivated,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True, slots=True)
class IssuedSignIn:
    """A first-sign-in link issued to an imported user; ``path`` holds the secret (shown once)."""

    user_id: int
    login: str
    name: str
    role: str
    sourced_id: str
    path: str  # /sign-in/<secret>; the faces put their base URL in front
    expires_at: datetime


def issue_location(issue: Issue) -> str:
    """``file:line:column`` (as far as known), the way compilers name a place."""
    parts = [issue.file]
    if issue.line is not None:
        parts.append(str(issue.line))
    if issue.column:
        parts.append(issue.column)
    return ":".join(parts)


def _cell(value: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (a name may start with '=')."""
    return "'" + value if value.startswith(_FORMULA_START) else value


@dataclass(slots=True)
class RosterReport:
    """The outcome of one import, dry run or applied. ``problems`` non-empty: nothing was written."""

    school: str  # the atpace school's slug
    dry_run: bool
    org_sourced_id: str | None = None
    version: str = ""
    source_system: str = ""
    modes: dict[str, str] = field(default_factory=dict)
    tables: dict[str, TableCounts] = field(default_factory=lambda: {name: TableCounts() for name in TABLES})
    problems: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    links: list[IssuedSignIn] = field(default_factory=list)
    links_to_issue: int = 0  # users who get a first-sign-in link (issued only when applied)
    applied: bool = False
    import_id: int | None = None  # the roster_imports row of an applied import
    upload: str | None = None  # content hash of the uploaded package, for imports from the web

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> int:
        return sum(counts.changed for counts in self.tables.values())

    def rows(self) -> list[tuple[str, TableCounts]]:
        """(label, counts) per table, in report order."""
        return [(TABLES[name], self.tables[name]) for name in TABLES]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, without the links' secrets (what roster_imports.report keeps)."""
        return {
            "school": self.school,
            "org_sourced_id": self.org_sourced_id,
            "version": self.version,
            "source_system": self.source_system,
            "modes": dict(self.modes),
            "dry_run": self.dry_run,
            "applied": self.applied,
            "ok": self.ok,
            "upload": self.upload,
            "tables": {name: counts.as_dict() for name, counts in self.tables.items()},
            "problems": [_issue_dict(issue) for issue in self.problems],
            "warnings": [_issue_dict(issue) for issue in self.warnings],
            "links_to_issue": self.links_to_issue,
            "links_issued": len(self.links),
        }

    def links_csv(self, base_url: str) -> str:
        """The administrator's list of sign-in links: login, name, role, full link, sourcedId, expiry."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(LINKS_CSV_COLUMNS)
        base = base_url.rstrip("/")
        for link in self.links:
            writer.writerow(
                [
                    _cell(link.login),
                    _cell(link.name),
                    link.role,
                    base + link.path,
                    _cell(link.sourced_id),
                    link.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
                ]
            )
        return out.getvalue()


def _issue_dict(issue: Issue) -> dict[str, Any]:
    return {"file": issue.file, "line": issue.line, "column": issue.column, "message": issue.message}
