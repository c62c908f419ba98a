"""Mastery and progression: which skills are mastered, which are ready, and teacher overrides.

A skill is *mastered* when P(learned) reaches the course's threshold (0.95 by default, the value used by
the ASSISTments and Cognitive Tutor mastery-learning literature, e.g. Corbett & Anderson 1995). The
*frontier* is the set of unmastered skills whose prerequisites are all mastered. A teacher may unlock a
skill (it becomes ready even if prerequisites are not mastered) or lock it (never ready, never
recommended); each override records who, why and when, and the latest override of a skill wins.

When a class requires a mastery check, a skill at or above the threshold that no passed check has confirmed
is *awaiting its check* ("mastered, check needed"): it does not count as mastered for progression (the
frontier, recommendations, mastered counts) until a check confirms it (``awaiting_check``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from atpace.engine.graph import SkillGraph
from atpace.engine.policy._time import utc_problem

__all__ = [
    "DEFAULT_MASTERY_THRESHOLD",
    "MASTERY_THRESHOLD_RANGE",
    "OVERRIDE_ACTIONS",
    "SKILL_STATES",
    "MasteryRule",
    "Override",
    "OverrideAction",
    "Progress",
    "SkillState",
    "apply_override",
    "awaiting_check",
    "progress",
]

DEFAULT_MASTERY_THRESHOLD = 0.95
# Accepted thresholds: at least 0.5 (below that "mastered" would mean "more likely unknown than known")
# and below 1 (BKT never reaches 1). The database's check constraint reads the same pair.
MASTERY_THRESHOLD_RANGE = (0.5, 1.0)
# How a skill stands for a student, decided in one place (Progress.state) for every page and report:
# mastered; ready (never practised) / in-progress; locked: prerequisites missing; held: paused by a teacher
# (a paused skill is never counted as mastered, whatever its P(learned)); check-needed: at the threshold but
# the class requires a mastery check that has not confirmed it yet (not counted as mastered).
SkillState = Literal["mastered", "ready", "in-progress", "locked", "held", "check-needed"]
SKILL_STATES: tuple[SkillState, ...] = get_args(SkillState)
OverrideAction = Literal["unlock", "lock", "clear"]  # clear: the skill follows mastery again
OVERRIDE_ACTIONS: tuple[OverrideAction, ...] = get_args(OverrideAction)


@dataclass(frozen=True, slots=True)
class MasteryRule:
    """Per-course mastery threshold on P(learned)."""

    threshold: float = DEFAULT_MASTERY_THRESHOLD

    def __post_init__(self) -> None:
        low, high = MASTERY_THRESHOLD_RANGE
        if not (isinstance(self.threshold, int | float) and low <= self.threshold < high):
            raise ValueError(f"invalid mastery rule: threshold={self.threshold!r} must be in [{low}, {high})")

    def is_mastered(self, p_learned: float) -> bool:
        return p_learned >= self.threshold


@dataclass(frozen=True, slots=True)
class Override:
    """A teacher's decision to unlock, lock or clear (undo either) one skill for one student."""

    skill_key: str
    action: OverrideAction
    by: str  # who decided (a teacher's display name or id)
    reason: str
    at: datetime  # UTC

    def __post_init__(self) -> None:
        problems = []
        if not self.skill_key:
            problems.append("skill_key must not be empty")
        if self.action not in OVERRIDE_ACTIONS:
            problems.append(f"action={self.action!r} must be one of {', '.join(OVERRIDE_ACTIONS)}")
        if not self.by.strip():
            problems.append("by must name who made the override")
        if not self.reason.strip():
            problems.append("reason must say why")
        at_problem = utc_problem("at", self.at)
        if at_problem:
            problems.append(at_problem)
        if problems:
            raise ValueError("invalid override: " + "; ".join(problems))

    def to_dict(self) -> dict[str, str]:
        return {
            "skill_key": self.skill_key,
            "action": self.action,
            "by": self.by,
            "reason": self.reason,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> Override:
        action = data["action"]
        if action not in OVERRIDE_ACTIONS:
            raise ValueError(f"invalid override: action={action!r}")
        return cls(data["skill_key"], action, data["by"], data["reason"], datetime.fromisoformat(data["at"]))


def apply_override(overrides: Sequence[Override], new: Override) -> tuple[Override, ...]:
    """Return the overrides with ``new`` replacing any earlier override of the same skill."""
    return (*(o for o in overrides if o.skill_key != new.skill_key), new)


def _latest(overrides: Iterable[Override]) -> dict[str, Override]:
    latest: dict[str, Override] = {}
    for override in sorted(overrides, key=lambda o: o.at):
        latest[override.skill_key] = override
    return latest


@dataclass(frozen=True, slots=True)
class Progress:
    """A student's standing on a course graph: what is mastered, ready, locked or waiting."""

    mastered: tuple[str, ...]  # display order
    frontier: tuple[str, ...]  # ready to learn, display order (includes teacher-unlocked skills)
    locked: tuple[str, ...]  # locked by a teacher
    unlocked: tuple[str, ...]  # unlocked by a teacher while prerequisites are not all mastered
    overrides: Mapping[str, Override]  # the override in force per skill
    checks_needed: tuple[str, ...] = ()  # at the threshold, waiting for a required mastery check

    def is_ready(self, skill_key: str) -> bool:
        return skill_key in self.frontier

    def state(self, skill_key: str, practised: bool) -> SkillState:
        """The skill's state as every face shows it; ``practised``: the student has answered on it."""
        if skill_key in self.locked:
            return "held"
        if skill_key in self.mastered:
            return "mastered"
        if skill_key in self.checks_needed:
            return "check-needed"
        if skill_key in self.frontier:
            return "in-progress" if practised else "ready"
        return "locked"


def progress(
    graph: SkillGraph,
    mastery: Mapping[str, float],
    rule: MasteryRule = MasteryRule(),
    overrides: Sequence[Override] = (),
    unconfirmed: Collection[str] = (),
) -> Progress:
    """Classify every skill of ``graph`` from P(learned) per skill (missing skills count as 0).

    ``unconfirmed``: skills that a required mastery check has not confirmed (see :func:`awaiting_check`);
    those at the threshold are not counted as mastered.

    Raises ``ValueError`` listing unknown skills or probabilities outside [0, 1].
    """
    known = set(graph.skills)
    problems = [f"unknown skill {key!r}" for key in mastery if key not in known]
    problems += [
        f"P(learned) of {key!r} is {p!r}, not in [0, 1]" for key, p in mastery.items() if not 0 <= p <= 1
    ]
    problems += [f"override for unknown skill {o.skill_key!r}" for o in overrides if o.skill_key not in known]
    if problems:
        raise ValueError("invalid progress input: " + "; ".join(problems))
    in_force = {key: o for key, o in _latest(overrides).items() if o.action != "clear"}
    above = {key for key in graph.skills if rule.is_mastered(mastery.get(key, 0.0))}
    checks_needed = above & set(unconfirmed)
    mastered = above - checks_needed
    locked = {key for key, o in in_force.items() if o.action == "lock"}
    unlocked = {key for key, o in in_force.items() if o.action == "unlock"}
    ready = set(graph.frontier(mastered, locked=locked))
    early = {key for key in unlocked if key not in mastered and key not in ready}
    ready |= early
    return Progress(
        mastered=tuple(k for k in graph.skills if k in mastered),
        frontier=tuple(k for k in graph.skills if k in ready),
        locked=tuple(k for k in graph.skills if k in locked),
        unlocked=tuple(k for k in graph.skills if k in early),
        overrides=in_force,
        checks_needed=tuple(k for k in graph.skills if k in checks_needed and k not in locked),
    )


def awaiting_check(skills: Iterable[str], confirmed: Collection[str], check_required: bool) -> frozenset[str]:
    """The skills whose mastery still waits for a check: none unless the class requires checks, else every
    skill that no passed check confirmed. Pass the result to :func:`progress` as ``unconfirmed``."""
    if not check_required:
        return frozenset()
    return frozenset(key for key in skills if key not in confirmed)
