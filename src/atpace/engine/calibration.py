"""Calibration: how well a student's confidence and self-ratings match what their answers and the model show.

Pure rules with their numbers here, documented in docs/agency.md:

* An answer rated 3 ("fairly sure") or 4 ("certain") is *sure*; 1 ("guessing") or 2 ("unsure") is *unsure*.
* Often sure when wrong on a skill: at least ``MIN_RATED`` sure answers on it and at least
  ``SURE_WRONG_SHARE`` of them wrong.
* Often unsure when right on a skill: at least ``MIN_RATED`` unsure answers on it and at least
  ``UNSURE_RIGHT_SHARE`` of them right.
* A self-rating (1-4, "I can ...") is compared with the model's level of the skill (``model_level``); a gap
  of ``RATING_GAP`` levels or more either way gets advice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

SURE_FROM = 3  # confidence 3 and 4 count as sure
MIN_RATED = 5  # answers of one kind (sure / unsure) on a skill before advice is given
SURE_WRONG_SHARE = 0.3
UNSURE_RIGHT_SHARE = 0.8
RATING_GAP = 2
# The model's level of a skill from P(learned): below 0.5 level 1, below 0.8 level 2, below the mastery
# threshold level 3, at or above it level 4.
LEVEL_BOUNDS = (0.5, 0.8)

SELF_RATINGS = {
    1: "I can't do this yet",
    2: "I can do this with help",
    3: "I can do this on my own",
    4: "I can do this and explain it to someone",
}


@dataclass(frozen=True)
class RatedAnswer:
    skill_key: str
    confidence: int  # 1-4
    correct: bool
    at: datetime


@dataclass(frozen=True)
class SkillCalibration:
    skill_key: str
    sure: int
    sure_wrong: int
    unsure: int
    unsure_right: int

    @property
    def often_sure_when_wrong(self) -> bool:
        return self.sure >= MIN_RATED and self.sure_wrong >= SURE_WRONG_SHARE * self.sure

    @property
    def often_unsure_when_right(self) -> bool:
        return self.unsure >= MIN_RATED and self.unsure_right >= UNSURE_RIGHT_SHARE * self.unsure


@dataclass(frozen=True)
class LevelPoint:
    """Answers at one confidence level and the share that was right."""

    confidence: int
    answers: int
    right: int

    @property
    def share_right(self) -> float | None:
        return self.right / self.answers if self.answers else None


@dataclass(frozen=True)
class WeekPoint:
    week: date  # its Monday
    sure: int
    sure_right: int
    unsure: int
    unsure_right: int


@dataclass(frozen=True)
class Advice:
    skill_key: str
    kind: str  # sure-when-wrong, unsure-when-right, rates-higher, rates-lower
    text: str


def is_sure(confidence: int) -> bool:
    return confidence >= SURE_FROM


def per_skill(answers: Iterable[RatedAnswer]) -> dict[str, SkillCalibration]:
    counts: dict[str, list[int]] = {}
    for a in answers:
        c = counts.setdefault(a.skill_key, [0, 0, 0, 0])
        if is_sure(a.confidence):
            c[0] += 1
            c[1] += not a.correct
        else:
            c[2] += 1
            c[3] += a.correct
    return {key: SkillCalibration(key, *c) for key, c in counts.items()}


def by_level(answers: Iterable[RatedAnswer]) -> list[LevelPoint]:
    """One point per confidence level 1-4 (a level without answers has ``answers`` 0)."""
    counts = {level: [0, 0] for level in range(1, 5)}
    for a in answers:
        counts[a.confidence][0] += 1
        counts[a.confidence][1] += a.correct
    return [LevelPoint(level, n, right) for level, (n, right) in counts.items()]


def by_week(answers: Iterable[RatedAnswer]) -> list[WeekPoint]:
    """Sure and unsure answers per week (Monday to Sunday, UTC), oldest first; weeks without answers left out."""
    weeks: dict[date, list[int]] = {}
    for a in answers:
        day = a.at.date()
        c = weeks.setdefault(day - timedelta(days=day.weekday()), [0, 0, 0, 0])
        if is_sure(a.confidence):
            c[0] += 1
            c[1] += a.correct
        else:
            c[2] += 1
            c[3] += a.correct
    return [WeekPoint(week, *weeks[week]) for week in sorted(weeks)]


def model_level(p_learned: float | None, threshold: float) -> int:
    """The model's estimate on the self-rating scale (1-4)."""
    if p_learned is None or p_learned < LEVEL_BOUNDS[0]:
        return 1
    if p_learned < LEVEL_BOUNDS[1]:
        return 2
    return 3 if p_learned < threshold else 4


