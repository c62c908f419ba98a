"""Mistakes turned around: skills where earlier wrong answers were followed by mastery.

A skill counts when it is mastered now, was first mastered at ``mastered_at``, and at least one answer on it
before that moment was wrong. Pure: the caller passes the answers and the mastery moments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Answer:
    skill_key: str
    correct: bool
    at: datetime


@dataclass(frozen=True)
class Turnaround:
    skill_key: str
    wrong_before: int  # wrong answers before mastery
    answers_before: int  # all answers before mastery
    first_wrong_at: datetime
    mastered_at: datetime


def turnarounds(
    answers: Iterable[Answer], mastered_at: Mapping[str, datetime], mastered_now: set[str]
) -> list[Turnaround]:
    """The turned-around skills, the most recently mastered first."""
    wrong: dict[str, list[datetime]] = {}
    total: dict[str, int] = {}
    for a in answers:
        when = mastered_at.get(a.skill_key)
        if when is None or a.skill_key not in mastered_now or a.at > when:
            continue
        total[a.skill_key] = total.get(a.skill_key, 0) + 1
        if not a.correct:
            wrong.setdefault(a.skill_key, []).append(a.at)
    found = [
        Turnaround(key, len(times), total[key], min(times), mastered_at[key]) for key, times in wrong.items()
    ]
    return sorted(found, key=lambda t: (t.mastered_at, t.skill_key), reverse=True)
