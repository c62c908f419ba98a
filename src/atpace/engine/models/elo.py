"""Online Elo rating of students and items with an uncertainty-adjusted step (Pelánek 2016).

``logit p = theta_student + theta_student,skill - difficulty_item``. After each answer every rating
moves by ``U(n) * (correct - p)`` where ``U(n) = alpha / (1 + beta * n)`` shrinks with the number
``n`` of answers that rating has already absorbed: new students and items move fast, settled ones
slowly ("Applications of the Elo rating system in adaptive educational systems", Computers &
Education 2016). Items default to the skill when a log has no item ids.

``fit`` runs the ratings over the training students to learn item difficulties; prediction keeps
item difficulties fixed (so a test student's prediction never uses another test student's answers)
and rates each test student from zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
from numba import njit
from numpy.typing import NDArray

from atpace.engine.models.base import KnowledgeTracer, check_positive, sigmoid
from atpace.engine.models.interaction_log import Attempt, InteractionLog


@njit(cache=True)
def _run(
    student: NDArray[np.int64],
    attempt: NDArray[np.int64],
    skill: NDArray[np.int64],
    item: NDArray[np.int64],
    correct: NDArray[np.int8],
    difficulty: NDArray[np.float64],
    item_count: NDArray[np.float64],
    n_skills: int,
    alpha: float,
    beta: float,
    skill_weight: float,
    learn_items: bool,
) -> NDArray[np.float64]:
    """Predict every row, then update ratings; item ratings change only when ``learn_items``."""
    n = student.shape[0]
    out = np.empty(n)
    theta_skill = np.zeros(max(n_skills, 1))
    count_skill = np.zeros(max(n_skills, 1))
    theta = 0.0
    count = 0.0
    block = 0
    a = 0
    while a < n:
        if a > 0 and student[a] != student[a - 1]:
            for i in range(block, a):
                if skill[i] >= 0:
                    theta_skill[skill[i]] = 0.0
                    count_skill[skill[i]] = 0.0
            theta = 0.0
            count = 0.0
            block = a
        b = a + 1
        while b < n and attempt[b] == attempt[a]:
            b += 1
        for i in range(a, b):
            z = theta - (difficulty[item[i]] if item[i] >= 0 else 0.0)
            if skill[i] >= 0:
                z += skill_weight * theta_skill[skill[i]]
            out[i] = 1.0 / (1.0 + math.exp(-z))
        rows = b - a
        for i in range(a, b):
            error = (correct[i] - out[i]) / rows  # one attempt moves the global rating once
            theta += alpha / (1.0 + beta * count) * error
            if skill[i] >= 0:
                s = skill[i]
                theta_skill[s] += alpha / (1.0 + beta * count_skill[s]) * error * rows
                count_skill[s] += 1.0
            if learn_items and item[i] >= 0:
                j = item[i]
                difficulty[j] -= alpha / (1.0 + beta * item_count[j]) * error
                item_count[j] += 1.0 / rows
        count += 1.0
        a = b
    return out


@dataclass
class EloState:
    """One student's ratings: global, per skill, and how many answers each has absorbed."""

    theta: float = 0.0
    count: float = 0.0
    theta_skill: dict[str, float] = field(default_factory=dict)
    count_skill: dict[str, float] = field(default_factory=dict)


