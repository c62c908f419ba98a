"""Batch item response theory: 1PL (Rasch) and 2PL, fitted by penalised maximum likelihood (SciPy).

``logit p = a_i * theta_student - (b_skill + d_item)`` (slope-intercept form, better conditioned than
``a (theta - b)``; the classical difficulty is the intercept over ``a``): an item's intercept is its
skill's plus an item offset pulled towards 0 (so a rarely seen item borrows from its skill and an item
never seen in training gets its skill's); ``a_i = exp(log_a_i)`` in 2PL, 1 in 1PL.

``fit`` maximises the marginal likelihood (abilities integrated over a standard normal on a grid; the
population distribution fixes the scale, unlike joint MAP, which shrinks abilities and inflates 2PL
slopes), penalised towards 0 for item offsets and log slopes, with L-BFGS and an analytic gradient.
A new student's ability is the posterior mean on a grid given that student's earlier answers
(expected a posteriori, vectorised over all rows with cumulative sums), which is also the online
state: a log-posterior over the grid.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from atpace.engine.models.base import (
    KnowledgeTracer,
    SkillItemCodes,
    check_positive,
    check_positive_int,
    sigmoid,
)
from atpace.engine.models.interaction_log import Attempt, InteractionLog

_GRID = np.linspace(-4.0, 4.0, 41)
_LOG_PRIOR = -0.5 * _GRID**2
# the marginal likelihood in fit integrates over the standard normal with Gauss-Hermite nodes
_FIT_GRID, _FIT_WEIGHTS = np.polynomial.hermite_e.hermegauss(15)
_FIT_LOG_WEIGHTS = np.log(_FIT_WEIGHTS / _FIT_WEIGHTS.sum())


def _log_sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    out: NDArray[np.float64] = -np.logaddexp(0.0, -z)
    return out


class _IRT(SkillItemCodes, KnowledgeTracer[NDArray[np.float64]]):
    two_parameter: ClassVar[bool]
    attempt_aware_fit: ClassVar[bool] = False

    def __init__(
        self,
        *,
        item_scale: float = 1.0,
        discrimination_scale: float = 0.5,
        max_iter: int = 300,
        tol: float = 1e-3,
    ) -> None:
        self.item_scale = item_scale
        self.discrimination_scale = discrimination_scale
        self.max_iter = max_iter
        self.tol = tol

    def _validate(self) -> list[str]:
        return (
            check_positive("item_scale", self.item_scale)
            + check_positive("discrimination_scale", self.discrimination_scale)
            + check_positive_int("max_iter", self.max_iter)
            + check_positive("tol", self.tol)
        )

    def fit(self, log: InteractionLog, valid: InteractionLog | None = None) -> Self:
        self._check_params()
        if len(log) == 0:
            raise ValueError(f"{type(self).__name__} needs a non-empty log")
        self.skill_ids_ = log.skill_ids
        self.item_ids_ = log.item_ids
        skill, item = self._codes(log)
        n_skills, n_items = len(self.skill_ids_), len(self.item_ids_)
        y = log.correct_float()
        has_skill, has_item = skill >= 0, item >= 0
        s_idx, i_idx = np.maximum(skill, 0), np.maximum(item, 0)
        # discrimination belongs to the item, or to the skill when the log has no items
        disc_idx, has_disc, n_disc = (i_idx, has_item, n_items) if n_items else (s_idx, has_skill, n_skills)
        sizes = [n_skills, n_items, n_disc if self.two_parameter else 0]
        cuts = np.cumsum([0, *sizes])
        item_precision = 1.0 / self.item_scale**2
        disc_precision = 1.0 / self.discrimination_scale**2
        starts = log.student_starts()
        sign = 2.0 * y - 1.0

        def unpack(x: NDArray[np.float64]) -> list[NDArray[np.float64]]:
            return [x[cuts[k] : cuts[k + 1]] for k in range(3)]

        def objective(x: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
            b_skill, d_item, log_a = unpack(x)
            c = np.where(has_skill, b_skill[s_idx], 0.0)
            if n_items:
                c = c + np.where(has_item, d_item[i_idx], 0.0)
            a = np.where(has_disc, np.exp(log_a[disc_idx]), 1.0) if self.two_parameter else np.ones_like(c)
            z = a[:, None] * _FIT_GRID[None, :] - c[:, None]  # rows x grid
            per_student = np.add.reduceat(_log_sigmoid(sign[:, None] * z), starts, axis=0)
            joint = per_student + _FIT_LOG_WEIGHTS[None, :]
            top = joint.max(axis=1, keepdims=True)
            marginal = top[:, 0] + np.log(np.exp(joint - top).sum(axis=1))
            value = -float(marginal.sum()) + 0.5 * item_precision * float(d_item @ d_item)
            value += 0.5 * 1e-2 * float(b_skill @ b_skill)
            posterior = np.exp(joint - marginal[:, None])  # students x grid
            # d(-log marginal)/dz for each row and grid point: posterior * (sigmoid(z) - y)
            weighted = np.repeat(posterior, np.diff(np.append(starts, len(log))), axis=0) * (
                sigmoid(z) - y[:, None]
            )
            grad = np.empty_like(x)
            g_skill, g_item, g_disc = unpack(grad)
            dc = -weighted.sum(axis=1)
            g_skill[:] = np.bincount(s_idx, dc * has_skill, n_skills) + 1e-2 * b_skill
            g_item[:] = np.bincount(i_idx, dc * has_item, n_items) + item_precision * d_item
            if self.two_parameter:
                value += 0.5 * disc_precision * float(log_a @ log_a)
                da = a * (weighted @ _FIT_GRID)
                g_disc[:] = np.bincount(disc_idx, da * has_disc, n_disc) + disc_precision * log_a
            return value, grad

        result = minimize(
            objective,
            np.zeros(int(cuts[-1])),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": self.max_iter, "gtol": self.tol},
        )
        b_skill, d_item, log_a = (v.copy() for v in unpack(np.asarray(result.x, dtype=np.float64)))
        self.skill_difficulty_ = b_skill
        self.item_difficulty_ = d_item
        self.log_discrimination_ = log_a
        self.discrimination_by_item_ = bool(n_items)
        self._index()
        self.n_iter_ = int(result.nit)
        self.fitted_ = True
        return self

    def _row_params(
        self, skill: NDArray[np.int64], item: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Discrimination and difficulty of each row (unknown skills and items contribute 0)."""
        c = np.where(skill >= 0, self.skill_difficulty_[np.maximum(skill, 0)], 0.0)
        if self.item_difficulty_.size:
            c = c + np.where(item >= 0, self.item_difficulty_[np.maximum(item, 0)], 0.0)
        a = np.ones_like(c)
        if self.two_parameter and self.log_discrimination_.size:
            idx = item if self.discrimination_by_item_ else skill
            a = np.where(idx >= 0, np.exp(self.log_discrimination_[np.maximum(idx, 0)]), 1.0)
        return a, c

    def predict_proba(self, log: InteractionLog) -> NDArray[np.float64]:
        self._require_fitted()
        skill, item = self._codes(log)
        a, c = self._row_params(skill, item)
        z = a[:, None] * _GRID[None, :] - c[:, None]  # rows x grid
        sign = np.where(log.correct == 1, 1.0, -1.0)
        prefix = np.zeros((len(log) + 1, _GRID.size))
        np.cumsum(_log_sigmoid(sign[:, None] * z), axis=0, out=prefix[1:])
        rows = np.arange(len(log))
        attempt_first = np.maximum.accumulate(np.where(log.shares_attempt_with_previous(), 0, rows))
        student_first = np.zeros(len(log), dtype=np.int64)
        student_first[log.student_starts()] = log.student_starts()
        student_first = np.maximum.accumulate(student_first)
        # log-posterior from the student's rows before this row's attempt
        posterior = _LOG_PRIOR[None, :] + prefix[attempt_first] - prefix[student_first]
        posterior -= posterior.max(axis=1, keepdims=True)
        weights = np.exp(posterior)
        weights /= weights.sum(axis=1, keepdims=True)
        out: NDArray[np.float64] = np.einsum("ij,ij->i", weights, sigmoid(z))
        return out

    # -- online use -------------------------------------------------------------------------------------

    def _attempt_params(
        self, skills: tuple[str, ...], item: str | None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        return self._row_params(*self._attempt_codes(skills, item))

    def initial_state(self) -> NDArray[np.float64]:
        return _LOG_PRIOR.copy()

    def update(self, state: NDArray[np.float64], attempt: Attempt) -> NDArray[np.float64]:
        self._require_fitted()
        a, c = self._attempt_params(attempt.skills, attempt.item)
        sign = 1.0 if attempt.correct else -1.0
        new: NDArray[np.float64] = state + _log_sigmoid(
            sign * (a[:, None] * _GRID[None, :] - c[:, None])
        ).sum(axis=0)
        return new

    def predict_attempt(
        self, state: NDArray[np.float64], skills: tuple[str, ...], item: str | None = None
    ) -> float:
        self._require_fitted()
        a, c = self._attempt_params(skills, item)
        weights = np.exp(state - state.max())
        weights /= weights.sum()
        return float(np.mean(sigmoid(a[:, None] * _GRID[None, :] - c[:, None]) @ weights))

    # -- persistence ------------------------------------------------------------------------------------
    def _export(self) -> dict[str, Any]:
        return {
            "skill_ids": list(self.skill_ids_),
            "item_ids": list(self.item_ids_),
            "skill_difficulty": self.skill_difficulty_.tolist(),
            "item_difficulty": self.item_difficulty_.tolist(),
            "log_discrimination": self.log_discrimination_.tolist(),
            "discrimination_by_item": self.discrimination_by_item_,
        }

    def _import(self, data: dict[str, Any]) -> None:
        self.skill_ids_ = tuple(data["skill_ids"])
        self.item_ids_ = tuple(data["item_ids"])
        self.skill_difficulty_ = np.asarray(data["skill_difficulty"], dtype=np.float64)
        self.item_difficulty_ = np.asarray(data["item_difficulty"], dtype=np.float64)
        self.log_discrimination_ = np.asarray(data["log_discrimination"], dtype=np.float64)
        self.discrimination_by_item_ = bool(data["discrimination_by_item"])
        self._index()


class IRT1PL(_IRT):
    """Rasch model: ability minus (skill + item) difficulty."""

    name: ClassVar[str] = "irt1pl"
    two_parameter: ClassVar[bool] = False


class IRT2PL(_IRT):
    """Two-parameter logistic model: a per-item (or per-skill) discrimination as well."""

    name: ClassVar[str] = "irt2pl"
    two_parameter: ClassVar[bool] = True
