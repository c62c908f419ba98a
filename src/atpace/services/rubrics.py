"""Rubrics: criteria x levels, shared by the teachers of one school and reused across assignments.

A criterion may be aligned to a skill of one of the school's courses: the level a teacher gives on it is
then evidence for that skill (``atpace.services.grading``, docs/rubrics.md). Levels are ordered lowest
first; their points never fall from one level to the next.

A rubric that has been used for feedback is frozen: past feedback names its criteria and levels by
position, so an edit would change what students were told. Such an edit is refused (409) and a copy,
which is editable, is offered instead. Archiving hides a rubric from the lists and from new
assignments; nothing is deleted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from atpace.engine.evidence import level_credit
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services import limits
from atpace.services.access import require_staff
from atpace.services.auth import Actor
from atpace.store.tables import (
    Assignment,
    Course,
    Feedback,
    Rubric,
    RubricCriterion,
    Skill,
    Submission,
    User,
    utcnow,
)

CRITERIA_MAX = 20  # criteria of one rubric
LEVELS_MIN, LEVELS_MAX = 2, 8  # levels of one criterion
POINTS_MAX = 1000.0  # points of one level


@dataclass(frozen=True)
class LevelInput:
    title: str
    description: str = ""
    points: float = 0.0


@dataclass(frozen=True)
class CriterionInput:
    """One criterion as typed. ``skill_id``, or ``course_key`` with ``skill_key``, aligns it to a skill;
    ``id`` names an existing criterion of the rubric being edited (kept in place)."""

    title: str
    levels: Sequence[LevelInput]
    description: str = ""
    skill_id: int | None = None
    course_key: str | None = None
    skill_key: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class RubricInput:
    title: str
    criteria: Sequence[CriterionInput]
    description: str = ""


@dataclass(frozen=True)
class LevelView:
    index: int  # 0 = lowest
    title: str
    description: str
    points: float
    credit: float  # the evidence it gives on an aligned skill: 0 (lowest) to 1 (highest), evenly spaced


@dataclass(frozen=True)
class CriterionView:
    id: int
    position: int
    title: str
    description: str
    skill_id: int | None
    skill_key: str | None
    skill_name: str | None
    course_id: int | None
    course_key: str | None
    levels: tuple[LevelView, ...]

    @property
    def max_points(self) -> float:
        return max((level.points for level in self.levels), default=0.0)


@dataclass(frozen=True)
class RubricView:
    id: int
    title: str
    description: str
    criteria: tuple[CriterionView, ...]
    created_by: str
    created_at: datetime
    archived_at: datetime | None
    used: bool  # feedback was given with it: frozen, copy it to change it
    assignment_count: int

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.criteria)

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


@dataclass(frozen=True)
class RubricSummary:
    id: int
    title: str
    description: str
    criterion_count: int
    aligned_count: int  # criteria aligned to a skill
    created_by: str
    created_at: datetime
    archived_at: datetime | None
    used: bool


@dataclass(frozen=True)
class SkillChoice:
    id: int
    key: str
    name: str


@dataclass(frozen=True)
class CourseSkills:
    id: int
    key: str
    title: str
    skills: tuple[SkillChoice, ...] = field(default_factory=tuple)


# Reading


def list_rubrics(session: Session, actor: Actor, *, include_archived: bool = False) -> list[RubricSummary]:
    """The school's rubrics, by title (archived ones only when asked)."""
    require_staff(actor)
    query = (
        select(Rubric, User.display_name)
        .outerjoin(User, User.id == Rubric.created_by_id)
        .where(Rubric.school_id == actor.school_id)
        .order_by(func.lower(Rubric.title), Rubric.id)
    )
    if not include_archived:
        query = query.where(Rubric.archived_at.is_(None))
    rows = session.execute(query).all()
    ids = [rubric.id for rubric, _ in rows]
    counts: dict[int, tuple[int, int]] = {
        rubric_id: (int(total), int(aligned or 0))
        for rubric_id, total, aligned in session.execute(
            select(
                RubricCriterion.rubric_id,
                func.count(RubricCriterion.id),
                func.count(RubricCriterion.skill_id),
            )
            .where(RubricCriterion.rubric_id.in_(ids))
            .group_by(RubricCriterion.rubric_id)
        )
    }
    used = _used_ids(session, ids)
    return [
        RubricSummary(
            rubric.id,
            rubric.title,
            rubric.description,
            *counts.get(rubric.id, (0, 0)),
            name or "",
            rubric.created_at,
            rubric.archived_at,
            rubric.id in used,
        )
        for rubric, name in rows
    ]


