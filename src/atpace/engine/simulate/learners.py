"""Synthetic students whose latent learning follows BKT parameters fitted on ASSISTments 2009.

Each course skill draws its parameters (learn, guess, slip) from one usable fitted ASSISTments skill
(``assist2009_params.json``, made by ``benchmarks/derive_sim_params.py``). Each student then scales the
skill's learn rate by a learner-type factor and a log-normal individual factor. Answers follow the
item-difficulty-adjusted BKT response model (KT-IDEM): P(right) = sigmoid(logit(1 - slip) - d) when
the skill is learned and sigmoid(logit(guess) - d) when not; after every practice item an unlearned
skill becomes learned with the student's learn probability. Nothing is forgotten during a run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal, get_args

import numpy as np

from atpace.engine.bkt_online import BKTParams
from atpace.engine.graph import SkillGraph

__all__ = [
    "LEARNER_KINDS",
    "FittedSkill",
    "LearnerKind",
    "SimItem",
    "SimStudent",
    "load_fitted_skills",
    "make_students",
    "sample_course_params",
]

LearnerKind = Literal["slow", "average", "fast", "prior-knowledge"]
LEARNER_KINDS: tuple[LearnerKind, ...] = get_args(LearnerKind)
LEARN_FACTOR: Mapping[LearnerKind, float] = {"slow": 0.5, "average": 1.0, "fast": 2.0, "prior-knowledge": 1.0}
INDIVIDUAL_SD = 0.3  # log-normal spread of a student's learn rate around the type's
# A fitted skill is usable when its parameters describe learning (not label-swapped or degenerate fits).
USABLE = {"learn": (0.02, 0.5), "guess": (0.02, 0.4), "slip": (0.0, 0.3)}


@dataclass(frozen=True, slots=True)
class FittedSkill:
    learn: float
    guess: float
    slip: float


def load_fitted_skills(text: str | None = None) -> list[FittedSkill]:
    """Usable fitted skills from the packaged JSON (or ``text``)."""
    if text is None:
        text = resources.files("atpace.engine.simulate").joinpath("assist2009_params.json").read_text()
    data: dict[str, Any] = json.loads(text)
    if data.get("format") != "atpace.sim-params":
        raise ValueError("not an atpace simulator parameter file (format atpace.sim-params)")
    result = []
    for skill in data["skills"]:
        if all(low <= skill[name] <= high for name, (low, high) in USABLE.items()):
            result.append(FittedSkill(float(skill["learn"]), float(skill["guess"]), float(skill["slip"])))
    if not result:
        raise ValueError("no usable fitted skill in the simulator parameter file")
    return result


def sample_course_params(
    skills: Sequence[str], fitted: Sequence[FittedSkill], rng: np.random.Generator
) -> dict[str, BKTParams]:
    """Population BKT parameters per course skill: each drawn from one fitted ASSISTments skill.

    These are what the platform would have fitted; ``prior`` is left at the platform default.
    """
    picks = rng.integers(0, len(fitted), size=len(skills))
    return {
        key: BKTParams(learn=fitted[i].learn, guess=fitted[i].guess, slip=fitted[i].slip)
        for key, i in zip(skills, picks, strict=True)
    }


@dataclass(frozen=True, slots=True)
class SimItem:
    key: str
    skill_key: str
    difficulty: float  # logits, relative to the skill


@dataclass(frozen=True, slots=True)
class SimStudent:
    """Latent truth for one synthetic student."""

    index: int
    kind: LearnerKind
    learn: Mapping[str, float]  # per skill, this student's P(T)
    known: frozenset[str]  # skills learned before the course starts (prerequisite-closed)

    def p_right(self, learned: bool, params: BKTParams, difficulty: float) -> float:
        base = 1.0 - params.slip if learned else params.guess
        return 1.0 / (1.0 + math.exp(-(math.log(base / (1.0 - base)) - difficulty)))


def _prior_knowledge(graph: SkillGraph, rng: np.random.Generator) -> frozenset[str]:
    # Ability on a standard-normal scale; a skill is known when all its prerequisites are known and a
    # draw falls under a logistic curve placed by the skill's depth (deeper skills are rarer).
    layers = graph.layers()
    depth = {key: i for i, layer in enumerate(layers) for key in layer}
    deepest = max(len(layers) - 1, 1)
    ability = rng.normal(0.5, 1.0)
    known: set[str] = set()
    for key in graph.topological_order():
        location = -1.0 + 3.0 * depth[key] / deepest
        chance = 1.0 / (1.0 + math.exp(-1.7 * (ability - location)))
        if graph.prerequisites[key] <= known and rng.random() < chance:
            known.add(key)
    return frozenset(known)


def make_students(
    graph: SkillGraph,
    params: Mapping[str, BKTParams],
    count: int,
    seed: int,
    mix: Mapping[LearnerKind, float] | None = None,
) -> list[SimStudent]:
    """``count`` students, kinds in the proportions of ``mix`` (equal shares by default), reproducible."""
    shares = dict(mix or dict.fromkeys(LEARNER_KINDS, 1.0))
    problems = [f"unknown learner kind {k!r}" for k in shares if k not in LEARNER_KINDS]
    if count < 1:
        problems.append(f"count={count!r} must be at least 1")
    if any(v < 0 for v in shares.values()) or sum(shares.values()) <= 0:
        problems.append("mix shares must be non-negative and not all zero")
    if problems:
        raise ValueError("invalid student mix: " + "; ".join(problems))
    kinds = [k for k in LEARNER_KINDS if shares.get(k, 0) > 0]
    weights = np.array([shares[k] for k in kinds], dtype=np.float64)
    # Deterministic allocation (largest remainders) so small runs still contain every kind.
    exact = weights / weights.sum() * count
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: count - counts.sum()]:
        counts[i] += 1
    order = [kind for kind, n in zip(kinds, counts, strict=True) for _ in range(n)]
    students = []
    for index, kind in enumerate(order):
        rng = np.random.default_rng([seed, 1, index])
        factor = LEARN_FACTOR[kind] * np.exp(rng.normal(0.0, INDIVIDUAL_SD, size=len(graph.skills)))
        learn = {
            key: float(min(0.95, params[key].learn * f)) for key, f in zip(graph.skills, factor, strict=True)
        }
        known = _prior_knowledge(graph, rng) if kind == "prior-knowledge" else frozenset()
        students.append(SimStudent(index, kind, learn, known))
    return students