class Elo(KnowledgeTracer[EloState]):
    """Elo with uncertainty function ``U(n) = alpha / (1 + beta n)`` and per-skill student ratings.

    Parameters
    ----------
    alpha, beta: the uncertainty function (Pelánek's defaults are near alpha=1, beta=0.05).
    skill_weight: weight of the per-skill student rating (0 gives the basic student/item Elo).
    n_passes: passes over the training students when learning item difficulties.
    """

    name: ClassVar[str] = "elo"

    def __init__(
        self, *, alpha: float = 1.0, beta: float = 0.05, skill_weight: float = 1.0, n_passes: int = 1
    ) -> None:
        self.alpha = alpha
        self.beta = beta
        self.skill_weight = skill_weight
        self.n_passes = n_passes

    def _validate(self) -> list[str]:
        problems = check_positive("alpha", self.alpha) + check_positive("beta", self.beta, allow_zero=True)
        problems += check_positive("skill_weight", self.skill_weight, allow_zero=True)
        if not isinstance(self.n_passes, int) or isinstance(self.n_passes, bool) or self.n_passes < 1:
            problems.append(f"n_passes={self.n_passes!r} must be an integer >= 1")
        return problems

    def _item_codes(self, log: InteractionLog) -> NDArray[np.int64]:
        """Items, or skills standing in for items when the log has no item ids."""
        if self.by_skill_:
            return log.codes("skill", self.item_ids_)
        return log.codes("item", self.item_ids_)

    def fit(self, log: InteractionLog, valid: InteractionLog | None = None) -> Self:
        self._check_params()
        self.by_skill_ = not log.has_items
        self.item_ids_ = log.skill_ids if self.by_skill_ else log.item_ids
        self.skill_ids_ = log.skill_ids
        self.skill_set_ = frozenset(self.skill_ids_)
        self.item_index_ = {key: i for i, key in enumerate(self.item_ids_)}
        difficulty = np.zeros(len(self.item_ids_))
        counts = np.zeros(len(self.item_ids_))
        item, skill = self._item_codes(log), log.codes("skill", self.skill_ids_)
        for _ in range(self.n_passes):
            _run(
                log.student, log.attempt, skill, item, log.correct, difficulty, counts,
                len(self.skill_ids_), float(self.alpha), float(self.beta), float(self.skill_weight), True,
            )  # fmt: skip
        self.difficulty_ = difficulty
        self.item_count_ = counts
        self.fitted_ = True
        return self

    def predict_proba(self, log: InteractionLog) -> NDArray[np.float64]:
        self._require_fitted()
        item, skill = self._item_codes(log), log.codes("skill", self.skill_ids_)
        out: NDArray[np.float64] = _run(
            log.student, log.attempt, skill, item, log.correct, self.difficulty_.copy(), self.item_count_.copy(),
            len(self.skill_ids_), float(self.alpha), float(self.beta), float(self.skill_weight), False,
        )  # fmt: skip
        return out

    # -- online use -------------------------------------------------------------------------------------
    def initial_state(self) -> EloState:
        return EloState()

    def _difficulty(self, skills: tuple[str, ...], item: str | None) -> list[float]:
        index = self.item_index_
        keys: list[str | None] = list(skills) if self.by_skill_ else [item] * max(len(skills), 1)
        return [float(self.difficulty_[index[k]]) if k in index else 0.0 for k in keys]

    def _row_logits(self, state: EloState, skills: tuple[str, ...], item: str | None) -> list[float]:
        difficulties = self._difficulty(skills, item)
        names: list[str | None] = list(skills) or [None]
        return [
            state.theta + (self.skill_weight * state.theta_skill.get(s, 0.0) if s is not None else 0.0) - d
            for s, d in zip(names, difficulties, strict=False)
        ]

    def predict_attempt(self, state: EloState, skills: tuple[str, ...], item: str | None = None) -> float:
        self._require_fitted()
        return float(np.mean(sigmoid(np.array(self._row_logits(state, skills, item)))))

    def update(self, state: EloState, attempt: Attempt) -> EloState:
        self._require_fitted()
        logits = self._row_logits(state, attempt.skills, attempt.item)
        rows = len(logits)
        new = EloState(state.theta, state.count + 1.0, dict(state.theta_skill), dict(state.count_skill))
        for skill, z in zip(attempt.skills or (None,), logits, strict=False):
            error = (float(attempt.correct) - 1.0 / (1.0 + math.exp(-z))) / rows
            new.theta += self.alpha / (1.0 + self.beta * state.count) * error
            # As in the batch filter: no rating for a skill unseen in training, and a skill named twice
            # in one attempt is updated twice in turn.
            if skill is not None and skill in self.skill_set_:
                n = new.count_skill.get(skill, 0.0)
                new.theta_skill[skill] = (
                    new.theta_skill.get(skill, 0.0) + self.alpha / (1.0 + self.beta * n) * error * rows
                )
                new.count_skill[skill] = n + 1.0
        return new

    # -- persistence ------------------------------------------------------------------------------------
    def _export(self) -> dict[str, Any]:
        return {
            "by_skill": self.by_skill_,
            "item_ids": list(self.item_ids_),
            "skill_ids": list(self.skill_ids_),
            "difficulty": self.difficulty_.tolist(),
            "item_count": self.item_count_.tolist(),
        }

    def _import(self, data: dict[str, Any]) -> None:
        self.by_skill_ = bool(data["by_skill"])
        self.item_ids_ = tuple(data["item_ids"])
        self.skill_ids_ = tuple(data["skill_ids"])
        self.skill_set_ = frozenset(self.skill_ids_)
        self.difficulty_ = np.asarray(data["difficulty"], dtype=np.float64)
        self.item_count_ = np.asarray(data["item_count"], dtype=np.float64)
        self.item_index_ = {key: i for i, key in enumerate(self.item_ids_)}
