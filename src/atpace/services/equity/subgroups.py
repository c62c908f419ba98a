"""Which subgroups a school records, and each student's value (docs/equity.md, "Recording subgroups").

Administrators only. A school records nothing until an administrator chooses categories
(:func:`set_categories`); dropping a category deletes the values administrators set for it. A student's
value in a chosen category is the one an administrator set (:func:`set_value`, :func:`import_values_csv`)
or else, for the OneRoster categories, the one read from the school's imported ``demographics.csv`` (kept
by the roster import in ``demographics``); otherwise it is "not recorded".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services import audit, limits
from atpace.services.auth import Actor
from atpace.services.equity.categories import (
    BY_KEY,
    CATEGORIES,
    NOT_RECORDED,
    Category,
    from_demographics,
    normalise_value,
)
from atpace.services.school.common import require_admin
from atpace.services.school.user_csv import CsvProblem, CsvRejected
from atpace.store.tables import Demographics, Role, User, utcnow
from atpace.store.tables_equity import VALUE_MAX, EquityCategory, SubgroupValue

Source = Literal["admin", "oneroster"]
STUDENT_COLUMNS = ("student", "login", "email", "sourcedid", "sourced_id", "username")
CSV_COLUMNS = ("student", "category", "value")


# Categories ----------------------------------------------------------------------------------------------


def chosen(session: Session, school_id: int) -> list[Category]:
    """The categories the school records, in the catalogue's order (none by default)."""
    keys = set(session.scalars(select(EquityCategory.category).where(EquityCategory.school_id == school_id)))
    return [c for c in CATEGORIES if c.key in keys]


def set_categories(session: Session, actor: Actor, keys: Iterable[str]) -> list[Category]:
    """Record exactly these categories from now on; a category dropped loses the values set for it."""
    require_admin(actor)
    wanted = {k.strip() for k in keys if k.strip()}
    unknown = sorted(wanted - BY_KEY.keys())
    if unknown:
        raise InvalidInput("categories", f"unknown category {unknown[0]!r}; the categories are "
                           + ", ".join(BY_KEY))  # fmt: skip
    before = {c.key for c in chosen(session, actor.school_id)}
    added, removed = sorted(wanted - before), sorted(before - wanted)
    if removed:
        session.execute(
            delete(SubgroupValue)
            .where(SubgroupValue.school_id == actor.school_id, SubgroupValue.category.in_(removed))
            .execution_options(synchronize_session=False)
        )
        session.execute(
            delete(EquityCategory)
            .where(EquityCategory.school_id == actor.school_id, EquityCategory.category.in_(removed))
            .execution_options(synchronize_session=False)
        )
    for key in added:
        _insert_ignore(
            session, EquityCategory,
            {"school_id": actor.school_id, "category": key, "chosen_by_id": actor.user_id, "chosen_at": utcnow()},
            [EquityCategory.school_id, EquityCategory.category],
        )  # fmt: skip
    if added or removed:
        audit.record(
            session, school_id=actor.school_id, actor_id=actor.user_id, action="equity.categories",
            detail={"added": added, "removed": removed},
        )  # fmt: skip
    session.flush()
    return chosen(session, actor.school_id)


def _chosen_category(session: Session, school_id: int, key: str, field_name: str = "category") -> Category:
    found = BY_KEY.get(key.strip())
    if found is None:
        raise InvalidInput(field_name, f"unknown category {key!r}; the categories are " + ", ".join(BY_KEY))
    if found.key not in {c.key for c in chosen(session, school_id)}:
        raise Conflict(
            f"the school does not record {found.label}: choose the category first", field=field_name
        )
    return found


# Values --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    value: str  # a code of the category, or NOT_RECORDED
    source: Source | None  # None when not recorded


def values_for(
    session: Session, school_id: int, categories: Collection[Category], students: Select[int]
) -> dict[str, dict[int, Recorded]]:
    """Each category's recorded values for the students ``students`` selects (a student missing from a
    category's dict is not recorded)."""
    found: dict[str, dict[int, Recorded]] = {c.key: {} for c in categories}
    if not categories:
        return found
    keys = [c.key for c in categories]
    if any(c.from_oneroster for c in categories):
        rows = session.execute(
            select(Demographics.user_id, Demographics.data).where(
                Demographics.school_id == school_id, Demographics.user_id.in_(students)
            )
        )
        for user_id, data in rows:
            for c in categories:
                value = from_demographics(c.key, data) if c.from_oneroster else None
                if value is not None:
                    found[c.key][user_id] = Recorded(value, "oneroster")
    rows2 = session.execute(
        select(SubgroupValue.student_id, SubgroupValue.category, SubgroupValue.value).where(
            SubgroupValue.school_id == school_id, SubgroupValue.category.in_(keys),
            SubgroupValue.student_id.in_(students),
        )
    )  # fmt: skip
    for student_id, key, value in rows2:
        found[key][student_id] = Recorded(value, "admin")  # an administrator's value wins
    return found


def school_students(school_id: int) -> Select[int]:
    return select(User.id).where(User.school_id == school_id, User.role == Role.STUDENT)


