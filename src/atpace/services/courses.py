"""Courses as skill graphs: import, prerequisite edits, graph views."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from atpace.content.spec import AnswerSpec, CourseSpec, ItemSpec, SkillSpec, Standard, TemplateSpec
from atpace.engine import policy
from atpace.engine.graph import CycleError, SkillGraph, UnknownSkillError
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services.access import get_course, require_course_editor, require_staff
from atpace.services.auth import Actor
from atpace.store.db import READ_ONLY
from atpace.store.tables import (
    Classroom,
    ClassTeacher,
    Course,
    Item,
    ItemSkill,
    ItemTemplate,
    Role,
    School,
    Skill,
    SkillPrerequisite,
    SkillStandard,
)

NOT_AUTO_SCORED = ("open_response",)  # written answers a teacher scores: never served in practice


def servable() -> ColumnElement[bool]:
    """Items practice and placement may serve: the current version, scored automatically."""
    return Item.is_current.is_(True) & Item.kind.not_in(NOT_AUTO_SCORED)


@dataclass(frozen=True)
class CourseGraph:
    course: Course
    skills: dict[str, Skill]  # by key, in display order
    graph: SkillGraph

    def skill_by_id(self) -> dict[int, Skill]:
        return {skill.id: skill for skill in self.skills.values()}


GRAPHS = "atpace.course_graphs"  # session.info key: graphs already loaded in a read-only transaction


def load_graph(session: Session, course: Course) -> CourseGraph:
    """The course's skills and prerequisites. A read-only transaction loads each course's graph once (a page
    that reads it in several services, like Today, does not query it again); a writing one always reloads."""
    cache: dict[int, CourseGraph] | None = (
        session.info.setdefault(GRAPHS, {}) if session.info.get(READ_ONLY) else None
    )
    if cache is not None and course.id in cache:
        return cache[course.id]
    graph = _load_graph(session, course)
    if cache is not None:
        cache[course.id] = graph
    return graph


def _load_graph(session: Session, course: Course) -> CourseGraph:
    skills = session.scalars(select(Skill).where(Skill.course_id == course.id).order_by(Skill.position)).all()
    by_id = {skill.id: skill for skill in skills}
    edges = session.execute(
        select(SkillPrerequisite.prerequisite_id, SkillPrerequisite.skill_id).where(
            SkillPrerequisite.skill_id.in_(by_id)
        )
    ).all()
    graph = SkillGraph.build(
        [s.key for s in skills], [(by_id[before].key, by_id[after].key) for before, after in edges]
    )
    return CourseGraph(course, {s.key: s for s in skills}, graph)


def add_prerequisite(
    session: Session, actor: Actor, course_id: int, skill_key: str, prerequisite_key: str
) -> CourseGraph:
    """Add ``prerequisite_key -> skill_key``; a cycle is refused with an error naming it."""
    course = get_course(session, actor, course_id)  # another school's course is "not found", even to students
    require_course_editor(session, actor, course)
    current = load_graph(session, course)
    for field, key in (("skill_key", skill_key), ("prerequisite_key", prerequisite_key)):
        if key not in current.skills:
            raise InvalidInput(field, f"no skill {key!r} in course {course.title!r}")
    if prerequisite_key in current.graph.prerequisites[skill_key]:
        raise Conflict(f"{prerequisite_key!r} is already a prerequisite of {skill_key!r}")
    edges = [(p, s) for s, pres in current.graph.prerequisites.items() for p in pres]
    try:
        SkillGraph.build(current.graph.skills, [*edges, (prerequisite_key, skill_key)])
    except CycleError as error:
        names = " -> ".join(current.skills[key].name for key in error.cycle)
        raise InvalidInput("prerequisite_key", f"this prerequisite would create a cycle: {names}") from error
    session.add(
        SkillPrerequisite(
            skill_id=current.skills[skill_key].id, prerequisite_id=current.skills[prerequisite_key].id
        )
    )
    session.flush()
    return load_graph(session, course)


def remove_prerequisite(
    session: Session, actor: Actor, course_id: int, skill_key: str, prerequisite_key: str
) -> CourseGraph:
    """Remove the edge ``prerequisite_key -> skill_key`` (course editors)."""
    course = get_course(session, actor, course_id)
    require_course_editor(session, actor, course)
    current = load_graph(session, course)
    for field, key in (("skill_key", skill_key), ("prerequisite_key", prerequisite_key)):
        if key not in current.skills:
            raise InvalidInput(field, f"no skill {key!r} in course {course.title!r}")
    if prerequisite_key not in current.graph.prerequisites[skill_key]:
        raise NotFound(f"{prerequisite_key!r} is not a prerequisite of {skill_key!r}")
    session.execute(
        delete(SkillPrerequisite).where(
            SkillPrerequisite.skill_id == current.skills[skill_key].id,
            SkillPrerequisite.prerequisite_id == current.skills[prerequisite_key].id,
        )
    )
    session.flush()
    return load_graph(session, course)


SKILL_KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # as in course packages (docs/course-package.md)
SKILL_KEY_MAX = 64
SKILL_NAME_MAX = 200
SKILL_DESCRIPTION_MAX = 1000
GRADE_RANGE = (0, 13)


def _skill_fields(name: str, description: str, grade: int | None) -> tuple[str, str]:
    name, description = name.strip(), description.strip()
    if not name or len(name) > SKILL_NAME_MAX:
        raise InvalidInput("name", f"the skill's name must be 1-{SKILL_NAME_MAX} characters")
    if len(description) > SKILL_DESCRIPTION_MAX:
        raise InvalidInput(
            "description", f"the description must be at most {SKILL_DESCRIPTION_MAX} characters"
        )
    if grade is not None and not GRADE_RANGE[0] <= grade <= GRADE_RANGE[1]:
        raise InvalidInput("grade", f"the grade must be {GRADE_RANGE[0]} to {GRADE_RANGE[1]}")
    return name, description


def add_skill(
    session: Session,
    actor: Actor,
    course_id: int,
    key: str,
    name: str,
    description: str = "",
    grade: int | None = None,
) -> CourseGraph:
    """Add a skill at the end of the course (course editors); it needs items before students can master it."""
    course = get_course(session, actor, course_id)
    require_course_editor(session, actor, course)
    if len(key) > SKILL_KEY_MAX or not SKILL_KEY.fullmatch(key):
        raise InvalidInput(
            "key", f"a skill key is 1-{SKILL_KEY_MAX} lowercase letters and digits in words joined by "
            "single hyphens, like 'unit-rates'",
        )  # fmt: skip
    name, description = _skill_fields(name, description, grade)
    current = load_graph(session, course)
    if key in current.skills:
        raise Conflict(f"{course.title} already has a skill {key!r}", field="key")
    last = session.scalar(select(func.max(Skill.position)).where(Skill.course_id == course.id))
    session.add(
        Skill(
            school_id=course.school_id, course_id=course.id, key=key, name=name, description=description,
            grade=grade, position=(last if last is not None else -1) + 1,
        )
    )  # fmt: skip
    session.flush()
    return load_graph(session, course)


def update_skill(
    session: Session,
    actor: Actor,
    course_id: int,
    key: str,
    name: str,
    description: str,
    grade: int | None = None,
) -> CourseGraph:
    """Rename a skill and change its description (and grade, when given); its key stays (course editors)."""
    course = get_course(session, actor, course_id)
    require_course_editor(session, actor, course)
    name, description = _skill_fields(name, description, grade)
    skill = load_graph(session, course).skills.get(key)
    if skill is None:
        raise NotFound(f"no skill {key!r} in {course.title}")
    skill.name, skill.description = name, description
    if grade is not None:
        skill.grade = grade
    session.flush()
    return load_graph(session, course)


@dataclass(frozen=True)
class CourseSummary:
    id: int
    key: str
    title: str
    description: str
    version: str
    mastery_threshold: float
    skills: int
    items: int  # current versions
    classes: list[str]  # names of the classes that use it


def courses_for(session: Session, actor: Actor) -> list[CourseSummary]:
    """The school's courses for an administrator; a teacher's are those their classes use (staff only)."""
    require_staff(actor)
    query = select(Course).where(Course.school_id == actor.school_id).order_by(Course.title, Course.id)
    if actor.role == Role.TEACHER:
        taught = (
            select(Classroom.course_id)
            .join(ClassTeacher, ClassTeacher.class_id == Classroom.id)
            .where(ClassTeacher.user_id == actor.user_id)
        )
        query = query.where(Course.id.in_(taught))
    rows = session.scalars(query).all()
    ids = [c.id for c in rows]
    skill_counts = dict(
        session.execute(
            select(Skill.course_id, func.count()).where(Skill.course_id.in_(ids)).group_by(Skill.course_id)
        ).all()
    )
    item_counts = dict(
        session.execute(
            select(Item.course_id, func.count())
            .where(Item.course_id.in_(ids), Item.is_current.is_(True))
            .group_by(Item.course_id)
        ).all()
    )
    classes: dict[int, list[str]] = {}
    for course_id, name in session.execute(
        select(Classroom.course_id, Classroom.name)
        .where(Classroom.course_id.in_(ids))
        .order_by(Classroom.name)
    ):
        if course_id is not None:
            classes.setdefault(course_id, []).append(name)
    return [
        CourseSummary(
            id=c.id, key=c.key, title=c.title, description=c.description, version=c.version,
            mastery_threshold=c.mastery_threshold, skills=int(skill_counts.get(c.id, 0)),
            items=int(item_counts.get(c.id, 0)), classes=classes.get(c.id, []),
        )
        for c in rows
    ]  # fmt: skip


def import_course(session: Session, school: School, spec: CourseSpec) -> Course:
    """Create a course with its skills, prerequisites, templates and items (one transaction)."""
    try:
        spec.skill_graph()
    except (CycleError, UnknownSkillError) as error:
        raise InvalidInput("skills", str(error)) from error
    try:
        item_specs = spec.items()
    except ValueError as error:
        raise InvalidInput("items", str(error)) from error
    practised = {key for item in item_specs if item.answer.auto_scored for key in item.skill_keys}
    without = [skill.key for skill in spec.skills if skill.key not in practised]
    if without:  # such a skill could be neither practised nor placed, so never mastered
        raise InvalidInput(
            "items", f"every skill needs auto-scored items; none practise {', '.join(without)}"
        )
    try:
        policy.MasteryRule(spec.mastery_threshold)
    except ValueError as error:
        raise InvalidInput("mastery_threshold", str(error)) from None
    if session.scalar(select(Course).where(Course.school_id == school.id, Course.key == spec.key)):
        raise Conflict(f"course {spec.key!r} already exists in {school.name}")
    course = Course(
        school_id=school.id, key=spec.key, title=spec.title, description=spec.description, grades=spec.grades,
        mastery_threshold=spec.mastery_threshold, version=spec.version,
    )  # fmt: skip
    session.add(course)
    session.flush()
    skills: dict[str, Skill] = {}
    for position, skill_spec in enumerate(spec.skills):
        skill = Skill(
            school_id=school.id,
            course_id=course.id,
            key=skill_spec.key,
            name=skill_spec.name,
            description=skill_spec.description,
            grade=skill_spec.grade,
            position=position,
        )
        skills[skill_spec.key] = skill
    session.add_all(skills.values())
    session.flush()
    session.add_all(
        SkillPrerequisite(skill_id=skills[s.key].id, prerequisite_id=skills[p].id)
        for s in spec.skills
        for p in s.prerequisites
    )
    session.add_all(
        SkillStandard(
            skill_id=skills[s.key].id, code=std.code, statement=std.statement,
            framework_identifier=std.framework, item_identifier=std.identifier, uri=std.uri,
        )
        for s in spec.skills
        for std in s.standards
    )  # fmt: skip
    templates = {
        t.key: ItemTemplate(
            school_id=school.id, course_id=course.id, key=t.key, kind=t.kind, description=t.description
        )
        for t in spec.templates
    }
    session.add_all(templates.values())
    session.flush()
    items = [
        Item(
            school_id=school.id,
            course_id=course.id,
            template_id=templates[i.template_key].id,
            key=i.key,
            kind=i.kind,
            prompt=i.prompt,
            answer=i.answer.to_dict(),
            hints=list(i.hints),
            worked_solution=list(i.worked_solution),
            difficulty=i.difficulty,
        )
        for i in item_specs
    ]
    session.add_all(items)
    session.flush()
    session.add_all(
        ItemSkill(item_id=item.id, skill_id=skills[key].id)
        for item, item_spec in zip(items, item_specs, strict=True)
        for key in item_spec.skill_keys
    )
    session.flush()
    return course


def course_spec(session: Session, course: Course) -> CourseSpec:
    """The course as plain data (the current version of every item), ready to write as a package."""
    graph = load_graph(session, course)
    by_id = graph.skill_by_id()
    standards: dict[int, list[Standard]] = {}
    for row in session.scalars(select(SkillStandard).where(SkillStandard.skill_id.in_(by_id))):
        standards.setdefault(row.skill_id, []).append(
            Standard(row.code, row.statement, row.framework_identifier, row.item_identifier, row.uri)
        )
    skills = tuple(
        SkillSpec(
            key=s.key, name=s.name, description=s.description, grade=s.grade or 0,
            prerequisites=tuple(k for k in graph.skills if k in graph.graph.prerequisites[s.key]),
            standards=tuple(sorted(standards.get(s.id, []), key=lambda std: std.code)),
        )
        for s in graph.skills.values()
    )  # fmt: skip
    templates = {
        t.id: t for t in session.scalars(select(ItemTemplate).where(ItemTemplate.course_id == course.id))
    }
    item_skills: dict[int, list[str]] = {}
    for item_id, skill_id in session.execute(
        select(ItemSkill.item_id, ItemSkill.skill_id)
        .join(Item, Item.id == ItemSkill.item_id)
        .where(Item.course_id == course.id, Item.is_current.is_(True))
    ):
        item_skills.setdefault(item_id, []).append(by_id[skill_id].key)
    position = {key: n for n, key in enumerate(graph.skills)}
    # A package template holds items of one kind and one set of skills, each keyed "template/key". Items
    # imported from files or edited to another kind share a stored template without that shape, so such
    # a template is written as several ("base", "base-2", ...) and their items get the template's prefix.
    grouped: dict[tuple[str, str, tuple[str, ...]], list[tuple[Item, AnswerSpec]]] = {}
    for item in session.scalars(
        select(Item).where(Item.course_id == course.id, Item.is_current.is_(True)).order_by(Item.id)
    ):
        skill_keys = tuple(sorted(item_skills.get(item.id, []), key=position.__getitem__))
        if not skill_keys:
            continue  # practises no skill of the course (cannot be served either)
        template = templates.get(item.template_id) if item.template_id is not None else None
        base = template.key if template is not None else f"items-{item.kind}"
        answer = AnswerSpec.from_dict(item.answer)
        grouped.setdefault((base, answer.kind, skill_keys), []).append((item, answer))
    described = {t.key: t.description for t in templates.values()}
    bases = {base for base, _, _ in grouped}
    used: set[str] = set()
    template_specs_list: list[TemplateSpec] = []
    for (base, kind, skill_keys), members in grouped.items():
        template_key, number = base, 2
        while template_key in used or (template_key != base and template_key in bases):
            template_key, number = f"{base}-{number}", number + 1
        used.add(template_key)
        specs: list[ItemSpec] = []
        local_keys: set[str] = set()
        for item, answer in members:
            local = _package_item_key(item.key, base, local_keys)
            specs.append(
                ItemSpec(
                    key=f"{template_key}/{local}", skill_keys=skill_keys, template_key=template_key,
                    prompt=item.prompt, answer=answer, hints=tuple(map(str, item.hints)),
                    worked_solution=tuple(map(str, item.worked_solution)), difficulty=item.difficulty,
                )
            )  # fmt: skip
        template_specs_list.append(
            TemplateSpec(
                key=template_key, skill_keys=skill_keys, kind=kind,  # type: ignore[arg-type]
                description=described.get(base, ""), generator=lambda specs=specs: specs,  # type: ignore[misc]
            )
        )  # fmt: skip
    template_specs = tuple(template_specs_list)
    return CourseSpec(
        key=course.key, title=course.title, description=course.description, grades=course.grades,
        skills=skills, templates=template_specs, mastery_threshold=course.mastery_threshold,
        version=course.version,
    )  # fmt: skip


_PACKAGE_ITEM_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")


def _package_item_key(key: str, template_key: str, taken: set[str]) -> str:
    """The item's key inside its package template: what follows "template/" when it has that form, else
    the whole key made fit (letters, digits, '.', '_', '+', '-'); unique within the template."""
    local = key.removeprefix(f"{template_key}/")
    if not _PACKAGE_ITEM_KEY.fullmatch(local):
        local = re.sub(r"[^A-Za-z0-9._+-]+", "-", local).strip("-._+")[:100].rstrip("-._+") or "item"
    unique, number = local, 2
    while unique in taken:
        suffix = f"-{number}"
        unique, number = local[: 100 - len(suffix)] + suffix, number + 1
    taken.add(unique)
    return unique
