"""The school's strategy library: teaching strategies teachers share, comment on and log uses of.

A strategy belongs to one school and is never seen by another (its rows are missing there, 404). Teachers and
administrators of the school read the library, add strategies, comment and log uses; the author of a
strategy and the school's administrators edit it and attach materials. Students see none of it (403).

A use linked to a group is measured (docs/strategies.md): the mean P(learned) of the group's members on its
focus skills at the use date and two weeks later, each member and skill read from the newest evidence at that
moment (the course prior before any), and how many members mastered the focus skills in between. The
measurement is worked out when it is read, in a fixed number of queries whatever the number of uses.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.engine import policy
from atpace.engine.bkt_online import SkillParameters
from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.services import limits
from atpace.services.access import get_class, require_staff
from atpace.services.auth import Actor
from atpace.services.files import FileStore, check_upload
from atpace.services.messages import notify
from atpace.store.tables import (
    Classroom,
    ClassTeacher,
    Course,
    Evidence,
    LearnerModelParameters,
    Role,
    Skill,
    StoredFile,
    Strategy,
    StrategyComment,
    StrategyMaterial,
    StrategySkill,
    StrategyUse,
    StudentGroup,
    StudentGroupMember,
    User,
    utcnow,
)

NEEDS_MAX = 12  # needs of one strategy
NEED_MAX = 60  # characters of one need
GRADE_BAND_MAX = 32  # the column's length
SKILLS_MAX = 30  # skills one strategy serves
MATERIALS_MAX = 20  # materials of one strategy
NOTE_MAX = limits.COMMENT_MAX  # a use's note
SEARCH_MAX = limits.NAME_MAX  # a search text
MEASURE_WINDOW = timedelta(days=14)  # "before" at the use date, "after" two weeks later
# The latest time zone is UTC+14: a date that is today somewhere on Earth is not in the future.
FUTURE_SLACK = timedelta(hours=14)
LINK_SCHEMES = ("http", "https")
GRADE_PATTERN = re.compile(r"^(K|\d{1,2})(?:\s*(?:-|–|to)\s*(K|\d{1,2}))?$", re.IGNORECASE)


# --- Views --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillRef:
    id: int
    key: str
    name: str
    course_title: str


@dataclass(frozen=True)
class MaterialView:
    id: int
    title: str
    url: str  # a link's address ("" for a file)
    file_name: str  # an uploaded file's name ("" for a link)
    media_type: str
    size: int

    @property
    def is_file(self) -> bool:
        return not self.url


@dataclass(frozen=True)
class CommentView:
    id: int
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class Measurement:
    """A group's mastery on its focus skills before a use and two weeks after (or so far)."""

    skills: tuple[str, ...]  # names of the focus skills
    members: int
    before: float  # mean P(learned) over members x skills at the use date
    after: float  # ... two weeks later, or now while the two weeks run
    final: bool  # False: the two weeks have not passed; ``after`` and ``change`` are so far
    after_on: date  # the day of the two-week measurement
    mastered: int  # members who had not mastered every focus skill before and had after

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class UseView:
    id: int
    teacher: str
    class_id: int | None
    class_name: str
    group_id: int | None
    group_name: str
    used_on: date
    note: str
    created_at: datetime
    measurement: Measurement | None
    unmeasured: str  # why there is no measurement ("" when there is one)


@dataclass(frozen=True)
class StrategySummary:
    id: int
    title: str
    grade_band: str
    needs: tuple[str, ...]
    skills: tuple[SkillRef, ...]
    author: str
    created_by_id: int | None
    updated_at: datetime
    uses: int
    measured: int  # uses whose two weeks have passed
    average_change: float | None  # mean change of the measured uses
    comments: int
    materials: int


@dataclass(frozen=True)
class StrategyDetail:
    summary: StrategySummary
    description: str
    materials: tuple[MaterialView, ...]
    comments: tuple[CommentView, ...]
    uses: tuple[UseView, ...]
    can_edit: bool

    @property
    def id(self) -> int:
        return self.summary.id


