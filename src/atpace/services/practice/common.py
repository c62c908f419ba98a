"""What the practice modules share: the acting student, the item of their course, a practisable skill."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services.access import require_student
from atpace.services.auth import Actor
from atpace.services.progress import StudentProgress
from atpace.store.tables import Course, Item, ItemSkill, Skill, User


def acting_student(session: Session, actor: Actor) -> User:
    return require_student(session, actor, "practise; teachers see items from the class page")


def practisable(progress: StudentProgress, skill_key: str) -> Skill:
    """The skill, if the student may practise it now; a paused or locked skill is a 409 saying why."""
    skill = progress.course_graph.skills.get(skill_key)
    if skill is None:
        raise InvalidInput("skill_key", f"no skill {skill_key!r} in {progress.course.title}")
    if progress.skills[skill_key].state == "held":
        raise Conflict(f"{skill.name} is paused by your teacher ({progress.skills[skill_key].override}).")
    if progress.skills[skill_key].state == "locked":
        missing = [
            progress.skills[p].name
            for p in progress.skills[skill_key].prerequisites
            if p not in progress.mastered
        ]
        raise Conflict(f"{skill.name} is not ready yet: first master {', '.join(missing)}.")
    return skill


def course_item(session: Session, course: Course, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None or item.course_id != course.id:
        raise NotFound(f"item {item_id} not found")
    return item


def item_skill_keys(session: Session, item: Item, progress: StudentProgress) -> list[str]:
    by_id = progress.course_graph.skill_by_id()
    ids = session.scalars(select(ItemSkill.skill_id).where(ItemSkill.item_id == item.id)).all()
    return [skill.key for skill in sorted((by_id[i] for i in ids), key=lambda skill: skill.position)]
