"""Importing a read OneRoster package into one school: :func:`import_roster`.

The import has two phases. The *plan* reads the school's rows once into dicts keyed by ``sourced_id``,
compares them with the package and decides every insert, update, deactivation and removal, collecting
problems (a login taken by another school, an enrolment of a class that exists nowhere) and warnings.
The *write* then applies the plan with bulk statements (one ``INSERT`` or ``UPDATE`` per table and kind of
change, not one per row) inside a savepoint, which a dry run rolls back. Rows that would not change are
counted and not written, so importing the same package again writes nothing. Any problem, from the reader
or from the plan, and nothing is written at all.

What maps to what (docs/formats.md, "OneRoster 1.2 CSV", says the same for administrators):

- ``academicSessions`` -> ``academic_sessions``; ``courses`` -> ``roster_courses`` (an administrator links
  one to an atpace course; the import never changes that link);
- ``classes`` -> ``classes``: title -> name, classCode -> class_code. A new class gets the atpace course
  its OneRoster course is linked to, or none; a class that has a course keeps it;
- ``users`` (with ``roles`` in 1.2, the ``role`` column in 1.1) -> ``users``: student, teacher or admin;
  the login is the e-mail (or a username that is an e-mail) when no other user of the package has it, else
  ``<username>@<school slug>`` (``<sourcedId>@<school slug>`` if that is taken). An e-mail that is already
  the login of another school's user is a problem; one that is the login of an account of this school that
  was made by hand links that account (same role only). Imported users have no password: the ones created
  (or reactivated) get a one-time first-sign-in link;
- ``enrollments`` -> ``enrollments`` (students) and ``class_teachers`` (teachers: primary -> teacher, an
  explicit ``primary=false`` -> co-teacher);
- ``demographics`` -> ``demographics`` (kept as read, for the equity report).

Bulk tables are the whole truth: rows imported before and missing from the file are deactivated (users:
``is_active`` false, classes: archived, sessions and courses: inactive), never deleted; enrolments and
demographics are removed (attempts belong to the student, not to the enrolment). Enrolments of archived
classes are kept, as the record of the class. ``tobedeleted`` does the same for one row, in bulk and delta
files; a user whose every role in the school is ``tobedeleted`` is deactivated; ``enabledUser=false``
deactivates too, and a row that comes back active reactivates. Rows made by hand (no ``sourced_id``) are
never touched, except the account an imported e-mail links.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from atpace.errors import Conflict
from atpace.interop.oneroster import Class, Issue, RosterFile
from atpace.interop.oneroster import User as RosterUser
from atpace.services import audit
from atpace.services.auth import EMAIL_PATTERN, Actor
from atpace.services.roster.report import IssuedSignIn, RosterReport, TableCounts
from atpace.services.sign_in_links import LINK_LIFETIME, PATH_PREFIX, _digest
from atpace.store.tables import (
    AcademicSession,
    Classroom,
    ClassTeacher,
    Demographics,
    Enrollment,
    Role,
    RosterCourse,
    RosterImport,
    School,
    SignInLink,
    User,
    utcnow,
)

CHUNK = 2000  # ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits
FIRST_SIGN_IN = "first-sign-in"
_LOCAL_PART = re.compile(r"[^a-z0-9._+-]+")
# The reader's problems after which a file's rows are not all read (besides those of its header).
_UNREAD = ("malformed CSV", "not UTF-8 text", "a NUL character")
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for FOR UPDATE NOWAIT on a locked row

Row = dict[str, Any]


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Notes:
    """Problems and warnings found while planning; repeated warnings are counted into one per kind."""

    def __init__(self, report: RosterReport) -> None:
        self.report = report
        self._where = {(p.file, p.line, p.column) for p in report.problems}
        self._tallies: dict[tuple[str, str | None, str], list[Any]] = {}

    def problem(self, file: str, line: int | None, column: str | None, message: str) -> None:
        if (file, line, column) in self._where:
            return  # the reader already said what is wrong there
        self._where.add((file, line, column))
        self.report.problems.append(Issue(file, line, column, message))

    def warn(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.report.warnings.append(Issue(file, line, column, message))

    def tally(self, file: str, line: int | None, column: str | None, kind: str, message: str) -> None:
        entry = self._tallies.get((file, column, kind))
        if entry is None:
            self._tallies[(file, column, kind)] = [1, line, message]
        else:
            entry[0] += 1

    def finish(self) -> None:
        for (file, column, _kind), (count, line, message) in self._tallies.items():
            text = f"{message} ({count} rows from this one)" if count > 1 else message
            self.report.warnings.append(Issue(file, line, column, text))
        self._tallies.clear()
        self.report.problems.sort(key=_report_order)
        self.report.warnings.sort(key=_report_order)


_FILE_ORDER = {
    name: rank
    for rank, name in enumerate(
        ("manifest.csv", "orgs.csv", "academicSessions.csv", "courses.csv", "classes.csv", "users.csv",
         "roles.csv", "enrollments.csv", "demographics.csv")
    )
}  # fmt: skip


def _report_order(issue: Issue) -> tuple[int, str, int]:
    """As the reader orders its report: the manifest, the tables in reading order, other files; by line."""
    return (_FILE_ORDER.get(issue.file, len(_FILE_ORDER)), issue.file, issue.line or 0)


def _fit(notes: _Notes, value: str, limit: int, file: str, line: int, column: str) -> str:
    if len(value) <= limit:
        return value
    notes.tally(file, line, column, "long", f"values longer than {limit} characters shortened")
    return value[:limit]


# ---------------------------------------------------------------------------------------------------------
# What the school has now


@dataclass(slots=True)
class _Existing:
    """The school's rows, loaded once: by sourced_id, and the enrolments by (class, user) sourced ids."""

    sessions: dict[str, Row]
    courses: dict[str, Row]
    classes: dict[str, Row]
    users: dict[str, Row]  # imported users, by sourced_id
    users_by_login: dict[str, Row]  # every user of the school, by login
    students: dict[tuple[str, str], Row]  # enrolments of imported users in imported classes
    student_keys_by_sid: dict[str, tuple[str, str]]
    teachers: dict[tuple[str, str], Row]
    demographics: dict[int, dict[str, Any]]  # by user id

    @classmethod
    def load(cls, session: Session, school_id: int) -> _Existing:
        sessions = {
            row["sourced_id"]: dict(row)
            for row in session.execute(
                select(
                    AcademicSession.id, AcademicSession.sourced_id, AcademicSession.title,
                    AcademicSession.kind, AcademicSession.start_date, AcademicSession.end_date,
                    AcademicSession.parent_sourced_id, AcademicSession.school_year, AcademicSession.is_active,
                ).where(AcademicSession.school_id == school_id)
            ).mappings()
        }  # fmt: skip
        courses = {
            row["sourced_id"]: dict(row)
            for row in session.execute(
                select(
                    RosterCourse.id, RosterCourse.sourced_id, RosterCourse.title, RosterCourse.course_code,
                    RosterCourse.grades, RosterCourse.course_id, RosterCourse.is_active,
                ).where(RosterCourse.school_id == school_id)
            ).mappings()
        }  # fmt: skip
        class_rows = [
            dict(row)
            for row in session.execute(
                select(
                    Classroom.id, Classroom.sourced_id, Classroom.name, Classroom.class_code,
                    Classroom.course_id, Classroom.archived_at, Classroom.roster_course_sourced_id,
                ).where(Classroom.school_id == school_id)
            ).mappings()
        ]  # fmt: skip
        user_rows = [
            dict(row)
            for row in session.execute(
                select(
                    User.id, User.sourced_id, User.email, User.display_name, User.role, User.is_active,
                    User.deactivated_at, User.given_name, User.family_name, User.grade,
                    (User.password_hash == "").label("no_password"),
                ).where(User.school_id == school_id)
            ).mappings()
        ]  # fmt: skip
        class_sid = {row["id"]: row["sourced_id"] for row in class_rows if row["sourced_id"]}
        user_sid = {row["id"]: row["sourced_id"] for row in user_rows if row["sourced_id"]}
        students: dict[tuple[str, str], Row] = {}
        student_keys: dict[str, tuple[str, str]] = {}
        for class_id, user_id, sourced_id in session.execute(
            select(Enrollment.class_id, Enrollment.user_id, Enrollment.sourced_id)
            .join(Classroom, Classroom.id == Enrollment.class_id)
            .where(Classroom.school_id == school_id)
        ):
            if class_id in class_sid and user_id in user_sid:
                key = (class_sid[class_id], user_sid[user_id])
                students[key] = {"class_id": class_id, "user_id": user_id, "sourced_id": sourced_id}
                if sourced_id:
                    student_keys[sourced_id] = key
        teachers: dict[tuple[str, str], Row] = {}
        for class_id, user_id, role in session.execute(
            select(ClassTeacher.class_id, ClassTeacher.user_id, ClassTeacher.role)
            .join(Classroom, Classroom.id == ClassTeacher.class_id)
            .where(Classroom.school_id == school_id)
        ):
            if class_id in class_sid and user_id in user_sid:
                key = (class_sid[class_id], user_sid[user_id])
                teachers[key] = {"class_id": class_id, "user_id": user_id, "role": role}
        demographics = {
            user_id: data
            for user_id, data in session.execute(
                select(Demographics.user_id, Demographics.data).where(Demographics.school_id == school_id)
            )
        }
        return cls(
            sessions=sessions,
            courses=courses,
            classes={row["sourced_id"]: row for row in class_rows if row["sourced_id"]},
            users={row["sourced_id"]: row for row in user_rows if row["sourced_id"]},
            users_by_login={row["email"]: row for row in user_rows},
            students=students,
            student_keys_by_sid=student_keys,
            teachers=teachers,
            demographics=demographics,
        )


