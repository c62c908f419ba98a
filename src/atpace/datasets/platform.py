"""The platform's own attempts, given as plain rows (the store reads them; this module stays pure)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import numpy as np

from atpace.engine.models.interaction_log import InteractionLog

AttemptRow = tuple[object, object, Sequence[str], bool, datetime]


def log_from_rows(rows: Iterable[AttemptRow]) -> InteractionLog:
    """A log from ``(student_id, item_id, skill_keys, correct, timestamp)`` rows, one per attempt.

    An attempt at an item with several skills becomes one row per skill sharing an attempt id.
    Naive timestamps are taken as UTC (the platform stores UTC). Rows are ordered by student, then time.
    """
    students: list[str] = []
    items: list[str | None] = []
    skills: list[str | None] = []
    correct: list[int] = []
    attempts: list[int] = []
    times: list[float] = []
    problems: list[str] = []
    for index, row in enumerate(rows):  # rows come from a database query, one per stored attempt
        if len(row) != 5:
            problems.append(f"row {index}: expected 5 fields, found {len(row)}")
            continue
        student, item, keys, right, moment = row
        if not isinstance(moment, datetime):
            problems.append(f"row {index}: expected a datetime timestamp, found {type(moment).__name__}")
            continue
        stamp = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
        tags: list[str | None] = [*keys] or [None]
        for key in tags:
            students.append(str(student))
            items.append(None if item is None else str(item))  # no item: code -1, not the text "None"
            skills.append(key)
            correct.append(1 if right else 0)
            attempts.append(index)
            times.append(stamp)
    if problems:
        raise ValueError("malformed attempt rows: " + "; ".join(problems[:5]))
    return InteractionLog.from_columns(
        student=students,
        skill=np.asarray(skills, dtype=object),
        correct=np.asarray(correct, dtype=np.int8),
        item=np.asarray(items, dtype=object),
        attempt=attempts,
        timestamp=times,
    )
