"""Items of a course: edit one (a new version once it has been answered), try an answer, import a file.

An answered item is never changed in place: every attempt keeps the version it answered, so its
prompt, answer and feedback stay readable as the student saw them. An edit of an answered item adds
the next version (same key) and moves ``is_current`` to it; practice serves current versions only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from atpace.content.answers import CheckResult, check_answer
from atpace.content.spec import AnswerSpec, ItemSpec
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.interop.items import FORMATS, ItemImport, parse_items
from atpace.services.access import get_course, require_course_editor
from atpace.services.auth import Actor
from atpace.services.courses import CourseGraph, load_graph
from atpace.store.tables import Attempt, Course, Item, ItemSkill, ItemTemplate

MAX_UPLOAD_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class ItemVersion:
    id: int
    key: str
    version: int
    is_current: bool
    kind: str
    prompt: str
    answer: dict[str, object]
    hints: list[str]
    worked_solution: list[str]
    difficulty: float
    skill_keys: list[str]
    answered: int  # attempts on this version


def _editable_course(session: Session, actor: Actor, course_id: int) -> tuple[Course, CourseGraph]:
    course = get_course(session, actor, course_id)
    require_course_editor(session, actor, course)
    return course, load_graph(session, course)


def _current(session: Session, course: Course, key: str, *, lock: bool = False) -> Item:
    """The current version of the item; ``lock``: after waiting for any other edit of it to finish.

    The lock is taken on the item's first version, which every edit keeps: locking the current row is
    not enough on PostgreSQL, where an edit waiting for it finds that row no longer current once the
    other edit commits (its statement's snapshot does not hold the new version) and so finds nothing.
    The current version is then read by a new statement, which sees what the other edit committed.
    """
    if lock:
        session.scalar(
            select(Item.id)
            .where(Item.course_id == course.id, Item.key == key)
            .order_by(Item.version)
            .limit(1)
            .with_for_update()
        )
    query = select(Item).where(Item.course_id == course.id, Item.key == key, Item.is_current.is_(True))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    item = session.scalar(query)
    if item is None:
        raise NotFound(f"no item {key!r} in {course.title}")
    return item


def _views(session: Session, items: Sequence[Item], graph: CourseGraph) -> list[ItemVersion]:
    """Items with their skills and attempt counts, in two queries whatever their number."""
    by_id = graph.skill_by_id()
    ids = [item.id for item in items]
    skills: dict[int, list[str]] = {}
    for item_id, skill_id in session.execute(
        select(ItemSkill.item_id, ItemSkill.skill_id).where(ItemSkill.item_id.in_(ids))
    ):
        if skill_id in by_id:
            skills.setdefault(item_id, []).append(by_id[skill_id].key)
    answered = dict(
        session.execute(
            select(Attempt.item_id, func.count()).where(Attempt.item_id.in_(ids)).group_by(Attempt.item_id)
        ).all()
    )
    order = {key: n for n, key in enumerate(graph.skills)}
    return [
        ItemVersion(
            id=item.id,
            key=item.key,
            version=item.version,
            is_current=item.is_current,
            kind=item.kind,
            prompt=item.prompt,
            answer=dict(item.answer),
            hints=[str(h) for h in item.hints],
            worked_solution=[str(s) for s in item.worked_solution],
            difficulty=item.difficulty,
            skill_keys=sorted(skills.get(item.id, []), key=order.__getitem__),
            answered=int(answered.get(item.id, 0)),
        )
        for item in items
    ]


def _view(session: Session, item: Item, graph: CourseGraph) -> ItemVersion:
    return _views(session, [item], graph)[0]


def item_versions(session: Session, actor: Actor, course_id: int, key: str) -> list[ItemVersion]:
    """Every version of an item, newest first (course editors)."""
    course, graph = _editable_course(session, actor, course_id)
    rows = session.scalars(
        select(Item).where(Item.course_id == course.id, Item.key == key).order_by(Item.version.desc())
    ).all()
    if not rows:
        raise NotFound(f"no item {key!r} in {course.title}")
    return _views(session, rows, graph)


def _spec_problems(spec: ItemSpec, graph: CourseGraph) -> None:
    unknown = [k for k in spec.skill_keys if k not in graph.skills]
    if unknown:
        raise InvalidInput("skill_keys", f"no skill {unknown[0]!r} in {graph.course.title}")


def edit_item(
    session: Session, actor: Actor, course_id: int, spec: ItemSpec, *, based_on: int | None = None
) -> ItemVersion:
    """Save ``spec`` as item ``spec.key``: in place while no one has answered it, else as a new version.

    ``based_on`` is the version the editor started from: when another edit saved a newer version since,
    this one becomes the next version instead of overwriting that edit in place. The item is locked
    first, so two editors saving at once make two versions one after the other instead of two
    "current" rows.
    """
    course, graph = _editable_course(session, actor, course_id)
    _spec_problems(spec, graph)
    current = _current(session, course, spec.key, lock=True)
    answered = session.scalar(select(exists().where(Attempt.item_id == current.id)))
    stale = based_on is not None and based_on != current.version  # another edit saved a version since
    fields = {
        "kind": spec.kind, "prompt": spec.prompt, "answer": spec.answer.to_dict(), "hints": list(spec.hints),
        "worked_solution": list(spec.worked_solution), "difficulty": spec.difficulty,
    }  # fmt: skip
    if not answered and not stale:
        for name, value in fields.items():
            setattr(current, name, value)
        target = current
        session.query(ItemSkill).filter(ItemSkill.item_id == current.id).delete()
    else:
        current.is_current = False
        session.flush()  # the old row stops being current before the new one is
        target = Item(
            school_id=course.school_id, course_id=course.id, template_id=current.template_id, key=current.key,
            version=current.version + 1, is_current=True, **fields,
        )  # fmt: skip
        session.add(target)
        session.flush()
    session.add_all(ItemSkill(item_id=target.id, skill_id=graph.skills[k].id) for k in spec.skill_keys)
    session.flush()
    return _view(session, target, graph)


def item_spec(session: Session, actor: Actor, course_id: int, key: str) -> ItemSpec:
    """The current version of an item as an editable spec."""
    course, graph = _editable_course(session, actor, course_id)
    item = _current(session, course, key)
    view = _view(session, item, graph)
    template = session.get(ItemTemplate, item.template_id) if item.template_id is not None else None
    return ItemSpec(
        key=item.key, skill_keys=tuple(view.skill_keys), template_key=template.key if template else "edited",
        prompt=item.prompt, answer=AnswerSpec.from_dict(item.answer), hints=tuple(view.hints),
        worked_solution=tuple(view.worked_solution), difficulty=item.difficulty,
    )  # fmt: skip


def try_answer(answer: AnswerSpec, response: str) -> CheckResult:
    """What the answer checker says about ``response`` (the editor's "try an answer" box)."""
    if not answer.auto_scored:
        return CheckResult("malformed", "This item is scored by a teacher, not automatically.", None)
    return check_answer(answer, response)


@dataclass(frozen=True)
class ItemImportReport:
    format: str
    created: list[str]  # item keys
    versioned: list[str]  # existing keys that got a new version (or were updated while unanswered)
    unchanged: list[str]
    parsed: ItemImport  # problems, skipped interactions and warnings, as the reader found them
    applied: bool

    @property
    def ok(self) -> bool:
        return self.parsed.ok


def import_items(
    session: Session,
    actor: Actor,
    course_id: int,
    data: bytes,
    filename: str,
    *,
    skill_key: str,
    format: str | None = None,
    dry_run: bool = False,
) -> ItemImportReport:
    """Read a file of items (GIFT, QTI 2.x/3.0, Canvas QTI 1.2, Aiken, CSV) into a skill of the course.

    Nothing is written when the file has a problem or on a dry run; otherwise all items in one go (the
    caller's transaction). An item whose key exists already becomes that item's next version when it
    differs, and is left alone when it is the same.
    """
    course, graph = _editable_course(session, actor, course_id)
    if skill_key not in graph.skills:
        raise InvalidInput("skill_key", f"no skill {skill_key!r} in {course.title}")
    if format is not None and format not in FORMATS:
        raise InvalidInput("format", f"format must be one of {', '.join(FORMATS)}")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput("file", f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB")
    parsed = parse_items(data, filename, skill_key=skill_key, format=format)
    if not parsed.ok:
        return ItemImportReport(parsed.format or "", [], [], [], parsed, applied=False)
    for spec in parsed.items:  # a CSV row may name its own skill
        unknown = [k for k in spec.skill_keys if k not in graph.skills]
        if unknown:
            raise InvalidInput("skill", f"item {spec.key!r}: no skill {unknown[0]!r} in {course.title}")
    existing = {
        item.key: item
        for item in session.scalars(
            select(Item).where(Item.course_id == course.id, Item.is_current.is_(True))
        )
    }
    # The existing items this file names, with their skills, in one query (not one per item).
    named = {
        v.key: v for v in _views(session, [existing[s.key] for s in parsed.items if s.key in existing], graph)
    }
    created, versioned, unchanged = [], [], []
    for spec in parsed.items:
        old = named.get(spec.key)
        if old is None:
            created.append(spec.key)
        elif _same(old, spec):
            unchanged.append(spec.key)
        else:
            versioned.append(spec.key)
    new_keys = set(created)
    if not dry_run:
        template = _import_template(session, course, parsed.format, skill_key)
        new_items = [
            Item(
                school_id=course.school_id, course_id=course.id, template_id=template.id, key=spec.key,
                kind=spec.kind, prompt=spec.prompt, answer=spec.answer.to_dict(), hints=list(spec.hints),
                worked_solution=list(spec.worked_solution), difficulty=spec.difficulty,
            )
            for spec in parsed.items
            if spec.key in new_keys
        ]  # fmt: skip
        session.add_all(new_items)
        session.flush()
        specs = {spec.key: spec for spec in parsed.items}
        session.add_all(
            ItemSkill(item_id=i.id, skill_id=graph.skills[k].id)
            for i in new_items
            for k in specs[i.key].skill_keys
        )
        for key in versioned:
            edit_item(session, actor, course_id, specs[key])
        session.flush()
    return ItemImportReport(parsed.format, created, versioned, unchanged, parsed, applied=not dry_run)


def _same(item: ItemVersion, spec: ItemSpec) -> bool:
    return (
        item.prompt == spec.prompt
        and item.answer == spec.answer.to_dict()
        and item.hints == list(spec.hints)
        and item.worked_solution == list(spec.worked_solution)
        and item.difficulty == spec.difficulty
        and set(item.skill_keys) == set(spec.skill_keys)
    )


def _import_template(session: Session, course: Course, format: str, skill_key: str) -> ItemTemplate:
    """Imported items are grouped under one template per format and skill (shown in the editor)."""
    key = f"import-{format}-{skill_key}"[:120]
    template = session.scalar(
        select(ItemTemplate).where(ItemTemplate.course_id == course.id, ItemTemplate.key == key)
    )
    if template is None:
        template = ItemTemplate(
            school_id=course.school_id,
            course_id=course.id,
            key=key,
            kind="imported",
            description=f"Items imported from {format.upper()} into {skill_key}",
        )
        session.add(template)
        session.flush()
    return template


def course_items(
    session: Session, actor: Actor, course_id: int, skill_key: str | None = None
) -> Sequence[ItemVersion]:
    """The current items of a course (of one skill), for the editor."""
    course, graph = _editable_course(session, actor, course_id)
    query = select(Item).where(Item.course_id == course.id, Item.is_current.is_(True)).order_by(Item.key)
    if skill_key is not None:
        if skill_key not in graph.skills:
            raise InvalidInput("skill_key", f"no skill {skill_key!r} in {course.title}")
        query = query.join(ItemSkill, ItemSkill.item_id == Item.id).where(
            ItemSkill.skill_id == graph.skills[skill_key].id
        )
    rows = session.scalars(query).all()
    if len(rows) > 5000:
        raise Conflict("this course has too many items to list at once; choose a skill")
    return _views(session, rows, graph)