def get_rubric(session: Session, actor: Actor, rubric_id: int) -> RubricView:
    return rubric_view(session, _school_rubric(session, actor, rubric_id))


def rubric_view(session: Session, rubric: Rubric) -> RubricView:
    """A rubric with its criteria (no access check: the caller has checked)."""
    criteria = session.scalars(
        select(RubricCriterion)
        .where(RubricCriterion.rubric_id == rubric.id)
        .order_by(RubricCriterion.position, RubricCriterion.id)
    ).all()
    skill_ids = {c.skill_id for c in criteria if c.skill_id is not None}
    skills = {
        skill.id: (skill, course)
        for skill, course in session.execute(
            select(Skill, Course).join(Course, Course.id == Skill.course_id).where(Skill.id.in_(skill_ids))
        )
    }
    views = []
    for criterion in criteria:
        skill, course = skills.get(criterion.skill_id or 0, (None, None))
        views.append(
            CriterionView(
                criterion.id,
                criterion.position,
                criterion.title,
                criterion.description,
                skill.id if skill else None,
                skill.key if skill else None,
                skill.name if skill else None,
                course.id if course else None,
                course.key if course else None,
                tuple(
                    LevelView(
                        i,
                        str(level.get("title", "")),
                        str(level.get("description", "")),
                        float(level.get("points", 0)),
                        level_credit(i, len(criterion.levels)) if len(criterion.levels) > 1 else 0.0,
                    )
                    for i, level in enumerate(criterion.levels)
                ),
            )
        )
    author = session.get(User, rubric.created_by_id) if rubric.created_by_id else None
    assignments = session.scalar(select(func.count(Assignment.id)).where(Assignment.rubric_id == rubric.id))
    return RubricView(
        rubric.id, rubric.title, rubric.description, tuple(views), author.display_name if author else "",
        rubric.created_at, rubric.archived_at, rubric.id in _used_ids(session, [rubric.id]),
        int(assignments or 0),
    )  # fmt: skip


def skill_choices(session: Session, actor: Actor) -> list[CourseSkills]:
    """The skills a criterion may be aligned to: those of the school's courses, in course order."""
    require_staff(actor)
    courses = session.scalars(
        select(Course).where(Course.school_id == actor.school_id).order_by(Course.title, Course.id)
    ).all()
    by_course: dict[int, list[SkillChoice]] = {course.id: [] for course in courses}
    for skill in session.scalars(
        select(Skill).where(Skill.course_id.in_(by_course)).order_by(Skill.position, Skill.id)
    ):
        by_course[skill.course_id].append(SkillChoice(skill.id, skill.key, skill.name))
    return [CourseSkills(c.id, c.key, c.title, tuple(by_course[c.id])) for c in courses]


def _used_ids(session: Session, rubric_ids: Sequence[int]) -> set[int]:
    """Which of these rubrics some feedback was given with."""
    if not rubric_ids:
        return set()
    return set(
        session.scalars(
            select(Assignment.rubric_id)
            .where(
                Assignment.rubric_id.in_(rubric_ids),
                exists()
                .where(Submission.assignment_id == Assignment.id)
                .where(Feedback.submission_id == Submission.id),
            )
            .distinct()
        )
    )


def _school_rubric(session: Session, actor: Actor, rubric_id: int, *, lock: bool = False) -> Rubric:
    query = select(Rubric).where(Rubric.id == rubric_id)
    if lock:
        query = query.with_for_update()
    rubric = session.scalar(query)
    if rubric is None or rubric.school_id != actor.school_id:
        raise NotFound(f"rubric {rubric_id} not found")
    require_staff(actor)
    return rubric


def school_rubric(session: Session, actor: Actor, rubric_id: int) -> Rubric:
    """The rubric row, if the actor's school has it and the actor is staff (for other services)."""
    return _school_rubric(session, actor, rubric_id)


# Writing


