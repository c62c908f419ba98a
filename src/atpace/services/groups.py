"""Flexible groups: suggested from learner state, saved dated and short-lived, edited, and checked against
what the data has done since ("3 students have mastered Add: unlike denominators since Tuesday").

The suggestion itself is ``atpace.engine.grouping`` (method and naming: docs/groups.md). Groups saved
together are *siblings*: a student is in at most one of them, so adding a student to a group moves them out
of its siblings. Edits lock the sibling group rows (``SELECT ... FOR UPDATE`` on PostgreSQL, ordered by id;
SQLite serialises write transactions), so two moves at once never leave a student in two groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np
from sqlalchemy import delete, func, null, select
from sqlalchemy.orm import Session

from atpace.engine import grouping, policy
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services.access import class_course, get_class, get_class_student
from atpace.services.auth import Actor
from atpace.services.courses import CourseGraph, load_graph
from atpace.services.limits import TEXT_MAX, TITLE_MAX
from atpace.services.progress import load_class_overrides, load_parameters, unconfirmed_skills
from atpace.store.tables import (
    Classroom,
    Enrollment,
    LearnerState,
    Skill,
    Strategy,
    StrategySkill,
    StrategyUse,
    StudentGroup,
    StudentGroupMember,
    User,
    utcnow,
)

MAX_GROUPS = 8  # a teacher's k, and the groups of one save
GROUP_KINDS = ("ready", "needs", "extend", "custom")
SEED = 2026  # the suggestion is deterministic: the same state gives the same groups

DEFAULT_ACTIVITY = {
    "needs": "Reteach {skill} with worked examples, then guided practice together before independent work.",
    "ready": "A short mini-lesson introducing {skill}, then practice with feedback.",
    "extend": "A challenge task that applies {skill} in a new context (a word problem or a puzzle).",
    "custom": "",
}


@dataclass(frozen=True)
class Activity:
    text: str
    strategy_id: int | None = None  # from the school's strategy library, when one fits
    strategy_title: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class GroupDraft:
    """A group as the teacher saves it (a suggested group, possibly edited)."""

    name: str
    student_ids: list[int]
    kind: str = "custom"
    skill_key: str | None = None
    activity: str = ""
    strategy_id: int | None = None


@dataclass(frozen=True)
class SuggestedGroup:
    name: str
    kind: Literal["ready", "needs", "extend"]
    skill_key: str
    skill_name: str
    student_ids: list[int]
    student_names: list[str]
    mean_mastery: float  # over members and focus skills
    activity: Activity

    def draft(self) -> GroupDraft:
        return GroupDraft(
            self.name,
            list(self.student_ids),
            self.kind,
            self.skill_key,
            self.activity.text,
            self.activity.strategy_id,
        )


@dataclass(frozen=True)
class GroupSuggestion:
    class_id: int
    class_name: str
    focus: list[tuple[str, str]]  # (key, name), course order
    focus_by: Literal["teacher", "atpace"]
    k: int
    k_chosen_by: Literal["teacher", "atpace"]
    k_reason: str  # "atpace chose 4 groups: ..." or "You chose 3 groups."
    groups: list[SuggestedGroup]
    threshold: float
    spread: float  # atpace.engine.grouping.within_spread of the suggestion
    students: list[tuple[int, str]]  # every student of the class considered, by name

    @property
    def focus_keys(self) -> list[str]:
        return [key for key, _ in self.focus]

    def drafts(self) -> list[GroupDraft]:
        return [g.draft() for g in self.groups]


@dataclass(frozen=True)
class GroupMember:
    student_id: int
    name: str
    p_then: float | None  # P(learned) on the group's skill when saved (None: joined later)
    p_now: float
    mastered_since: bool  # mastered the group's skill after the group was saved


@dataclass(frozen=True)
class SavedGroup:
    id: int
    class_id: int
    name: str
    kind: str
    skill_key: str | None
    skill_name: str | None
    focus: list[tuple[str, str]]
    activity: str
    strategy_id: int | None
    strategy_title: str | None
    created_at: datetime
    created_label: str  # "Tuesday", "today", "3 March 2026"
    dissolved_at: datetime | None
    members: list[GroupMember]
    notes: list[str] = field(default_factory=list)  # "data moved on"

    @property
    def current(self) -> bool:
        return self.dissolved_at is None

    @property
    def student_ids(self) -> list[int]:
        return [m.student_id for m in self.members]


# --- reading the class ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassState:
    """A class's active students (name order) and their learner state on the course's skills."""

    classroom: Classroom
    graph: CourseGraph
    threshold: float
    students: list[User]
    p: dict[int, dict[str, float]]  # student id -> skill key -> P(learned) (unpractised: the prior)
    mastered_at: dict[tuple[int, str], datetime]  # only when asked for
    last_practice: dict[int, datetime]  # student id -> newest answer in the course; only when asked for


def class_state(
    session: Session,
    classroom: Classroom,
    student_ids: Sequence[int] | None = None,
    *,
    with_mastered_at: bool = False,
    with_last_practice: bool = False,
    students: Sequence[User] | None = None,
) -> ClassState:
    """The class's students (``student_ids`` of them, or the ``students`` the caller has loaded already)
    and their P(learned), in one read of their learner states. Timestamps only when asked: reading 2,000
    of them costs more than the rest of the read."""
    course = class_course(classroom)
    graph = load_graph(session, course)
    if students is None:
        query = (
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.class_id == classroom.id, User.is_active.is_(True))
        )
        if student_ids is not None:
            query = query.where(User.id.in_(student_ids))
        students = session.scalars(query).all()
    # One order wherever the class is read: k-means seeds follow the rows, so Today and the Groups page
    # suggest the same groups.
    students = sorted(students, key=lambda user: (user.display_name, user.id))
    params = load_parameters(session, course.id)
    prior = {key: params.for_skill(key).prior for key in graph.skills}
    p = {s.id: dict(prior) for s in students}
    mastered_at: dict[tuple[int, str], datetime] = {}
    by_id = {skill.id: key for key, skill in graph.skills.items()}
    states = (
        select(
            LearnerState.student_id,
            LearnerState.skill_id,
            LearnerState.p_learned,
            LearnerState.mastered_at if with_mastered_at else null(),
        )
        .join(Skill, Skill.id == LearnerState.skill_id)
        .where(LearnerState.student_id.in_(list(p)), Skill.course_id == course.id)
    )
    # Plain rows (Core): the ORM adds nothing to a few thousand tuples but time.
    for student_id, skill_id, p_learned, when_mastered in session.connection().execute(states):
        key = by_id[skill_id]
        p[student_id][key] = p_learned
        if when_mastered is not None:
            mastered_at[(student_id, key)] = when_mastered
    last_practice: dict[int, datetime] = {}
    if with_last_practice and p:
        # the newest per student, worked out by the database: one timestamp per student to read, not 2,000
        newest = (
            select(LearnerState.student_id, func.max(LearnerState.last_attempt_at))
            .join(Skill, Skill.id == LearnerState.skill_id)
            .where(LearnerState.student_id.in_(list(p)), Skill.course_id == course.id)
            .group_by(LearnerState.student_id)
        )
        last_practice = {
            student_id: at for student_id, at in session.connection().execute(newest) if at is not None
        }
    return ClassState(classroom, graph, course.mastery_threshold, students, p, mastered_at, last_practice)


def _focus_keys(
    graph: CourseGraph, skill_keys: Sequence[str] | None, field: str = "skills"
) -> list[str] | None:
    if not skill_keys:
        return None
    keys = [key.strip() for key in skill_keys if key.strip()]
    unknown = [key for key in keys if key not in graph.skills]
    if unknown:
        raise InvalidInput(
            field, f"no skill {', '.join(map(repr, unknown))} in course {graph.course.title!r}"
        )
    chosen = set(keys)
    return [key for key in graph.skills if key in chosen] or None


def _default_focus(session: Session, state: ClassState) -> list[str]:
    """The skills the class is working on now (grouping.class_focus; teacher's locks and unlocks count)."""
    rule = policy.MasteryRule(state.threshold)
    overrides = load_class_overrides(session, [s.id for s in state.students], state.graph)
    unconfirmed = unconfirmed_skills(session, [s.id for s in state.students], state.graph)  # required checks
    mastered = []
    for student in state.students:
        decided = policy.progress(
            state.graph.graph, state.p[student.id], rule, overrides.get(student.id, []), unconfirmed[student.id]
        )
        mastered.append(frozenset(decided.mastered))
    return grouping.class_focus(state.graph.graph, mastered)


def _context(graph: CourseGraph, focus: Sequence[str]) -> list[str]:
    """The focus skills and their prerequisites, course order (what naming a need looks at)."""
    keys = set(focus)
    for key in focus:
        keys |= graph.graph.prerequisites[key]
    return [key for key in graph.skills if key in keys]


def _activities(
    session: Session, school_id: int, graph: CourseGraph, needs: Sequence[tuple[str, str]]
) -> list[Activity]:
    """Per (kind, skill key): the school's most used strategy linked to the skill, else a default."""
    skill_ids = {graph.skills[key].id for _, key in needs}
    uses = (
        select(StrategyUse.strategy_id, func.count(StrategyUse.id).label("uses"))
        .group_by(StrategyUse.strategy_id)
        .subquery()
    )
    rows = session.execute(
        select(StrategySkill.skill_id, Strategy.id, Strategy.title, func.coalesce(uses.c.uses, 0))
        .join(Strategy, Strategy.id == StrategySkill.strategy_id)
        .outerjoin(uses, uses.c.strategy_id == Strategy.id)
        .where(StrategySkill.skill_id.in_(skill_ids), Strategy.school_id == school_id)
        .order_by(func.coalesce(uses.c.uses, 0).desc(), Strategy.title, Strategy.id)
    ).all()
    best: dict[int, tuple[int, str, int]] = {}
    for skill_id, strategy_id, title, count in rows:
        best.setdefault(skill_id, (strategy_id, title, int(count)))
    result = []
    for kind, key in needs:
        skill = graph.skills[key]
        found = best.get(skill.id)
        if found is not None:
            strategy_id, title, count = found
            used = f" (used {count} time{'s' if count != 1 else ''} in your school)" if count else ""
            result.append(
                Activity(f"Strategy from your school's library: {title}{used}.", strategy_id, title)
            )
        else:
            result.append(Activity(DEFAULT_ACTIVITY[kind].format(skill=skill.name)))
    return result


def suggest_groups(
    session: Session,
    actor: Actor,
    class_id: int,
    skill_keys: list[str] | None = None,
    k: int | None = None,
) -> GroupSuggestion:
    """Groups of the class's students with shared needs on the focus skills (``skill_keys``, else the skills
    the class is working on now); ``k`` groups, or as many as atpace chooses (docs/groups.md)."""
    return suggest_for_class(session, get_class(session, actor, class_id), skill_keys, k)


def suggest_for_class(
    session: Session,
    classroom: Classroom,
    skill_keys: list[str] | None = None,
    k: int | None = None,
    *,
    students: Sequence[User] | None = None,
    state: ClassState | None = None,
) -> GroupSuggestion:
    """:func:`suggest_groups` for a class the caller may see (checked already); ``students`` or ``state``:
    the class's active students, or their state, when the caller has them loaded (Today does)."""
    state = state or class_state(session, classroom, students=students)
    chosen = _focus_keys(state.graph, skill_keys)
    n = len(state.students)
    if k is not None and not 1 <= k <= MAX_GROUPS:
        raise InvalidInput("k", f"choose 1 to {MAX_GROUPS} groups, or let atpace choose")
    if k is not None and n and k > n:
        raise InvalidInput("k", f"the class has {n} students: choose at most {n} groups")
    focus = chosen or _default_focus(session, state)
    context = _context(state.graph, focus)
    names = {key: skill.name for key, skill in state.graph.skills.items()}
    matrix = np.array([[state.p[s.id][key] for key in context] for s in state.students], dtype=np.float64)
    matrix = matrix.reshape(n, len(context))
    result = grouping.suggest(
        matrix,
        context,
        focus,
        state.graph.graph.prerequisites,
        state.threshold,
        names=names,
        k=k if n else None,
        seed=SEED,
    )
    activities = _activities(
        session, classroom.school_id, state.graph, [(need.kind, need.skill) for need in result.needs]
    )
    groups = [
        SuggestedGroup(
            name=name,
            kind=need.kind,
            skill_key=need.skill,
            skill_name=names[need.skill],
            student_ids=[state.students[i].id for i in members],
            student_names=[state.students[i].display_name for i in members],
            mean_mastery=mean,
            activity=activity,
        )
        for members, need, name, mean, activity in zip(
            result.groups, result.needs, result.names, result.mean_mastery, activities, strict=True
        )
    ]
    return GroupSuggestion(
        class_id=classroom.id,
        class_name=classroom.name,
        focus=[(key, names[key]) for key in focus],
        focus_by="teacher" if chosen else "atpace",
        k=len(groups),
        k_chosen_by=result.choice.by,
        k_reason=result.choice.reason,
        groups=groups,
        threshold=state.threshold,
        spread=result.spread,
        students=[(s.id, s.display_name) for s in state.students],
    )


@dataclass(frozen=True)
class SkillChoice:
    key: str
    name: str
    prerequisites: list[str]  # direct, keys in course order


def skill_choices(session: Session, actor: Actor, class_id: int) -> list[SkillChoice]:
    """The course's skills for choosing a focus (a unit is a skill with its direct prerequisites)."""
    classroom = get_class(session, actor, class_id)
    graph = load_graph(session, class_course(classroom))
    return [
        SkillChoice(key, skill.name, [k for k in graph.skills if k in graph.graph.prerequisites[key]])
        for key, skill in graph.skills.items()
    ]


def unit_focus(choices: Sequence[SkillChoice], unit: str) -> list[str]:
    """A unit's focus: the skill and its direct prerequisites, course order (unknown: InvalidInput)."""
    by_key = {c.key: c for c in choices}
    if unit not in by_key:
        raise InvalidInput("unit", f"no skill {unit!r} in this course")
    keys = {unit, *by_key[unit].prerequisites}
    return [c.key for c in choices if c.key in keys]


# --- saving and editing --------------------------------------------------------------------------------


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > TITLE_MAX:
        raise InvalidInput("name", f"a group's name must be 1-{TITLE_MAX} characters")
    return name


def _check_activity(activity: str) -> str:
    if len(activity) > TEXT_MAX:
        raise InvalidInput("activity", f"the activity must be at most {TEXT_MAX} characters")
    return activity.strip()


def _check_strategy(session: Session, school_id: int, strategy_id: int | None) -> int | None:
    if strategy_id is None:
        return None
    strategy = session.get(Strategy, strategy_id)
    if strategy is None or strategy.school_id != school_id:
        raise InvalidInput("strategy_id", f"no strategy {strategy_id} in your school's library")
    return strategy_id


def save_groups(
    session: Session,
    actor: Actor,
    class_id: int,
    groups: Sequence[GroupDraft | SuggestedGroup],
    *,
    focus: Sequence[str] | None = None,
) -> list[SavedGroup]:
    """Store the groups, dated now, with each member's P(learned) on the focus skills as the baseline.
    ``focus`` defaults to the groups' skills. A student may be in only one of the groups saved together."""
    classroom = get_class(session, actor, class_id)
    drafts = [g.draft() if isinstance(g, SuggestedGroup) else g for g in groups]
    if not drafts:
        raise InvalidInput("groups", "there are no groups to save")
    if len(drafts) > MAX_GROUPS:
        raise InvalidInput("groups", f"save at most {MAX_GROUPS} groups at once")
    course = class_course(classroom)
    graph = load_graph(session, course)
    seen: dict[int, int] = {}
    for index, draft in enumerate(drafts):
        if draft.kind not in GROUP_KINDS:
            raise InvalidInput("kind", f"a group's kind is one of {', '.join(GROUP_KINDS)}")
        if draft.skill_key is not None and draft.skill_key not in graph.skills:
            raise InvalidInput("skill_key", f"no skill {draft.skill_key!r} in course {course.title!r}")
        if not draft.student_ids:
            raise InvalidInput("student_ids", f"the group {draft.name.strip()!r} has no students")
        for student_id in draft.student_ids:
            if seen.setdefault(student_id, index) != index:
                raise InvalidInput("student_ids", "a student can be in only one of the groups saved together")
    skill_keys = [d.skill_key for d in drafts if d.skill_key]
    focus_keys = _focus_keys(graph, list(focus) if focus else skill_keys, "focus") or []
    members = set(seen)
    state = class_state(session, classroom, list(members), with_mastered_at=True)
    if missing := members - {s.id for s in state.students}:
        raise InvalidInput(
            "student_ids", f"not students of {classroom.name}: {', '.join(map(str, sorted(missing)))}"
        )
    now = utcnow()
    rows = []
    for draft in drafts:
        row = StudentGroup(
            school_id=classroom.school_id,
            class_id=classroom.id,
            name=_check_name(draft.name),
            kind=draft.kind,
            skill_id=graph.skills[draft.skill_key].id if draft.skill_key else None,
            focus=focus_keys,
            activity=_check_activity(draft.activity),
            strategy_id=_check_strategy(session, classroom.school_id, draft.strategy_id),
            baseline={
                str(sid): {key: state.p[sid][key] for key in focus_keys}
                | ({draft.skill_key: state.p[sid][draft.skill_key]} if draft.skill_key else {})
                for sid in dict.fromkeys(draft.student_ids)
            },
            created_by_id=actor.user_id,
            created_at=now,
        )
        session.add(row)
        session.flush()
        session.add_all(
            StudentGroupMember(group_id=row.id, student_id=sid, added_at=now)
            for sid in dict.fromkeys(draft.student_ids)
        )
        rows.append(row)
    session.flush()
    return _views(session, classroom, rows)


def _group(session: Session, actor: Actor, group_id: int) -> tuple[StudentGroup, Classroom]:
    group = session.get(StudentGroup, group_id)
    if group is None or group.school_id != actor.school_id:
        raise NotFound(f"group {group_id} not found")
    return group, get_class(session, actor, group.class_id)


def _lock_siblings(session: Session, group: StudentGroup) -> list[StudentGroup]:
    """Lock the group and the groups saved with it, lowest id first (no deadlock between two edits)."""
    return list(
        session.scalars(
            select(StudentGroup)
            .where(StudentGroup.class_id == group.class_id, StudentGroup.created_at == group.created_at)
            .order_by(StudentGroup.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def _open(group: StudentGroup) -> None:
    if group.dissolved_at is not None:
        raise Conflict(f"the group {group.name!r} was dissolved: save new groups instead")


def get_group(session: Session, actor: Actor, group_id: int, class_id: int | None = None) -> SavedGroup:
    """One saved group with its notes; ``class_id``: the class it must belong to (else 404)."""
    group, classroom = _group(session, actor, group_id)
    if class_id is not None and group.class_id != class_id:
        raise NotFound(f"group {group_id} is not a group of this class")
    return _views(session, classroom, [group])[0]


def update_group(
    session: Session, actor: Actor, group_id: int, *, name: str | None = None, activity: str | None = None
) -> SavedGroup:
    """Rename the group or change its activity."""
    group, classroom = _group(session, actor, group_id)
    _lock_siblings(session, group)
    _open(group)
    if name is not None:
        group.name = _check_name(name)
    if activity is not None:
        group.activity = _check_activity(activity)
    session.flush()
    return _views(session, classroom, [group])[0]


def move_member(session: Session, actor: Actor, group_id: int, student_id: int) -> SavedGroup:
    """Put a student of the class into the group, taking them out of the groups saved with it."""
    group, classroom = _group(session, actor, group_id)
    get_class_student(session, actor, classroom.id, student_id)
    siblings = _lock_siblings(session, group)
    _open(group)
    others = [g.id for g in siblings if g.id != group.id]
    if others:
        session.execute(
            delete(StudentGroupMember).where(
                StudentGroupMember.group_id.in_(others), StudentGroupMember.student_id == student_id
            )
        )
    if session.get(StudentGroupMember, (group.id, student_id), populate_existing=True) is None:
        session.add(StudentGroupMember(group_id=group.id, student_id=student_id, added_at=utcnow()))
    session.flush()
    return _views(session, classroom, [group])[0]


def remove_member(session: Session, actor: Actor, group_id: int, student_id: int) -> SavedGroup:
    """Take a student of the class out of the group (nothing to do when they are not in it)."""
    group, classroom = _group(session, actor, group_id)
    get_class_student(session, actor, classroom.id, student_id)
    _lock_siblings(session, group)
    _open(group)
    session.execute(
        delete(StudentGroupMember).where(
            StudentGroupMember.group_id == group.id, StudentGroupMember.student_id == student_id
        )
    )
    session.flush()
    return _views(session, classroom, [group])[0]


def dissolve_group(session: Session, actor: Actor, group_id: int) -> SavedGroup:
    """Dissolve the group: kept, no longer current (dissolving it again changes nothing)."""
    group, classroom = _group(session, actor, group_id)
    _lock_siblings(session, group)
    if group.dissolved_at is None:
        group.dissolved_at = utcnow()
    session.flush()
    return _views(session, classroom, [group])[0]


def class_groups(
    session: Session, actor: Actor, class_id: int, include_dissolved: bool = False
) -> list[SavedGroup]:
    """The class's saved groups, newest first, with what the data has done since each was saved."""
    classroom = get_class(session, actor, class_id)
    query = select(StudentGroup).where(StudentGroup.class_id == classroom.id)
    if not include_dissolved:
        query = query.where(StudentGroup.dissolved_at.is_(None))
    rows = list(session.scalars(query.order_by(StudentGroup.created_at.desc(), StudentGroup.id)))
    return _views(session, classroom, rows)


# --- views and "data moved on" notes ------------------------------------------------------------------


def when_label(moment: datetime, now: datetime) -> str:
    """ "today", a weekday name within a week ("Tuesday"), else a date ("3 March 2026")."""
    days = (now.date() - moment.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return moment.strftime("%A")
    return f"{moment.day} {moment.strftime('%B %Y')}"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _views(session: Session, classroom: Classroom, rows: Sequence[StudentGroup]) -> list[SavedGroup]:
    if not rows:
        return []
    members: dict[int, list[int]] = {row.id: [] for row in rows}
    for group_id, student_id in session.execute(
        select(StudentGroupMember.group_id, StudentGroupMember.student_id).where(
            StudentGroupMember.group_id.in_(list(members))
        )
    ):
        members[group_id].append(student_id)
    everyone = sorted({sid for ids in members.values() for sid in ids})
    state = class_state(session, classroom, everyone, with_mastered_at=True)
    by_name = {s.id: s for s in state.students}
    by_skill_id = state.graph.skill_by_id()
    names = {key: skill.name for key, skill in state.graph.skills.items()}
    strategy_ids = [r.strategy_id for r in rows if r.strategy_id]
    titles: dict[int, str] = {}
    if strategy_ids:
        found = session.execute(select(Strategy.id, Strategy.title).where(Strategy.id.in_(strategy_ids)))
        titles = {strategy_id: title for strategy_id, title in found}
    now = utcnow()
    views = []
    for row in rows:
        skill = by_skill_id.get(row.skill_id) if row.skill_id else None
        key = skill.key if skill else None
        focus = [k for k in row.focus if k in state.graph.skills]
        label = when_label(row.created_at, now)
        people = []
        present = [sid for sid in members[row.id] if sid in by_name]  # deactivated or left: not shown
        for sid in sorted(present, key=lambda s: (by_name[s].display_name, s)):
            then = row.baseline.get(str(sid), {}).get(key) if key else None
            p_now = state.p[sid][key] if key else 0.0
            since = False
            if key and row.kind != "extend":
                at = state.mastered_at.get((sid, key))
                later = at is not None and at > row.created_at
                crossed = then is not None and then < state.threshold <= p_now
                since = later or crossed
            people.append(GroupMember(sid, by_name[sid].display_name, then, p_now, since))
        notes = _notes(row, people, state, focus, names, label) if key and focus else []
        views.append(
            SavedGroup(
                id=row.id,
                class_id=row.class_id,
                name=row.name,
                kind=row.kind,
                skill_key=key,
                skill_name=names.get(key) if key else None,
                focus=[(k, names[k]) for k in focus],
                activity=row.activity,
                strategy_id=row.strategy_id,
                strategy_title=titles.get(row.strategy_id) if row.strategy_id else None,
                created_at=row.created_at,
                created_label=label,
                dissolved_at=row.dissolved_at,
                members=people,
                notes=notes,
            )
        )
    return views


def _notes(
    row: StudentGroup,
    people: list[GroupMember],
    state: ClassState,
    focus: list[str],
    names: dict[str, str],
    label: str,
) -> list[str]:
    since = "today" if label == "today" else f"since {label}"
    notes = []
    assert row.skill_id is not None
    key = state.graph.skill_by_id()[row.skill_id].key
    mastered = [m for m in people if m.mastered_since]
    if mastered:
        verb = "has" if len(mastered) == 1 else "have"
        who = ", ".join(m.name for m in mastered)
        notes.append(
            f"{_plural(len(mastered), 'student', 'students')} {verb} mastered {names[key]} {since}: {who}."
        )
    context = _context(state.graph, focus)
    prerequisites = state.graph.graph.prerequisites
    changed = []
    for member in people:
        if member.mastered_since or str(member.student_id) not in row.baseline:
            continue
        now_p = state.p[member.student_id]
        then_p = {**now_p, **row.baseline[str(member.student_id)]}
        need_then = grouping.need_of(
            np.array([[then_p[k] for k in context]]), context, focus, prerequisites, state.threshold
        )
        need_now = grouping.need_of(
            np.array([[now_p[k] for k in context]]), context, focus, prerequisites, state.threshold
        )
        if need_now != need_then:
            changed.append(f"{member.name} (now {need_now.label(names)})")
    if changed:
        verb = "has" if len(changed) == 1 else "have"
        notes.append(
            f"{_plural(len(changed), 'member', 'members')} {verb} moved on {since}: {', '.join(changed)}."
        )
    return notes


__all__ = [
    "MAX_GROUPS",
    "Activity",
    "GroupDraft",
    "GroupMember",
    "GroupSuggestion",
    "SavedGroup",
    "SkillChoice",
    "SuggestedGroup",
    "class_groups",
    "dissolve_group",
    "get_group",
    "move_member",
    "remove_member",
    "save_groups",
    "skill_choices",
    "suggest_groups",
    "unit_focus",
    "update_group",
    "when_label",
]
