"""What followed a learning resource: mastery gained in the next attempts after using it, against students
who did not use it, in the same window (docs/pathways.md). Pure; the service loads the answers.

- A **user's gain**: P(learned) after their ``next_attempts``-th (5) answer on the skill given after they
  first used the resource, minus P(learned) before the first of those answers. Users with fewer answers
  since are left out (not yet measurable).
- **The same window for non-users**: students of the course who never used the resource and answered on
  the skill, measured over ``next_attempts`` answers starting at the same point of their practice of the
  skill: after as many earlier answers as the users had when they used it (the median, rounded down).
- **Too few to tell** when either group has fewer than ``minimum`` (5) students; the figure always says
  how many students each side rests on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import mean, median_low

__all__ = ["AttemptPoint", "GroupGain", "ResourceEffect", "resource_effect"]

NEXT_ATTEMPTS = 5
MIN_STUDENTS = 5


@dataclass(frozen=True, slots=True)
class AttemptPoint:
    """One answer on the skill: when, and P(learned) before and after it."""

    at: datetime
    p_before: float
    p_after: float


@dataclass(frozen=True, slots=True)
class GroupGain:
    students: int
    mean_gain: float | None  # None: nobody measurable


@dataclass(frozen=True, slots=True)
class ResourceEffect:
    used: GroupGain
    others: GroupGain
    difference: float | None  # users' mean gain minus the others'; None when too few to tell
    enough: bool
    text: str  # in the teacher's words


def _gain(trace: Sequence[AttemptPoint], start: int, count: int) -> float | None:
    if start < 0 or len(trace) < start + count:
        return None
    return trace[start + count - 1].p_after - trace[start].p_before


def resource_effect(
    first_use: Mapping[int, datetime],
    traces: Mapping[int, Sequence[AttemptPoint]],
    *,
    next_attempts: int = NEXT_ATTEMPTS,
    minimum: int = MIN_STUDENTS,
) -> ResourceEffect:
    """The effect figure of one resource. ``first_use``: student -> when they first used it; ``traces``:
    student -> their answers on the skill, oldest first (students of the course)."""
    if next_attempts < 1 or minimum < 1:
        raise ValueError("next_attempts and minimum are at least 1")
    user_gains: list[float] = []
    starts: list[int] = []
    for student, used_at in first_use.items():
        trace = traces.get(student, ())
        start = next((n for n, point in enumerate(trace) if point.at >= used_at), len(trace))
        gain = _gain(trace, start, next_attempts)
        if gain is not None:
            user_gains.append(gain)
            starts.append(start)
    offset = median_low(starts) if starts else 0
    other_gains = [
        gain
        for student, trace in traces.items()
        if student not in first_use and (gain := _gain(trace, offset, next_attempts)) is not None
    ]
    used = GroupGain(len(user_gains), mean(user_gains) if user_gains else None)
    others = GroupGain(len(other_gains), mean(other_gains) if other_gains else None)
    if used.students < minimum or others.students < minimum:
        return ResourceEffect(
            used, others, None, False,
            f"too few to tell: {used.students} measurable after using it and {others.students} without "
            f"({minimum} of each needed)",
        )  # fmt: skip
    assert used.mean_gain is not None and others.mean_gain is not None
    difference = used.mean_gain - others.mean_gain
    return ResourceEffect(
        used, others, difference, True,
        f"{_points(used.mean_gain)} mastery in the next {next_attempts} answers after using it "
        f"({used.students} students), against {_points(others.mean_gain)} for {others.students} students "
        "who did not use it",
    )  # fmt: skip


def _points(gain: float) -> str:
    return f"{round(gain * 100):+d} points"
