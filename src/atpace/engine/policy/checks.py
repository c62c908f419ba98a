"""Mastery checks on demand: when a student may take one, which items it asks, and whether it passed
(docs/checks.md). Pure decisions; ``atpace.services.checks`` loads their inputs and stores the results.

- **Ready** when the skill is not paused, not yet confirmed, and either
  - *just mastered*: P(learned) at or above the course threshold, or
  - *nearly mastered*: P(learned) within ``margin`` (0.15) below the threshold with the last ``streak`` (3)
    practice answers right (the teacher's "ready for a mastery check" rule, ``AttentionRule.ready_for_check``).
  After a failed check the student practises again: the next check waits for ``streak`` (3) right answers
  in a row given after the failure.
- **Items**: ``items`` (4) items of the skill the student never answered (not in practice, not in an
  earlier check), spread over the difficulty range; no hints.
- **Pass**: at least ``pass_min`` (3) of the 4 right *and* P(learned) after the check at or above the
  threshold. A pass confirms mastery; a fail says which of the two was missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from atpace.engine.policy.attention import AnswerRecord, AttentionRule

__all__ = ["CheckOffer", "CheckRule", "CheckVerdict"]


@dataclass(frozen=True, slots=True)
class CheckOffer:
    ready: bool
    reason: str  # why the check is offered, or what is still needed, in the student's words


@dataclass(frozen=True, slots=True)
class CheckVerdict:
    passed: bool
    right: int
    asked: int
    reason: str


@dataclass(frozen=True)
class CheckRule:
    items: int = 4
    pass_min: int = 3
    margin: float = AttentionRule.check_margin
    streak: int = AttentionRule.check_streak

    def __post_init__(self) -> None:
        if not 1 <= self.pass_min <= self.items:
            raise ValueError("a check passes with between 1 and all of its items right")
        if not 0.0 < self.margin < 1.0 or self.streak < 1:
            raise ValueError("margin is between 0 and 1 and the streak at least 1")

    def offer(
        self,
        p_learned: float,
        threshold: float,
        answers: Sequence[AnswerRecord],
        *,
        failed_before: bool = False,
        confirmed: bool = False,
        paused: bool = False,
    ) -> CheckOffer:
        """May the student take a check now? ``answers``: practice answers on the skill, oldest first,
        only those given after the last failed check when ``failed_before``."""
        if paused:
            return CheckOffer(False, "your teacher has paused this skill")
        if confirmed:
            return CheckOffer(False, "a mastery check already confirmed this skill")
        streak_ok = len(answers) >= self.streak and all(a.correct for a in answers[-self.streak :])
        if failed_before and not streak_ok:
            return CheckOffer(
                False, f"after the last check, get {self.streak} answers in a row right in practice first"
            )
        if p_learned >= threshold:
            return CheckOffer(True, f"you reached mastery ({p_learned:.0%}): a short check confirms it")
        near = AttentionRule(check_margin=self.margin, check_streak=self.streak).ready_for_check(
            answers, p_learned, threshold
        )
        if near is not None:
            return CheckOffer(True, f"you are {near.text}: a short check can confirm it")
        return CheckOffer(
            False,
            f"a check opens at {threshold - self.margin:.0%} mastery with your last {self.streak} answers "
            f"right (now {p_learned:.0%})",
        )

    def pick(self, difficulties: Sequence[tuple[int, float]]) -> tuple[int, ...]:
        """``items`` item ids spread evenly over the difficulty range of the unseen candidates
        ``(item_id, difficulty)``; fewer candidates than ``items`` is a ``ValueError``."""
        if len(difficulties) < self.items:
            raise ValueError(f"a check needs {self.items} unseen items, only {len(difficulties)} left")
        ordered = sorted(difficulties, key=lambda c: (c[1], c[0]))
        last = len(ordered) - 1
        if self.items == 1:
            return (ordered[last // 2][0],)
        picked = [ordered[round(n * last / (self.items - 1))][0] for n in range(self.items)]
        return tuple(picked)

    def verdict(self, results: Sequence[bool], p_after: float, threshold: float) -> CheckVerdict:
        """Passed or not, with the reason, once every item is answered."""
        right = sum(results)
        asked = len(results)
        if right < self.pass_min:
            return CheckVerdict(
                False, right, asked,
                f"{right} of {asked} right; a pass needs {self.pass_min}. Practise a little more, then try again",
            )  # fmt: skip
        if p_after < threshold:
            return CheckVerdict(
                False, right, asked,
                f"{right} of {asked} right, but mastery is {p_after:.0%}, below {threshold:.0%}. "
                "Practise a little more, then try again",
            )  # fmt: skip
        return CheckVerdict(True, right, asked, f"{right} of {asked} right: mastery confirmed")
