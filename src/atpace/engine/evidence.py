"""Evidence: every kind of observation that moves a student's learner model, and how it moves it.

The store keeps one P(learned) per student and skill. Each evidence kind states its rule here, in one
place, so that a teacher can be told why a mastery changed (docs/policy.md, "Evidence"):

- ``practice``: a scored answer in adaptive practice. Bayesian knowledge tracing: P(learned) is
  conditioned on the answer with guess and slip shifted by the item's difficulty, then advanced by the
  learning transition. Counts as an attempt; an answer on a mastered skill may be an FSRS review.
- ``history``: an answer from earlier practice brought in (the demo school's simulated weeks, a log from
  another system). Exactly the practice rule, with its own timestamp.
- ``placement``: the placement quiz's estimate for a skill the student has not practised; it replaces the
  starting value (the course prior) and is not an attempt. Skills already practised keep their state.
- ``rubric``: a teacher's rubric level on a criterion aligned to the skill. The level becomes a credit
  between 0 (the lowest level) and 1 (the highest), evenly spaced; P(learned) is the credit-weighted mix
  of the right-answer and the wrong-answer posteriors (a soft observation), then advanced by the learning
  transition. The top level moves mastery exactly as a right answer, the lowest as a wrong one, the
  middle of a three-level scale leaves the posterior between the two. Not an attempt, not a review.
- ``check``: an answer in a mastery check (unseen item, no hints). Exactly the practice rule on P(learned);
  not a practice attempt (the check keeps its own answers) and not a review. Passing the check confirms
  mastery (docs/checks.md).
- ``comprehension``: an answer to a comprehension question about a leveled text (docs/readings.md). The
  practice rule, with the question's difficulty set by how far the version read is above or below the
  student's reading level. Not an attempt, not a review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from atpace.engine.bkt_online import BKTParams, posterior, update
from atpace.engine.policy.selection import item_params

__all__ = [
    "EVIDENCE_KINDS",
    "KIND_INFO",
    "EvidenceKind",
    "EvidenceKindInfo",
    "level_credit",
    "observe",
    "observe_credit",
]

EvidenceKind = Literal["practice", "history", "placement", "rubric", "check", "comprehension"]
EVIDENCE_KINDS: tuple[EvidenceKind, ...] = get_args(EvidenceKind)


@dataclass(frozen=True, slots=True)
class EvidenceKindInfo:
    label: str  # the name a teacher sees
    effect: str  # how it moves the model, in the teacher's words
    observed: bool  # True: a scored answer updates P(learned); False: a direct estimate replaces it
    counts_as_attempt: bool  # adds to the skill's attempts and right answers
    may_review: bool  # an answer on a mastered skill can count as a spaced review (FSRS)


KIND_INFO: dict[EvidenceKind, EvidenceKindInfo] = {
    "practice": EvidenceKindInfo(
        "Practice answer",
        "updates mastery by knowledge tracing (a right answer to a harder item counts for more)",
        observed=True,
        counts_as_attempt=True,
        may_review=True,
    ),
    "history": EvidenceKindInfo(
        "Earlier practice",
        "an answer from earlier practice, counted exactly like a practice answer",
        observed=True,
        counts_as_attempt=True,
        may_review=True,
    ),
    "placement": EvidenceKindInfo(
        "Placement quiz",
        "sets the starting mastery of a skill not yet practised from the placement quiz",
        observed=False,
        counts_as_attempt=False,
        may_review=False,
    ),
    "rubric": EvidenceKindInfo(
        "Rubric level",
        "a teacher's rubric level on work aligned to the skill: the top level counts as a right answer, "
        "the lowest as a wrong one, levels between weigh the two",
        observed=True,
        counts_as_attempt=False,
        may_review=False,
    ),
    "check": EvidenceKindInfo(
        "Mastery check",
        "an answer in a mastery check (a new item, no hints), counted like a practice answer; "
        "passing the check confirms mastery",
        observed=True,
        counts_as_attempt=False,
        may_review=False,
    ),
    "comprehension": EvidenceKindInfo(
        "Reading question",
        "an answer to a question about a leveled text, counted like a practice answer (a version above the "
        "student's reading level counts as a harder item)",
        observed=True,
        counts_as_attempt=False,
        may_review=False,
    ),
}


def observe(p_learned: float, correct: bool, params: BKTParams, difficulty: float = 0.0) -> float:
    """P(learned) after one scored answer to an item of this difficulty (the practice rule)."""
    return update(p_learned, correct, item_params(params, difficulty))


def level_credit(level: int, level_count: int) -> float:
    """The credit of a rubric level (0 = lowest): evenly spaced from 0 to 1."""
    if level_count < 2:
        raise ValueError("a rubric criterion needs at least two levels")
    if not 0 <= level < level_count:
        raise ValueError(f"level {level} is not one of the {level_count} levels")
    return level / (level_count - 1)


def observe_credit(p_learned: float, credit: float, params: BKTParams) -> float:
    """P(learned) after graded evidence with a credit in [0, 1] (the rubric rule, a soft observation)."""
    if not 0.0 <= credit <= 1.0:
        raise ValueError(f"credit {credit!r} is not in [0, 1]")
    conditioned = credit * posterior(p_learned, True, params) + (1.0 - credit) * posterior(
        p_learned, False, params
    )
    return conditioned * (1.0 - params.forget) + (1.0 - conditioned) * params.learn
