"""Courses as skill graphs: import, prerequisite edits, graph views."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.content.spec import AnswerSpec, CourseSpec, ItemSpec, SkillSpec, Standard, TemplateSpec
from atpace.engine import policy
from atpace.engine.graph import CycleError, SkillGraph, UnknownSkillError
from atpace.errors import Conflict, InvalidInput
from atpace.services.access import get_course, require_course_editor
from atpace.services.auth import Actor
from atpace.store.tables import (
    Course,
    Item,
    ItemSkill,
    ItemTemplate,
    School,
    Skill,
    SkillPrerequisite,
    SkillStandard,
)


@dataclass(frozen=True)
class CourseGraph:
    course: Course
    skills: dict[str, Skill]  # by key, in display order
    graph: SkillGraph

    def skill_by_id(self) -> dict[int, Skill]:
        return {skill.id: skill for skill in self.skills.values()}


def load_graph(session: Session, course: Course) -> CourseGraph:
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
    grouped: dict[str, list[ItemSpec]] = {}
    kinds: dict[str, str] = {}
    for item in session.scalars(
        select(Item).where(Item.course_id == course.id, Item.is_current.is_(True)).order_by(Item.id)
    ):
        template = templates.get(item.template_id) if item.template_id is not None else None
        template_key = template.key if template is not None else f"items-{item.kind}"
        answer = AnswerSpec.from_dict(item.answer)
        grouped.setdefault(template_key, []).append(
            ItemSpec(
                key=item.key, skill_keys=tuple(sorted(item_skills.get(item.id, []), key=position.__getitem__)),
                template_key=template_key, prompt=item.prompt, answer=answer, hints=tuple(map(str, item.hints)),
                worked_solution=tuple(map(str, item.worked_solution)), difficulty=item.difficulty,
            )
        )  # fmt: skip
        kinds[template_key] = answer.kind
    described = {t.key: t.description for t in templates.values()}
    template_specs = tuple(
        TemplateSpec(
            key=key, skill_keys=tuple(dict.fromkeys(k for i in items for k in i.skill_keys)),
            kind=items[0].kind, description=described.get(key, ""),
            generator=lambda items=items: items,  # type: ignore[misc]
        )
        for key, items in grouped.items()
    )  # fmt: skip
    return CourseSpec(
        key=course.key, title=course.title, description=course.description, grades=course.grades,
        skills=skills, templates=template_specs, mastery_threshold=course.mastery_threshold,
        version=course.version,
    )  # fmt: skip
