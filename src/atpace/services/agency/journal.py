"""The reflection journal: short answers to "What helped?" and "What will you try next?".

Written by the student after a practice session, on returned work, at the end of a goal, or any time; read by
the student, the teachers of their classes and their school's admins. Entries are never changed or deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import InvalidInput
from atpace.services.agency.common import StudentCourse, acting_student, reflection_texts, seen_student
from atpace.services.auth import Actor
from atpace.store.tables import Assignment, Skill, Submission
from atpace.store.tables_agency import Goal, JournalEntry

PROMPTS = {"helped": "What helped?", "next_step": "What will you try next?"}
CONTEXT_LABELS = {
    "practice": "After practice", "work": "On returned work", "goal": "End of a goal", "free": "Reflection",
}  # fmt: skip
RETURNED = ("returned", "graded")


@dataclass(frozen=True)
class NewEntry:
    context: str  # practice, work or free (goal reflections come through the goal)
    helped: str = ""
    next_step: str = ""
    skill_key: str | None = None
    assignment_id: int | None = None


@dataclass(frozen=True)
class EntryView:
    entry: JournalEntry
    context_label: str
    about: str  # the skill, the work or the goal it is about ("" for a free reflection)


def add_entry(session: Session, actor: Actor, data: NewEntry) -> JournalEntry:
    seen = acting_student(session, actor, "write in their own journal")
    if data.context not in ("practice", "work", "free"):
        raise InvalidInput("context", "a journal entry is about practice, returned work, or free")
    helped, next_step = reflection_texts(data.helped, data.next_step)
    skill_id = assignment_id = None
    if data.skill_key:
        skill = seen.graph.skills.get(data.skill_key)
        if skill is None:
            raise InvalidInput("skill_key", f"{data.skill_key!r} is not a skill of {seen.course.title}")
        skill_id = skill.id
    if data.context == "work":
        if data.assignment_id is None or not returned_work(session, seen, data.assignment_id):
            raise InvalidInput("assignment_id", "reflect on work your teacher has returned to you")
        assignment_id = data.assignment_id
    entry = JournalEntry(
        school_id=seen.student.school_id, student_id=seen.student.id, context=data.context, skill_id=skill_id,
        assignment_id=assignment_id, helped=helped, next_step=next_step,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    return entry


def returned_work(session: Session, seen: StudentCourse, assignment_id: int) -> Assignment | None:
    """The assignment, if the student has a version of it that the teacher returned or graded."""
    return session.scalar(
        select(Assignment)
        .join(Submission, Submission.assignment_id == Assignment.id)
        .where(
            Assignment.id == assignment_id,
            Assignment.school_id == seen.student.school_id,
            Submission.student_id == seen.student.id,
            Submission.status.in_(RETURNED),
        )
        .limit(1)
    )


def journal(session: Session, actor: Actor, student_id: int) -> tuple[StudentCourse, list[EntryView]]:
    """The student's journal, newest first."""
    seen = seen_student(session, actor, student_id)
    rows = session.execute(
        select(JournalEntry, Skill.name, Assignment.title, Goal.title)
        .outerjoin(Skill, Skill.id == JournalEntry.skill_id)
        .outerjoin(Assignment, Assignment.id == JournalEntry.assignment_id)
        .outerjoin(Goal, Goal.id == JournalEntry.goal_id)
        .where(JournalEntry.student_id == seen.student.id)
        .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
    )
    views = [
        EntryView(entry, CONTEXT_LABELS[entry.context], goal or work or skill or "")
        for entry, skill, work, goal in rows
    ]
    return seen, views


def latest_entry_at(session: Session, student_id: int) -> datetime | None:
    return session.scalar(
        select(JournalEntry.created_at)
        .where(JournalEntry.student_id == student_id)
        .order_by(JournalEntry.created_at.desc())
        .limit(1)
    )
