"""Who needs the teacher now: the stuck rule, inactivity and readiness for a mastery check (docs/policy.md,
"Who needs me now"). Pure decisions on a student's recent answers; the service loads them.

- **Stuck** on a skill not yet mastered, when either
  - the last ``wrong_in_a_row`` answers on it (default 4) were all wrong ("missed 4 in a row"), or
  - the last ``window`` answers on it (default 10) moved mastery by less than ``min_gain`` (default 0.15,
    i.e. 15 points) ("10 answers without mastery moving").
  Only answers of the last ``horizon`` (default 14 days) count: a student who was stuck a month ago and
  has not practised since is listed as inactive instead.
- **Inactive**: no practice answer for ``inactive_days`` (default 5) days, or never.
- **Ready for a mastery check**: a skill not yet mastered with P(learned) within ``check_margin`` (default
  0.15) of the threshold and the last ``check_streak`` (default 3) answers right: the teacher may check it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

StuckKind = Literal["wrong-streak", "no-progress"]


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One scored answer on one skill and how it moved P(learned)."""

    correct: bool
    p_before: float
    p_after: float
    at: datetime


@dataclass(frozen=True, slots=True)
class StuckReason:
    kind: StuckKind
    text: str  # in the teacher's words, without the skill's name
    since: datetime  # the first answer of the run that made the student stuck


@dataclass(frozen=True, slots=True)
class CheckReadiness:
    p_learned: float
    text: str


@dataclass(frozen=True)
class AttentionRule:
    wrong_in_a_row: int = 4
    window: int = 10
    min_gain: float = 0.15
    horizon: timedelta = timedelta(days=14)
    inactive_days: int = 5
    check_margin: float = 0.15
    check_streak: int = 3

    def __post_init__(self) -> None:
        if self.wrong_in_a_row < 2 or self.window < 2 or self.check_streak < 1:
            raise ValueError("the stuck rule needs at least two answers in a row and in a window")
        if not 0.0 < self.min_gain < 1.0 or not 0.0 < self.check_margin < 1.0:
            raise ValueError("min_gain and check_margin are between 0 and 1")

    def since(self, now: datetime) -> datetime:
        """The oldest answer that counts for the stuck rule."""
        return now - self.horizon

    def answers_needed(self) -> int:
        """How many of the newest answers per skill the rules read."""
        return max(self.wrong_in_a_row, self.window, self.check_streak)

    def stuck(self, answers: Sequence[AnswerRecord], mastered: bool, now: datetime) -> StuckReason | None:
        """Why the student is stuck on this skill (answers oldest first), or None."""
        if mastered:
            return None
        recent = [a for a in answers if a.at >= self.since(now)]
        streak = _wrong_streak(recent)
        if streak >= self.wrong_in_a_row:
            return StuckReason(
                "wrong-streak", f"missed the last {streak} answers in a row", recent[-streak].at
            )
        if len(recent) >= self.window:
            run = recent[-self.window :]
            start, end = run[0].p_before, run[-1].p_after
            if end - start < self.min_gain:
                return StuckReason(
                    "no-progress",
                    f"{self.window} answers without mastery moving ({start:.0%} to {end:.0%})",
                    run[0].at,
                )
        return None

    def inactive_for(self, last_answer: datetime | None, now: datetime) -> int | None:
        """Whole days without practice when that is ``inactive_days`` or more (-1: never practised)."""
        if last_answer is None:
            return -1
        days = (now - last_answer).days
        return days if days >= self.inactive_days else None

    def ready_for_check(
        self, answers: Sequence[AnswerRecord], p_learned: float, threshold: float
    ) -> CheckReadiness | None:
        """A skill close to mastery with a run of right answers (answers oldest first), or None."""
        if p_learned >= threshold or p_learned < threshold - self.check_margin:
            return None
        if len(answers) < self.check_streak or not all(a.correct for a in answers[-self.check_streak :]):
            return None
        return CheckReadiness(
            p_learned, f"close to mastery ({p_learned:.0%}) with the last {self.check_streak} answers right"
        )


def _wrong_streak(answers: Sequence[AnswerRecord]) -> int:
    count = 0
    for answer in reversed(answers):
        if answer.correct:
            break
        count += 1
    return count
