"""Item selection: the unseen item whose predicted success is nearest the target.

Predicted success folds the item's difficulty into the skill's BKT guess and slip, as in KT-IDEM
(Pardos & Heffernan 2011): on the logit scale a harder item lowers both P(right | learned) and
P(right | not learned). Use the same item-adjusted parameters for the mastery update so that a right
answer to a hard item counts for more than one to an easy item.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from atpace.engine.bkt_online import BKTParams, predict_correct

__all__ = ["KIND_TOLERANCE", "Candidate", "Selection", "item_params", "predicted_success", "select_item"]

_EDGE = 1e-6
# How much farther from the target (in predicted success) an item may be when it is picked to vary
# the item kinds: small enough to keep practice at the right difficulty.
KIND_TOLERANCE = 0.1


def _logit(p: float) -> float:
    p = min(max(p, _EDGE), 1.0 - _EDGE)
    return math.log(p / (1.0 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def item_params(params: BKTParams, difficulty: float) -> BKTParams:
    """The skill's BKT parameters with guess and slip shifted by the item's difficulty (logits)."""
    if not math.isfinite(difficulty):
        raise ValueError(f"invalid item difficulty {difficulty!r}: must be a finite number of logits")
    if difficulty == 0.0:
        return params
    guess = _sigmoid(_logit(params.guess) - difficulty)
    slip = 1.0 - _sigmoid(_logit(1.0 - params.slip) - difficulty)
    return BKTParams(prior=params.prior, learn=params.learn, guess=guess, slip=slip, forget=params.forget)


def predicted_success(p_learned: float, params: BKTParams, difficulty: float = 0.0) -> float:
    """P(right) on an item of this difficulty for a student with this P(learned)."""
    return predict_correct(p_learned, item_params(params, difficulty))


@dataclass(frozen=True, slots=True)
class Candidate:
    item_key: str
    predicted_success: float
    kind: str = ""  # the item's format (multiple_choice, fraction, ...); balanced by select_item


@dataclass(frozen=True, slots=True)
class Selection:
    item_key: str
    predicted_success: float
    target: float
    why: Literal["nearest target", "missed before", "kind balance"]


def select_item(
    candidates: Iterable[Candidate],
    target: float,
    seen_in_session: Iterable[str] = (),
    missed_items: Sequence[str] = (),
    *,
    missed_tolerance: float = 0.15,
    recent_kinds: Sequence[str] = (),
    kind_tolerance: float = KIND_TOLERANCE,
) -> Selection | None:
    """Pick the next item, or None when every candidate was already seen in this session.

    Items seen in this session never come back in it. Items the student missed in an earlier session
    (``missed_items``, oldest first) come back first, as long as their predicted success is within
    ``missed_tolerance`` of the target; otherwise the item nearest the target wins. Ties go to the
    harder item, then to the smaller key, so the choice is deterministic.

    Kinds are balanced: ``recent_kinds`` are the kinds of the student's latest answers, oldest first.
    Among the kinds still open, the one asked least often there (then least recently, then nearest the
    target) is asked next, as long as its best item is at most ``kind_tolerance`` farther from the
    target than the best item of any kind; so a skill with easy multiple-choice items and typed items
    of the same numbers does not serve only multiple choice to a beginner.
    """
    problems = []
    if not 0.0 < target < 1.0:
        problems.append(f"target={target!r} must be in (0, 1)")
    if not 0.0 <= missed_tolerance <= 1.0:
        problems.append(f"missed_tolerance={missed_tolerance!r} must be in [0, 1]")
    if not 0.0 <= kind_tolerance <= 1.0:
        problems.append(f"kind_tolerance={kind_tolerance!r} must be in [0, 1]")
    pool = list(candidates)
    problems += [
        f"candidate {c.item_key!r} has predicted_success={c.predicted_success!r} outside [0, 1]"
        for c in pool
        if not 0.0 <= c.predicted_success <= 1.0
    ]
    if problems:
        raise ValueError("invalid item selection input: " + "; ".join(problems))
    seen = set(seen_in_session)
    eligible = [c for c in pool if c.item_key not in seen]
    if not eligible:
        return None
    missed_order = {key: rank for rank, key in enumerate(missed_items)}
    returning = [
        c
        for c in eligible
        if c.item_key in missed_order and abs(c.predicted_success - target) <= missed_tolerance
    ]
    if returning:
        best = min(returning, key=lambda c: (missed_order[c.item_key], c.item_key))
        return Selection(best.item_key, best.predicted_success, target, "missed before")
    def nearness(c: Candidate) -> tuple[float, float, str]:
        return (abs(c.predicted_success - target), c.predicted_success, c.item_key)

    best = min(eligible, key=nearness)
    balanced = _balanced_kind(eligible, target, recent_kinds, kind_tolerance, nearness)
    if balanced is not None and balanced.kind != best.kind:
        return Selection(balanced.item_key, balanced.predicted_success, target, "kind balance")
    return Selection(best.item_key, best.predicted_success, target, "nearest target")


def _balanced_kind(
    eligible: Sequence[Candidate],
    target: float,
    recent_kinds: Sequence[str],
    tolerance: float,
    nearness: Callable[[Candidate], tuple[float, float, str]],
) -> Candidate | None:
    """The best item of the kind the student has seen least lately, among kinds near enough the target."""
    best_of_kind: dict[str, Candidate] = {}
    for c in sorted(eligible, key=nearness):
        best_of_kind.setdefault(c.kind, c)
    if len(best_of_kind) < 2:
        return None
    closest = min(abs(c.predicted_success - target) for c in best_of_kind.values())
    near = [c for c in best_of_kind.values() if abs(c.predicted_success - target) <= closest + tolerance]
    last_seen = {kind: n for n, kind in enumerate(recent_kinds)}
    return min(
        near, key=lambda c: (recent_kinds.count(c.kind), last_seen.get(c.kind, -1), *nearness(c))
    )
