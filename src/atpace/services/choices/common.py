"""What boards and projects share: checked text, uploads, and a rubric assessment turned into evidence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.engine.evidence import level_credit
from atpace.errors import InvalidInput
from atpace.services import limits
from atpace.services.assignments.submissions import FileView, Upload, check_uploads
from atpace.services.courses import load_graph
from atpace.services.evidence import Ledger, Observation, lock_student
from atpace.services.files import FileStore
from atpace.services.grading import FeedbackView, ScoreInput, SkillEffect, criterion_lines
from atpace.services.progress import load_overrides, load_parameters
from atpace.store.tables import Classroom, RubricCriterion, Skill, StoredFile, User

SKILLS_MAX = 20  # skills of one board or project


def clean_text(value: str, field: str, label: str, maximum: int, *, required: bool) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput(field, f"{label} is required")
    if len(text) > maximum:
        raise InvalidInput(field, f"{label} is too long ({maximum} characters at most)")
    if "\x00" in text:
        raise InvalidInput(field, f"{label} must not contain NUL characters")
    return text


def not_in_past(day: date | None, today: date, field: str, label: str) -> None:
    if day is not None and day < today:
        raise InvalidInput(field, f"{label} ({day:%d %b %Y}) is in the past: choose today or a later day")


def class_skill_keys(session: Session, classroom: Classroom, keys: Sequence[str], field: str) -> list[str]:
    """The keys, checked against the class's course, in the course's order, without repeats."""
    course = classroom.course
    if course is None:
        raise InvalidInput(field, f"{classroom.name} has no course yet, so it has no skills to choose from")
    wanted = [k.strip() for k in keys if k.strip()]
    if not wanted:
        raise InvalidInput(field, "choose at least one skill")
    if len(set(wanted)) > SKILLS_MAX:
        raise InvalidInput(field, f"choose at most {SKILLS_MAX} skills")
    known = list(
        session.scalars(
            select(Skill.key).where(Skill.course_id == course.id).order_by(Skill.position, Skill.id)
        )
    )
    unknown = [k for k in wanted if k not in known]
    if unknown:
        raise InvalidInput(field, f"skill {unknown[0]!r} is not in {course.title}, the class's course")
    return [k for k in known if k in set(wanted)]


def skill_names(session: Session, classroom: Classroom, keys: Iterable[str]) -> list[tuple[str, str]]:
    """(key, name) of these skills of the class's course, in the course's order."""
    if classroom.course_id is None:
        return []
    wanted = set(keys)
    rows = session.execute(
        select(Skill.key, Skill.name)
        .where(Skill.course_id == classroom.course_id)
        .order_by(Skill.position, Skill.id)
    ).all()
    return [(key, name) for key, name in rows if key in wanted]


def store_uploads(
    session: Session, files: FileStore, school_id: int, uploader_id: int, uploads: Sequence[Upload]
) -> list[StoredFile]:
    """Check every file first (one refused file refuses them all), then store them."""
    checked = check_uploads(uploads)
    return [files.save(session, school_id, uploader_id, upload) for upload in checked]


def clean_work(body: str, uploads: Sequence[Upload]) -> str:
    if len(body) > limits.TEXT_MAX:
        raise InvalidInput("body", f"the answer is longer than {limits.TEXT_MAX} characters")
    text = clean_text(body, "body", "the answer", limits.TEXT_MAX, required=False)
    if not text and not uploads:
        raise InvalidInput("body", "nothing to hand in: write your answer or attach a file")
    return text


def file_views(rows: Iterable[StoredFile]) -> tuple[FileView, ...]:
    return tuple(FileView(r.id, r.name, r.media_type, r.size) for r in sorted(rows, key=lambda r: r.id))


# A rubric assessment: levels checked, then evidence on the aligned skills


def criteria_of(session: Session, rubric_id: int) -> list[RubricCriterion]:
    return list(
        session.scalars(
            select(RubricCriterion)
            .where(RubricCriterion.rubric_id == rubric_id)
            .order_by(RubricCriterion.position, RubricCriterion.id)
        )
    )


def checked_scores(
    criteria: Sequence[RubricCriterion], scores: Sequence[ScoreInput | tuple[int, int | None, str]]
) -> dict[int, ScoreInput]:
    """A level on every criterion (index from 0 = lowest) and an optional comment each."""
    by_id = {c.id: c for c in criteria}
    checked: dict[int, ScoreInput] = {}
    for raw in scores:
        score = ScoreInput(*raw)
        criterion = by_id.get(score.criterion_id)
        if criterion is None:
            raise InvalidInput("scores", f"criterion {score.criterion_id} is not part of this rubric")
        if score.criterion_id in checked:
            raise InvalidInput(f"scores.{criterion.id}", f"“{criterion.title}” is scored twice")
        count = len(criterion.levels)
        if score.level is not None and not 0 <= score.level < count:
            raise InvalidInput(
                f"scores.{criterion.id}", f"“{criterion.title}” has levels 0 to {count - 1} (0 is the lowest)"
            )
        comment = clean_text(
            score.comment, f"scores.{criterion.id}.comment", f"the comment on “{criterion.title}”",
            limits.COMMENT_MAX, required=False,
        )  # fmt: skip
        checked[criterion.id] = ScoreInput(criterion.id, score.level, comment)
    for criterion in criteria:
        if checked.get(criterion.id, ScoreInput(criterion.id, None)).level is None:
            raise InvalidInput(f"scores.{criterion.id}", f"choose a level for “{criterion.title}”")
    return checked


def stored_scores(
    criteria: Sequence[RubricCriterion], checked: dict[int, ScoreInput]
) -> list[dict[str, Any]]:
    """As ``feedback.scores`` stores them."""
    return [
        {"criterion_id": c.id, "level": checked[c.id].level, "comment": checked[c.id].comment}
        for c in criteria
        if c.id in checked
    ]


@dataclass(frozen=True)
class Assessed:
    effects: tuple[SkillEffect, ...]
    not_counted: tuple[str, ...]  # aligned criteria that are no evidence here, and why


def record_rubric_evidence(
    session: Session,
    classroom: Classroom,
    student: User,
    criteria: Sequence[RubricCriterion],
    checked: dict[int, ScoreInput],
    skill_keys: Sequence[str],
    moment: datetime,
) -> Assessed:
    """Each level on a criterion aligned to one of ``skill_keys`` (skills of the class's course) is evidence
    of kind "rubric" for that skill, through the one path, in the rubric's order."""
    aligned = [c for c in criteria if c.skill_id is not None and checked[c.id].level is not None]
    course = classroom.course
    if course is None:
        return Assessed((), tuple(f"{c.title}: {classroom.name} has no course yet" for c in aligned))
    graph = load_graph(session, course)
    by_id = graph.skill_by_id()
    wanted = set(skill_keys)
    pieces: list[tuple[RubricCriterion, str, float]] = []
    not_counted: list[str] = []
    for criterion in aligned:
        skill = by_id.get(criterion.skill_id or 0)
        if skill is None or skill.key not in wanted:
            not_counted.append(f"{criterion.title}: its skill is not one this work shows")
            continue
        level = checked[criterion.id].level
        assert level is not None
        pieces.append((criterion, skill.key, level_credit(level, len(criterion.levels))))
    if not pieces:
        return Assessed((), tuple(not_counted))
    lock_student(session, student.id)  # one writer of this student's learner state at a time
    ledger = Ledger.load(session, student, graph, load_parameters(session, course.id))
    before = {key: ledger.p_learned(key) for _, key, _ in pieces}
    ledger.record(
        "rubric",
        [Observation(key, correct=credit >= 0.5, credit=credit) for _, key, credit in pieces],
        moment,
        overrides=load_overrides(session, student.id, graph),
    )
    titles: dict[str, list[str]] = {}
    for criterion, key, _ in pieces:
        titles.setdefault(key, []).append(criterion.title)
    effects = tuple(
        SkillEffect(
            key,
            graph.skills[key].name,
            tuple(names),
            before[key],
            ledger.p_learned(key),
            course.mastery_threshold,
        )
        for key, names in titles.items()
    )
    return Assessed(effects, tuple(not_counted))


def effects_json(effects: Sequence[SkillEffect]) -> list[dict[str, Any]]:
    """Stored with the assessment, so the student and teacher are told later why mastery changed."""
    return [
        {
            "skill_key": e.skill_key,
            "skill_name": e.skill_name,
            "criteria": list(e.criteria),
            "before": e.before,
            "after": e.after,
            "threshold": e.threshold,
        }
        for e in effects
    ]


def effect_of(stored: dict[str, Any]) -> SkillEffect:
    return SkillEffect(
        str(stored["skill_key"]), str(stored["skill_name"]), tuple(str(c) for c in stored.get("criteria", [])),
        float(stored["before"]), float(stored["after"]), float(stored["threshold"]),
    )  # fmt: skip


def feedback_view(
    session: Session,
    owner_id: int,
    scores: Sequence[dict[str, Any]],
    comment: str,
    teacher_id: int | None,
    created_at: datetime,
) -> FeedbackView:
    """Rubric levels as the grading pages show feedback (``_feedback_view.html``): the same view, so a
    student reads a choice or project assessment exactly as they read feedback on an assignment."""
    criteria = {
        c.id: c
        for c in session.scalars(
            select(RubricCriterion).where(RubricCriterion.id.in_([int(s["criterion_id"]) for s in scores]))
        )
    }
    skill_ids = {c.skill_id for c in criteria.values() if c.skill_id is not None}
    names = dict(session.execute(select(Skill.id, Skill.name).where(Skill.id.in_(skill_ids))).all())
    teacher = session.get(User, teacher_id) if teacher_id else None
    return FeedbackView(
        owner_id, "graded", comment, teacher.display_name if teacher else "", created_at,
        criterion_lines(scores, criteria, names),
    )  # fmt: skip