# ---------------------------------------------------------------------------------------------------------
# The plan


@dataclass(slots=True)
class _TablePlan:
    inserts: list[Row] = field(default_factory=list)
    updates: list[Row] = field(default_factory=list)  # by primary key
    deletes: list[Row] = field(default_factory=list)  # primary keys, for the tables rows leave


@dataclass(slots=True)
class _Plan:
    link_org: str | None = None  # set School.sourced_id to this (the school's first import)
    sessions: _TablePlan = field(default_factory=_TablePlan)
    courses: _TablePlan = field(default_factory=_TablePlan)
    users: _TablePlan = field(default_factory=_TablePlan)
    classes: _TablePlan = field(default_factory=_TablePlan)
    # Enrolment and demographics inserts name users and classes by sourced id: new ones have no id yet.
    students: _TablePlan = field(default_factory=_TablePlan)
    teachers: _TablePlan = field(default_factory=_TablePlan)
    demographics: _TablePlan = field(default_factory=_TablePlan)
    links: list[str] = field(default_factory=list)  # sourced ids of the users who get a first-sign-in link


@dataclass(slots=True)
class _UserOutcome:
    """What the plan decided for a user of the package: the role they will have, or None (not imported)."""

    role: Role | None
    row: Row | None


class _Planner:
    def __init__(
        self,
        session: Session,
        school: School,
        roster: RosterFile,
        existing: _Existing,
        notes: _Notes,
        report: RosterReport,
        actor: Actor | None,
        now: datetime,
    ) -> None:
        self.session = session
        self.school = school
        self.roster = roster
        self.existing = existing
        self.notes = notes
        self.report = report
        self.actor = actor
        self.now = now
        self.plan = _Plan()
        self.outcomes: dict[str, _UserOutcome] = {}  # package users, by sourced id
        self.archived_after: set[str] = set()  # classes archived once the import is done
        # Files not read to the end (a missing column, malformed CSV): their rows cannot be the whole truth.
        self.incomplete = {
            p.file for p in roster.problems if p.line in (None, 1) or p.message.startswith(_UNREAD)
        }
        self.classes_after: set[str] = set()  # classes that exist once the import is done
        self.deleted_classes: set[str] = set()  # classes the package marks tobedeleted
        self.adopted: dict[int, str] = {}  # accounts made by hand that the roster links: id -> sourced id

    def counts(self, table: str) -> TableCounts:
        return self.report.tables[table]

    def _whole(self, table: str) -> bool:
        """A bulk file read to the end: rows it leaves out leave the school."""
        return self.roster.mode(table) == "bulk" and f"{table}.csv" not in self.incomplete

    # Simple keyed tables: sessions, courses, classes.

    def _keyed(
        self,
        table: str,
        target: _TablePlan,
        records: Sequence[Any],
        existing: dict[str, Row],
        values: Callable[[Any, Row | None], Row],
        retire: Row,
        live: Callable[[Row], bool],
    ) -> set[str]:
        """Upsert ``records``; deactivate rows marked tobedeleted, and in bulk mode rows left out."""
        counts = self.counts(table)
        seen: set[str] = set()
        for record in records:
            seen.add(record.sourced_id)
            row = existing.get(record.sourced_id)
            if record.status == "tobedeleted":
                if row is not None and live(row):
                    target.updates.append({"id": row["id"], **retire})
                    counts.deactivated += 1
                elif row is not None:
                    counts.unchanged += 1
                continue
            wanted = values(record, row)
            if row is None:
                target.inserts.append(
                    {"school_id": self.school.id, "sourced_id": record.sourced_id, **wanted}
                )
                counts.created += 1
            elif any(row[key] != value for key, value in wanted.items()):
                target.updates.append({"id": row["id"], **wanted})
                counts.updated += 1
            else:
                counts.unchanged += 1
        roster_table = {"academic_sessions": "academicSessions"}.get(table, table)
        if self._whole(roster_table):
            for sourced_id, row in existing.items():
                if sourced_id not in seen and live(row):
                    target.updates.append({"id": row["id"], **retire})
                    counts.deactivated += 1
        return seen

    def sessions(self) -> None:
        file = "academicSessions.csv"

        def values(record: Any, _row: Row | None) -> Row:
            line = record.line
            return {
                "title": _fit(self.notes, record.title or record.sourced_id, 200, file, line, "title"),
                "kind": _fit(self.notes, record.type, 32, file, line, "type"),
                "start_date": record.start_date.isoformat() if record.start_date else "",
                "end_date": record.end_date.isoformat() if record.end_date else "",
                "parent_sourced_id": record.parent_sourced_id or "",
                "school_year": str(record.school_year) if record.school_year else "",
                "is_active": True,
            }

        self._keyed(
            "academic_sessions", self.plan.sessions, self.roster.academic_sessions, self.existing.sessions,
            values, {"is_active": False}, lambda row: bool(row["is_active"]),
        )  # fmt: skip

    def courses(self) -> None:
        file = "courses.csv"

        def values(record: Any, _row: Row | None) -> Row:
            line = record.line
            return {
                "title": _fit(self.notes, record.title or record.sourced_id, 200, file, line, "title"),
                "course_code": _fit(self.notes, record.course_code, 64, file, line, "courseCode"),
                "grades": _fit(self.notes, ",".join(record.grades), 64, file, line, "grades"),
                "is_active": True,
            }

        self._keyed(
            "courses", self.plan.courses, self.roster.courses, self.existing.courses, values,
            {"is_active": False}, lambda row: bool(row["is_active"]),
        )  # fmt: skip

    def classes(self) -> None:
        file = "classes.csv"
        linked = {sid: row["course_id"] for sid, row in self.existing.courses.items() if row["course_id"]}

        def values(record: Class, row: Row | None) -> Row:
            line = record.line
            wanted: Row = {
                "name": _fit(self.notes, record.title or record.sourced_id, 120, file, line, "title"),
                "class_code": _fit(self.notes, record.class_code, 64, file, line, "classCode"),
                "archived_at": None,
                "roster_course_sourced_id": record.course_sourced_id or "",
            }
            course_id = linked.get(record.course_sourced_id)
            # A new class takes the course its OneRoster course is linked to; a class keeps a course it has.
            if row is None or (row["course_id"] is None and course_id is not None):
                wanted["course_id"] = course_id
            return wanted

        self._keyed(
            "classes", self.plan.classes, self.roster.classes, self.existing.classes, values,
            {"archived_at": self.now}, lambda row: row["archived_at"] is None,
        )  # fmt: skip
        retired = {u["id"] for u in self.plan.classes.updates if u.get("archived_at") is not None}
        revived = {
            u["id"] for u in self.plan.classes.updates if "archived_at" in u and u["archived_at"] is None
        }
        for sourced_id, row in self.existing.classes.items():
            self.classes_after.add(sourced_id)
            if row["id"] in retired or (row["archived_at"] is not None and row["id"] not in revived):
                self.archived_after.add(sourced_id)
        for record in self.roster.classes:
            if record.status != "tobedeleted":
                self.classes_after.add(record.sourced_id)
            else:
                self.deleted_classes.add(record.sourced_id)

    # Users.

    def _leaving(self, user: RosterUser) -> bool:
        if user.status == "tobedeleted":
            return True
        return bool(user.roles) and all(role.status == "tobedeleted" for role in user.roles)

    def _email_of(self, user: RosterUser) -> str:
        """The e-mail this user may sign in with: the email column, else a username that is an address."""
        for value, column in ((user.email, "email"), (user.username, "username")):
            address = value.strip().lower()
            if not address:
                continue
            if EMAIL_PATTERN.match(address) and len(address) <= 254:
                return address
            if column == "email":
                self.notes.tally(
                    "users.csv", user.line, "email", "bad-email",
                    f"e-mails that are not addresses: the login is made from the username (e.g. {value!r})",
                )  # fmt: skip
        return ""

    def _local_login(self, text: str) -> str:
        local = _LOCAL_PART.sub("-", text.lower()).strip(".-")[:200]
        return f"{local or 'user'}@{self.school.slug}"

    def users(self) -> None:
        file = "users.csv"
        counts = self.counts("users")
        existing = self.existing
        staying = [u for u in self.roster.users if not self._leaving(u)]
        emails = {u.sourced_id: self._email_of(u) for u in staying}
        seen_emails: dict[str, int] = {}
        for address in emails.values():
            if address:
                seen_emails[address] = seen_emails.get(address, 0) + 1
        first_choice = {
            u.sourced_id: emails[u.sourced_id]
            if emails[u.sourced_id] and seen_emails[emails[u.sourced_id]] == 1
            else self._local_login(u.username or u.sourced_id)
            for u in staying
        }
        candidates = set(first_choice.values())
        candidates |= {address for address in emails.values() if address}
        candidates |= {self._local_login(u.sourced_id) for u in staying}
        holders = self._login_holders(sorted(candidates))
        claimed: set[str] = set()
        adopted = self.adopted
        seen: set[str] = set()

        for user in self.roster.users:
            seen.add(user.sourced_id)
            row = existing.users.get(user.sourced_id)
            if self._leaving(user):
                self.outcomes[user.sourced_id] = _UserOutcome(row["role"] if row else None, row)
                if row is not None and row["is_active"] and self._may_retire(row, user.line):
                    self.plan.users.updates.append(
                        {"id": row["id"], "is_active": False, "deactivated_at": self.now}
                    )
                    counts.deactivated += 1
                elif row is not None:
                    counts.unchanged += 1
                continue
            role = Role(user.role) if user.role else (row["role"] if row else None)
            if role is None:
                self.notes.tally(
                    file, user.line, None, "norole",
                    "users without a role in this school, new to atpace: not imported",
                )  # fmt: skip
                self.outcomes[user.sourced_id] = _UserOutcome(None, None)
                continue

            def free(login: str, own: Row | None = row) -> bool:
                if login in claimed:
                    return False
                holder = holders.get(login)
                if holder is None or (own is not None and holder["id"] == own["id"]):
                    return True
                # Another imported user of this school who leaves this login for another one.
                other = holder["sourced_id"]
                return (
                    holder["school_id"] == self.school.id
                    and other in first_choice
                    and first_choice[other] != login
                )

            login: str | None = None
            address = emails[user.sourced_id]
            if address and seen_emails[address] > 1:
                self.notes.tally(
                    file, user.line, "email", "shared-email",
                    "users who share an e-mail sign in with a login made from their username",
                )  # fmt: skip
            elif address:
                holder = holders.get(address)
                if free(address):
                    login = address
                elif holder is not None and holder["school_id"] != self.school.id:
                    self.notes.problem(
                        file, user.line, "email",
                        f"{address} is already the login of a user of another school: change the e-mail"
                        " in the roster or in the other school",
                    )  # fmt: skip
                    self.outcomes[user.sourced_id] = _UserOutcome(None, None)
                    continue
                elif (
                    holder is not None
                    and row is None
                    and holder["sourced_id"] is None
                    and holder["id"] not in adopted
                    and address not in claimed
                ):
                    mine = existing.users_by_login[address]
                    if mine["role"] != role:
                        self.notes.problem(
                            file, user.line, "email",
                            f"{address} is the login of this school's {mine['role'].value} {mine['display_name']!r}"
                            f" (an account made in atpace), whom the roster makes a {role.value}: give them the"
                            " same role in both, or another e-mail",
                        )  # fmt: skip
                        self.outcomes[user.sourced_id] = _UserOutcome(None, None)
                        continue
                    row = mine
                    adopted[mine["id"]] = user.sourced_id
                    login = address
                    self.notes.tally(
                        file, user.line, "email", "adopted",
                        f"accounts made in atpace linked to the roster by their e-mail (e.g. {address})",
                    )  # fmt: skip
                else:
                    self.notes.tally(
                        file, user.line, "email", "taken",
                        f"e-mails that are already the login of another user of this school: the login is"
                        f" made from the username (e.g. {address})",
                    )  # fmt: skip
            if login is None:
                for candidate in (
                    self._local_login(user.username or user.sourced_id),
                    self._local_login(user.sourced_id),
                ):
                    if free(candidate):
                        login = candidate
                        break
            if login is None:
                self.notes.problem(
                    file, user.line, "username",
                    f"no free login for this user: {self._local_login(user.username)} and"
                    f" {self._local_login(user.sourced_id)} are taken",
                )  # fmt: skip
                self.outcomes[user.sourced_id] = _UserOutcome(None, None)
                continue
            claimed.add(login)
            self._user_row(user, row, role, login, adopted=row is not None and row["sourced_id"] is None)

        if self._whole("users"):
            for sourced_id, row in existing.users.items():
                if sourced_id not in seen and row["is_active"] and self._may_retire(row, None):
                    self.plan.users.updates.append(
                        {"id": row["id"], "is_active": False, "deactivated_at": self.now}
                    )
                    counts.deactivated += 1
        for sourced_id, row in existing.users.items():
            self.outcomes.setdefault(sourced_id, _UserOutcome(row["role"], row))

    def _user_row(self, user: RosterUser, row: Row | None, role: Role, login: str, *, adopted: bool) -> None:
        file, line = "users.csv", user.line
        counts = self.counts("users")
        given = user.preferred_given_name or user.given_name
        family = user.preferred_family_name or user.family_name
        name = " ".join(part for part in (given, family) if part) or user.username or user.sourced_id
        active = user.enabled_user is not False
        if row is not None and self.actor is not None and row["id"] == self.actor.user_id:
            if not active or role != Role.ADMIN:
                self.notes.warn(
                    file, line, None,
                    "this is your own account: it stays active and an administrator (change it by hand)",
                )  # fmt: skip
            active, role = True, Role.ADMIN if row["role"] == Role.ADMIN else role
        wanted: Row = {
            "email": login,
            "display_name": _fit(self.notes, name, 120, file, line, "givenName"),
            "role": role,
            "given_name": _fit(self.notes, user.given_name, 120, file, line, "givenName"),
            "family_name": _fit(self.notes, user.family_name, 120, file, line, "familyName"),
            "grade": _fit(self.notes, ",".join(user.grades), 32, file, line, "grades"),
            "is_active": active,
        }
        self.outcomes[user.sourced_id] = _UserOutcome(role, row)
        if row is None:
            wanted["deactivated_at"] = None if active else self.now
            self.plan.users.inserts.append(
                {
                    "school_id": self.school.id, "sourced_id": user.sourced_id, "password_hash": "",
                    "created_at": self.now, **wanted,
                }
            )  # fmt: skip
            counts.created += 1
            if active:
                self.plan.links.append(user.sourced_id)
            return
        if active != row["is_active"]:
            wanted["deactivated_at"] = None if active else self.now
        if adopted:
            wanted["sourced_id"] = user.sourced_id
        if not adopted and all(row[key] == value for key, value in wanted.items()):
            counts.unchanged += 1
            return
        self.plan.users.updates.append({"id": row["id"], **wanted})
        if row["is_active"] and not active:
            counts.deactivated += 1
        else:
            counts.updated += 1
        if active and not row["is_active"] and row["no_password"]:
            self.plan.links.append(user.sourced_id)  # reactivated without a password: a new link

    def _may_retire(self, row: Row, line: int | None) -> bool:
        if self.actor is not None and row["id"] == self.actor.user_id:
            self.notes.warn("users.csv", line, None, "your own account is not deactivated (do it by hand)")
            return False
        return True

    def _login_holders(self, logins: list[str]) -> dict[str, Row]:
        """Users of any school whose login is one of ``logins``."""
        holders: dict[str, Row] = {}
        for part in _chunks(logins):
            for row in self.session.execute(
                select(User.id, User.email, User.school_id, User.sourced_id, User.role).where(
                    User.email.in_(part)
                )
            ).mappings():
                holders[row["email"]] = dict(row)
        return holders

    # Enrolments.

    def _adopted_enrolments(self) -> None:
        """The enrolments an account made by hand already has in imported classes, as if imported."""
        class_sid = {row["id"]: sid for sid, row in self.existing.classes.items()}
        ids = list(self.adopted)
        for class_id, user_id, sourced_id in self.session.execute(
            select(Enrollment.class_id, Enrollment.user_id, Enrollment.sourced_id).where(
                Enrollment.user_id.in_(ids)
            )
        ):
            if class_id in class_sid:
                key = (class_sid[class_id], self.adopted[user_id])
                self.existing.students[key] = {
                    "class_id": class_id,
                    "user_id": user_id,
                    "sourced_id": sourced_id,
                }
        for class_id, user_id, role in self.session.execute(
            select(ClassTeacher.class_id, ClassTeacher.user_id, ClassTeacher.role).where(
                ClassTeacher.user_id.in_(ids)
            )
        ):
            if class_id in class_sid:
                key = (class_sid[class_id], self.adopted[user_id])
                self.existing.teachers[key] = {"class_id": class_id, "user_id": user_id, "role": role}

    def enrollments(self) -> None:
        file = "enrollments.csv"
        existing = self.existing
        if self.adopted:
            self._adopted_enrolments()
        students, teachers = self.counts("enrollments"), self.counts("class_teachers")
        wanted_students: dict[tuple[str, str], int] = {}
        wanted_teachers: dict[tuple[str, str], int] = {}
        removed: set[tuple[str, tuple[str, str]]] = set()

        def remove(kind: str, key: tuple[str, str]) -> None:
            if (kind, key) in removed:
                return
            removed.add((kind, key))
            if kind == "student":
                self.plan.students.deletes.append(_pair(existing.students[key]))
                students.deactivated += 1
            else:
                self.plan.teachers.deletes.append(_pair(existing.teachers[key]))
                teachers.deactivated += 1

        for record in self.roster.enrollments:
            line = record.line
            if record.status == "tobedeleted":
                key = existing.student_keys_by_sid.get(record.sourced_id)
                given = (record.class_sourced_id, record.user_sourced_id)
                if key is not None:
                    remove("student", key)
                elif given in existing.teachers:
                    remove("teacher", given)
                elif given in existing.students:
                    remove("student", given)
                else:
                    self.notes.tally(
                        file, line, "sourcedId", "gone",
                        "enrolments marked tobedeleted that atpace does not have: ignored",
                    )  # fmt: skip
                continue
            class_sid, user_sid = record.class_sourced_id, record.user_sourced_id
            if class_sid not in self.classes_after and class_sid in self.deleted_classes:
                self.notes.tally(
                    file, line, "classSourcedId", "deleted-class",
                    "enrolments in classes marked tobedeleted that atpace does not have: skipped",
                )  # fmt: skip
                continue
            if class_sid not in self.classes_after:
                if "classes.csv" in self.incomplete:
                    continue  # the classes were not all read: that problem is reported already
                self.notes.problem(
                    file, line, "classSourcedId",
                    f"{class_sid!r} is neither in classes.csv nor a class of this school imported before",
                )  # fmt: skip
                continue
            outcome = self.outcomes.get(user_sid)
            if outcome is None:
                if "users.csv" in self.incomplete:
                    continue
                self.notes.problem(
                    file, line, "userSourcedId",
                    f"{user_sid!r} is neither in users.csv nor a user of this school imported before",
                )  # fmt: skip
                continue
            if outcome.role is None:
                self.notes.tally(
                    file, line, "userSourcedId", "skipped-user", "enrolments of users not imported: skipped"
                )
                continue
            key = (class_sid, user_sid)
            if record.role == "student":
                if outcome.role != Role.STUDENT:
                    self.notes.tally(
                        file, line, "role", "not-student",
                        f"student enrolments of users who are not students: skipped (e.g. {user_sid!r},"
                        f" a {outcome.role.value})",
                    )  # fmt: skip
                    continue
                if key in wanted_students:
                    self.notes.warn(
                        file,
                        line,
                        None,
                        f"the same student and class as line {wanted_students[key]}: ignored",
                    )
                    continue
                wanted_students[key] = line
                row = existing.students.get(key)
                if row is not None and ("student", key) not in removed:
                    if row["sourced_id"] == record.sourced_id:
                        students.unchanged += 1
                    else:
                        self.plan.students.updates.append({**_pair(row), "sourced_id": record.sourced_id})
                        students.updated += 1
                    continue
                self.plan.students.inserts.append(
                    {"class_sid": class_sid, "user_sid": user_sid, "sourced_id": record.sourced_id}
                )
                moved = existing.student_keys_by_sid.get(record.sourced_id)
                if moved is not None and moved != key and ("student", moved) not in removed:
                    removed.add(("student", moved))  # the enrolment moved: counted as updated
                    self.plan.students.deletes.append(_pair(existing.students[moved]))
                    students.updated += 1
                else:
                    students.created += 1
            else:
                if outcome.role == Role.STUDENT:
                    self.notes.tally(
                        file, line, "role", "not-teacher",
                        f"teacher enrolments of students: skipped (e.g. {user_sid!r})",
                    )  # fmt: skip
                    continue
                if key in wanted_teachers:
                    self.notes.warn(
                        file,
                        line,
                        None,
                        f"the same teacher and class as line {wanted_teachers[key]}: ignored",
                    )
                    continue
                wanted_teachers[key] = line
                role = "co-teacher" if record.primary is False else "teacher"
                row = existing.teachers.get(key)
                if row is None or ("teacher", key) in removed:
                    self.plan.teachers.inserts.append(
                        {"class_sid": class_sid, "user_sid": user_sid, "role": role}
                    )
                    teachers.created += 1
                elif row["role"] != role:
                    self.plan.teachers.updates.append({**_pair(row), "role": role})
                    teachers.updated += 1
                else:
                    teachers.unchanged += 1
        if self._whole("enrollments"):
            # Enrolments of archived classes stay: they are the record of the class.
            for key, row in existing.students.items():
                if key not in wanted_students and row["sourced_id"] and key[0] not in self.archived_after:
                    remove("student", key)
            for key in existing.teachers:
                if key not in wanted_teachers and key[0] not in self.archived_after:
                    remove("teacher", key)

    # Demographics.

    def demographics(self) -> None:
        file = "demographics.csv"
        counts = self.counts("demographics")
        existing = self.existing.demographics
        seen: set[int] = set()
        planned: set[str] = set()
        for record in self.roster.demographics:
            outcome = self.outcomes.get(record.sourced_id)
            if outcome is None or outcome.role is None:
                if outcome is None and "users.csv" not in self.incomplete:
                    self.notes.problem(
                        file, record.line, "sourcedId",
                        f"{record.sourced_id!r} is neither in users.csv nor a user of this school imported before",
                    )  # fmt: skip
                continue
            user_id = outcome.row["id"] if outcome.row is not None else None
            if user_id is not None:
                seen.add(user_id)
            if record.status == "tobedeleted":
                if user_id is not None and user_id in existing:
                    self.plan.demographics.deletes.append({"user_id": user_id})
                    counts.deactivated += 1
                continue
            if record.sourced_id in planned:
                continue
            planned.add(record.sourced_id)
            data: dict[str, Any] = dict(record.fields)
            if record.extensions:
                data["metadata"] = dict(record.extensions)
            if user_id is None or user_id not in existing:
                self.plan.demographics.inserts.append(
                    {
                        "user_sid": record.sourced_id,
                        "data": data,
                        "school_id": self.school.id,
                        "updated_at": self.now,
                    }
                )
                counts.created += 1
            elif existing[user_id] != data:
                self.plan.demographics.updates.append(
                    {"user_id": user_id, "data": data, "updated_at": self.now}
                )
                counts.updated += 1
            else:
                counts.unchanged += 1
        if self._whole("demographics"):
            imported = {row["id"] for row in self.existing.users.values()}
            for user_id in existing:
                if user_id not in seen and user_id in imported:
                    self.plan.demographics.deletes.append({"user_id": user_id})
                    counts.deactivated += 1

    def references(self) -> None:
        """References left for the database (delta and absent tables), checked on the rows kept."""
        kept: dict[str, set[int]] = {
            "classes.csv": {r.line for r in self.roster.classes},
            "courses.csv": {r.line for r in self.roster.courses},
            "users.csv": {r.line for r in self.roster.users},
            "roles.csv": {r.line for r in self.roster.roles},
        }
        known = {
            "courses": set(self.existing.courses) | {r.sourced_id for r in self.roster.courses},
            "academicSessions": set(self.existing.sessions)
            | {r.sourced_id for r in self.roster.academic_sessions},
            "users": set(self.existing.users) | {r.sourced_id for r in self.roster.users},
        }
        for ref in self.roster.unresolved:
            if ref.file not in kept or ref.line not in kept[ref.file] or ref.table not in known:
                continue  # enrolments and demographics are checked where they are planned; orgs scope rows
            if ref.sourced_id in known[ref.table]:
                continue
            if ref.table == "users":
                if "users.csv" in self.incomplete:
                    continue
                self.notes.problem(
                    ref.file, ref.line, ref.column,
                    f"{ref.sourced_id!r} is neither in users.csv nor a user of this school imported before",
                )  # fmt: skip
            else:
                what = "courses.csv" if ref.table == "courses" else "academicSessions.csv"
                self.notes.tally(
                    ref.file, ref.line, ref.column, f"ref:{ref.table}",
                    f"references to rows neither in {what} nor imported before: ignored (e.g. {ref.sourced_id!r})",
                )  # fmt: skip


