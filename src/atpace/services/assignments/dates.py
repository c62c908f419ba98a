"""Due dates, extensions and lateness, as pure functions (unit-tested without a database).

Rules:
- A student's due date is their extension's date when they have one, else the assignment's (or the
  checkpoint's, for a project step). An extension may only move the date later than the assignment's.
- Work submitted after the student's due date is accepted and marked late; it is never refused or lost.
- Work is overdue when its due date has passed and nothing was submitted (practice: not completed).
- Before ``open_at`` a student sees the assignment as "not open yet" and cannot submit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

DUE_SOON = timedelta(days=2)

WorkState = Literal["not-open", "to-do", "due-soon", "overdue", "submitted", "returned", "graded", "complete"]

STATE_LABELS: dict[WorkState, str] = {
    "not-open": "Not open yet",
    "to-do": "To do",
    "due-soon": "Due soon",
    "overdue": "Overdue",
    "submitted": "Submitted",
    "returned": "Returned for revision",
    "graded": "Feedback given",
    "complete": "Complete",
}


def effective_due(due_at: datetime | None, extended_to: datetime | None) -> datetime | None:
    """The date that counts for one student: their extension, else the assignment's own."""
    return extended_to if extended_to is not None else due_at


def check_extension(due_at: datetime | None, extended_to: datetime) -> str | None:
    """Why an extension is refused (None: it is fine)."""
    if due_at is not None and extended_to <= due_at:
        return "an extension must give a date after the assignment's due date"
    return None


def is_late(submitted_at: datetime, due: datetime | None) -> bool:
    return due is not None and submitted_at > due


@dataclass(frozen=True)
class LatestWork:
    """The newest submission of a student (status as stored: submitted, returned or graded)."""

    status: str
    late: bool


def work_state(
    now: datetime,
    open_at: datetime,
    due: datetime | None,
    latest: LatestWork | None,
    completed: bool = False,
) -> WorkState:
    """Where one student stands on one assignment (or project step)."""
    if completed:
        return "complete"
    if latest is not None:
        if latest.status == "returned":
            return "returned"
        return "graded" if latest.status == "graded" else "submitted"
    if now < open_at:
        return "not-open"
    if due is not None and now > due:
        return "overdue"
    if due is not None and due - now <= DUE_SOON:
        return "due-soon"
    return "to-do"


def waits_for_student(state: WorkState) -> bool:
    """Work a student still has to do something about (the teacher's "Today" lists it)."""
    return state in ("overdue", "returned")
