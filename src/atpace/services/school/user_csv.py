"""Users from a simple CSV: an administrator adds many accounts at once, a teacher adds students to a class.

The file (docs/admin.md): a header row, then one user per row.

    email,name,role,class,password
    amara@school.example,Amara Okafor,student,Grade 4 - Room 12,
    ms.rivera@school.example,Ms. Rivera,teacher,Grade 4 - Room 12,

``email`` and ``name`` are required (``given_name`` and ``family_name`` may stand for ``name``); ``role``
(student, teacher or admin; default student), ``class`` (a class's name or id) and ``password`` are
optional. UTF-8 with or without a byte-order mark, commas (or semicolons, or tabs, as the header shows),
quoted fields, CRLF or LF line ends. Every row is checked before anything is written, and every problem is
reported with its line and column; with any problem nothing is written. Rows without a password get a
first-sign-in link. An e-mail that already has an account in the school is not an error: that account is
added to the row's class ("already existing"), so the same file can be imported again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import InvalidInput
from atpace.services import audit, limits
from atpace.services.auth import EMAIL_PATTERN, MIN_PASSWORD_LENGTH, Actor
from atpace.services.school.common import require_admin, require_open, roster_class
from atpace.services.school.users import ROLES, add_to_class_as, new_account
from atpace.services.sign_in_links import IssuedLink, issue_link
from atpace.store.tables import Classroom, ClassTeacher, Enrollment, Role, User

COLUMNS = ("email", "name", "given_name", "family_name", "role", "class", "password")
ALIASES = {
    "e-mail": "email", "mail": "email", "login": "email", "display_name": "name", "display name": "name",
    "full name": "name", "given name": "given_name", "first name": "given_name", "first_name": "given_name",
    "family name": "family_name", "last name": "family_name", "last_name": "family_name", "surname": "family_name",
}  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvProblem:
    line: int  # 1 is the header
    column: str  # the column's name, or "" for the whole row or file
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class CsvRejected(InvalidInput):
    """The file has problems; nothing was written. ``problems`` lists every one with its place."""

    def __init__(self, problems: list[CsvProblem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__("file", f"{first}{more}")
        self.problems = problems


@dataclass(frozen=True)
class CsvRow:
    line: int
    email: str
    name: str
    given_name: str
    family_name: str
    role: str  # as typed, lower case; "" when the column is absent or empty
    class_ref: str
    password: str


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvRejected(
            [CsvProblem(line, "", 'the file is not UTF-8 text: save it as "CSV UTF-8" and try again')]
        ) from None


def _dialect(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_users_csv(data: bytes | str, *, max_rows: int = limits.CSV_MAX_ROWS) -> list[CsvRow]:
    """The rows of a users CSV, or CsvRejected naming every problem of its form (not yet of its content)."""
    if len(data) > limits.CSV_MAX_BYTES:
        raise CsvRejected(
            [CsvProblem(1, "", f"the file is larger than {limits.CSV_MAX_BYTES // 1_000_000} MB")]
        )
    text = _decode(data)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CsvRejected(
            [CsvProblem(line, "", "the file contains NUL characters: is it really a CSV file?")]
        )
    if not text.strip():
        raise CsvRejected(
            [CsvProblem(1, "", "the file is empty: it needs a header row and one row per user")]
        )
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_dialect(text.split("\n", 1)[0]), strict=True
    )
    problems: list[CsvProblem] = []
    try:
        header = next(reader)
    except csv.Error as error:
        raise CsvRejected([CsvProblem(1, "", f"the header row cannot be read: {error}")]) from None
    names = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    for position, name in enumerate(names, start=1):
        if name not in COLUMNS:
            problems.append(
                CsvProblem(1, header[position - 1].strip() or f"#{position}",
                           f"unknown column; the columns are {', '.join(COLUMNS)}")
            )  # fmt: skip
        elif names.index(name) != position - 1:
            problems.append(CsvProblem(1, name, "this column appears twice"))
    if "email" not in names:
        problems.append(CsvProblem(1, "email", "the header must have an email column"))
    if "name" not in names and "given_name" not in names and "family_name" not in names:
        problems.append(
            CsvProblem(1, "name", "the header must have a name column (or given_name and family_name)")
        )
    if problems:
        raise CsvRejected(problems)
    rows: list[CsvRow] = []
    line = 1  # the line the next record starts on
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(CsvProblem(start, "", f"this row cannot be read: {error}"))
            break
        line = start
        if not any(cell.strip() for cell in record):
            continue  # blank lines are allowed
        if len(record) != len(names):
            problems.append(
                CsvProblem(line, "", f"the row has {len(record)} fields, the header {len(names)}")
            )
            continue
        cells = {name: cell.strip() for name, cell in zip(names, record, strict=True)}
        if len(rows) >= max_rows:
            problems.append(CsvProblem(line, "", f"at most {max_rows} users per file: split the file"))
            break
        rows.append(
            CsvRow(
                line, cells.get("email", "").lower(), " ".join(cells.get("name", "").split()),
                cells.get("given_name", ""), cells.get("family_name", ""), cells.get("role", "").lower(),
                cells.get("class", ""), record[names.index("password")] if "password" in names else "",
            )
        )  # fmt: skip
    if problems:
        raise CsvRejected(problems)
    if not rows:
        raise CsvRejected([CsvProblem(line + 1, "", "the file has a header but no users")])
    return rows


@dataclass(frozen=True)
class ImportedUser:
    line: int
    user_id: int | None  # None in a dry run, for an account not created yet
    email: str
    display_name: str
    role: str
    status: Literal["created", "existing"]
    class_name: str | None
    added_to_class: bool  # newly enrolled (student) or made a teacher of the class
    link: IssuedLink | None  # first-sign-in link of a created account without a password (shown once)


@dataclass
class ImportResult:
    dry_run: bool
    users: list[ImportedUser] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(u.status == "created" for u in self.users)

    @property
    def existing(self) -> int:
        return sum(u.status == "existing" for u in self.users)

    @property
    def added_to_class(self) -> int:
        return sum(u.added_to_class for u in self.users)

    @property
    def links(self) -> list[ImportedUser]:
        return [u for u in self.users if u.link is not None]

    def links_csv(self, base_url: str) -> str:
        """email, name, role, class, link, expires: the sign-in links to hand out (spreadsheet-safe)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(("email", "name", "role", "class", "link", "expires"))
        for user in self.links:
            assert user.link is not None
            writer.writerow(
                _cell(value)
                for value in (
                    user.email, user.display_name, user.role, user.class_name or "",
                    base_url.rstrip("/") + user.link.path, user.link.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
                )
            )  # fmt: skip
        return out.getvalue()


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (a name may start with '=')."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _classes_by_ref(
    session: Session, school_id: int
) -> tuple[dict[str, list[Classroom]], dict[str, Classroom]]:
    by_name: dict[str, list[Classroom]] = {}
    by_id: dict[str, Classroom] = {}
    for c in session.scalars(select(Classroom).where(Classroom.school_id == school_id)):
        by_name.setdefault(" ".join(c.name.split()).casefold(), []).append(c)
        by_id[str(c.id)] = c
    return by_name, by_id