def advice(
    skills: Mapping[str, SkillCalibration],
    self_ratings: Mapping[str, int],
    model_levels: Mapping[str, int],
    names: Mapping[str, str],
) -> list[Advice]:
    """Plain advice, one line per rule that holds, in the order of ``names`` (the course's skills)."""
    out: list[Advice] = []
    for key, name in names.items():
        s = skills.get(key)
        if s is not None and s.often_sure_when_wrong:
            out.append(Advice(key, "sure-when-wrong", f"You are often sure when wrong on {name}: check your "
                              f"work on {name} before you answer ({s.sure_wrong} of {s.sure} sure answers "
                              "were wrong)."))  # fmt: skip
        if s is not None and s.often_unsure_when_right:
            out.append(Advice(key, "unsure-when-right", f"You are often unsure when right on {name}: you know "
                              f"more than you think ({s.unsure_right} of {s.unsure} unsure answers were "
                              "right)."))  # fmt: skip
        rating, level = self_ratings.get(key), model_levels.get(key)
        if rating is None or level is None:
            continue
        if rating - level >= RATING_GAP:
            out.append(Advice(key, "rates-higher", f"You rate yourself higher on {name} than your answers "
                              f"show so far: try a few more questions on {name} to be sure."))  # fmt: skip
        elif level - rating >= RATING_GAP:
            out.append(Advice(key, "rates-lower", f"Your answers on {name} show more than you rate "
                              f"yourself: you can do more on {name} than you think."))  # fmt: skip
    return out


@dataclass(frozen=True)
class StudentSummary:
    """One student's calibration in a class table."""

    rated: int
    sure: int
    sure_wrong: int
    unsure: int
    unsure_right: int
    label: str  # too-few, sure-when-wrong, unsure-when-right, mixed, matched


MIN_RATED_STUDENT = 10  # rated answers before a student gets a label


def summarise(answers: Sequence[RatedAnswer]) -> StudentSummary:
    """The same two rules over all of a student's rated answers, with ``MIN_RATED_STUDENT`` answers needed."""
    total = SkillCalibration("", 0, 0, 0, 0)
    for s in per_skill(answers).values():
        total = SkillCalibration(
            "", total.sure + s.sure, total.sure_wrong + s.sure_wrong, total.unsure + s.unsure,
            total.unsure_right + s.unsure_right,
        )  # fmt: skip
    if len(answers) < MIN_RATED_STUDENT:
        label = "too-few"
    elif total.often_sure_when_wrong and total.often_unsure_when_right:
        label = "mixed"
    elif total.often_sure_when_wrong:
        label = "sure-when-wrong"
    elif total.often_unsure_when_right:
        label = "unsure-when-right"
    else:
        label = "matched"
    return StudentSummary(len(answers), total.sure, total.sure_wrong, total.unsure, total.unsure_right, label)


LABELS = {
    "too-few": "Too few rated answers yet",
    "sure-when-wrong": "Often sure when wrong",
    "unsure-when-right": "Often unsure when right",
    "mixed": "Sure when wrong and unsure when right",
    "matched": "Confidence matches results",
}
