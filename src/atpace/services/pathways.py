"""Several pathways to a skill (docs/pathways.md): each skill's playlist of learning resources, which
students used which (and when), and what followed (``atpace.engine.resource_effect``).

Teachers of a class using the course and administrators (the course's editors) add, edit, remove and
order resources; a student sees and uses the playlists of their own course's skills.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.engine.resource_effect import (
    MIN_STUDENTS,
    NEXT_ATTEMPTS,
    AttemptPoint,
    ResourceEffect,
    resource_effect,
)
from atpace.errors import InvalidInput, NotFound
from atpace.services.access import get_course, require_course_editor, require_student, student_course
from atpace.services.auth import Actor
from atpace.store.tables import Attempt, Course, Role, Skill, User, utcnow
from atpace.store.tables_pathways import RESOURCE_KINDS, LearningResource, ResourceUse

KIND_LABELS = {
    "worked_example": "Worked example",
    "reading": "Short reading",
    "video": "Video",
    "interactive": "Interactive or manipulative",
    "peer_explanation": "A classmate's explanation",
}
TITLE_MAX = 200
BODY_MAX = 5_000
URL_MAX = 2_000
PLAYLIST_MAX = 30  # resources per skill
NEEDS_URL = ("video", "interactive")  # a link is what these are


@dataclass(frozen=True)
class ResourceInput:
    kind: str
    title: str
    url: str = ""
    body: str = ""


@dataclass(frozen=True)
class ResourceView:
    id: int
    course_id: int
    skill_key: str
    skill_name: str
    kind: str
    kind_label: str
    title: str
    url: str
    body: str
    position: int


@dataclass(frozen=True)
class ResourceFigure:
    resource: ResourceView
    users: int  # students who used it (at least once)
    uses: int  # times it was opened
    effect: ResourceEffect


@dataclass(frozen=True)
class Playlist:
    course_id: int
    course_title: str
    skill_key: str
    skill_name: str
    resources: tuple[ResourceView, ...]
    figures: tuple[ResourceFigure, ...]  # for teachers; empty for students
    next_attempts: int = NEXT_ATTEMPTS
    minimum: int = MIN_STUDENTS


def validate(data: ResourceInput) -> ResourceInput:
    """The input cleaned (trimmed), or InvalidInput naming the field."""
    kind, title, url, body = data.kind.strip(), data.title.strip(), data.url.strip(), data.body.strip()
    if kind not in RESOURCE_KINDS:
        raise InvalidInput("kind", f"kind must be one of {', '.join(RESOURCE_KINDS)}")
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput("title", f"a title of 1 to {TITLE_MAX} characters is needed")
    if len(body) > BODY_MAX:
        raise InvalidInput("body", f"the text is too long ({BODY_MAX} characters at most)")
    if url:
        parts = urlsplit(url)
        if (
            len(url) > URL_MAX
            or parts.scheme not in ("http", "https")
            or not parts.netloc
            or any(c.isspace() for c in url)
        ):
            raise InvalidInput("url", f"the link must be a web address starting with http:// or https:// "
                               f"({URL_MAX} characters at most)")  # fmt: skip
    if kind in NEEDS_URL and not url:
        raise InvalidInput("url", f"a {KIND_LABELS[kind].lower()} needs its link")
    if not url and not body:
        raise InvalidInput("body", "write the text, or give a link")
    return ResourceInput(kind, title, url, body)


def playlist(session: Session, actor: Actor, course_id: int, skill_key: str) -> Playlist:
    """A skill's playlist for its editors, with each resource's use and effect figure."""
    course = get_course(session, actor, course_id)
    require_course_editor(session, actor, course)
    skill = _skill(session, course, skill_key)
    resources = _resources(session, skill)
    return Playlist(
        course.id, course.title, skill.key, skill.name, tuple(_view(r, skill) for r in resources),
        tuple(_figures(session, course, skill, resources)),
    )  # fmt: skip


def student_playlist(session: Session, actor: Actor, skill_key: str) -> Playlist:
    """A skill's playlist of the student's own course (no figures)."""
    student = require_student(session, actor, "choose resources to learn from; teachers edit playlists")
    course = student_course(session, student)
    skill = _skill(session, course, skill_key)
    views = tuple(_view(r, skill) for r in _resources(session, skill))
    return Playlist(course.id, course.title, skill.key, skill.name, views, ())


def add_resource(
    session: Session, actor: Actor, course_id: int, skill_key: str, data: ResourceInput
) -> ResourceView:
    course = get_course(session, actor, course_id)
    require_course_editor(session, actor, course)
    skill = _skill(session, course, skill_key)
    clean = validate(data)
    existing = _resources(session, skill, lock=True)
    if len(existing) >= PLAYLIST_MAX:
        raise InvalidInput("title", f"a playlist holds {PLAYLIST_MAX} resources at most")
    now = utcnow()
    row = LearningResource(
        school_id=course.school_id, course_id=course.id, skill_id=skill.id, kind=clean.kind,
        title=clean.title, url=clean.url, body=clean.body,
        position=(max((r.position for r in existing), default=-1) + 1), created_by_id=actor.user_id,
        created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return _view(row, skill)


def update_resource(session: Session, actor: Actor, resource_id: int, data: ResourceInput) -> ResourceView:
    row, skill = _editable(session, actor, resource_id)
    clean = validate(data)
    row.kind, row.title, row.url, row.body, row.updated_at = (
        clean.kind, clean.title, clean.url, clean.body, utcnow()
    )  # fmt: skip
    session.flush()
    return _view(row, skill)


def delete_resource(session: Session, actor: Actor, resource_id: int) -> tuple[int, str]:
    """Remove a resource (its use records go with it); returns its (course id, skill key)."""
    row, skill = _editable(session, actor, resource_id)
    session.delete(row)
    session.flush()
    _renumber(_resources(session, skill, lock=True))
    return row.course_id, skill.key


def reorder(
    session: Session, actor: Actor, course_id: int, skill_key: str, resource_ids: Sequence[int]
) -> Playlist:
    """Put the playlist in the given order: every resource of the skill, each once."""
    course = get_course(session, actor, course_id)
    require_course_editor(session, actor, course)
    skill = _skill(session, course, skill_key)
    rows = {r.id: r for r in _resources(session, skill, lock=True)}  # one reorder at a time per playlist
    if sorted(resource_ids) != sorted(rows):
        raise InvalidInput("resource_ids", "list every resource of this skill's playlist once")
    _renumber([rows[i] for i in resource_ids])
    return playlist(session, actor, course_id, skill_key)


def move_resource(session: Session, actor: Actor, resource_id: int, offset: int) -> tuple[int, str]:
    """Move a resource one place up (-1) or down (+1) in its playlist; returns its (course id, skill key)."""
    if offset not in (-1, 1):
        raise InvalidInput("direction", "move up or down")
    row, skill = _editable(session, actor, resource_id)
    ordered = [r.id for r in _resources(session, skill, lock=True)]
    at = ordered.index(row.id)
    to = min(max(at + offset, 0), len(ordered) - 1)
    ordered.insert(to, ordered.pop(at))
    reorder(session, actor, row.course_id, skill.key, ordered)
    return row.course_id, skill.key


def open_resource(session: Session, actor: Actor, resource_id: int) -> ResourceView:
    """A resource to read: a student of its course, or an editor of its course."""
    row = session.get(LearningResource, resource_id)
    if row is None or row.school_id != actor.school_id:
        raise NotFound(f"resource {resource_id} not found")
    skill = session.get(Skill, row.skill_id)
    assert skill is not None
    if actor.role == Role.STUDENT:
        student = require_student(session, actor, "use resources")
        if student_course(session, student).id != row.course_id:
            raise NotFound(f"resource {resource_id} not found")
    else:
        course = session.get(Course, row.course_id)
        assert course is not None
        require_course_editor(session, actor, course)
    return _view(row, skill)


def use_resource(
    session: Session, actor: Actor, resource_id: int, *, now: datetime | None = None
) -> ResourceView:
    """Record that the student chose this resource (every opening is kept, with its time)."""
    require_student(session, actor, "use resources")
    view = open_resource(session, actor, resource_id)
    student = session.get(User, actor.user_id)
    assert student is not None
    session.add(
        ResourceUse(
            school_id=student.school_id, resource_id=view.id, student_id=student.id, used_at=now or utcnow()
        )
    )
    session.flush()
    return view


def _figures(
    session: Session, course: Course, skill: Skill, resources: Sequence[LearningResource]
) -> list[ResourceFigure]:
    if not resources:
        return []
    rows = session.execute(
        select(Attempt.student_id, Attempt.created_at, Attempt.mastery_before, Attempt.mastery_after)
        .where(Attempt.skill_id == skill.id, Attempt.school_id == course.school_id)
        .order_by(Attempt.student_id, Attempt.created_at, Attempt.id)
    ).all()
    traces: dict[int, list[AttemptPoint]] = {}
    for student_id, at, before, after in rows:
        traces.setdefault(student_id, []).append(AttemptPoint(at, before, after))
    uses = session.execute(
        select(ResourceUse.resource_id, ResourceUse.student_id, func.min(ResourceUse.used_at), func.count())
        .where(ResourceUse.resource_id.in_([r.id for r in resources]))
        .group_by(ResourceUse.resource_id, ResourceUse.student_id)
    ).all()
    first: dict[int, dict[int, datetime]] = {}
    counts: dict[int, int] = {}
    for resource_id, student_id, used_at, count in uses:
        first.setdefault(resource_id, {})[student_id] = used_at
        counts[resource_id] = counts.get(resource_id, 0) + int(count)
    return [
        ResourceFigure(
            _view(r, skill),
            len(first.get(r.id, {})),
            counts.get(r.id, 0),
            resource_effect(first.get(r.id, {}), traces),
        )
        for r in resources
    ]


def _skill(session: Session, course: Course, skill_key: str) -> Skill:
    skill = session.scalar(select(Skill).where(Skill.course_id == course.id, Skill.key == skill_key))
    if skill is None:
        raise NotFound(f"no skill {skill_key!r} in {course.title}")
    return skill


def _resources(session: Session, skill: Skill, *, lock: bool = False) -> list[LearningResource]:
    query = (
        select(LearningResource)
        .where(LearningResource.skill_id == skill.id)
        .order_by(LearningResource.position, LearningResource.id)
    )
    return list(session.scalars(query.with_for_update() if lock else query))


def _editable(session: Session, actor: Actor, resource_id: int) -> tuple[LearningResource, Skill]:
    row = session.get(LearningResource, resource_id)
    if row is None or row.school_id != actor.school_id:
        raise NotFound(f"resource {resource_id} not found")
    course = session.get(Course, row.course_id)
    assert course is not None
    require_course_editor(session, actor, course)
    skill = session.get(Skill, row.skill_id)
    assert skill is not None
    return row, skill


def _renumber(rows: Sequence[LearningResource]) -> None:
    for position, row in enumerate(rows):
        row.position = position


def _view(row: LearningResource, skill: Skill) -> ResourceView:
    return ResourceView(
        id=row.id, course_id=row.course_id, skill_key=skill.key, skill_name=skill.name, kind=row.kind,
        kind_label=KIND_LABELS[row.kind], title=row.title, url=row.url, body=row.body, position=row.position,
    )  # fmt: skip
