"""The typed records a OneRoster package is read into, and the package itself (:class:`RosterFile`).

Every record keeps its ``sourced_id`` (the external id), ``status`` (``None`` when the file leaves it blank,
as bulk files do), ``date_last_modified``, the physical ``line`` of its row (for reports) and the
``metadata.*`` extension columns. Strings are stripped; empty optional values are ``""`` (text) or ``None``
(dates, references, booleans); lists are tuples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import ClassVar, TypeVar

from atpace.interop.oneroster.spec import ATPACE_ROLES, AtpaceRole, Mode, Status


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem (the package is refused) or a warning (it is imported): where, and what."""

    file: str
    line: int | None  # physical line, the header being line 1; None for the whole file or package
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class UnresolvedRef:
    """A reference to a row that is not in this package because its file is delta or absent.

    The service looks ``sourced_id`` up in ``table`` in the database; when it is not there either, the
    reference becomes a problem at ``file``/``line``/``column`` (see :meth:`RosterFile.missing_ref_problems`).
    """

    table: str
    sourced_id: str
    file: str
    line: int
    column: str


@dataclass(frozen=True, slots=True)
class Org:
    FILE: ClassVar[str] = "orgs.csv"
    sourced_id: str
    status: Status | None
    date_last_modified: datetime | None
    name: str
    type: str
    identifier: str
    parent_sourced_id: str | None
    line: int = 0
    extensions: Mapping[str, str] = field(default_factory=dict)

    @property
    def org_sourced_ids(self) -> tuple[str, ...]:
        return (self.sourced_id,)


@dataclass(frozen=True, slots=True)
class AcademicSession:
    FILE: ClassVar[str] = "academicSessions.csv"
    sourced_id: str
    status: Status | None
    date_last_modified: datetime | None
    title: str
    type: str
    start_date: date | None  # None only on a delta row marked tobedeleted
    end_date: date | None
    parent_sourced_id: str | None
    school_year: int | None
    line: int = 0
    extensions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Course:
    FILE: ClassVar[str] = "courses.csv"
    sourced_id: str
    status: Status | None
    date_last_modified: datetime | None
    title: str
    course_code: str
    grades: tuple[str, ...]
    org_sourced_id: str
    school_year_sourced_id: str | None
    subjects: tuple[str, ...]
    subject_codes: tuple[str, ...]
    line: int = 0
    extensions: Mapping[str, str] = field(default_factory=dict)

    @property
    def org_sourced_ids(self) -> tuple[str, ...]:
        return (self.org_sourced_id,) if self.org_sourced_id else ()


@dataclass(frozen=True, slots=True)
class Class:
    FILE: ClassVar[str] = "classes.csv"
    sourced_id: str
    status: Status | None
    date_last_modified: datetime | None
    title: str
    class_code: str
    class_type: str
    course_sourced_id: str
    school_sourced_id: str
    term_sourced_ids: tuple[str, ...]
    grades: tuple[str, ...]
    subjects: tuple[str, ...]
    subject_codes: tuple[str, ...]
    periods: tuple[str, ...]
    location: str
    line: int = 0
    extensions: Mapping[str, str] = field(default_factory=dict)

    @property
    def org_sourced_ids(self) -> tuple[str, ...]:
        return (self.school_sourced_id,) if self.school_sourced_id else ()


@dataclass(frozen=True, slots=True)
class UserRole:
    """One row of 1.2's roles.csv, or one org of a 1.1 user's ``role``/``orgSourcedIds`` (``sourced_id`` None)."""

    FILE: ClassVar[str] = "roles.csv"
    sourced_id: str | None
    status: Status | None
    date_last_modified: datetime | None
    user_sourced_id: str
    role_type: str  # primary or secondary
    role: str  # the OneRoster role
    org_sourced_id: str
    begin_date: date | None
    end_date: date | None
    user_profile_sourced_id: str | None
    line: int = 0
    extensions: Mapping[str, str] = field(default_factory=dict)

    @property
    def atpace_role(self) -> AtpaceRole | None:
        return ATPACE_ROLES.get(self.role)


