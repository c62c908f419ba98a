"""The due date, extension and lateness rules (atpace.services.assignments.dates), without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from atpace.services.assignments.dates import (
    DUE_SOON,
    STATE_LABELS,
    LatestWork,
    check_extension,
    effective_due,
    is_late,
    waits_for_student,
    work_state,
)

OPEN = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
DUE = datetime(2025, 3, 10, 17, 0, tzinfo=UTC)


def test_an_extension_replaces_the_due_date_for_its_student_only() -> None:
    later = DUE + timedelta(days=2)
    assert effective_due(DUE, later) == later
    assert effective_due(DUE, None) == DUE
    assert effective_due(None, None) is None
    assert effective_due(None, later) == later  # undated work with a date for one student


def test_an_extension_must_be_later_than_the_due_date() -> None:
    assert check_extension(DUE, DUE + timedelta(minutes=1)) is None
    assert check_extension(DUE, DUE) is not None
    refused = check_extension(DUE, DUE - timedelta(days=1))
    assert refused is not None and "after" in refused
    assert check_extension(None, DUE) is None  # undated work: any date is a real deadline


def test_work_after_the_due_date_is_late_and_at_the_due_date_is_not() -> None:
    assert not is_late(DUE, DUE)
    assert not is_late(DUE - timedelta(seconds=1), DUE)
    assert is_late(DUE + timedelta(seconds=1), DUE)
    assert not is_late(DUE + timedelta(days=400), None)  # no due date: never late


def test_an_extension_turns_late_work_on_time() -> None:
    handed_in = DUE + timedelta(days=1)
    assert is_late(handed_in, effective_due(DUE, None))
    assert not is_late(handed_in, effective_due(DUE, DUE + timedelta(days=2)))
    assert is_late(handed_in + timedelta(days=2), effective_due(DUE, DUE + timedelta(days=2)))


@pytest.mark.parametrize(
    ("now", "due", "latest", "completed", "state"),
    [
        (OPEN - timedelta(hours=1), DUE, None, False, "not-open"),
        (OPEN, DUE, None, False, "to-do"),
        (DUE - DUE_SOON, DUE, None, False, "due-soon"),
        (DUE - DUE_SOON - timedelta(seconds=1), DUE, None, False, "to-do"),
        (DUE + timedelta(seconds=1), DUE, None, False, "overdue"),
        (DUE + timedelta(days=30), None, None, False, "to-do"),  # no due date: never overdue
        (DUE + timedelta(days=1), DUE, LatestWork("submitted", True), False, "submitted"),
        (DUE + timedelta(days=1), DUE, LatestWork("returned", False), False, "returned"),
        (DUE + timedelta(days=1), DUE, LatestWork("graded", False), False, "graded"),
        (DUE + timedelta(days=1), DUE, None, True, "complete"),
        (OPEN - timedelta(days=1), DUE, None, True, "complete"),
    ],
)  # fmt: skip
def test_work_state(
    now: datetime, due: datetime | None, latest: LatestWork | None, completed: bool, state: str
) -> None:
    assert work_state(now, OPEN, due, latest, completed) == state
    assert STATE_LABELS[work_state(now, OPEN, due, latest, completed)]


def test_an_extension_moves_overdue_work_back_to_do() -> None:
    now = DUE + timedelta(hours=1)
    assert work_state(now, OPEN, effective_due(DUE, None), None) == "overdue"
    assert work_state(now, OPEN, effective_due(DUE, DUE + timedelta(days=5)), None) == "to-do"


def test_every_state_has_a_label_in_words_and_only_overdue_or_returned_waits_for_the_student() -> None:
    assert all(label and label[0].isupper() for label in STATE_LABELS.values())
    assert {s for s in STATE_LABELS if waits_for_student(s)} == {"overdue", "returned"}
