"""Logistic models of knowledge tracing: PFA and Best-LR, on one sparse L2-penalised solver.

* PFA (Pavlik, Cen & Koedinger 2009): per skill, an easiness plus a weight on the student's earlier
  successes and one on earlier failures with that skill.
* Best-LR (Gervet, Koedinger, Schneider & Mitchell 2020): item and skill difficulties, per-skill
  weights on log(1 + earlier successes) and log(1 + earlier failures), and shared weights on the
  log-scaled counts on the same item and in total.

Counts come from earlier attempts only (:mod:`atpace.engine.models._history`).
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import minimize

from atpace.engine.models._history import (
    ITEM_FAILS,
    ITEM_WINS,
    SKILL_FAILS,
    SKILL_WINS,
    TOTAL_FAILS,
    TOTAL_WINS,
    history_counts,
)
from atpace.engine.models.base import (
    KnowledgeTracer,
    SkillItemCodes,
    check_positive,
    check_positive_int,
    sigmoid,
)
from atpace.engine.models.interaction_log import Attempt, InteractionLog


def fit_logistic(
    x: sp.csr_matrix, y: NDArray[np.float64], l2: float, max_iter: int, tol: float
) -> tuple[NDArray[np.float64], float]:
    """Weights and intercept minimising the summed log-loss plus ``l2 / 2 * |w|^2`` (L-BFGS)."""
    xt = x.T.tocsr()
    n_features = x.shape[1]

    def loss(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        value = float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * w @ w)
        residual = sigmoid(z) - y
        grad = np.empty_like(theta)
        grad[:-1] = xt @ residual + l2 * w
        grad[-1] = residual.sum()
        return value, grad

    start = np.zeros(n_features + 1)
    mean = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
    start[-1] = np.log(mean / (1 - mean))
    result = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": max_iter, "gtol": tol})
    theta = np.asarray(result.x, dtype=np.float64)
    return theta[:-1].copy(), float(theta[-1])


@dataclass
class CountState:
    """Earlier successes and failures of one student, per skill, per item and in total."""

    skill_wins: dict[str, float]
    skill_fails: dict[str, float]
    item_wins: dict[str, float]
    item_fails: dict[str, float]
    total_wins: float = 0.0
    total_fails: float = 0.0


def _empty_counts() -> CountState:
    return CountState({}, {}, {}, {})


def _count_update(state: CountState, attempt: Attempt) -> CountState:
    new = CountState(
        dict(state.skill_wins), dict(state.skill_fails), dict(state.item_wins), dict(state.item_fails),
        state.total_wins, state.total_fails,
    )  # fmt: skip
    skills_table = new.skill_wins if attempt.correct else new.skill_fails
    for skill in attempt.skills:
        skills_table[skill] = skills_table.get(skill, 0.0) + 1.0
    if attempt.item is not None:
        items_table = new.item_wins if attempt.correct else new.item_fails
        items_table[attempt.item] = items_table.get(attempt.item, 0.0) + 1.0
    if attempt.correct:
        new.total_wins += 1.0
    else:
        new.total_fails += 1.0
    return new


class _LogisticTracer(SkillItemCodes, KnowledgeTracer[CountState]):
    """Shared fitting, prediction and persistence; subclasses define the feature columns."""

    l2: float
    max_iter: int
    tol: float

    def _validate(self) -> list[str]:
        return (
            check_positive("l2", self.l2, allow_zero=True)
            + check_positive_int("max_iter", self.max_iter)
            + check_positive("tol", self.tol)
        )

    @abstractmethod
    def _design(
        self, skill: NDArray[np.int64], item: NDArray[np.int64], counts: NDArray[np.float64]
    ) -> sp.csr_matrix:
        """The sparse design matrix: one row per log row, the subclass's feature columns."""

    def fit(self, log: InteractionLog, valid: InteractionLog | None = None) -> Self:
        self._check_params()
        if len(log) == 0:
            raise ValueError(f"{type(self).__name__} needs a non-empty log")
        self.skill_ids_ = log.skill_ids
        self.item_ids_ = log.item_ids if self._uses_items() else ()
        self._index()
        skill, item = self._codes(log)
        x = self._design(skill, item, history_counts(log))
        self.coef_, self.intercept_ = fit_logistic(x, log.correct_float(), self.l2, self.max_iter, self.tol)
        self.fitted_ = True
        return self

    def _uses_items(self) -> bool:
        return False

    def predict_proba(self, log: InteractionLog) -> NDArray[np.float64]:
        self._require_fitted()
        skill, item = self._codes(log)
        x = self._design(skill, item, history_counts(log))
        return sigmoid(x @ self.coef_ + self.intercept_)

    # -- online use -------------------------------------------------------------------------------------
    def initial_state(self) -> CountState:
        return _empty_counts()

    def update(self, state: CountState, attempt: Attempt) -> CountState:
        return _count_update(state, attempt)

    def predict_attempt(self, state: CountState, skills: tuple[str, ...], item: str | None = None) -> float:
        self._require_fitted()
        rows = max(len(skills), 1)
        codes, item_codes = self._attempt_codes(skills, item)
        counts = np.zeros((rows, 6))
        for r, s in enumerate(skills):
            counts[r, SKILL_WINS] = state.skill_wins.get(s, 0.0)
            counts[r, SKILL_FAILS] = state.skill_fails.get(s, 0.0)
        if item is not None:
            counts[:, ITEM_WINS] = state.item_wins.get(item, 0.0)
            counts[:, ITEM_FAILS] = state.item_fails.get(item, 0.0)
        counts[:, TOTAL_WINS] = state.total_wins
        counts[:, TOTAL_FAILS] = state.total_fails
        x = self._design(codes, item_codes, counts)
        return float(np.mean(sigmoid(x @ self.coef_ + self.intercept_)))

    # -- persistence ------------------------------------------------------------------------------------
    def _export(self) -> dict[str, Any]:
        return {
            "skill_ids": list(self.skill_ids_),
            "item_ids": list(self.item_ids_),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
        }

    def _import(self, data: dict[str, Any]) -> None:
        self.skill_ids_ = tuple(data["skill_ids"])
        self.item_ids_ = tuple(data["item_ids"])
        self.coef_ = np.asarray(data["coef"], dtype=np.float64)
        self.intercept_ = float(data["intercept"])
        self._index()