def import_users(
    session: Session,
    actor: Actor,
    data: bytes | str,
    *,
    class_id: int | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Create or find every user of the file and add them to their class, all or nothing.

    ``class_id`` given (a teacher's roster page): every row is a student of that class, which the actor must
    manage; otherwise (an administrator) each row names its role and class.
    """
    target = None
    if class_id is not None:
        target = roster_class(session, actor, class_id)
        require_open(target)
    else:
        require_admin(actor)
    rows = parse_users_csv(data)
    problems: list[CsvProblem] = []
    existing = {
        u.email: u for u in session.scalars(select(User).where(User.email.in_({r.email for r in rows})))
    }
    by_name, by_id = _classes_by_ref(session, actor.school_id)
    seen: dict[str, int] = {}
    plan: list[tuple[CsvRow, str, Role, Classroom | None, User | None]] = []
    for row in rows:
        problem = len(problems)
        if not row.email:
            problems.append(CsvProblem(row.line, "email", "the e-mail is missing"))
        elif not EMAIL_PATTERN.match(row.email) or len(row.email) > limits.EMAIL_MAX:
            problems.append(CsvProblem(row.line, "email", f"{row.email!r} is not an e-mail address"))
        elif row.email in seen:
            problems.append(
                CsvProblem(row.line, "email", f"{row.email} is already on line {seen[row.email]}")
            )
        else:
            seen[row.email] = row.line
        name = row.name or " ".join(f"{row.given_name} {row.family_name}".split())
        if not name:
            problems.append(CsvProblem(row.line, "name", "the name is missing"))
        elif len(name) > limits.NAME_MAX:
            problems.append(
                CsvProblem(row.line, "name", f"the name is longer than {limits.NAME_MAX} characters")
            )
        role = Role.STUDENT
        if row.role:
            if row.role not in ROLES:
                problems.append(
                    CsvProblem(row.line, "role", f"role must be one of {', '.join(ROLES)}, not {row.role!r}")
                )
            else:
                role = Role(row.role)
        if target is not None and role != Role.STUDENT:
            problems.append(
                CsvProblem(row.line, "role", "this page adds students only; an administrator adds teachers")
            )
        classroom = target
        if target is not None:
            if row.class_ref and row.class_ref.casefold() not in (target.name.casefold(), str(target.id)):
                problems.append(
                    CsvProblem(row.line, "class", f"this file adds students to {target.name} only")
                )
        elif row.class_ref:
            named = by_name.get(" ".join(row.class_ref.split()).casefold(), [])
            named = [c for c in named if c.archived_at is None] or named
            if len(named) > 1:
                problems.append(
                    CsvProblem(
                        row.line,
                        "class",
                        f"{len(named)} classes are called {row.class_ref!r}: use the class id",
                    )
                )
            classroom = named[0] if len(named) == 1 else by_id.get(row.class_ref)
            if classroom is None and len(named) <= 1:
                problems.append(CsvProblem(row.line, "class", f"no class {row.class_ref!r} in this school"))
            elif classroom is not None and classroom.archived_at is not None:
                problems.append(CsvProblem(row.line, "class", f"{classroom.name} is archived"))
            if role == Role.ADMIN:
                problems.append(CsvProblem(row.line, "class", "administrators are not members of classes"))
        user = existing.get(row.email)
        if user is not None:
            if user.school_id != actor.school_id:
                problems.append(
                    CsvProblem(row.line, "email", f"{row.email} is already used by another account")
                )
            elif row.role and user.role != role:
                problems.append(
                    CsvProblem(row.line, "role", f"{row.email} already has an account as {user.role.value}")
                )
            elif target is not None and user.role != Role.STUDENT:
                problems.append(CsvProblem(row.line, "email", f"{row.email} is not a student's account"))
            elif not user.is_active:
                problems.append(
                    CsvProblem(
                        row.line, "email", f"{row.email}'s account is deactivated: reactivate it first"
                    )
                )
            else:
                role = user.role
        elif row.password and len(row.password) < MIN_PASSWORD_LENGTH:
            problems.append(
                CsvProblem(
                    row.line,
                    "password",
                    f"at least {MIN_PASSWORD_LENGTH} characters, or leave it empty for a sign-in link",
                )
            )
        elif len(row.password) > limits.PASSWORD_MAX:
            problems.append(CsvProblem(row.line, "password", f"at most {limits.PASSWORD_MAX} characters"))
        if len(problems) == problem:
            plan.append((row, name, role, classroom, user))
    if problems:
        raise CsvRejected(problems)
    result = ImportResult(dry_run)
    creator = session.get(User, actor.user_id)
    for row, name, role, classroom, user in plan:
        status: Literal["created", "existing"] = "existing" if user is not None else "created"
        link = None
        if dry_run:
            added = classroom is not None and (user is None or not _in_class(session, classroom, user))
        else:
            if user is None:
                user = new_account(session, actor.school_id, row.email, name, role, row.password or None)
                user.given_name, user.family_name = row.given_name[:120], row.family_name[:120]
                if not row.password:
                    link = issue_link(session, user, "first-sign-in", created_by=creator)
            added = add_to_class_as(session, classroom, user) if classroom is not None else False
        result.users.append(
            ImportedUser(
                row.line, user.id if user is not None else None, row.email, user.display_name if user else name,
                role.value, status, classroom.name if classroom else None, added, link,
            )
        )  # fmt: skip
    session.flush()
    if not dry_run:
        audit.record(
            session, school_id=actor.school_id, actor_id=actor.user_id, action="import.users",
            subject=("class", target.id) if target is not None else None,
            detail={
                "created": result.created, "existing": result.existing,
                "added_to_class": result.added_to_class,
                "user_ids": [u.user_id for u in result.users],
            },
        )  # fmt: skip
    return result


def _in_class(session: Session, classroom: Classroom, user: User) -> bool:
    table = Enrollment if user.role == Role.STUDENT else ClassTeacher
    return session.get(table, (classroom.id, user.id)) is not None
