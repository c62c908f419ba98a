"""Hints of the item on screen (never for the question of a running placement)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, InvalidInput
from atpace.services.access import student_course
from atpace.services.auth import Actor
from atpace.services.practice.common import acting_student, course_item
from atpace.store.tables import Item, PlacementSession
from atpace.store.tables_pathways import MasteryCheck


def open_check_items(session: Session, student_id: int) -> set[int]:
    """The items of the student's unfinished mastery checks (asked without hints)."""
    lists = session.scalars(
        select(MasteryCheck.item_ids).where(MasteryCheck.student_id == student_id, MasteryCheck.status == "open")
    )
    return {int(i) for ids in lists for i in ids}


def hint(session: Session, actor: Actor, item_id: int, number: int) -> tuple[str, int]:
    """Hint ``number`` (1-based) of an item in the student's course, and how many hints it has."""
    item = _hinted_item(session, actor, item_id)
    if not 1 <= number <= len(item.hints):
        raise InvalidInput("number", f"this item has hints 1 to {len(item.hints)}")
    return str(item.hints[number - 1]), len(item.hints)


def hints_shown(session: Session, actor: Actor, item_id: int, count: int) -> list[str]:
    """The first ``count`` hints of an item (those the student has read), in one lookup."""
    item = _hinted_item(session, actor, item_id)
    return [str(text) for text in item.hints[: max(count, 0)]]


def _hinted_item(session: Session, actor: Actor, item_id: int) -> Item:
    student = acting_student(session, actor)
    item = course_item(session, student_course(session, student), item_id)
    running = session.get(PlacementSession, student.id)
    if running is not None and running.finished_at is None and running.current_item_id == item.id:
        raise Conflict("no hints during placement: it finds what you can do on your own")
    if item.id in open_check_items(session, student.id):
        raise Conflict("no hints in a mastery check: it confirms what you can do on your own")
    return item
