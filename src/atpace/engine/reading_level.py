"""A student's reading level: where it starts, how comprehension results move it, which version it picks.

The level is a grade on the scale of a version's estimated grade (engine/readability.py), 1 to 13 (13:
college). The rule (docs/readings.md, "The reading-level rule"):

- Start: the teacher's setting, else the student's grade, else the lowest grade of the course, else 4.
- Response model: a reader of level L answers a question on a version of estimated grade g right with
  probability 1 / (1 + exp(-(1.1 + 1.2 (L - g)))): 75% on a version at their level, 91% one grade below,
  48% one grade above.
- After each finished text (every question of the first version of a reading they finish, at, above or
  below their level) the level is the mean of the posterior over levels (a grid of 0.05 grade): a normal
  prior of standard deviation 2 grades around the start, times the likelihood of every finished text's
  right and wrong answers under the response model; kept within 1..13 and rounded to a tenth of a grade.
- A teacher's setting starts again from the grade set (earlier texts no longer count); a locked level does
  not move.

The version for a level is the hardest one whose estimated grade is at most half a grade above the level,
or the easiest version when all are harder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Direction = Literal["at", "up", "down"]

LEVEL_MIN, LEVEL_MAX = 1.0, 13.0  # grade 13: college, as the estimated grade of a version
DEFAULT_LEVEL = 4.0
PRIOR_SD = 2.0  # grades: how far from the start a level may well be
BIAS = 1.1  # logit of a right answer at the reader's own level (75%)
SLOPE = 1.2  # logits per grade between the reader's level and the version's
GRID_STEP = 0.05
PICK_SLACK = 0.5  # a version up to half a grade above the level is still "at level"
# wider than 1..13 so that the prior is not cut off near the ends (the mean is clamped after)
_GRID = np.arange(LEVEL_MIN - 4 * PRIOR_SD, LEVEL_MAX + 4 * PRIOR_SD + GRID_STEP / 2, GRID_STEP)


@dataclass(frozen=True, slots=True)
class TextResult:
    """One finished text: right answers of how many questions, on a version of this estimated grade."""

    right: int
    questions: int
    grade: float

    def __post_init__(self) -> None:
        if self.questions <= 0 or not 0 <= self.right <= self.questions:
            raise ValueError(f"{self.right} right of {self.questions} questions is not a result")


def clamp(level: float) -> float:
    return min(LEVEL_MAX, max(LEVEL_MIN, level))


def starting_level(teacher_level: float | None, student_grade: str, course_grades: str) -> float:
    """The level before any text: the teacher's setting, the student's grade, the course's lowest grade."""
    if teacher_level is not None:
        return clamp(teacher_level)
    for text in (student_grade, course_grades):
        grade = _first_grade(text)
        if grade is not None:
            return clamp(grade)
    return DEFAULT_LEVEL


def _first_grade(text: str) -> float | None:
    digits = ""
    for char in text.strip():
        if char.isdigit():
            digits += char
        elif digits:
            break
        elif char.upper() == "K":
            return 0.0
    return float(int(digits)) if digits else None


def p_right(level: float, grade: float) -> float:
    """The response model: the chance that a reader of this level answers a question on this version."""
    return float(1.0 / (1.0 + np.exp(-(BIAS + SLOPE * (level - grade)))))


def estimate(start: float, results: Sequence[TextResult]) -> float:
    """The level after these finished texts: the posterior mean, rounded to a tenth of a grade."""
    log_posterior = -0.5 * ((_GRID - clamp(start)) / PRIOR_SD) ** 2
    for result in results:
        logit = BIAS + SLOPE * (_GRID - result.grade)
        # log p = -log(1 + e^-x), log(1 - p) = -log(1 + e^x), both without overflow
        log_posterior -= result.right * np.logaddexp(0.0, -logit)
        log_posterior -= (result.questions - result.right) * np.logaddexp(0.0, logit)
    weights = np.exp(log_posterior - log_posterior.max())
    return round(clamp(float((_GRID * weights).sum() / weights.sum())), 1)


def pick_version(grades: Sequence[float], level: float) -> int:
    """The index of the version for this level among versions ordered easiest first."""
    if not grades:
        raise ValueError("a reading has at least one version")
    fitting = [i for i, grade in enumerate(grades) if grade <= level + PICK_SLACK]
    return fitting[-1] if fitting else 0


def direction_of(chosen: int, picked: int) -> Direction:
    return "up" if chosen > picked else "down" if chosen < picked else "at"