@dataclass(frozen=True, slots=True)
class User:
    """A user with one atpace role. The password column is never read: imported users sign in by link."""

    FILE: ClassVar[str] = "users.csv"
    sourced_id: str
    status: Status | None
    date_last_modified: datetime | None
    enabled_user: bool | None  # None only on a delta row marked tobedeleted
    username: str
    given_name: str
    family_name: str
    middle_name: str
    preferred_given_name: str
    preferred_family_name: str
    email: str
    identifier: str
    user_ids: tuple[tuple[str, str], ...]  # ("LDAP", "jdoe") from "{LDAP:jdoe}"
    grades: tuple[str, ...]
    agent_sourced_ids: tuple[str, ...]
    primary_org_sourced_id: str | None
    role: AtpaceRole | None  # None: no role row for this user in the package (a delta leaves it as it is)
    oneroster_role: str | None  # the OneRoster role ``role`` came from
    org_sourced_ids: tuple[str, ...]  # every org the user has a role in, first the chosen role's org
    roles: tuple[UserRole, ...]
    line: int = 0
    extensions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Enrollment:
    FILE: ClassVar[str] = "enrollments.csv"
    sourced_id: str
    status: Status | None
    date_last_modified: datetime | None
    class_sourced_id: str
    school_sourced_id: str
    user_sourced_id: str
    role: AtpaceRole | None  # student or teacher; None only on a delta row marked tobedeleted
    oneroster_role: str
    primary: bool | None
    begin_date: date | None
    end_date: date | None
    line: int = 0
    extensions: Mapping[str, str] = field(default_factory=dict)

    @property
    def org_sourced_ids(self) -> tuple[str, ...]:
        return (self.school_sourced_id,) if self.school_sourced_id else ()


@dataclass(frozen=True, slots=True)
class Demographics:
    """Kept for the equity report: ``fields`` holds the non-empty known columns as written (booleans lowered)."""

    FILE: ClassVar[str] = "demographics.csv"
    sourced_id: str  # the user's sourcedId
    status: Status | None
    date_last_modified: datetime | None
    fields: Mapping[str, str]
    line: int = 0
    extensions: Mapping[str, str] = field(default_factory=dict)


_Owned = TypeVar("_Owned", Org, Course, Class, Enrollment)


def choose_role(
    roles: Iterable[UserRole], primary_org: str | None, orgs: frozenset[str] | None = None
) -> UserRole | None:
    """The role a user gets in atpace: a primary role first (the primary org's first), then a secondary one.

    Only roles atpace has count, so a parent who is also a teacher imports as a teacher; roles marked
    ``tobedeleted`` and (when ``orgs`` is given) roles in other orgs do not count.
    """
    best: UserRole | None = None
    best_rank = 4
    for role in roles:
        if role.status == "tobedeleted" or role.atpace_role is None:
            continue
        if orgs is not None and role.org_sourced_id not in orgs:
            continue
        rank = (0 if role.role_type == "primary" else 2) + (0 if role.org_sourced_id == primary_org else 1)
        if rank < best_rank:
            best, best_rank = role, rank
    return best


def role_orgs(roles: Iterable[UserRole], chosen: UserRole | None) -> tuple[str, ...]:
    """Distinct orgs of ``roles``, the chosen role's org first."""
    orgs = dict.fromkeys(
        ([chosen.org_sourced_id] if chosen else []) + [r.org_sourced_id for r in roles if r.org_sourced_id]
    )
    return tuple(orgs)