def _student(session: Session, actor: Actor, student_id: int) -> User:
    student = session.get(User, student_id)
    if student is None or student.school_id != actor.school_id or student.role != Role.STUDENT:
        raise NotFound(f"student {student_id} not found")
    return student


def find_student(session: Session, actor: Actor, ref: str) -> User | None:
    """A student of the actor's school named by login (e-mail) or OneRoster sourcedId."""
    text = ref.strip()
    if not text:
        return None
    conditions: list[ColumnElement[bool]] = [User.school_id == actor.school_id, User.role == Role.STUDENT]
    by_login = session.scalar(select(User).where(*conditions, func.lower(User.email) == text.lower()))
    return by_login or session.scalar(select(User).where(*conditions, User.sourced_id == text))


@dataclass(frozen=True)
class StudentValue:
    category: Category
    recorded: Recorded

    @property
    def label(self) -> str:
        return self.category.value_label(self.recorded.value)


def student_values(session: Session, actor: Actor, student_id: int) -> list[StudentValue]:
    """A student's value in each category the school records (administrators only)."""
    require_admin(actor)
    _student(session, actor, student_id)
    categories = chosen(session, actor.school_id)
    values = values_for(session, actor.school_id, categories, select(User.id).where(User.id == student_id))
    return [StudentValue(c, values[c.key].get(student_id, Recorded(NOT_RECORDED, None))) for c in categories]


def _upsert(session: Session, actor: Actor, student_id: int, key: str, value: str) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    statement = insert(SubgroupValue).values(
        student_id=student_id, category=key, school_id=actor.school_id, value=value, source="admin",
        set_by_id=actor.user_id, updated_at=now,
    )  # fmt: skip
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[SubgroupValue.student_id, SubgroupValue.category],
            set_={"value": value, "source": "admin", "set_by_id": actor.user_id, "updated_at": now},
        )
    )


def _insert_ignore(
    session: Session, model: type[EquityCategory], values: dict[str, object], keys: list[Any]
) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=keys))


