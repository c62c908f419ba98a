"""Fit learner-model parameters from the platform's own attempts and store them, versioned."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.datasets.platform import log_from_rows
from atpace.engine.models.bkt import fit_skill_parameters
from atpace.store.db import Database
from atpace.store.tables import Attempt, Course, ItemSkill, LearnerModelParameters, School, Skill

MIN_ATTEMPTS = 200  # fewer answers than this fit noise, not skills


def fit_course(session: Session, course: Course, model: str = "bkt", **hyperparameters: Any) -> str:
    """Fit one course's BKT parameters on its attempts and store them as the next version."""
    if model != "bkt":
        raise ValueError(f"the practice loop reads BKT parameters; cannot store model {model!r}")
    keys = dict(session.execute(select(Skill.id, Skill.key).where(Skill.course_id == course.id)).all())
    skills_of: dict[int, list[str]] = defaultdict(list)
    for item_id, skill_id in session.execute(
        select(ItemSkill.item_id, ItemSkill.skill_id).where(ItemSkill.skill_id.in_(keys))
    ):
        skills_of[item_id].append(keys[skill_id])
    rows = session.execute(
        select(Attempt.student_id, Attempt.item_id, Attempt.correct, Attempt.created_at)
        .where(Attempt.item_id.in_(skills_of))
        .order_by(Attempt.student_id, Attempt.created_at, Attempt.id)
    ).all()
    if len(rows) < MIN_ATTEMPTS:
        return f"{course.title}: {len(rows)} attempts, fewer than {MIN_ATTEMPTS}; kept the current parameters"
    log = log_from_rows((s, i, sorted(skills_of[i]), bool(c), t) for s, i, c, t in rows)
    fitted = fit_skill_parameters(log, **hyperparameters)
    version = 1 + (
        session.scalar(
            select(func.max(LearnerModelParameters.version)).where(
                LearnerModelParameters.course_id == course.id, LearnerModelParameters.model == model
            )
        )
        or 0
    )
    session.add(
        LearnerModelParameters(
            school_id=course.school_id,
            course_id=course.id,
            model=model,
            version=version,
            parameters=fitted.to_json(),
        )
    )
    session.flush()
    return f"{course.title}: fitted on {len(rows)} attempts, {len(fitted.by_skill)} skills; stored as version {version}"


def fit_from_attempts(database_url: str, model: str = "bkt", **hyperparameters: Any) -> str:
    """Fit every course that has enough attempts, each school's course on that school's data only."""
    database = Database(database_url)
    lines = []
    with database.transaction() as session:
        for course, school in session.execute(
            select(Course, School)
            .join(School, School.id == Course.school_id)
            .order_by(School.slug, Course.key)
        ):
            lines.append(f"{school.slug}/{fit_course(session, course, model, **hyperparameters)}")
    database.engine.dispose()
    return "\n".join(lines) if lines else "no courses in this database"
