"""Goal forecasts: "at your pace you reach it on Thursday".

Pure arithmetic on a student's recent practice; no database, no clock (``today`` is passed in).

A skill goal needs, for each skill not yet mastered, the number of further answers that carry P(learned) to
the mastery threshold when the student keeps answering at their recent accuracy. The answers are replayed
through the BKT update (Bayes on the response, then the learning transition) in a fixed pattern that spreads
the right answers evenly (accuracy 0.75: right, right, right, wrong, ...), so the count is deterministic.
The answers needed, divided by the student's recent answers per day, give the days; at an accuracy that
never reaches the threshold within ``MAX_ANSWERS`` answers there is no date, and the student is told so.

A practice-time goal projects the minutes of the current week from the recent minutes per day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from atpace.engine.bkt_online import BKTParams, update

MAX_ANSWERS = 200  # beyond this many answers on one skill the forecast says "not at this pace"
PACE_WINDOW_DAYS = 14  # answers and minutes per day are measured over the last two weeks
MIN_ANSWERS_FOR_ACCURACY = 5  # fewer answers on a skill: the student's accuracy over all skills is used
MIN_RECENT_ANSWERS = 3  # fewer answers in the window: too little to forecast


@dataclass(frozen=True)
class SkillOutlook:
    """One skill of a goal: where it stands and how many answers remain at the student's accuracy."""

    skill_key: str
    name: str
    mastery: float
    mastered: bool
    accuracy: float | None  # the share of right answers the forecast assumes
    answers_needed: int | None  # None: the threshold is not reached at this accuracy


@dataclass(frozen=True)
class Forecast:
    """When a goal is reached at the student's pace; ``reach_on`` None means no date, ``reason`` says why."""

    reach_on: date | None
    on_track: bool | None  # reach_on is on or before the goal's date; None without a date
    answers_needed: int | None
    per_day: float  # answers (skill goals) or minutes (time goals) per day recently
    reason: str


def answers_to_mastery(p_learned: float, accuracy: float, params: BKTParams, threshold: float) -> int | None:
    """Answers at ``accuracy`` (right ones spread evenly) until P(learned) reaches ``threshold``."""
    if not 0.0 <= accuracy <= 1.0:
        raise ValueError(f"accuracy {accuracy!r} is not a share in [0, 1]")
    p = p_learned
    for n in range(1, MAX_ANSWERS + 1):
        # the n-th answer is right when it raises the count of right answers so far (Bresenham spread)
        correct = math.floor(n * accuracy + 1e-9) > math.floor((n - 1) * accuracy + 1e-9)
        p = update(p, correct, params)
        if p >= threshold:
            return n
    return None


def weekday_phrase(day: date, today: date) -> str:
    """ "today", "tomorrow", "on Thursday" within a week, else "on 14 March 2027"."""
    days = (day - today).days
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 7:
        return f"on {day.strftime('%A')}"
    return f"on {day.day} {day.strftime('%B %Y')}"


def skill_goal_forecast(
    outlooks: Sequence[SkillOutlook], answers_per_day: float, due_on: date, today: date
) -> Forecast:
    """When every skill of the goal is mastered if the student keeps their recent pace."""
    open_skills = [o for o in outlooks if not o.mastered]
    if not open_skills:
        return Forecast(today, today <= due_on, 0, answers_per_day, "every skill of this goal is mastered")
    unknown = [o.name for o in open_skills if o.accuracy is None]
    if unknown:
        return Forecast(
            None, None, None, answers_per_day,
            "answer a few questions first (on " + ", ".join(unknown) + "): then atpace knows your accuracy",
        )  # fmt: skip
    stuck = [o.name for o in open_skills if o.answers_needed is None]
    if stuck:
        return Forecast(
            None, None, None, answers_per_day,
            "at your recent accuracy the model does not reach mastery of " + ", ".join(stuck)
            + ": ask for help or study a worked example first",
        )  # fmt: skip
    needed = sum(o.answers_needed or 0 for o in open_skills)
    if answers_per_day <= 0:
        return Forecast(
            None, None, needed, 0.0,
            f"about {needed} more answers are needed; practise a little to get a date",
        )  # fmt: skip
    reach_on = today + timedelta(days=math.ceil(needed / answers_per_day))
    on_track = reach_on <= due_on
    return Forecast(
        reach_on, on_track, needed, answers_per_day,
        f"at your pace ({answers_per_day:.1f} answers a day, about {needed} more answers) you reach it "
        f"{weekday_phrase(reach_on, today)}",
    )  # fmt: skip


def week_start(day: date) -> date:
    """The Monday of the week of ``day``."""
    return day - timedelta(days=day.weekday())


def time_goal_forecast(
    minutes_target: int, minutes_this_week: float, minutes_per_day: float, due_on: date, today: date
) -> Forecast:
    """When this week's practice-time target is reached at the recent minutes per day."""
    if minutes_target <= 0:
        raise ValueError("a time goal needs a positive number of minutes")
    week_end = min(week_start(today) + timedelta(days=6), due_on)
    left = minutes_target - minutes_this_week
    if left <= 0:
        return Forecast(today, True, None, minutes_per_day, "this week's minutes are reached")
    if minutes_per_day <= 0:
        return Forecast(None, False, None, 0.0, f"{math.ceil(left)} minutes to go this week")
    reach_on = today + timedelta(days=max(0, math.ceil(left / minutes_per_day) - 1))
    return Forecast(
        reach_on, reach_on <= week_end, None, minutes_per_day,
        f"at your pace ({minutes_per_day:.0f} minutes a day) you reach this week's "
        f"{minutes_target} minutes {weekday_phrase(reach_on, today)}",
    )  # fmt: skip


def share_correct(outcomes: Sequence[bool]) -> float | None:
    return sum(outcomes) / len(outcomes) if outcomes else None