def _pair(row: Row) -> Row:
    return {"class_id": row["class_id"], "user_id": row["user_id"]}


# ---------------------------------------------------------------------------------------------------------
# The write


def _bulk(session: Session, table: Any, plan: _TablePlan) -> None:
    if plan.updates:
        for group in _same_keys(plan.updates):
            session.execute(update(table), group)
    if plan.inserts:
        session.execute(insert(table), plan.inserts)


def _same_keys(rows: list[Row]) -> list[list[Row]]:
    """Rows grouped by their set of keys (an executemany needs one statement shape)."""
    groups: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())


def _ids_by_sid(
    session: Session, column: Any, id_column: Any, school_column: Any, school_id: int
) -> dict[str, int]:
    return {
        sid: row_id
        for row_id, sid in session.execute(
            select(id_column, column).where(school_column == school_id, column.is_not(None))
        )
    }


def _delete_pairs(session: Session, table: Any, rows: list[Row]) -> None:
    if not rows:
        return
    columns = table.__table__.c
    statement = delete(table.__table__).where(
        columns.class_id == bindparam("b_class"), columns.user_id == bindparam("b_user")
    )
    session.execute(statement, [{"b_class": r["class_id"], "b_user": r["user_id"]} for r in rows])


def _write(
    session: Session, school: School, plan: _Plan, report: RosterReport, actor: Actor | None, now: datetime,
    *, issue_links: bool,
) -> None:  # fmt: skip
    if plan.link_org is not None:
        school.sourced_id = plan.link_org
        session.flush()
    _bulk(session, AcademicSession, plan.sessions)
    _bulk(session, RosterCourse, plan.courses)
    # Logins that change move through a placeholder first, so that two users may swap or pass one on.
    renamed = [u for u in plan.users.updates if "email" in u]
    if renamed:
        session.execute(update(User), [{"id": u["id"], "email": f"~{u['id']}"} for u in renamed])
    _bulk(session, User, plan.users)
    user_ids = _ids_by_sid(session, User.sourced_id, User.id, User.school_id, school.id)
    _bulk(session, Classroom, plan.classes)
    class_ids = _ids_by_sid(session, Classroom.sourced_id, Classroom.id, Classroom.school_id, school.id)

    _delete_pairs(session, Enrollment, plan.students.deletes)
    if plan.students.updates:
        session.execute(update(Enrollment), plan.students.updates)
    if plan.students.inserts:
        session.execute(
            insert(Enrollment),
            [
                {
                    "class_id": class_ids[r["class_sid"]], "user_id": user_ids[r["user_sid"]],
                    "sourced_id": r["sourced_id"], "created_at": now,
                }
                for r in plan.students.inserts
            ],
        )  # fmt: skip
    _delete_pairs(session, ClassTeacher, plan.teachers.deletes)
    if plan.teachers.updates:
        session.execute(update(ClassTeacher), plan.teachers.updates)
    if plan.teachers.inserts:
        session.execute(
            insert(ClassTeacher),
            [
                {"class_id": class_ids[r["class_sid"]], "user_id": user_ids[r["user_sid"]], "role": r["role"]}
                for r in plan.teachers.inserts
            ],
        )
    gone = [r["user_id"] for r in plan.demographics.deletes]
    for part in _chunks(gone):
        session.execute(
            delete(Demographics)
            .where(Demographics.user_id.in_(part))
            .execution_options(synchronize_session=False)
        )
    if plan.demographics.updates:
        session.execute(update(Demographics), plan.demographics.updates)
    if plan.demographics.inserts:
        session.execute(
            insert(Demographics),
            [
                {"user_id": user_ids[r["user_sid"]], "school_id": r["school_id"], "data": r["data"],
                 "updated_at": r["updated_at"]}
                for r in plan.demographics.inserts
            ],
        )  # fmt: skip
    if issue_links and plan.links:
        report.links = _issue_links(session, school, [user_ids[sid] for sid in plan.links], actor, now)


