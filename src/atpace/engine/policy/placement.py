"""Placement: a computerized adaptive test over the course, combined with the prerequisite graph.

The bank is skill-level: each skill is one 2PL "item" (discrimination ``a``, difficulty ``b`` on one
course-wide ability scale) and the service shows one concrete item of the chosen skill. Skill-level
parameters are the unit at which calibration data exist: the demo course's items are generated from
templates, so responses are pooled per skill. Steps:

1. Calibration (``calibrate``): mirt 1.2.0 fits a unidimensional 2PL (marginal ML, EM) to a
   students x skills matrix of right/wrong answers (missing allowed).
2. Selection: catsim 0.21.0's maximum-information selector over the skills not yet tested.
3. Ability: EAP with a standard-normal prior, scored by mirt (``fscores(method="EAP")``).
4. Stop when the posterior standard deviation is <= 0.3, or after 20 items, or when the bank runs out.
5. Starting mastery per skill: P(learned | ability) from the skill's 2PL curve with its BKT guess and
   slip removed, then the direct evidence of the skill's own answer (BKT likelihood ratio), then the
   graph: a right answer's evidence also raises every prerequisite (ancestor) and a wrong answer's
   evidence also lowers every dependent (descendant), weighted by ``propagation``.

The session state is a small frozen value that serialises to JSON, so a web request per answer can
store it; every transition returns a new state.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from atpace.engine.bkt_online import BKTParams
from atpace.engine.graph import SkillGraph

if TYPE_CHECKING:
    from mirt.results.fit_result import FitResult

__all__ = [
    "Placement",
    "PlacementBank",
    "PlacementConfig",
    "PlacementResult",
    "PlacementState",
    "SkillCalibration",
    "calibrate",
]

StopReason = Literal["precision reached", "classification settled", "item limit", "bank exhausted"]
_EDGE = 1e-4
_DEFAULT_PARAMS = BKTParams()  # for skills without fitted parameters; built once, not per call


@dataclass(frozen=True, slots=True)
class SkillCalibration:
    """2PL parameters per skill on one course-wide ability scale (standard-normal population)."""

    discrimination: Mapping[str, float]
    difficulty: Mapping[str, float]
    source: str = "graph depth"

    @classmethod
    def from_graph(
        cls, graph: SkillGraph, discrimination: float = 1.5, spread: float = 1.5
    ) -> SkillCalibration:
        """Uncalibrated default: difficulty grows with depth in the graph from -spread to +spread."""
        depth = {key: i for i, layer in enumerate(graph.layers()) for key in layer}
        deepest = max(depth.values(), default=0) or 1
        return cls(
            {key: discrimination for key in graph.skills},
            {key: -spread + 2 * spread * depth[key] / deepest for key in graph.skills},
        )

    def to_json(self) -> str:
        keys = list(self.discrimination)
        return json.dumps(
            {
                "format": "atpace.placement-calibration",
                "version": 1,
                "source": self.source,
                "skills": {k: {"a": self.discrimination[k], "b": self.difficulty[k]} for k in keys},
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> SkillCalibration:
        data: dict[str, Any] = json.loads(text)
        if data.get("format") != "atpace.placement-calibration" or data.get("version") != 1:
            raise ValueError(
                "not an atpace placement calibration (format atpace.placement-calibration, version 1)"
            )
        skills: dict[str, dict[str, float]] = data["skills"]
        return cls(
            {k: float(v["a"]) for k, v in skills.items()},
            {k: float(v["b"]) for k, v in skills.items()},
            str(data.get("source", "file")),
        )


def calibrate(
    responses: NDArray[np.float64], skill_keys: Sequence[str], source: str = "mirt 2PL"
) -> SkillCalibration:
    """Fit a 2PL per skill with mirt from a students x skills matrix (1 right, 0 wrong, NaN missing)."""
    from mirt import fit_mirt

    data = np.asarray(responses, dtype=np.float64)
    if data.ndim != 2 or data.shape[1] != len(skill_keys):
        raise ValueError(f"responses must be students x {len(skill_keys)} skills, got shape {data.shape}")
    observed = data[~np.isnan(data)]
    if observed.size == 0 or not np.isin(observed, (0.0, 1.0)).all():
        raise ValueError("responses must hold 0, 1 or NaN, and at least one answer")
    coded = np.where(np.isnan(data), -1, data).astype(np.int64)
    fit = fit_mirt(coded, "2PL", compute_standard_errors=False, item_names=list(skill_keys))
    params = fit.model.parameters
    return SkillCalibration(
        {k: float(a) for k, a in zip(skill_keys, params["discrimination"], strict=True)},
        {k: float(b) for k, b in zip(skill_keys, params["difficulty"], strict=True)},
        source,
    )


@lru_cache(maxsize=16)
def _scoring_model(discrimination: tuple[float, ...], difficulty: tuple[float, ...]) -> FitResult:
    # mirt scores only fitted models; fitting with every parameter fixed is its public way to load
    # given parameters (two dummy rows; no parameter moves).
    from mirt import fit_mirt

    n = len(discrimination)
    dummy = np.array([[1] * n, [0] * n], dtype=np.int64)
    return fit_mirt(
        dummy,
        "2PL",
        start_values={"discrimination": np.array(discrimination), "difficulty": np.array(difficulty)},
        fixed={"discrimination": np.ones(n, dtype=bool), "difficulty": np.ones(n, dtype=bool)},
        max_iter=1,
        compute_standard_errors=False,
    )


@dataclass(frozen=True)
class PlacementBank:
    """The course graph, each skill's 2PL calibration and BKT guess/slip (for direct evidence)."""

    graph: SkillGraph
    calibration: SkillCalibration
    skill_params: Mapping[str, BKTParams] = field(default_factory=dict)  # missing: BKTParams()

    def __post_init__(self) -> None:
        problems = [
            f"no calibration for skill {k!r}"
            for k in self.graph.skills
            if k not in self.calibration.difficulty
        ]
        problems += [
            f"discrimination of {k!r} is {a!r}, must be positive"
            for k, a in self.calibration.discrimination.items()
            if not (math.isfinite(a) and a > 0)
        ]
        problems += [
            f"difficulty of {k!r} is {b!r}, must be finite"
            for k, b in self.calibration.difficulty.items()
            if not math.isfinite(b)
        ]
        if problems:
            raise ValueError("invalid placement bank: " + "; ".join(problems))

    @property
    def skills(self) -> tuple[str, ...]:
        return self.graph.skills

    def arrays(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Discrimination and difficulty per skill, in graph order (read-only, built once)."""
        return self._arrays

    @cached_property
    def _arrays(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        a = np.array([self.calibration.discrimination[k] for k in self.skills], dtype=np.float64)
        b = np.array([self.calibration.difficulty[k] for k in self.skills], dtype=np.float64)
        a.setflags(write=False)
        b.setflags(write=False)
        return a, b

    @cached_property
    def ancestors(self) -> dict[str, frozenset[str]]:
        """Every skill's prerequisites, direct and indirect (success spreads to them)."""
        return _closure(self.graph, lambda k: self.graph.prerequisites[k])

    @cached_property
    def descendants(self) -> dict[str, frozenset[str]]:
        """Every skill's dependents, direct and indirect (failure spreads to them)."""
        return _closure(self.graph, self.graph.dependents)

    def params(self, skill_key: str) -> BKTParams:
        return self.skill_params.get(skill_key, _DEFAULT_PARAMS)


@dataclass(frozen=True, slots=True)
class PlacementConfig:
    se_stop: float = 0.3
    max_items: int = 20
    min_items: int = 3  # never stop on the prior alone
    propagation: float = 0.8  # share of a skill's own evidence passed along the graph
    # Also stop once every skill's starting P(learned) is at most ``settled`` or at least 1 - ``settled``:
    # more items could not change any skill's classification much. 0 turns the rule off.
    settled: float = 0.2

    def __post_init__(self) -> None:
        problems = []
        if not self.se_stop > 0:
            problems.append(f"se_stop={self.se_stop!r} must be positive")
        if not (isinstance(self.max_items, int) and self.max_items >= 1):
            problems.append(f"max_items={self.max_items!r} must be a positive integer")
        if not (isinstance(self.min_items, int) and 0 <= self.min_items <= max(self.max_items, 0)):
            problems.append(f"min_items={self.min_items!r} must be in [0, max_items]")
        if not 0.0 <= self.propagation <= 1.0:
            problems.append(f"propagation={self.propagation!r} must be in [0, 1]")
        if not 0.0 <= self.settled < 0.5:
            problems.append(f"settled={self.settled!r} must be in [0, 0.5)")
        if problems:
            raise ValueError("invalid placement config: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class PlacementState:
    """One student's placement so far: skills asked (in order), answers, current EAP ability and SD."""

    skills_asked: tuple[str, ...] = ()
    answers: tuple[bool, ...] = ()
    theta: float = 0.0
    se: float = 1.0  # prior SD

    def to_json(self) -> str:
        return json.dumps(
            {
                "skills_asked": list(self.skills_asked),
                "answers": list(self.answers),
                "theta": self.theta,
                "se": self.se,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> PlacementState:
        data: dict[str, Any] = json.loads(text)
        asked, answers = data.get("skills_asked"), data.get("answers")
        if not isinstance(asked, list) or not isinstance(answers, list) or len(asked) != len(answers):
            raise ValueError("not a placement state: skills_asked and answers must be lists of equal length")
        return cls(
            tuple(map(str, asked)), tuple(bool(a) for a in answers), float(data["theta"]), float(data["se"])
        )


@dataclass(frozen=True, slots=True)
class PlacementResult:
    theta: float
    se: float
    items_used: int
    stop_reason: StopReason
    mastery: Mapping[str, float]  # starting P(learned) per skill, graph display order


@dataclass(frozen=True)
class Placement:
    """The placement test as a state machine: ``start`` -> (``next_skill`` -> ``record``)* -> ``result``."""

    bank: PlacementBank
    config: PlacementConfig = PlacementConfig()

    def start(self) -> PlacementState:
        return PlacementState()

    def stop_reason(self, state: PlacementState) -> StopReason | None:
        n = len(state.answers)
        if n >= len(self.bank.skills):
            return "bank exhausted"
        if n >= self.config.max_items:
            return "item limit"
        if n >= self.config.min_items and state.se <= self.config.se_stop:
            return "precision reached"
        if n >= self.config.min_items and self.config.settled > 0:
            margin = self.config.settled
            if all(p <= margin or p >= 1.0 - margin for p in self._mastery(state).values()):
                return "classification settled"
        return None

    def finished(self, state: PlacementState) -> bool:
        return self.stop_reason(state) is not None

    def next_skill(self, state: PlacementState) -> str | None:
        """The untested skill with maximum Fisher information at the current ability (catsim), or None."""
        if self.finished(state):
            return None
        from catsim.item_bank import ItemBank
        from catsim.selection import MaxInfoSelector

        a, b = self.bank.arrays()
        asked = [self.bank.skills.index(k) for k in state.skills_asked]
        # The bank is validated in PlacementBank; catsim's own check prints to stdout.
        bank = ItemBank(np.column_stack([a, b, np.zeros_like(a), np.ones_like(a)]), validate=False)
        index = MaxInfoSelector().select(item_bank=bank, administered_items=asked, est_theta=state.theta)
        return None if index is None else self.bank.skills[int(index)]

    def record(self, state: PlacementState, skill_key: str, correct: bool) -> PlacementState:
        """New state after the answer to an item of ``skill_key``; the EAP ability is rescored by mirt."""
        problems = []
        if skill_key not in self.bank.skills:
            problems.append(f"skill {skill_key!r} is not in the placement bank")
        elif skill_key in state.skills_asked:
            problems.append(f"skill {skill_key!r} was already asked")
        if self.finished(state):
            problems.append("the placement is already finished")
        if problems:
            raise ValueError("invalid placement answer: " + "; ".join(problems))
        asked = (*state.skills_asked, skill_key)
        answers = (*state.answers, bool(correct))
        theta, se = self._eap(asked, answers)
        return PlacementState(asked, answers, theta, se)

    def _eap(self, asked: Sequence[str], answers: Sequence[bool]) -> tuple[float, float]:
        from mirt import fscores

        a, b = self.bank.arrays()
        model = _scoring_model(tuple(a.tolist()), tuple(b.tolist()))
        pattern = np.full((1, len(self.bank.skills)), np.nan)
        for key, answer in zip(asked, answers, strict=True):
            pattern[0, self.bank.skills.index(key)] = 1.0 if answer else 0.0
        scores = fscores(model, pattern, method="EAP")
        return float(np.ravel(scores.theta)[0]), float(np.ravel(scores.standard_error)[0])

    def result(self, state: PlacementState) -> PlacementResult:
        """Starting P(learned) for every skill of the course (see the module docstring, step 5)."""
        reason = self.stop_reason(state) or "item limit"
        return PlacementResult(state.theta, state.se, len(state.answers), reason, self._mastery(state))

    def _mastery(self, state: PlacementState) -> dict[str, float]:
        graph = self.bank.graph
        a, b = self.bank.arrays()
        # Posterior of ability on a grid (normal approximation from EAP mean and SD) gives
        # P(right | skill) = E[2PL]; removing guess and slip turns it into P(learned).
        grid = state.theta + state.se * np.linspace(-3.0, 3.0, 25)
        weights = np.exp(-0.5 * np.linspace(-3.0, 3.0, 25) ** 2)
        weights /= weights.sum()
        p_right = (1.0 / (1.0 + np.exp(-a[:, None] * (grid[None, :] - b[:, None])))) @ weights
        logit: dict[str, float] = {}
        for i, key in enumerate(graph.skills):
            params = self.bank.params(key)
            learned = (p_right[i] - params.guess) / (1.0 - params.guess - params.slip)
            learned = min(max(float(learned), _EDGE), 1.0 - _EDGE)
            logit[key] = math.log(learned / (1.0 - learned))
        own: dict[str, float] = {}
        for key, answer in zip(state.skills_asked, state.answers, strict=True):
            params = self.bank.params(key)
            # guess or slip of exactly 0 would make one answer infinitely strong evidence
            guess = min(max(params.guess, _EDGE), 1.0 - _EDGE)
            slip = min(max(params.slip, _EDGE), 1.0 - _EDGE)
            if answer:
                own[key] = math.log((1.0 - slip) / guess)
            else:
                own[key] = math.log(slip / (1.0 - guess))
        for key, evidence in own.items():
            logit[key] += evidence
            spread = self.bank.descendants[key] if evidence < 0 else self.bank.ancestors[key]
            for other in spread:
                logit[other] += self.config.propagation * evidence
        return {key: 1.0 / (1.0 + math.exp(-logit[key])) for key in graph.skills}


def _closure(graph: SkillGraph, step: Callable[[str], Iterable[str]]) -> dict[str, frozenset[str]]:
    result: dict[str, frozenset[str]] = {}
    for key in graph.skills:
        seen: set[str] = set()
        todo = list(step(key))
        while todo:
            nxt = todo.pop()
            if nxt not in seen:
                seen.add(nxt)
                todo.extend(step(nxt))
        result[key] = frozenset(seen)
    return result
