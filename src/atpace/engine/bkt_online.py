"""Per-skill Bayesian knowledge tracing for the live practice loop.

The platform keeps one probability ``P(learned)`` per student and skill. After each answer the
probability is conditioned on the response (Bayes) and then advanced by the learning transition,
as in Corbett & Anderson (1995). Parameters are plain data that serialise to versioned JSON so
that fitted values (``atpace kt fit``) can replace the defaults without code changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

PARAMS_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class BKTParams:
    """Parameters of one skill's two-state hidden Markov model."""

    # Conservative defaults (about four right answers in a row from scratch reach 0.95), in the range
    # of values fitted on ASSISTments; `atpace kt fit` replaces them with values fitted on our own data.
    prior: float = 0.1  # P(L0): learned before the first attempt
    learn: float = 0.1  # P(T): unlearned -> learned after an opportunity
    guess: float = 0.25  # P(G): correct while unlearned
    slip: float = 0.1  # P(S): wrong while learned
    forget: float = 0.0  # P(F): learned -> unlearned after an opportunity

    def __post_init__(self) -> None:
        problems = [
            f"{name}={value!r} is not a probability in [0, 1]"
            for name, value in asdict(self).items()
            if not (isinstance(value, int | float) and 0.0 <= value <= 1.0)
        ]
        if not problems and self.guess + self.slip >= 1.0:
            problems.append(f"guess + slip = {self.guess + self.slip:.3f} must stay below 1")
        if problems:
            raise ValueError("invalid BKT parameters: " + "; ".join(problems))


def predict_correct(p_learned: float, params: BKTParams) -> float:
    """Probability that the next response on this skill is correct."""
    return p_learned * (1.0 - params.slip) + (1.0 - p_learned) * params.guess


def posterior(p_learned: float, correct: bool, params: BKTParams) -> float:
    """P(learned) given the response, before the learning transition."""
    if correct:
        known = p_learned * (1.0 - params.slip)
        unknown = (1.0 - p_learned) * params.guess
    else:
        known = p_learned * params.slip
        unknown = (1.0 - p_learned) * (1.0 - params.guess)
    total = known + unknown
    return known / total if total > 0.0 else p_learned


def update(p_learned: float, correct: bool, params: BKTParams) -> float:
    """P(learned) after observing one response and one learning opportunity."""
    conditioned = posterior(p_learned, correct, params)
    return conditioned * (1.0 - params.forget) + (1.0 - conditioned) * params.learn


@dataclass(frozen=True)
class SkillParameters:
    """BKT parameters per skill key, with a default for skills that were never fitted."""

    default: BKTParams = field(default_factory=BKTParams)
    by_skill: Mapping[str, BKTParams] = field(default_factory=dict)
    source: str = "defaults"

    def for_skill(self, skill_key: str) -> BKTParams:
        return self.by_skill.get(skill_key, self.default)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": "atpace.bkt-params",
                "version": PARAMS_FORMAT_VERSION,
                "source": self.source,
                "default": asdict(self.default),
                "skills": {key: asdict(value) for key, value in sorted(self.by_skill.items())},
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> SkillParameters:
        data: dict[str, Any] = json.loads(text)
        if data.get("format") != "atpace.bkt-params":
            raise ValueError("not an atpace BKT parameter file (missing format 'atpace.bkt-params')")
        if data.get("version") != PARAMS_FORMAT_VERSION:
            raise ValueError(f"unsupported BKT parameter version {data.get('version')!r}")
        return cls(
            default=BKTParams(**data["default"]),
            by_skill={key: BKTParams(**values) for key, values in data.get("skills", {}).items()},
            source=str(data.get("source", "file")),
        )