@dataclass(frozen=True)
class GroupChoice:
    id: int
    name: str
    class_id: int
    class_name: str


@dataclass(frozen=True)
class UseTargets:
    """What the actor may log a use with: their current classes and their current groups."""

    classes: tuple[tuple[int, str], ...]
    groups: tuple[GroupChoice, ...]


@dataclass(frozen=True)
class Download:
    name: str
    media_type: str
    data: bytes


# --- Access ---------------------------------------------------------------------------------------------


def _strategy(session: Session, actor: Actor, strategy_id: int) -> Strategy:
    """The strategy if it is of the actor's school (else missing) and the actor is staff (else 403)."""
    strategy = session.get(Strategy, strategy_id)
    if strategy is None or strategy.school_id != actor.school_id:
        raise NotFound(f"strategy {strategy_id} not found")
    require_staff(actor)
    return strategy


def may_edit(actor: Actor, strategy: Strategy) -> bool:
    return actor.role == Role.ADMIN or (
        actor.role == Role.TEACHER and strategy.created_by_id == actor.user_id
    )


def _editable(session: Session, actor: Actor, strategy_id: int) -> Strategy:
    strategy = _strategy(session, actor, strategy_id)
    if not may_edit(actor, strategy):
        raise Forbidden("only the strategy's author and the school's administrators may change it")
    return strategy


# --- Input ---------------------------------------------------------------------------------------------


def _text(value: str, field: str, maximum: int, *, required: bool = False, what: str = "") -> str:
    value = value.strip()
    if required and not value:
        raise InvalidInput(field, f"give the {what or field.replace('_', ' ')}")
    if len(value) > maximum:
        raise InvalidInput(
            field, f"the {what or field.replace('_', ' ')} is longer than {maximum} characters"
        )
    return value


def parse_needs(text: str) -> list[str]:
    """Needs typed in one field, separated by commas, semicolons or lines."""
    return [part for part in re.split(r"[,;\n]", text) if part.strip()]


def clean_needs(needs: Iterable[str]) -> list[str]:
    """Needs as teachers wrote them: trimmed, inner spaces collapsed, duplicates (any case) dropped."""
    kept: list[str] = []
    seen: set[str] = set()
    for raw in needs:
        need = " ".join(raw.split())
        if not need:
            continue
        if len(need) > NEED_MAX:
            raise InvalidInput("needs", f"the need {need[:20]!r}... is longer than {NEED_MAX} characters")
        if need.casefold() not in seen:
            seen.add(need.casefold())
            kept.append(need)
    if len(kept) > NEEDS_MAX:
        raise InvalidInput("needs", f"name at most {NEEDS_MAX} needs")
    return kept


def clean_grade_band(text: str) -> str:
    """ "" (any grade), a grade ("4", "K") or a range ("3-5", "K-2"), written the one way."""
    text = text.strip()
    if not text:
        return ""
    match = GRADE_PATTERN.match(text)
    low, high = (_grade(match.group(1)), _grade(match.group(2) or match.group(1))) if match else (-1, -1)
    if not match or low > 12 or high > 12 or high < low:
        raise InvalidInput("grade_band", "give a grade (K to 12) or a range such as 3-5 or K-2")
    return _grade_word(low) if low == high else f"{_grade_word(low)}-{_grade_word(high)}"


def _grade(word: str) -> int:
    return 0 if word.upper() == "K" else int(word)


def _grade_word(grade: int) -> str:
    return "K" if grade == 0 else str(grade)


def band_covers(band: str, grade: str) -> bool:
    """Whether a grade band takes in a grade (both as :func:`clean_grade_band` writes them)."""
    if not band:
        return False
    low, _, high = band.partition("-")
    lo, hi = _grade(low), _grade(high or low)
    g_low, _, g_high = grade.partition("-")
    return lo <= _grade(g_low) and _grade(g_high or g_low) <= hi


