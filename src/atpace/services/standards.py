"""Standards: CASE frameworks imported into a school, skills aligned to their items, and a course started
from a framework (a skill per chosen item, prerequisites from its ``precedes`` associations).

Reading the CFPackage is ``atpace.interop.case``'s job; this module stores what it read and uses it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from atpace.engine import policy
from atpace.engine.graph import CycleError
from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.interop.case import CaseError, Framework, read_framework
from atpace.services import audit
from atpace.services.access import get_course, require_course_editor
from atpace.services.auth import Actor
from atpace.services.courses import load_graph
from atpace.store.tables import (
    Course,
    Role,
    School,
    Skill,
    SkillPrerequisite,
    SkillStandard,
    StandardFramework,
    StandardItem,
)

MAX_FRAMEWORK_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class FrameworkImport:
    framework_id: int
    title: str
    items: int
    associations: int
    created: bool  # False: an earlier import of the same framework (same identifier) was replaced
    warnings: list[str]


@dataclass(frozen=True)
class FrameworkSummary:
    id: int
    identifier: str
    title: str
    creator: str
    version: str
    items: int


@dataclass(frozen=True)
class OutlineEntry:
    id: int
    identifier: str
    code: str
    statement: str
    item_type: str
    depth: int


@dataclass(frozen=True)
class Alignment:
    code: str
    statement: str
    framework_identifier: str = ""
    item_identifier: str = ""
    uri: str = ""


def require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("only the school's administrators may do this")


def read(data: bytes) -> Framework:
    """The framework in ``data``; every problem the reader found, named, as one InvalidInput."""
    if len(data) > MAX_FRAMEWORK_BYTES:
        raise InvalidInput("file", f"the file is larger than {MAX_FRAMEWORK_BYTES // (1024 * 1024)} MiB")
    try:
        return read_framework(data)
    except CaseError as error:
        raise InvalidInput("file", "not a CASE framework: " + "; ".join(error.problems[:20])) from None


def import_framework(session: Session, school: School, data: bytes) -> FrameworkImport:
    """Store a CASE framework for the school; importing it again (same CFDocument identifier) replaces it."""
    framework = read(data)
    document = framework.document
    package = json.loads(data)  # read_framework accepted it, so it is JSON (json detects the encoding)
    row = session.scalar(
        select(StandardFramework)
        .where(StandardFramework.school_id == school.id, StandardFramework.identifier == document.identifier)
        .with_for_update()
    )
    created = row is None
    fields = {
        "uri": document.uri or "", "title": document.title[:500], "creator": (document.creator or "")[:500],
        "version": (document.version or "")[:64], "document": package,
    }  # fmt: skip
    if row is None:
        row = StandardFramework(school_id=school.id, identifier=document.identifier, **fields)
        session.add(row)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:  # imported by another request a moment ago
            raise Conflict(f"framework {document.title!r} is being imported right now; try again") from None
    else:
        for name, value in fields.items():
            setattr(row, name, value)
        session.execute(delete(StandardItem).where(StandardItem.framework_id == row.id))
    session.add_all(
        StandardItem(
            school_id=school.id, framework_id=row.id, identifier=item.identifier, uri=item.uri or "",
            code=(item.human_coding_scheme or "")[:255], statement=item.full_statement,
            item_type=(item.item_type or "")[:120], position=position, depth=depth,
            data={"education_level": item.education_level, "list_enumeration": item.list_enumeration},
        )
        for position, (depth, item) in enumerate(framework.outline())
    )  # fmt: skip
    session.flush()
    return FrameworkImport(
        row.id, row.title, len(framework.items), len(framework.associations), created, framework.warnings
    )


def import_framework_as(session: Session, actor: Actor, data: bytes) -> FrameworkImport:
    require_admin(actor)
    school = session.get(School, actor.school_id)
    assert school is not None
    result = import_framework(session, school, data)
    audit.record(
        session, school_id=school.id, actor_id=actor.user_id, action="import.standards",
        subject=("framework", result.framework_id),
        detail={"items": result.items, "associations": result.associations, "replaced": not result.created},
    )  # fmt: skip
    return result


def frameworks(session: Session, actor: Actor) -> list[FrameworkSummary]:
    """The school's frameworks (any signed-in member of the school may read standards)."""
    rows = session.scalars(
        select(StandardFramework)
        .where(StandardFramework.school_id == actor.school_id)
        .order_by(StandardFramework.title)
    ).all()
    item_counts = _item_counts(session, [r.id for r in rows])
    return [
        FrameworkSummary(r.id, r.identifier, r.title, r.creator, r.version, item_counts.get(r.id, 0))
        for r in rows
    ]


def _item_counts(session: Session, framework_ids: list[int]) -> dict[int, int]:
    return {
        framework_id: count
        for framework_id, count in session.execute(
            select(StandardItem.framework_id, func.count())
            .where(StandardItem.framework_id.in_(framework_ids))
            .group_by(StandardItem.framework_id)
        )
    }


def _framework(session: Session, actor: Actor, framework_id: int) -> StandardFramework:
    row = session.get(StandardFramework, framework_id)
    if row is None or row.school_id != actor.school_id:
        raise NotFound(f"framework {framework_id} not found")
    return row


def outline(session: Session, actor: Actor, framework_id: int) -> tuple[FrameworkSummary, list[OutlineEntry]]:
    row = _framework(session, actor, framework_id)
    items = session.scalars(
        select(StandardItem).where(StandardItem.framework_id == row.id).order_by(StandardItem.position)
    ).all()
    summary = FrameworkSummary(row.id, row.identifier, row.title, row.creator, row.version, len(items))
    return summary, [
        OutlineEntry(i.id, i.identifier, i.code, i.statement, i.item_type, i.depth) for i in items
    ]