def _issue_links(
    session: Session, school: School, user_ids: list[int], actor: Actor | None, now: datetime
) -> list[IssuedSignIn]:
    """First-sign-in links for many users at once, as :func:`atpace.services.sign_in_links.issue_link`
    issues one: earlier unused links stop working, only the secret's hash is stored."""
    for part in _chunks(user_ids):
        session.execute(
            update(SignInLink)
            .where(
                SignInLink.user_id.in_(part),
                SignInLink.purpose == FIRST_SIGN_IN,
                SignInLink.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
    users: dict[int, Row] = {}
    for part in _chunks(user_ids):
        for row in session.execute(
            select(User.id, User.email, User.display_name, User.role, User.sourced_id).where(
                User.id.in_(part)
            )
        ).mappings():
            users[row["id"]] = dict(row)
    expires = now + LINK_LIFETIME[FIRST_SIGN_IN]
    created_by = actor.user_id if actor is not None else None
    issued: list[IssuedSignIn] = []
    rows: list[Row] = []
    for user_id in user_ids:
        user = users[user_id]
        secret = secrets.token_urlsafe(32)
        rows.append(
            {
                "school_id": school.id, "user_id": user_id, "token_hash": _digest(secret),
                "purpose": FIRST_SIGN_IN, "created_by_id": created_by, "created_at": now, "expires_at": expires,
            }
        )  # fmt: skip
        issued.append(
            IssuedSignIn(
                user_id, user["email"], user["display_name"], user["role"].value, user["sourced_id"] or "",
                PATH_PREFIX + secret, expires,
            )
        )  # fmt: skip
    session.execute(insert(SignInLink), rows)
    return issued


# ---------------------------------------------------------------------------------------------------------
# The use case


def _lock(session: Session, school_id: int) -> School:
    """The school's row, locked until the transaction ends, so that two imports of one school cannot
    interleave. PostgreSQL refuses a second one at once (NOWAIT); SQLite lets one writer in at a time."""
    try:
        school = session.scalars(
            select(School)
            .where(School.id == school_id)
            # FOR NO KEY UPDATE: excludes another import, but not the rows that merely refer to the school
            # (a sign-in's audit entry, a practice answer), which FOR UPDATE would hold up for the whole import
            .with_for_update(nowait=True, key_share=True)
            .execution_options(populate_existing=True)
        ).one()
    except OperationalError as error:
        state = getattr(error.orig, "sqlstate", None)
        if state == _LOCK_NOT_AVAILABLE or "database is locked" in str(error.orig):
            raise Conflict("an import is running for this school: try again when it has finished") from None
        raise
    return school


def _choose_org(
    session: Session, school: School, roster: RosterFile, org: str | None, notes: _Notes
) -> str | None:
    """The org that is this school: the one it is linked to, the one named, or the package's only school."""
    linked = school.sourced_id
    orgs = {o.sourced_id: o for o in roster.orgs}
    chosen = org.strip() if org else None
    if chosen and linked and chosen != linked:
        notes.problem(
            "orgs.csv", None, None,
            f"this school ({school.slug}) is linked to the org {linked!r}, not {chosen!r}",
        )  # fmt: skip
        return None
    if chosen is None and linked:
        chosen = linked
    if chosen is None:
        schools = [o for o in roster.school_orgs() if o.status != "tobedeleted"]
        if len(schools) == 1:
            chosen = schools[0].sourced_id
        else:
            listed = schools or list(orgs.values())
            names = ", ".join(f"{o.sourced_id} ({o.name})" for o in listed[:10]) or "none"
            notes.problem(
                "orgs.csv", None, None,
                f"which org is the school {school.slug}? The package has {len(schools)} orgs of type school"
                f" (candidates: {names}): name it with the org option (--org SOURCEDID on the command line)",
            )  # fmt: skip
            return None
    if roster.mode("orgs") == "bulk" and chosen not in orgs:
        notes.problem(
            "orgs.csv", None, None,
            f"the org {chosen!r} of the school {school.slug} is not in orgs.csv: is this another school's package?",
        )  # fmt: skip
        return None
    if chosen in orgs and orgs[chosen].status == "tobedeleted":
        notes.problem(
            "orgs.csv", orgs[chosen].line, "status", f"the school's org {chosen!r} is marked tobedeleted"
        )
        return None
    if not linked:
        other = session.scalar(select(School.slug).where(School.sourced_id == chosen, School.id != school.id))
        if other is not None:
            notes.problem(
                "orgs.csv", orgs[chosen].line if chosen in orgs else None, "sourcedId",
                f"the org {chosen!r} is already linked to the school {other}",
            )  # fmt: skip
            return None
    return chosen


def import_roster(
    session: Session,
    school: School,
    roster: RosterFile,
    *,
    apply: bool,
    actor: Actor | None = None,
    org: str | None = None,
    upload: str | None = None,
    now: datetime | None = None,
) -> RosterReport:
    """Import ``roster`` into ``school``, or only report what would change (``apply=False``).

    Runs in the caller's transaction, inside a savepoint: a dry run, or any problem, leaves nothing
    written. ``org`` names the package's org that is this school (needed the first time when the package
    has several schools, or none of type school). ``actor`` (None from the command line) is recorded as the
    one who imported and issued the links. :class:`Conflict` when another import of the school is running.
    """
    moment = now or utcnow()
    school = _lock(session, school.id)
    report = RosterReport(
        school=school.slug, dry_run=not apply, version=roster.version, upload=upload,
        source_system=roster.source_system_name, modes={k: v for k, v in roster.modes.items() if v != "absent"},
        problems=list(roster.problems),
    )  # fmt: skip
    notes = _Notes(report)
    chosen = _choose_org(session, school, roster, org, notes)
    if chosen is None:
        report.warnings = list(roster.warnings)
        notes.finish()
        return report
    report.org_sourced_id = chosen
    scoped = roster.restricted_to([chosen])
    report.warnings = list(scoped.warnings)
    existing = _Existing.load(session, school.id)
    planner = _Planner(session, school, scoped, existing, notes, report, actor, moment)
    if school.sourced_id is None:
        planner.plan.link_org = chosen
    planner.references()
    planner.sessions()
    planner.courses()
    planner.classes()
    planner.users()
    planner.enrollments()
    planner.demographics()
    notes.finish()
    plan = planner.plan
    report.links_to_issue = len(plan.links)
    if report.problems:
        return report
    savepoint = session.begin_nested()
    try:
        _write(session, school, plan, report, actor, moment, issue_links=apply)
        session.flush()
    except IntegrityError as error:
        savepoint.rollback()
        session.expire(school)
        first = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        report.problems.append(
            Issue(
                "database", None, None,
                f"the database refused the import ({first}); nothing was written. Another change may have"
                " been made at the same time: run the import again",
            )
        )  # fmt: skip
        report.links = []
        return report
    if not apply:
        savepoint.rollback()
        session.expire(school)
        return report
    savepoint.commit()
    report.applied = True
    record = RosterImport(
        school_id=school.id, created_by_id=actor.user_id if actor else None, created_at=moment, applied=True,
        report=report.as_dict(),
    )  # fmt: skip
    session.add(record)
    session.flush()
    report.import_id = record.id
    # The full report stays in roster_imports; the log points to it.
    audit.record(
        session, school_id=school.id, actor_id=actor.user_id if actor else None, action="import.roster",
        detail={"import_id": record.id, "upload": upload, "links_issued": report.links_to_issue},
    )  # fmt: skip
    return report