@dataclass(slots=True)
class RosterFile:
    """A read OneRoster package: records per table, the manifest's modes, problems and warnings.

    ``problems`` non-empty means the package must not be imported. ``modes`` maps each table atpace reads
    (``orgs``, ``academicSessions``, ``courses``, ``classes``, ``users``, ``roles``, ``enrollments``,
    ``demographics``) to bulk, delta or absent; a bulk table is the whole truth (rows missing from it are
    deactivated), a delta table changes only its rows. ``skipped_users`` maps users read but not imported
    (no role atpace has) to their OneRoster role; their enrolments and demographics are dropped too.
    """

    version: str = ""
    manifest_version: str = ""
    source_system_name: str = ""
    source_system_code: str = ""
    modes: dict[str, Mode] = field(default_factory=dict)
    orgs: list[Org] = field(default_factory=list)
    academic_sessions: list[AcademicSession] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    classes: list[Class] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    roles: list[UserRole] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)
    demographics: list[Demographics] = field(default_factory=list)
    skipped_users: dict[str, str] = field(default_factory=dict)
    unresolved: list[UnresolvedRef] = field(default_factory=list)
    problems: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def mode(self, table: str) -> Mode:
        return self.modes.get(table, "absent")

    def unresolved_ids(self) -> dict[str, set[str]]:
        """Per table, the sourcedIds the service must find in the database."""
        ids: dict[str, set[str]] = {}
        for ref in self.unresolved:
            ids.setdefault(ref.table, set()).add(ref.sourced_id)
        return ids

    def missing_ref_problems(self, missing: Mapping[str, set[str]]) -> list[Issue]:
        """Problems for the unresolved references the database does not have either (``missing`` per table)."""
        return [
            Issue(
                ref.file,
                ref.line,
                ref.column,
                f"{ref.sourced_id!r} is neither in {ref.table}.csv nor imported before",
            )
            for ref in self.unresolved
            if ref.sourced_id in missing.get(ref.table, ())
        ]

    def school_orgs(self) -> list[Org]:
        return [org for org in self.orgs if org.type == "school"]

    def restricted_to(self, org_sourced_ids: Iterable[str]) -> RosterFile:
        """The package without the rows of other schools, each skipped table counted in a warning.

        The scope is the given orgs and their descendants in orgs.csv (a school's departments). Courses,
        classes and enrolments belong to their org or school; a user stays when one of their roles (1.2) or
        orgs (1.1) is in scope, with the role chosen among those; academic sessions have no org and all stay.
        A user of a delta package without role rows has no org here and stays: the service decides.
        """
        scope = set(org_sourced_ids)
        children: dict[str, list[str]] = {}
        for org in self.orgs:
            if org.parent_sourced_id:
                children.setdefault(org.parent_sourced_id, []).append(org.sourced_id)
        stack = list(scope)
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in scope:
                    scope.add(child)
                    stack.append(child)
        inside = frozenset(scope)
        warnings = list(self.warnings)

        def keep(records: list[_Owned], table: str) -> list[_Owned]:
            kept = [r for r in records if not r.org_sourced_ids or r.org_sourced_ids[0] in inside]
            if len(kept) < len(records):
                warnings.append(
                    Issue(
                        f"{table}.csv", None, None, f"{len(records) - len(kept)} rows of other orgs skipped"
                    )
                )
            return kept

        users: list[User] = []
        for user in self.users:
            in_scope = tuple(r for r in user.roles if r.org_sourced_id in inside)
            if not user.roles:
                users.append(user)
                continue
            chosen = choose_role(in_scope, user.primary_org_sourced_id)
            # Left out: no role here, or roles here and none of them atpace's. Kept with no role: a user
            # marked tobedeleted, or one whose roles here are all being removed (the service decides).
            if not in_scope or (
                chosen is None
                and user.status != "tobedeleted"
                and any(r.status != "tobedeleted" for r in in_scope)
            ):
                continue
            users.append(
                replace(
                    user,
                    role=chosen.atpace_role if chosen else None,
                    oneroster_role=chosen.role if chosen else None,
                    org_sourced_ids=role_orgs(in_scope, chosen),
                    roles=in_scope,
                )
            )
        if len(users) < len(self.users):
            warnings.append(
                Issue("users.csv", None, None, f"{len(self.users) - len(users)} users of other orgs skipped")
            )
        dropped = {u.sourced_id for u in self.users} - {u.sourced_id for u in users}
        enrollments = [e for e in keep(self.enrollments, "enrollments") if e.user_sourced_id not in dropped]
        return replace(
            self,
            orgs=keep(self.orgs, "orgs"),
            courses=keep(self.courses, "courses"),
            classes=keep(self.classes, "classes"),
            users=users,
            roles=[r for r in self.roles if r.org_sourced_id in inside],
            enrollments=enrollments,
            demographics=[d for d in self.demographics if d.sourced_id not in dropped],
            warnings=warnings,
        )