def create_rubric(session: Session, actor: Actor, data: RubricInput) -> RubricView:
    require_staff(actor)
    checked = _check(session, actor, data)
    rubric = Rubric(
        school_id=actor.school_id, title=checked.title, description=checked.description,
        created_by_id=actor.user_id, created_at=utcnow(),
    )  # fmt: skip
    session.add(rubric)
    session.flush()
    _write_criteria(session, rubric, checked.criteria, existing={})
    session.flush()
    return rubric_view(session, rubric)


def update_rubric(session: Session, actor: Actor, rubric_id: int, data: RubricInput) -> RubricView:
    """Replace the rubric's title, description and criteria. Criteria that name their ``id`` are kept in
    place; criteria left out are removed. A rubric used for feedback is refused (409): copy it."""
    rubric = _school_rubric(session, actor, rubric_id, lock=True)
    if rubric.archived_at is not None:
        raise Conflict(f"“{rubric.title}” is archived: make a copy to change it", field="rubric")
    if _used_ids(session, [rubric.id]):
        raise Conflict(
            f"“{rubric.title}” has been used for feedback, and changing it would change what students "
            "were told: make a copy and edit the copy",
            field="rubric",
        )
    checked = _check(session, actor, data)
    existing = {
        c.id: c
        for c in session.scalars(select(RubricCriterion).where(RubricCriterion.rubric_id == rubric.id))
    }
    for i, criterion in enumerate(checked.criteria):
        if criterion.id is not None and criterion.id not in existing:
            raise InvalidInput(f"criteria.{i}.id", f"criterion {criterion.id} is not part of this rubric")
    rubric.title, rubric.description = checked.title, checked.description
    _write_criteria(session, rubric, checked.criteria, existing)
    session.flush()
    return rubric_view(session, rubric)


def copy_rubric(session: Session, actor: Actor, rubric_id: int) -> RubricView:
    """An editable copy (not archived, not used), owned by the actor."""
    source = _school_rubric(session, actor, rubric_id)
    title = f"Copy of {source.title}"[: limits.TITLE_MAX]
    rubric = Rubric(
        school_id=actor.school_id, title=title, description=source.description,
        created_by_id=actor.user_id, created_at=utcnow(),
    )  # fmt: skip
    session.add(rubric)
    session.flush()
    for criterion in session.scalars(
        select(RubricCriterion)
        .where(RubricCriterion.rubric_id == source.id)
        .order_by(RubricCriterion.position, RubricCriterion.id)
    ):
        session.add(
            RubricCriterion(
                rubric_id=rubric.id,
                position=criterion.position,
                title=criterion.title,
                description=criterion.description,
                skill_id=criterion.skill_id,
                levels=[dict(level) for level in criterion.levels],
            )
        )
    session.flush()
    return rubric_view(session, rubric)


def archive_rubric(session: Session, actor: Actor, rubric_id: int) -> RubricView:
    """Hide the rubric from lists and new assignments; feedback given with it stays as it was."""
    rubric = _school_rubric(session, actor, rubric_id, lock=True)
    if rubric.archived_at is None:
        rubric.archived_at = utcnow()
        session.flush()
    return rubric_view(session, rubric)


@dataclass(frozen=True)
class _Criterion:
    id: int | None
    title: str
    description: str
    skill_id: int | None
    levels: list[dict[str, object]]


@dataclass(frozen=True)
class _Checked:
    title: str
    description: str
    criteria: list[_Criterion]


def _text(value: str, field_name: str, label: str, maximum: int, *, required: bool) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput(field_name, f"{label} is required")
    if len(text) > maximum:
        raise InvalidInput(field_name, f"{label} is too long ({maximum} characters at most)")
    if "\x00" in text:
        raise InvalidInput(field_name, f"{label} must not contain NUL characters")
    return text