def check_link(url: str, field: str = "url") -> str:
    """A web address (http or https) that a colleague can open; anything else is refused."""
    url = url.strip()
    if not url:
        raise InvalidInput(field, "give the link's address")
    if len(url) > limits.URL_MAX:
        raise InvalidInput(field, f"the address is longer than {limits.URL_MAX} characters")
    if any(char.isspace() or unicodedata.category(char).startswith("C") for char in url):
        raise InvalidInput(field, "the address holds spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in LINK_SCHEMES:
        raise InvalidInput(field, "a link must start with http:// or https://")
    if not parts.hostname:
        raise InvalidInput(field, "the address names no web site")
    return url


def _skills_of_school(session: Session, actor: Actor, skill_ids: Iterable[int]) -> list[int]:
    ids = list(dict.fromkeys(skill_ids))
    if len(ids) > SKILLS_MAX:
        raise InvalidInput("skill_ids", f"choose at most {SKILLS_MAX} skills")
    found = set(
        session.scalars(select(Skill.id).where(Skill.id.in_(ids), Skill.school_id == actor.school_id))
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput("skill_ids", f"skill {missing[0]} is not a skill of your school's courses")
    return ids


def today(now: datetime | None = None) -> date:
    """The latest date that is today somewhere (a use on it is not in the future)."""
    return ((now or utcnow()) + FUTURE_SLACK).date()


# --- Reading --------------------------------------------------------------------------------------------


def skill_choices(session: Session, actor: Actor) -> list[SkillRef]:
    """The skills of the school's courses, course by course in course order (for forms and filters)."""
    require_staff(actor)
    rows = session.execute(
        select(Skill.id, Skill.key, Skill.name, Course.title)
        .join(Course, Course.id == Skill.course_id)
        .where(Skill.school_id == actor.school_id)
        .order_by(Course.title, Course.id, Skill.position, Skill.id)
    ).all()
    return [SkillRef(i, k, n, c) for i, k, n, c in rows]


def search(
    session: Session,
    actor: Actor,
    q: str = "",
    skill_id: int | None = None,
    grade: str = "",
    need: str = "",
    *,
    now: datetime | None = None,
) -> list[StrategySummary]:
    """The school's strategies, newest first, that match every filter given.

    ``q`` is found in the title, description or needs, in any case (Python's casefold, so "É" finds "é" on
    SQLite too, whose lower() folds ASCII only; a school's library is small enough to read); ``skill_id``
    keeps strategies serving that skill; ``grade`` those whose band takes the grade (or range) in; ``need``
    those naming that need (any case).
    """
    require_staff(actor)
    q = _text(q, "q", SEARCH_MAX, what="search text")
    need = " ".join(_text(need, "need", NEED_MAX).split())
    grade = clean_grade_band(grade) if grade.strip() else ""
    query = select(Strategy).where(Strategy.school_id == actor.school_id)
    if skill_id is not None:
        query = query.where(
            Strategy.id.in_(select(StrategySkill.strategy_id).where(StrategySkill.skill_id == skill_id))
        )
    rows = session.scalars(query.order_by(Strategy.updated_at.desc(), Strategy.id.desc())).all()
    words = q.casefold().split()
    found = []
    for strategy in rows:
        if grade and not band_covers(strategy.grade_band, grade):
            continue
        if need and need.casefold() not in {str(n).casefold() for n in strategy.needs or []}:
            continue
        if words:
            haystack = " ".join(
                [strategy.title, strategy.description, *map(str, strategy.needs or [])]
            ).casefold()
            if not all(word in haystack for word in words):
                continue
        found.append(strategy)
    return _summaries(session, found, now or utcnow())


def needs_in_use(session: Session, actor: Actor) -> list[str]:
    """Every need the school's strategies name (for the filter), in alphabetical order."""
    require_staff(actor)
    seen: dict[str, str] = {}
    for needs in session.scalars(select(Strategy.needs).where(Strategy.school_id == actor.school_id)):
        for need in needs or []:
            seen.setdefault(str(need).casefold(), str(need))
    return sorted(seen.values(), key=str.casefold)


def detail(
    session: Session, actor: Actor, strategy_id: int, *, now: datetime | None = None
) -> StrategyDetail:
    strategy = _strategy(session, actor, strategy_id)
    now = now or utcnow()
    summary = _summaries(session, [strategy], now)[0]
    materials = session.execute(
        select(StrategyMaterial, StoredFile)
        .outerjoin(StoredFile, StoredFile.id == StrategyMaterial.file_id)
        .where(StrategyMaterial.strategy_id == strategy.id)
        .order_by(StrategyMaterial.position, StrategyMaterial.id)
    ).all()
    comments = session.execute(
        select(StrategyComment, User.display_name)
        .outerjoin(User, User.id == StrategyComment.author_id)
        .where(StrategyComment.strategy_id == strategy.id)
        .order_by(StrategyComment.created_at, StrategyComment.id)
    ).all()
    uses = session.scalars(
        select(StrategyUse)
        .where(StrategyUse.strategy_id == strategy.id)
        .order_by(StrategyUse.used_on.desc(), StrategyUse.id.desc())
    ).all()
    return StrategyDetail(
        summary=summary,
        description=strategy.description,
        materials=tuple(_material_view(m, f) for m, f in materials),
        comments=tuple(
            CommentView(c.id, name or "a former colleague", c.body, c.created_at) for c, name in comments
        ),
        uses=tuple(_use_views(session, uses, {strategy.id: [s.id for s in summary.skills]}, now)),
        can_edit=may_edit(actor, strategy),
    )


def editable(session: Session, actor: Actor, strategy_id: int) -> StrategyDetail:
    """The strategy for its edit form: its author and the school's administrators only."""
    _editable(session, actor, strategy_id)
    return detail(session, actor, strategy_id)


def use_targets(session: Session, actor: Actor) -> UseTargets:
    """The actor's open classes (all of the school's for an administrator) and their current groups."""
    require_staff(actor)
    query = select(Classroom.id, Classroom.name).where(
        Classroom.school_id == actor.school_id, Classroom.archived_at.is_(None)
    )
    if actor.role != Role.ADMIN:
        query = query.join(ClassTeacher, ClassTeacher.class_id == Classroom.id).where(
            ClassTeacher.user_id == actor.user_id
        )
    classes = [(i, n) for i, n in session.execute(query.order_by(Classroom.name, Classroom.id))]
    names = dict(classes)
    groups = session.execute(
        select(StudentGroup.id, StudentGroup.name, StudentGroup.class_id)
        .where(StudentGroup.class_id.in_(names), StudentGroup.dissolved_at.is_(None))
        .order_by(StudentGroup.created_at.desc(), StudentGroup.id.desc())
    ).all()
    return UseTargets(tuple(classes), tuple(GroupChoice(i, n, c, names[c]) for i, n, c in groups))


def material_file(
    session: Session, actor: Actor, strategy_id: int, material_id: int, store: FileStore
) -> Download:
    """An uploaded material's content, for the strategy's school only."""
    strategy = _strategy(session, actor, strategy_id)
    material = session.get(StrategyMaterial, material_id)
    if material is None or material.strategy_id != strategy.id:
        raise NotFound(f"material {material_id} not found")
    stored = session.get(StoredFile, material.file_id) if material.file_id is not None else None
    if stored is None or stored.school_id != strategy.school_id:
        raise NotFound(f"material {material_id} has no file")
    return Download(stored.name, stored.media_type, store.read(stored))


def _material_view(material: StrategyMaterial, stored: StoredFile | None) -> MaterialView:
    if stored is None:
        return MaterialView(material.id, material.title, material.url, "", "", 0)
    return MaterialView(material.id, material.title, "", stored.name, stored.media_type, stored.size)


def _summaries(session: Session, strategies: Sequence[Strategy], now: datetime) -> list[StrategySummary]:
    """Summaries of many strategies in a fixed number of queries."""
    ids = [s.id for s in strategies]
    if not ids:
        return []
    skills: dict[int, list[SkillRef]] = defaultdict(list)
    for strategy_id, skill_id, key, name, course in session.execute(
        select(StrategySkill.strategy_id, Skill.id, Skill.key, Skill.name, Course.title)
        .join(Skill, Skill.id == StrategySkill.skill_id)
        .join(Course, Course.id == Skill.course_id)
        .where(StrategySkill.strategy_id.in_(ids))
        .order_by(Course.title, Skill.position, Skill.id)
    ):
        skills[strategy_id].append(SkillRef(skill_id, key, name, course))
    authors = dict(
        session.execute(
            select(User.id, User.display_name).where(
                User.id.in_({s.created_by_id for s in strategies if s.created_by_id is not None})
            )
        ).all()
    )
    comments = dict(
        session.execute(
            select(StrategyComment.strategy_id, func.count(StrategyComment.id))
            .where(StrategyComment.strategy_id.in_(ids))
            .group_by(StrategyComment.strategy_id)
        ).all()
    )
    materials = dict(
        session.execute(
            select(StrategyMaterial.strategy_id, func.count(StrategyMaterial.id))
            .where(StrategyMaterial.strategy_id.in_(ids))
            .group_by(StrategyMaterial.strategy_id)
        ).all()
    )
    uses = session.scalars(select(StrategyUse).where(StrategyUse.strategy_id.in_(ids))).all()
    measured = _measure(session, uses, {i: [s.id for s in skills[i]] for i in ids}, now)
    changes: dict[int, list[float]] = defaultdict(list)
    use_count: dict[int, int] = defaultdict(int)
    for use in uses:
        use_count[use.strategy_id] += 1
        result = measured.get(use.id)
        if isinstance(result, Measurement) and result.final:
            changes[use.strategy_id].append(result.change)
    return [
        StrategySummary(
            id=s.id,
            title=s.title,
            grade_band=s.grade_band,
            needs=tuple(map(str, s.needs or [])),
            skills=tuple(skills[s.id]),
            author=authors.get(s.created_by_id or 0, "a former colleague"),
            created_by_id=s.created_by_id,
            updated_at=s.updated_at,
            uses=use_count[s.id],
            measured=len(changes[s.id]),
            average_change=sum(changes[s.id]) / len(changes[s.id]) if changes[s.id] else None,
            comments=int(comments.get(s.id, 0)),
            materials=int(materials.get(s.id, 0)),
        )
        for s in strategies
    ]


def _use_views(
    session: Session, uses: Sequence[StrategyUse], strategy_skills: dict[int, list[int]], now: datetime
) -> list[UseView]:
    measured = _measure(session, uses, strategy_skills, now)
    teachers = dict(
        session.execute(
            select(User.id, User.display_name).where(
                User.id.in_({u.teacher_id for u in uses if u.teacher_id})
            )
        ).all()
    )
    classes = dict(
        session.execute(
            select(Classroom.id, Classroom.name).where(
                Classroom.id.in_({u.class_id for u in uses if u.class_id})
            )
        ).all()
    )
    groups = dict(
        session.execute(
            select(StudentGroup.id, StudentGroup.name).where(
                StudentGroup.id.in_({u.group_id for u in uses if u.group_id})
            )
        ).all()
    )
    views = []
    for use in uses:
        result = measured.get(use.id, "not linked to a group")
        views.append(
            UseView(
                id=use.id,
                teacher=teachers.get(use.teacher_id or 0, "a former colleague"),
                class_id=use.class_id,
                class_name=classes.get(use.class_id or 0, ""),
                group_id=use.group_id,
                group_name=groups.get(use.group_id or 0, ""),
                used_on=use.used_on.date(),
                note=use.note,
                created_at=use.created_at,
                measurement=result if isinstance(result, Measurement) else None,
                unmeasured=result if isinstance(result, str) else "",
            )
        )
    return views


# --- Measuring ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _GroupContext:
    members: tuple[int, ...]
    focus: tuple[int, ...]  # skill ids
    focus_names: tuple[str, ...]
    course_id: int
    threshold: float


def _measure(
    session: Session, uses: Sequence[StrategyUse], strategy_skills: dict[int, list[int]], now: datetime
) -> dict[int, Measurement | str]:
    """The measurement of each use linked to a group (or why there is none), in at most seven queries."""
    linked = [u for u in uses if u.group_id is not None]
    if not linked:
        return {}
    groups = {
        g.id: g
        for g in session.scalars(
            select(StudentGroup).where(StudentGroup.id.in_({u.group_id for u in linked}))
        )
    }
    class_rows = session.execute(
        select(Classroom.id, Course.id, Course.mastery_threshold)
        .join(Course, Course.id == Classroom.course_id)
        .where(Classroom.id.in_({g.class_id for g in groups.values()}))
    ).all()
    course_of = {class_id: (course_id, threshold) for class_id, course_id, threshold in class_rows}
    course_ids = {course_id for course_id, _ in course_of.values()}
    skills = session.execute(
        select(Skill.id, Skill.key, Skill.name, Skill.course_id)
        .where(Skill.course_id.in_(course_ids))
        .order_by(Skill.position, Skill.id)
    ).all()
    by_key = {(course, key): (skill_id, name) for skill_id, key, name, course in skills}
    key_of = {skill_id: key for skill_id, key, _, _ in skills}
    course_skill = {skill_id: course for skill_id, _, _, course in skills}
    position = {skill_id: index for index, (skill_id, *_rest) in enumerate(skills)}
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, student_id in session.execute(
        select(StudentGroupMember.group_id, StudentGroupMember.student_id)
        .where(StudentGroupMember.group_id.in_(groups))
        .order_by(StudentGroupMember.student_id)
    ):
        members[group_id].append(student_id)
    priors = _course_parameters(session, course_ids)

    results: dict[int, Measurement | str] = {}
    contexts: dict[int, _GroupContext] = {}
    for use in linked:
        group = groups.get(use.group_id or 0)
        if group is None:
            results[use.id] = "the group no longer exists"
            continue
        if group.class_id not in course_of:
            results[use.id] = "the group's class has no course"
            continue
        course_id, threshold = course_of[group.class_id]
        focus = [by_key[(course_id, str(k))][0] for k in group.focus or [] if (course_id, str(k)) in by_key]
        if not focus:
            focus = [i for i in strategy_skills.get(use.strategy_id, []) if course_skill.get(i) == course_id]
        focus = sorted(set(focus), key=lambda i: position[i])
        if not focus:
            results[use.id] = "no focus skill of the group's course"
            continue
        if not members[group.id]:
            results[use.id] = "the group has no members"
            continue
        contexts[use.id] = _GroupContext(
            tuple(members[group.id]), tuple(focus), tuple(by_key[(course_id, key_of[i])][1] for i in focus),
            course_id, threshold,
        )  # fmt: skip
    if not contexts:
        return results

    moments = {u.id: _moments(u, now) for u in linked if u.id in contexts}
    students = {s for c in contexts.values() for s in c.members}
    skill_ids = {s for c in contexts.values() for s in c.focus}
    latest = max(after for _, after, _ in moments.values())
    history: dict[tuple[int, int], tuple[list[datetime], list[float]]] = defaultdict(lambda: ([], []))
    for student_id, skill_id, created_at, p_after in session.execute(
        select(Evidence.student_id, Evidence.skill_id, Evidence.created_at, Evidence.p_after)
        .where(
            Evidence.student_id.in_(students), Evidence.skill_id.in_(skill_ids), Evidence.created_at <= latest
        )
        .order_by(Evidence.student_id, Evidence.skill_id, Evidence.created_at, Evidence.id)
    ):
        times, values = history[(student_id, skill_id)]
        times.append(created_at)
        values.append(p_after)

    for use_id, context in contexts.items():
        before_at, after_at, final = moments[use_id]
        params = priors.get(context.course_id, SkillParameters())
        rule = policy.MasteryRule(context.threshold)

        def p_at(student: int, skill: int, moment: datetime, params: SkillParameters = params) -> float:
            times, values = history.get((student, skill), ([], []))
            index = bisect_right(times, moment)
            return values[index - 1] if index else params.for_skill(key_of[skill]).prior

        before = [[p_at(s, k, before_at) for k in context.focus] for s in context.members]
        after = [[p_at(s, k, after_at) for k in context.focus] for s in context.members]
        mastered = sum(
            1
            for b, a in zip(before, after, strict=True)
            if not all(map(rule.is_mastered, b)) and all(map(rule.is_mastered, a))
        )
        cells = len(context.members) * len(context.focus)
        results[use_id] = Measurement(
            skills=context.focus_names, members=len(context.members),
            before=sum(map(sum, before)) / cells, after=sum(map(sum, after)) / cells, final=final,
            after_on=(before_at + MEASURE_WINDOW).date(), mastered=mastered,
        )  # fmt: skip
    return results


def _moments(use: StrategyUse, now: datetime) -> tuple[datetime, datetime, bool]:
    """Before: the start of the use date; after: two weeks later, or now while they run."""
    before = use.used_on
    after = before + MEASURE_WINDOW
    return (before, after, True) if after <= now else (before, max(now, before), False)


def _course_parameters(session: Session, course_ids: Iterable[int]) -> dict[int, SkillParameters]:
    """The newest BKT parameters of each course in one query (as practice uses them), else the defaults."""
    newest: dict[int, SkillParameters] = {}
    for course_id, parameters in session.execute(
        select(LearnerModelParameters.course_id, LearnerModelParameters.parameters)
        .where(LearnerModelParameters.course_id.in_(list(course_ids)), LearnerModelParameters.model == "bkt")
        .order_by(LearnerModelParameters.course_id, LearnerModelParameters.version.desc())
    ):
        if course_id not in newest:
            newest[course_id] = SkillParameters.from_json(parameters)
    return newest


# --- Writing --------------------------------------------------------------------------------------------


def create(
    session: Session,
    actor: Actor,
    *,
    title: str,
    description: str = "",
    grade_band: str = "",
    needs: Iterable[str] = (),
    skill_ids: Iterable[int] = (),
) -> int:
    """Add a strategy to the school's library; returns its id."""
    require_staff(actor)
    strategy = Strategy(school_id=actor.school_id, created_by_id=actor.user_id)
    _fill(session, actor, strategy, title, description, grade_band, needs, skill_ids, new=True)
    return strategy.id


def update(
    session: Session,
    actor: Actor,
    strategy_id: int,
    *,
    title: str,
    description: str = "",
    grade_band: str = "",
    needs: Iterable[str] = (),
    skill_ids: Iterable[int] = (),
) -> int:
    """Change a strategy (its author or an administrator): every field is replaced."""
    strategy = _editable(session, actor, strategy_id)
    _fill(session, actor, strategy, title, description, grade_band, needs, skill_ids, new=False)
    return strategy.id


def _fill(
    session: Session,
    actor: Actor,
    strategy: Strategy,
    title: str,
    description: str,
    grade_band: str,
    needs: Iterable[str],
    skill_ids: Iterable[int],
    *,
    new: bool,
) -> None:
    strategy.title = _text(title, "title", limits.TITLE_MAX, required=True)
    strategy.description = _text(description, "description", limits.TEXT_MAX)
    strategy.grade_band = clean_grade_band(grade_band)
    strategy.needs = clean_needs(needs)
    ids = _skills_of_school(session, actor, skill_ids)
    strategy.updated_at = utcnow()
    if new:
        session.add(strategy)
        session.flush()
    else:
        for row in session.scalars(select(StrategySkill).where(StrategySkill.strategy_id == strategy.id)):
            session.delete(row)
        session.flush()
    session.add_all(StrategySkill(strategy_id=strategy.id, skill_id=i) for i in ids)
    session.flush()


def add_comment(session: Session, actor: Actor, strategy_id: int, body: str) -> CommentView:
    """A colleague's comment; the author hears of it in their messages."""
    strategy = _strategy(session, actor, strategy_id)
    body = _text(body, "body", limits.COMMENT_MAX, what="comment")
    if not body:
        raise InvalidInput("body", "write a comment")
    comment = StrategyComment(
        school_id=strategy.school_id, strategy_id=strategy.id, author_id=actor.user_id, body=body
    )
    session.add(comment)
    if strategy.created_by_id is not None and strategy.created_by_id != actor.user_id:
        notify(
            session, school_id=strategy.school_id, recipient_id=strategy.created_by_id, author_id=actor.user_id,
            kind="comment", subject=f"{actor.display_name} commented on {strategy.title}", body=body,
            link=f"/strategies/{strategy.id}#comments",
        )  # fmt: skip
    session.flush()
    return CommentView(comment.id, actor.display_name, comment.body, comment.created_at)


def log_use(
    session: Session,
    actor: Actor,
    strategy_id: int,
    *,
    used_on: date,
    class_id: int | None = None,
    group_id: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> UseView:
    """Log that the strategy was used with a group (of a class the actor teaches or co-teaches, or any class
    of the school for an administrator) or with a whole class, on a day that is not in the future."""
    strategy = _strategy(session, actor, strategy_id)
    now = now or utcnow()
    note = _text(note, "note", NOTE_MAX)
    if used_on > today(now):
        raise InvalidInput("used_on", f"{used_on.isoformat()} is in the future: log a use once it happened")
    if group_id is not None:
        group = session.get(StudentGroup, group_id)
        if group is None or group.school_id != actor.school_id:
            raise NotFound(f"group {group_id} not found")
        if class_id is not None and class_id != group.class_id:
            raise InvalidInput("group_id", "the group is not of the class chosen")
        class_id = group.class_id
    if class_id is None:
        raise InvalidInput("class_id", "choose the group or class you used the strategy with")
    get_class(session, actor, class_id)  # teachers and co-teachers of the class, the school's admins
    use = StrategyUse(
        school_id=strategy.school_id, strategy_id=strategy.id, teacher_id=actor.user_id, class_id=class_id,
        group_id=group_id, used_on=datetime.combine(used_on, time(0), tzinfo=UTC), note=note,
    )  # fmt: skip
    session.add(use)
    strategy_skills = list(
        session.scalars(select(StrategySkill.skill_id).where(StrategySkill.strategy_id == strategy.id))
    )
    session.flush()
    return _use_views(session, [use], {strategy.id: strategy_skills}, now)[0]


def _next_material(session: Session, strategy: Strategy, field: str) -> int:
    count, last = session.execute(
        select(func.count(StrategyMaterial.id), func.max(StrategyMaterial.position)).where(
            StrategyMaterial.strategy_id == strategy.id
        )
    ).one()
    if count >= MATERIALS_MAX:
        raise InvalidInput(field, f"a strategy has at most {MATERIALS_MAX} materials")
    return int(last or 0) + 1


def add_link(session: Session, actor: Actor, strategy_id: int, *, title: str, url: str) -> MaterialView:
    """Attach a web link (http or https only) to the strategy (its author or an administrator)."""
    strategy = _editable(session, actor, strategy_id)
    url = check_link(url)
    title = _text(title, "title", limits.TITLE_MAX) or (urlsplit(url).hostname or url)
    material = StrategyMaterial(
        strategy_id=strategy.id, title=title, url=url, position=_next_material(session, strategy, "url")
    )
    session.add(material)
    strategy.updated_at = utcnow()
    session.flush()
    return _material_view(material, None)


def add_file(
    session: Session,
    actor: Actor,
    strategy_id: int,
    *,
    title: str,
    filename: str,
    data: bytes,
    store: FileStore,
) -> MaterialView:
    """Attach an uploaded file (checked by its content; a refused file stores nothing)."""
    strategy = _editable(session, actor, strategy_id)
    title = _text(title, "title", limits.TITLE_MAX)
    position = _next_material(session, strategy, "file")
    upload = check_upload(filename, data, "file")
    stored = store.save(session, strategy.school_id, actor.user_id, upload)
    material = StrategyMaterial(
        strategy_id=strategy.id, title=title or upload.name, file_id=stored.id, position=position
    )
    session.add(material)
    strategy.updated_at = utcnow()
    session.flush()
    return _material_view(material, stored)