def course_from_framework(
    session: Session,
    actor: Actor,
    framework_id: int,
    item_identifiers: Sequence[str],
    *,
    key: str,
    title: str,
    mastery_threshold: float = 0.95,
) -> Course:
    """A new course with a skill per chosen framework item (its code and statement become the skill's
    name and its alignment) and prerequisites from ``precedes`` among them; items are added afterwards in
    the course editor or by an item import. Admins only."""
    require_admin(actor)
    row = _framework(session, actor, framework_id)
    framework = read_framework(json.dumps(row.document))
    chosen = list(dict.fromkeys(item_identifiers))
    if not chosen:
        raise InvalidInput("item_identifiers", "choose at least one standard")
    unknown = [i for i in chosen if i not in {item.identifier for item in framework.items}]
    if unknown:
        raise InvalidInput("item_identifiers", f"not in {row.title!r}: {', '.join(unknown[:5])}")
    try:
        policy.MasteryRule(mastery_threshold)  # the one rule for thresholds, as the database check
    except ValueError as error:
        raise InvalidInput("mastery_threshold", str(error)) from None
    if not key.strip() or len(key) > 64:
        raise InvalidInput("key", "the course key must be 1-64 characters")
    if not title.strip() or len(title) > 200:
        raise InvalidInput("title", "the course title must be 1-200 characters")
    if session.scalar(select(Course.id).where(Course.school_id == actor.school_id, Course.key == key)):
        raise Conflict(f"a course with key {key!r} already exists", field="key")
    try:
        edges = framework.precedes_edges(chosen)
    except CycleError as error:
        raise InvalidInput(
            "item_identifiers", f"the chosen standards' precedes associations form a cycle: {error}"
        ) from None
    order = [item for _, item in framework.outline() if item.identifier in set(chosen)]
    course = Course(school_id=actor.school_id, key=key.strip(), title=title.strip(), mastery_threshold=mastery_threshold,
                    description=f"Started from the framework {row.title}.")  # fmt: skip
    session.add(course)
    session.flush()
    skills: dict[str, Skill] = {}
    for position, item in enumerate(order):
        code = item.human_coding_scheme or ""
        name = f"{code} {item.short_name(200 - len(code) - 1)}".strip() if code else item.short_name(200)
        skills[item.identifier] = Skill(
            school_id=actor.school_id, course_id=course.id, key=framework.skill_key_for(item), name=name[:200],
            description=item.full_statement, position=position,
        )  # fmt: skip
    session.add_all(skills.values())
    session.flush()
    session.add_all(
        SkillPrerequisite(skill_id=skills[after].id, prerequisite_id=skills[before].id)
        for before, after in edges
    )
    session.add_all(
        SkillStandard(
            skill_id=skills[item.identifier].id, code=(item.human_coding_scheme or item.identifier)[:255],
            statement=item.full_statement, framework_identifier=row.identifier, item_identifier=item.identifier,
            uri=item.uri or "",
        )
        for item in order
    )  # fmt: skip
    session.flush()
    return course


def skill_standards(session: Session, skill_ids: Sequence[int]) -> dict[int, list[Alignment]]:
    """The standards of these skills, by skill id, in code order."""
    rows = session.scalars(
        select(SkillStandard).where(SkillStandard.skill_id.in_(skill_ids)).order_by(SkillStandard.code)
    )
    result: dict[int, list[Alignment]] = {}
    for r in rows:
        result.setdefault(r.skill_id, []).append(
            Alignment(r.code, r.statement, r.framework_identifier, r.item_identifier, r.uri)
        )
    return result


def align_skill(
    session: Session, actor: Actor, course_id: int, skill_key: str, standard_item_id: int
) -> list[Alignment]:
    """Align a skill to a standard of one of the school's frameworks (course editors only)."""
    course = get_course(session, actor, course_id)
    require_course_editor(session, actor, course)
    graph = load_graph(session, course)
    skill = graph.skills.get(skill_key)
    if skill is None:
        raise InvalidInput("skill_key", f"no skill {skill_key!r} in {course.title}")
    item = session.get(StandardItem, standard_item_id)
    if item is None or item.school_id != actor.school_id:
        raise NotFound(f"standard {standard_item_id} not found")
    framework = session.get(StandardFramework, item.framework_id)
    assert framework is not None
    code = (item.code or item.identifier)[:255]
    if session.get(SkillStandard, (skill.id, code)) is not None:
        raise Conflict(f"{skill.name} is already aligned to {code}", field="standard_item_id")
    session.add(
        SkillStandard(
            skill_id=skill.id, code=code, statement=item.statement, framework_identifier=framework.identifier,
            item_identifier=item.identifier, uri=item.uri,
        )
    )  # fmt: skip
    session.flush()
    return skill_standards(session, [skill.id])[skill.id]


def unalign_skill(session: Session, actor: Actor, course_id: int, skill_key: str, code: str) -> None:
    course = get_course(session, actor, course_id)
    require_course_editor(session, actor, course)
    skill = load_graph(session, course).skills.get(skill_key)
    if skill is None:
        raise InvalidInput("skill_key", f"no skill {skill_key!r} in {course.title}")
    row = session.get(SkillStandard, (skill.id, code))
    if row is None:
        raise NotFound(f"{skill.name} is not aligned to {code}")
    session.delete(row)
    session.flush()