def _one_hot_rows(
    columns: list[tuple[NDArray[np.int64], NDArray[np.float64]]], n_rows: int, n_columns: int
) -> sp.csr_matrix:
    """CSR from per-block (column index, value) arrays; a negative column drops that entry."""
    rows = np.concatenate([np.flatnonzero(c >= 0) for c, _ in columns])
    cols = np.concatenate([c[c >= 0] for c, _ in columns])
    vals = np.concatenate([v[c >= 0] for c, v in columns])
    return sp.csr_matrix((vals, (rows, cols)), shape=(n_rows, n_columns))


class PFA(_LogisticTracer):
    """Performance factors analysis: ``logit p = beta_k + gamma_k * wins_k + rho_k * fails_k``."""

    name: ClassVar[str] = "pfa"

    def __init__(self, *, l2: float = 1.0, max_iter: int = 500, tol: float = 1e-5) -> None:
        self.l2 = l2
        self.max_iter = max_iter
        self.tol = tol

    def _design(
        self, skill: NDArray[np.int64], item: NDArray[np.int64], counts: NDArray[np.float64]
    ) -> sp.csr_matrix:
        n_skills = len(self.skill_ids_)
        n = skill.shape[0]
        known = skill >= 0
        ones = np.ones(n)

        def block(offset: int) -> NDArray[np.int64]:
            return np.where(known, skill + offset, -1)

        return _one_hot_rows(
            [
                (block(0), ones),
                (block(n_skills), counts[:, SKILL_WINS]),
                (block(2 * n_skills), counts[:, SKILL_FAILS]),
            ],
            n,
            3 * n_skills,
        )


class BestLR(_LogisticTracer):
    """Best-LR: item and skill difficulty, per-skill log-count weights, item and total log-counts."""

    name: ClassVar[str] = "best_lr"

    def __init__(self, *, l2: float = 1.0, max_iter: int = 1000, tol: float = 1e-5) -> None:
        self.l2 = l2
        self.max_iter = max_iter
        self.tol = tol

    def _uses_items(self) -> bool:
        return True

    def _design(
        self, skill: NDArray[np.int64], item: NDArray[np.int64], counts: NDArray[np.float64]
    ) -> sp.csr_matrix:
        n_items, n_skills = len(self.item_ids_), len(self.skill_ids_)
        n = skill.shape[0]
        logs = np.log1p(counts)
        known = skill >= 0
        ones = np.ones(n)
        base = n_items + 3 * n_skills

        def skill_block(offset: int) -> NDArray[np.int64]:
            return np.where(known, skill + n_items + offset, -1)

        def shared(column: int) -> NDArray[np.int64]:
            return np.full(n, base + column, dtype=np.int64)

        return _one_hot_rows(
            [
                (item, ones),
                (skill_block(0), ones),
                (skill_block(n_skills), logs[:, SKILL_WINS]),
                (skill_block(2 * n_skills), logs[:, SKILL_FAILS]),
                (shared(0), logs[:, ITEM_WINS]),
                (shared(1), logs[:, ITEM_FAILS]),
                (shared(2), logs[:, TOTAL_WINS]),
                (shared(3), logs[:, TOTAL_FAILS]),
            ],
            n,
            base + 4,
        )
