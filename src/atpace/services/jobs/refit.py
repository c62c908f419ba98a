"""The nightly refit: each course's learner model fitted again from its own school's attempts.

The periodic job (no arguments) queues one ``models.refit`` job per school that has courses, so that each
school's administrators see their own refit and its outcome; that job fits each course of the school with
``learner_params.fit_course`` (BKT, stored as the course's next parameter version, which practice reads
from then on). A course with no attempt since its latest version is left alone, so a quiet night stores
nothing. Each course is fitted in its own transaction: one that fails does not undo the others, and the job
then fails (to be retried) naming it. Erased students' attempts are gone, so a refit never sees them.
"""

from __future__ import annotations

from sqlalchemy import func, select

from atpace.store.db import Database
from atpace.store.tables import Attempt, Course, Item, LearnerModelParameters


def refit(database: Database, school_id: int | None) -> str:
    if school_id is None:
        return _fan_out(database)
    return refit_school(database, school_id)


def _fan_out(database: Database) -> str:
    from atpace.services.jobs.queue import enqueue_in

    with database.transaction() as session:
        schools = list(session.scalars(select(Course.school_id).distinct().order_by(Course.school_id)))
        for school in schools:
            enqueue_in(session, "models.refit", {"school_id": school}, school_id=school)
    return f"queued the refit of {len(schools)} school{'' if len(schools) == 1 else 's'}"


def refit_school(database: Database, school_id: int) -> str:
    from atpace.services.learner_params import fit_course

    with database.transaction(write=False) as session:
        course_ids = list(
            session.scalars(select(Course.id).where(Course.school_id == school_id).order_by(Course.key))
        )
    lines: list[str] = []
    failed: list[str] = []
    for course_id in course_ids:
        try:
            with database.transaction() as session:
                course = session.get(Course, course_id)
                if course is None:  # deleted since
                    continue
                latest = session.execute(
                    select(LearnerModelParameters.version, LearnerModelParameters.created_at)
                    .where(
                        LearnerModelParameters.course_id == course_id, LearnerModelParameters.model == "bkt"
                    )
                    .order_by(LearnerModelParameters.version.desc())
                    .limit(1)
                ).first()
                if latest is not None:
                    new = session.scalar(
                        select(func.count(Attempt.id))
                        .join(Item, Item.id == Attempt.item_id)
                        .where(Item.course_id == course_id, Attempt.created_at > latest[1])
                    )
                    if not new:
                        lines.append(f"{course.title}: no new attempts since version {latest[0]}; kept it")
                        continue
                lines.append(fit_course(session, course))
        except Exception as error:
            failed.append(f"course {course_id}: {error!r}")
    if failed:
        raise RuntimeError("; ".join(failed) + (" (done: " + "; ".join(lines) + ")" if lines else ""))
    return "; ".join(lines) if lines else "no courses"
