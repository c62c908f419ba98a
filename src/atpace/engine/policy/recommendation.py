"""Recommendation: rank the next activities and say why, in words a student and a teacher can check.

Kinds, in the order they usually rank:
- ``placement``: the student has no evidence yet; a short adaptive quiz finds where to start.
- ``continue``: keep practising the current skill until it is mastered.
- ``review``: an FSRS review is due (lower predicted recall ranks higher).
- ``new``: a ready (frontier) skill; every ready skill is listed, so a student may pick another one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from atpace.engine.graph import SkillGraph
from atpace.engine.policy.progression import MasteryRule, Override, progress
from atpace.engine.policy.review import ReviewPolicy, ReviewState, due_reviews

__all__ = ["RECOMMENDATION_KINDS", "Recommendation", "RecommendationKind", "choose", "recommend"]

RecommendationKind = Literal["placement", "continue", "review", "new"]
RECOMMENDATION_KINDS: tuple[RecommendationKind, ...] = get_args(RecommendationKind)
# Score bands keep the kinds in a fixed order; the fraction inside a band orders activities of one kind.
_BAND: Mapping[RecommendationKind, float] = {"placement": 4.0, "continue": 3.0, "review": 2.0, "new": 1.0}


@dataclass(frozen=True, slots=True)
class Recommendation:
    kind: RecommendationKind
    skill_key: str | None  # None for placement
    reason: str  # plain language, shown to the student
    score: float  # higher first


def name_list(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def recommend(
    graph: SkillGraph,
    mastery: Mapping[str, float],
    now: datetime,
    *,
    skill_names: Mapping[str, str] | None = None,
    rule: MasteryRule = MasteryRule(),
    overrides: Sequence[Override] = (),
    current_skill: str | None = None,
    reviews: Iterable[ReviewState] = (),
    needs_placement: bool = False,
    review_policy: ReviewPolicy = ReviewPolicy(),
    unconfirmed: Collection[str] = (),
) -> list[Recommendation]:
    """All activities open to the student, best first; each carries its reason.

    ``mastery`` is P(learned) per skill (missing = 0). ``current_skill`` is the skill practised last;
    ``needs_placement`` is the service's judgement that the student has no evidence yet.
    """
    names = dict(skill_names or {})
    problems = []
    if current_skill is not None and current_skill not in graph.skills:
        problems.append(f"current_skill {current_skill!r} is not in the graph")
    problems += [f"skill_names has unknown skill {k!r}" for k in names if k not in graph.skills]
    if problems:
        raise ValueError("invalid recommendation input: " + "; ".join(problems))
    state = progress(graph, mastery, rule, overrides, unconfirmed)

    def name(key: str) -> str:
        return names.get(key, key)

    result: list[Recommendation] = []
    if needs_placement:
        result.append(
            Recommendation(
                "placement",
                None,
                "Placement: a short quiz finds what you already know, so you start in the right place",
                _BAND["placement"],
            )
        )
    if current_skill is not None and current_skill in state.frontier:
        p = mastery.get(current_skill, 0.0)
        reason = f"Continue: {name(current_skill)} is at {p:.0%} mastery; mastered at {rule.threshold:.0%}"
        result.append(Recommendation("continue", current_skill, reason, _BAND["continue"] + p / 2))
    locked = set(state.locked)
    for due in due_reviews(reviews, now, review_policy):
        if due.skill_key in locked or due.skill_key not in state.mastered:
            continue  # a skill that fell below mastery is practised again, not reviewed
        reason = f"Review: last practised {due.ago}, predicted recall {due.recall:.0%}"
        result.append(
            Recommendation("review", due.skill_key, reason, _BAND["review"] + (1.0 - due.recall) / 2)
        )
    count = len(state.frontier)
    for index, key in enumerate(state.frontier):
        if key == current_skill:
            continue
        override = state.overrides.get(key)
        if key in state.unlocked and override is not None:
            reason = f"Ready: unlocked by {override.by} ({override.reason})"
        else:
            prereqs = [name(p) for p in graph.skills if p in graph.prerequisites[key]]
            # The reason names the skill it recommends: "you mastered A" alone, shown above a button
            # for B, reads as a reason about A.
            reason = (
                f"Ready: you mastered {name_list(prereqs)}, so {name(key)} is open to you"
                if prereqs
                else "Ready: a starting skill, nothing needed first"
            )
        result.append(Recommendation("new", key, reason, _BAND["new"] + (count - index) / (2 * count)))
    return sorted(result, key=lambda r: -r.score)


def choose(recommendations: Sequence[Recommendation], skill_key: str) -> Recommendation:
    """The student's own pick among the offered activities; ``ValueError`` if the skill is not offered."""
    for rec in recommendations:
        if rec.skill_key == skill_key:
            return rec
    offered = ", ".join(r.skill_key for r in recommendations if r.skill_key) or "none"
    raise ValueError(f"skill {skill_key!r} is not ready for this student (offered: {offered})")