def _clear(session: Session, student_id: int, key: str) -> bool:
    result = session.execute(
        delete(SubgroupValue)
        .where(SubgroupValue.student_id == student_id, SubgroupValue.category == key)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def set_value(session: Session, actor: Actor, student_id: int, category_key: str, value: str) -> StudentValue:
    """Set (or, with an empty value, clear) an administrator's value for one student and category; a
    cleared OneRoster category falls back to demographics.csv. Safe to repeat and to run concurrently."""
    require_admin(actor)
    student = _student(session, actor, student_id)
    found = _chosen_category(session, actor.school_id, category_key)
    typed = value.strip()
    if typed:
        code = normalise_value(found, typed)
        if code is None:
            raise InvalidInput("value", f"{typed[:VALUE_MAX]!r} is not a value of {found.label}; the values are "
                               + ", ".join(found.codes))  # fmt: skip
        _upsert(session, actor, student.id, found.key, code)
    else:
        _clear(session, student.id, found.key)
    audit.record(
        session, school_id=actor.school_id, actor_id=actor.user_id, action="equity.value_set",
        subject=("user", student.id), detail={"category": found.key, "cleared": not typed},
    )  # fmt: skip
    session.flush()
    return next(v for v in student_values(session, actor, student.id) if v.category.key == found.key)


# CSV -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvValue:
    line: int
    student_id: int
    category: str
    value: str  # a code, or "" to clear


@dataclass
class CsvResult:
    dry_run: bool
    rows: list[CsvValue] = field(default_factory=list)

    @property
    def set(self) -> int:
        return sum(bool(r.value) for r in self.rows)

    @property
    def cleared(self) -> int:
        return sum(not r.value for r in self.rows)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvRejected(
            [CsvProblem(line, "", 'the file is not UTF-8 text: save it as "CSV UTF-8"')]
        ) from None


def _header(header: list[str]) -> tuple[list[str], list[CsvProblem]]:
    names: list[str] = []
    problems: list[CsvProblem] = []
    for position, raw in enumerate(header, start=1):
        name = raw.strip().lower()
        name = "student" if name in STUDENT_COLUMNS else name
        if name not in CSV_COLUMNS:
            problems.append(CsvProblem(1, raw.strip() or f"#{position}",
                                       "unknown column; the columns are student (login or sourcedId), value "
                                       "and, optionally, category"))  # fmt: skip
        elif name in names:
            problems.append(CsvProblem(1, name, "this column appears twice"))
        names.append(name)
    for needed in ("student", "value"):
        if needed not in names:
            problems.append(CsvProblem(1, needed, f"the header must have a {needed} column"))
    return names, problems


def import_values_csv(
    session: Session, actor: Actor, data: bytes | str, *, category_key: str = "", dry_run: bool = False
) -> CsvResult:
    """Set values from a CSV file: ``student`` (login or sourcedId), ``value`` (empty: clear) and, unless
    ``category_key`` names one for the whole file, ``category``. Every problem is reported with its line;
    with any problem nothing is written."""
    require_admin(actor)
    if len(data) > limits.CSV_MAX_BYTES:
        raise CsvRejected(
            [CsvProblem(1, "", f"the file is larger than {limits.CSV_MAX_BYTES // 1_000_000} MB")]
        )
    text = _decode(data)
    if "\x00" in text:
        raise CsvRejected(
            [CsvProblem(text[: text.index("\x00")].count("\n") + 1, "", "the file contains NUL characters")]
        )
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter if first.count(delimiter) else ",",
                        strict=True)  # fmt: skip
    try:
        header = next(reader)
    except StopIteration:
        raise CsvRejected([CsvProblem(1, "", "the file is empty: it needs a header row")]) from None
    except csv.Error as error:
        raise CsvRejected([CsvProblem(1, "", f"the header row cannot be read: {error}")]) from None
    names, problems = _header(header)
    default: Category | None = None
    if category_key.strip():
        try:
            default = _chosen_category(session, actor.school_id, category_key)
        except (InvalidInput, Conflict) as error:
            problems.append(CsvProblem(1, "category", error.message))
    elif "category" not in names:
        problems.append(CsvProblem(1, "category", "choose the category, or give a category column"))
    if problems:
        raise CsvRejected(problems)
    recorded = {c.key for c in chosen(session, actor.school_id)}
    result = CsvResult(dry_run)
    seen: dict[tuple[int, str], int] = {}
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(CsvProblem(start, "", f"this row cannot be read: {error}"))
            break
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(names):
            problems.append(
                CsvProblem(start, "", f"the row has {len(record)} fields, the header {len(names)}")
            )
            continue
        if len(result.rows) + len(problems) >= limits.CSV_MAX_ROWS:
            problems.append(
                CsvProblem(start, "", f"at most {limits.CSV_MAX_ROWS} rows per file: split the file")
            )
            break
        cells = dict(zip(names, (c.strip() for c in record), strict=True))
        found = default
        if cells.get("category"):
            found = BY_KEY.get(cells["category"].lower())
            if found is None:
                problems.append(CsvProblem(start, "category", f"unknown category {cells['category'][:40]!r}"))
                continue
            if found.key not in recorded:
                problems.append(CsvProblem(start, "category", f"the school does not record {found.label}"))
                continue
        if found is None:
            problems.append(CsvProblem(start, "category", "the category is missing"))
            continue
        student = find_student(session, actor, cells["student"])
        if student is None:
            problems.append(CsvProblem(start, "student", f"no student of this school has the login or sourcedId "
                                       f"{cells['student'][:80]!r}"))  # fmt: skip
            continue
        code = ""
        if cells["value"]:
            code = normalise_value(found, cells["value"]) or ""
            if not code:
                problems.append(CsvProblem(start, "value", f"{cells['value'][:VALUE_MAX]!r} is not a value of "
                                           f"{found.label}; the values are {', '.join(found.codes)}"))  # fmt: skip
                continue
        earlier = seen.get((student.id, found.key))
        if earlier is not None:
            problems.append(
                CsvProblem(start, "student", f"this student's {found.label} is already on line {earlier}")
            )
            continue
        seen[(student.id, found.key)] = start
        result.rows.append(CsvValue(start, student.id, found.key, code))
    if problems:
        raise CsvRejected(problems)
    if not result.rows:
        raise CsvRejected([CsvProblem(2, "", "the file has a header but no rows")])
    if not dry_run:
        for row in result.rows:
            if row.value:
                _upsert(session, actor, row.student_id, row.category, row.value)
            else:
                _clear(session, row.student_id, row.category)
        audit.record(
            session, school_id=actor.school_id, actor_id=actor.user_id, action="equity.values_imported",
            detail={"set": result.set, "cleared": result.cleared,
                    "categories": sorted({r.category for r in result.rows})},
        )  # fmt: skip
        session.flush()
    return result


# What is recorded ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueCount:
    value: str
    label: str
    admin: int
    oneroster: int

    @property
    def total(self) -> int:
        return self.admin + self.oneroster


@dataclass(frozen=True)
class CategorySummary:
    category: Category
    values: list[ValueCount]
    not_recorded: int
    students: int


def summary(session: Session, actor: Actor) -> list[CategorySummary]:
    """For each category the school records: how many of its active students have each value, by source
    (administrators only: they may see every student's value)."""
    require_admin(actor)
    categories = chosen(session, actor.school_id)
    students = select(User.id).where(
        User.school_id == actor.school_id, User.role == Role.STUDENT, User.is_active.is_(True)
    )
    total = session.scalar(select(func.count()).select_from(students.subquery())) or 0
    values = values_for(session, actor.school_id, categories, students)
    out = []
    for c in categories:
        counts = {code: [0, 0] for code in c.codes}
        for recorded in values[c.key].values():
            if recorded.value in counts:
                counts[recorded.value][0 if recorded.source == "admin" else 1] += 1
        recorded_count = sum(a + o for a, o in counts.values())
        out.append(
            CategorySummary(
                c, [ValueCount(code, c.value_label(code), *counts[code]) for code in c.codes],
                total - recorded_count, total,
            )
        )  # fmt: skip
    return out