def _check(session: Session, actor: Actor, data: RubricInput) -> _Checked:
    """Every rule of a rubric; the first broken one is an InvalidInput naming its field."""
    title = _text(data.title, "title", "a title", limits.TITLE_MAX, required=True)
    description = _text(data.description, "description", "the description", limits.TEXT_MAX, required=False)
    if not data.criteria:
        raise InvalidInput("criteria", "a rubric needs at least one criterion")
    if len(data.criteria) > CRITERIA_MAX:
        raise InvalidInput("criteria", f"a rubric has at most {CRITERIA_MAX} criteria")
    criteria: list[_Criterion] = []
    seen_ids: set[int] = set()
    for i, criterion in enumerate(data.criteria):
        where = f"criteria.{i}"
        name = f"criterion {i + 1}"
        c_title = _text(
            criterion.title, f"{where}.title", f"the title of {name}", limits.TITLE_MAX, required=True
        )
        c_description = _text(
            criterion.description, f"{where}.description", f"the description of “{c_title}”",
            limits.TEXT_MAX, required=False,
        )  # fmt: skip
        if criterion.id is not None:
            if criterion.id in seen_ids:
                raise InvalidInput(f"{where}.id", f"criterion {criterion.id} appears twice")
            seen_ids.add(criterion.id)
        skill_id = _skill_of(session, actor, criterion, where, c_title)
        if len(criterion.levels) < LEVELS_MIN:
            raise InvalidInput(f"{where}.levels", f"“{c_title}” needs at least {LEVELS_MIN} levels")
        if len(criterion.levels) > LEVELS_MAX:
            raise InvalidInput(f"{where}.levels", f"“{c_title}” has more than {LEVELS_MAX} levels")
        levels: list[dict[str, object]] = []
        previous = -math.inf
        for j, level in enumerate(criterion.levels):
            at = f"{where}.levels.{j}"
            l_title = _text(
                level.title, f"{at}.title", f"the title of level {j + 1} of “{c_title}”", limits.TITLE_MAX,
                required=True,
            )  # fmt: skip
            l_description = _text(
                level.description, f"{at}.description", f"the description of “{l_title}”",
                limits.COMMENT_MAX, required=False,
            )  # fmt: skip
            points = level.points
            if (
                not isinstance(points, int | float)
                or not math.isfinite(points)
                or not 0 <= points <= POINTS_MAX
            ):
                raise InvalidInput(
                    f"{at}.points", f"points of “{l_title}” must be between 0 and {POINTS_MAX:g}"
                )
            if points < previous:
                raise InvalidInput(
                    f"{at}.points",
                    f"levels of “{c_title}” go from the lowest to the highest: “{l_title}” cannot have fewer "
                    "points than the level before it",
                )
            previous = points
            levels.append({"title": l_title, "description": l_description, "points": float(points)})
        criteria.append(_Criterion(criterion.id, c_title, c_description, skill_id, levels))
    return _Checked(title, description, criteria)


def _skill_of(
    session: Session, actor: Actor, criterion: CriterionInput, where: str, title: str
) -> int | None:
    """The skill a criterion is aligned to: a skill of one of the actor's school's courses."""
    if criterion.skill_id is not None:
        skill = session.get(Skill, criterion.skill_id)
        if skill is None or skill.school_id != actor.school_id:
            raise InvalidInput(f"{where}.skill_id", f"skill {criterion.skill_id} (for “{title}”) not found")
        return skill.id
    if criterion.skill_key or criterion.course_key:
        if not (criterion.skill_key and criterion.course_key):
            raise InvalidInput(f"{where}.skill_key", "name the skill by course_key and skill_key together")
        skill_id = session.scalar(
            select(Skill.id)
            .join(Course, Course.id == Skill.course_id)
            .where(
                Course.school_id == actor.school_id,
                Course.key == criterion.course_key,
                Skill.key == criterion.skill_key,
            )
        )
        if skill_id is None:
            raise InvalidInput(
                f"{where}.skill_key",
                f"skill {criterion.skill_key!r} of course {criterion.course_key!r} (for “{title}”) not found",
            )
        return skill_id
    return None


def _write_criteria(
    session: Session, rubric: Rubric, criteria: list[_Criterion], existing: dict[int, RubricCriterion]
) -> None:
    kept = {c.id for c in criteria if c.id is not None}
    for criterion_id, old in existing.items():
        if criterion_id not in kept:
            session.delete(old)
    for position, criterion in enumerate(criteria):
        found = existing.get(criterion.id) if criterion.id is not None else None
        if found is not None:
            row = found
        else:
            row = RubricCriterion(rubric_id=rubric.id, levels=[])
            session.add(row)
        row.position, row.title, row.description = position, criterion.title, criterion.description
        row.skill_id, row.levels = criterion.skill_id, criterion.levels
