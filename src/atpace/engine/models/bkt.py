"""Bayesian knowledge tracing per skill, fitted by expectation-maximisation (Baum-Welch).

Each skill is a two-state hidden Markov model (Corbett & Anderson 1995) with a prior, a learning
rate, an optional forgetting rate and a guess and a slip bounded above (0.3 by default: larger values
let EM swap the meaning of the two states). All skills and all restarts run in one compiled E-step
over the sequences; the M-step is closed form and vectorised over (restart, skill). Because skills are
independent, the best restart is chosen *per skill*.

Multi-skill items are handled as pyBKT does: a response tagged with k skills is an observation in each
of the k skill chains (the rows that share an attempt id). Predictions for such rows come from each
skill's own chain before the attempt, so the per-skill model never sees a twin row's answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numba
import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from atpace.engine import bkt_online
from atpace.engine.bkt_online import BKTParams, SkillParameters
from atpace.engine.models.base import (
    KnowledgeTracer,
    check_positive,
    check_positive_int,
    check_probability,
    check_random_state,
)
from atpace.engine.models.interaction_log import Attempt, InteractionLog

PARAMS = ("prior", "learn", "forget", "guess", "slip")
PRIOR, LEARN, FORGET, GUESS, SLIP = range(5)
_N_STATS = 10
_EPS = 1e-6
# After this many EM iterations only the best restart of each skill keeps iterating: restarts that
# trail early rarely overtake, and pruning them saves most of the E-step work.
_SCREEN_ITERATIONS = 8


@njit(cache=True, nogil=True)
def _e_step_one(
    correct: NDArray[np.int8],
    seq_start: NDArray[np.int64],
    first_seq: int,
    last_seq: int,
    p: NDArray[np.float64],
    stats: NDArray[np.float64],
    alpha: NDArray[np.float64],
    scale: NDArray[np.float64],
) -> float:
    """Forward-backward over one skill's sequences; accumulates expected counts, returns log-likelihood."""
    prior, learn, forget, guess, slip = p[0], p[1], p[2], p[3], p[4]
    loglik = 0.0
    for q in range(first_seq, last_seq):
        start = seq_start[q]
        length = seq_start[q + 1] - start
        p_learned = prior
        product = 1.0
        for t in range(length):
            if correct[start + t] == 1:
                e_l, e_u = 1.0 - slip, guess
            else:
                e_l, e_u = slip, 1.0 - guess
            known = p_learned * e_l
            total = known + (1.0 - p_learned) * e_u
            inverse = 1.0 / total
            a = known * inverse
            alpha[t] = a
            scale[t] = inverse
            # one logarithm per many steps: multiply the scales and fold before underflow
            product *= total
            if product < 1e-250:
                loglik += math.log(product)
                product = 1.0
            p_learned = a * (1.0 - forget) + (1.0 - a) * learn
        loglik += math.log(product)
        # backward pass with scaled betas; gamma and xi accumulate on the fly
        b_l = 1.0
        b_u = 1.0
        for t in range(length - 1, -1, -1):
            a = alpha[t]
            gamma_l = a * b_l
            gamma_u = (1.0 - a) * b_u
            o = correct[start + t]
            stats[6] += gamma_u * o  # correct while unlearned: guess
            stats[7] += gamma_u
            stats[8] += gamma_l * (1 - o)  # wrong while learned: slip
            stats[9] += gamma_l
            if t == 0:
                stats[0] += gamma_l
                stats[1] += 1.0
                break
            # beta of t-1 from beta of t
            if o == 1:
                e_l, e_u = 1.0 - slip, guess
            else:
                e_l, e_u = slip, 1.0 - guess
            w_l = e_l * b_l * scale[t]
            w_u = e_u * b_u * scale[t]
            prev = alpha[t - 1]
            stats[2] += (1.0 - prev) * learn * w_l  # unlearned -> learned
            stats[4] += prev * forget * w_u  # learned -> unlearned
            b_l = (1.0 - forget) * w_l + forget * w_u
            b_u = learn * w_l + (1.0 - learn) * w_u
            stats[3] += (1.0 - prev) * b_u
            stats[5] += prev * b_l
    return loglik


@njit(cache=True, parallel=True)
def _e_step(
    correct: NDArray[np.int8],
    seq_start: NDArray[np.int64],
    skill_first_seq: NDArray[np.int64],
    params: NDArray[np.float64],
    bins: NDArray[np.int64],
    bin_start: NDArray[np.int64],
    max_len: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One E-step for the (restart, skill) tasks listed in ``bins``; one bin per thread."""
    n_restarts, n_skills = params.shape[0], params.shape[1]
    stats = np.zeros((n_restarts, n_skills, _N_STATS))
    loglik = np.zeros((n_restarts, n_skills))
    for b in prange(bin_start.shape[0] - 1):
        alpha = np.empty(max_len)
        scale = np.empty(max_len)
        for k in range(bin_start[b], bin_start[b + 1]):
            task = bins[k]
            r = task // n_skills
            s = task % n_skills
            loglik[r, s] = _e_step_one(
                correct,
                seq_start,
                skill_first_seq[s],
                skill_first_seq[s + 1],
                params[r, s],
                stats[r, s],
                alpha,
                scale,
            )
    return stats, loglik


@njit(cache=True)
def _filter(
    student: NDArray[np.int64],
    attempt: NDArray[np.int64],
    skill: NDArray[np.int64],
    correct: NDArray[np.int8],
    params: NDArray[np.float64],
    fallback: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """P(correct) of every row from the student's earlier attempts (forward filtering per skill),
    and P(learned) of the row's skill once the row's attempt has been seen."""
    n = student.shape[0]
    n_skills = params.shape[0]
    out = np.empty(n)
    after = np.full(n, np.nan)
    state = params[:, PRIOR].copy()
    block = 0
    a = 0
    while a < n:
        if a > 0 and student[a] != student[a - 1]:
            for i in range(block, a):
                if skill[i] >= 0:
                    state[skill[i]] = params[skill[i], PRIOR]
            block = a
        b = a + 1
        while b < n and attempt[b] == attempt[a]:
            b += 1
        for i in range(a, b):
            s = skill[i]
            if s < 0 or s >= n_skills:
                out[i] = fallback
            else:
                out[i] = state[s] * (1.0 - params[s, SLIP]) + (1.0 - state[s]) * params[s, GUESS]
        for i in range(a, b):
            s = skill[i]
            if 0 <= s < n_skills:
                if correct[i] == 1:
                    known = state[s] * (1.0 - params[s, SLIP])
                    unknown = (1.0 - state[s]) * params[s, GUESS]
                else:
                    known = state[s] * params[s, SLIP]
                    unknown = (1.0 - state[s]) * (1.0 - params[s, GUESS])
                post = known / (known + unknown)
                state[s] = post * (1.0 - params[s, FORGET]) + (1.0 - post) * params[s, LEARN]
                after[i] = state[s]
        a = b
    return out, after


def _balanced_bins(work: NDArray[np.int64], n_bins: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Tasks (indices of ``work``) split into ``n_bins`` of near-equal total work (longest first)."""
    order = np.argsort(-work, kind="stable")
    loads = np.zeros(n_bins)
    members: list[list[int]] = [[] for _ in range(n_bins)]
    for task in order.tolist():  # one entry per (restart, skill), not per interaction
        target = int(np.argmin(loads))
        members[target].append(task)
        loads[target] += work[task]
    sizes = np.array([len(m) for m in members], dtype=np.int64)
    flat = np.array([t for m in members for t in m], dtype=np.int64)
    return flat, np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)


@dataclass(frozen=True, slots=True)
class _Sequences:
    correct: NDArray[np.int8]
    seq_start: NDArray[np.int64]
    skill_first_seq: NDArray[np.int64]
    rows_per_skill: NDArray[np.int64]
    max_len: int


def _sequences(log: InteractionLog, n_skills: int) -> _Sequences:
    """Rows regrouped by (skill, student) in time order: one observation sequence per pair."""
    keep = np.flatnonzero(log.skill >= 0)
    skill = log.skill[keep]
    order = keep[np.lexsort((keep, log.student[keep], skill))]
    skill_sorted = log.skill[order]
    student_sorted = log.student[order]
    n = order.shape[0]
    boundary = np.ones(n, dtype=bool)
    boundary[1:] = (skill_sorted[1:] != skill_sorted[:-1]) | (student_sorted[1:] != student_sorted[:-1])
    starts = np.flatnonzero(boundary)
    seq_start = np.concatenate((starts, [n])).astype(np.int64)
    seq_skill = skill_sorted[starts]
    skill_first_seq = np.searchsorted(seq_skill, np.arange(n_skills + 1)).astype(np.int64)
    return _Sequences(
        correct=log.correct[order],
        seq_start=seq_start,
        skill_first_seq=skill_first_seq,
        rows_per_skill=np.bincount(skill_sorted, minlength=n_skills).astype(np.int64),
        max_len=int(np.diff(seq_start).max()) if n else 1,
    )


def response_matrices(log: InteractionLog) -> Iterator[tuple[int, NDArray[np.int64]]]:
    """Per skill code: a (student x opportunity) matrix of 0/1 answers in time order, -1 past a
    student's last answer; the layout of per-skill BKT fitters such as mirt's. Skills without rows are left out.
    """
    sequences = _sequences(log, len(log.skill_ids))
    for skill in range(len(log.skill_ids)):
        first, last = int(sequences.skill_first_seq[skill]), int(sequences.skill_first_seq[skill + 1])
        if first == last:
            continue
        starts = sequences.seq_start[first : last + 1]
        lengths = np.diff(starts)
        matrix = np.full((lengths.shape[0], int(lengths.max())), -1, dtype=np.int64)
        student = np.repeat(np.arange(lengths.shape[0]), lengths)
        position = np.arange(starts[0], starts[-1]) - np.repeat(starts[:-1], lengths)
        matrix[student, position] = sequences.correct[starts[0] : starts[-1]]
        yield skill, matrix


BKTState = dict[str, float]


class BKT(KnowledgeTracer[BKTState]):
    """Per-skill BKT fitted by EM with restarts.

    Parameters
    ----------
    forgetting: estimate a forgetting rate per skill (otherwise it is fixed at 0).
    max_guess, max_slip: upper bounds of guess and slip.
    n_restarts: EM runs per skill; the first starts from fixed values, the others at random.
    max_iter, tol: EM stops for a skill when the log-likelihood gains less than ``tol`` per row.
    n_threads: threads for the E-step (None: Numba's default).
    random_state: seed of the random restarts.
    """

    name: ClassVar[str] = "bkt"
    attempt_aware_fit: ClassVar[bool] = False

    def __init__(
        self,
        *,
        forgetting: bool = False,
        max_guess: float = 0.3,
        max_slip: float = 0.3,
        n_restarts: int = 5,
        max_iter: int = 200,
        tol: float = 1e-5,
        n_threads: int | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.forgetting = forgetting
        self.max_guess = max_guess
        self.max_slip = max_slip
        self.n_restarts = n_restarts
        self.max_iter = max_iter
        self.tol = tol
        self.n_threads = n_threads
        self.random_state = random_state

    def _validate(self) -> list[str]:
        problems = []
        if not isinstance(self.forgetting, bool):
            problems.append(f"forgetting={self.forgetting!r} must be True or False")
        problems += check_probability("max_guess", self.max_guess, 0.01, 0.99)
        problems += check_probability("max_slip", self.max_slip, 0.01, 0.99)
        problems += check_positive_int("n_restarts", self.n_restarts)
        problems += check_positive_int("max_iter", self.max_iter)
        problems += check_positive("tol", self.tol, allow_zero=True)
        if self.n_threads is not None:
            problems += check_positive_int("n_threads", self.n_threads)
        problems += check_random_state(self.random_state)
        if not problems and self.max_guess + self.max_slip >= 1.0:
            problems.append("max_guess + max_slip must stay below 1")
        return problems

    # -- fitting ----------------------------------------------------------------------------------------
    def _starts(self, n_skills: int) -> NDArray[np.float64]:
        rng = np.random.default_rng(self.random_state)
        starts = np.empty((self.n_restarts, n_skills, 5))
        starts[0] = (0.4, 0.1, 0.0, min(0.2, self.max_guess), min(0.1, self.max_slip))
        shape = (self.n_restarts - 1, n_skills)
        starts[1:, :, PRIOR] = rng.uniform(0.05, 0.95, shape)
        starts[1:, :, LEARN] = rng.uniform(0.01, 0.5, shape)
        starts[1:, :, FORGET] = 0.0
        starts[1:, :, GUESS] = rng.uniform(0.01, self.max_guess, shape)
        starts[1:, :, SLIP] = rng.uniform(0.01, self.max_slip, shape)
        if self.forgetting:
            starts[:, :, FORGET] = np.concatenate(([0.01], rng.uniform(0.0, 0.1, self.n_restarts - 1)))[
                :, None
            ]
        return starts

    def _m_step(self, params: NDArray[np.float64], stats: NDArray[np.float64]) -> NDArray[np.float64]:
        new = params.copy()

        def ratio(num: int, den: int, column: int, low: float, high: float) -> None:
            d = stats[..., den]
            has = d > 1e-12
            new[..., column] = np.where(
                has, np.clip(stats[..., num] / np.where(has, d, 1.0), low, high), params[..., column]
            )

        ratio(0, 1, PRIOR, _EPS, 1 - _EPS)
        ratio(2, 3, LEARN, _EPS, 1 - _EPS)
        if self.forgetting:
            ratio(4, 5, FORGET, 0.0, 1 - _EPS)
        # Q is concave and separable in guess and in slip, so clipping the unconstrained maximiser
        # to the box is the exact constrained M-step.
        ratio(6, 7, GUESS, _EPS, self.max_guess)
        ratio(8, 9, SLIP, _EPS, self.max_slip)
        return new

    def fit(self, log: InteractionLog, valid: InteractionLog | None = None) -> Self:
        self._check_params()
        n_skills = len(log.skill_ids)
        if n_skills == 0 or not (log.skill >= 0).any():
            raise ValueError("BKT needs rows tagged with skills")
        seqs = _sequences(log, n_skills)
        params = self._starts(n_skills)
        n_threads = self.n_threads or numba.get_num_threads()
        active = np.ones((self.n_restarts, n_skills), dtype=bool) & (seqs.rows_per_skill > 0)[None, :]
        best_ll = np.full((self.n_restarts, n_skills), -np.inf)
        previous = np.full((self.n_restarts, n_skills), -np.inf)
        iterations = 0
        tasks = np.arange(self.n_restarts * n_skills, dtype=np.int64)
        work = np.tile(seqs.rows_per_skill, self.n_restarts)
        threads_before = numba.get_num_threads()
        numba.set_num_threads(min(n_threads, int(getattr(numba.config, "NUMBA_NUM_THREADS", n_threads))))
        try:
            while iterations < self.max_iter and active.any():
                flat_active = tasks[active.ravel()]
                bins, bin_start = _balanced_bins(work[flat_active], n_threads)
                stats, loglik = _e_step(
                    seqs.correct, seqs.seq_start, seqs.skill_first_seq, params,
                    flat_active[bins], bin_start, seqs.max_len,
                )  # fmt: skip
                updated = self._m_step(params, stats)
                params = np.where(active[..., None], updated, params)
                best_ll = np.where(active, loglik, best_ll)
                gain = (loglik - previous) / np.maximum(seqs.rows_per_skill, 1)[None, :]
                active &= ~(gain < self.tol)
                previous = np.where(active, loglik, previous)
                iterations += 1
                if iterations == _SCREEN_ITERATIONS and self.n_restarts > 1:
                    leader = np.argmax(np.where(np.isfinite(best_ll), best_ll, -np.inf), axis=0)
                    active &= np.arange(self.n_restarts)[:, None] == leader[None, :]
        finally:
            numba.set_num_threads(threads_before)
        # the log-likelihood belongs to the parameters before the last M-step; the gain is below tol
        winner = np.argmax(best_ll, axis=0)
        self.params_ = params[winner, np.arange(n_skills)]
        self.log_likelihood_ = float(best_ll[winner, np.arange(n_skills)].sum())
        self.restart_log_likelihoods_ = best_ll
        self.n_iter_ = iterations
        self.skill_ids_ = log.skill_ids
        self.skill_index_ = {key: i for i, key in enumerate(self.skill_ids_)}
        self.n_observations_ = seqs.rows_per_skill
        self.fallback_ = float(log.correct.mean())
        self.default_params_ = np.median(self.params_[seqs.rows_per_skill > 0], axis=0)
        # A skill of the vocabulary with no training rows (a slice of a log) was not fitted: defaults.
        self.params_[seqs.rows_per_skill == 0] = self.default_params_
        self._live_params: dict[str, BKTParams] = {}
        self.fitted_ = True
        return self

    # -- batch prediction -----------------------------------------------------------------------------
    def _params_for(self, log: InteractionLog) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """The log's skill codes and a parameter table: fitted skills first, then unseen ones at the median."""
        self._require_fitted()
        codes = log.codes("skill", self.skill_ids_)
        unseen = (codes < 0) & (log.skill >= 0)
        table = self.params_
        if unseen.any():
            extra = np.unique(log.skill[unseen])
            remap = np.full(len(log.skill_ids), -1, dtype=np.int64)
            remap[extra] = len(self.skill_ids_) + np.arange(extra.shape[0])
            codes = np.where(unseen, remap[np.maximum(log.skill, 0)], codes)
            table = np.vstack((table, np.tile(self.default_params_, (extra.shape[0], 1))))
        return codes, np.ascontiguousarray(table)

    def predict_proba(self, log: InteractionLog) -> NDArray[np.float64]:
        codes, table = self._params_for(log)
        out, _ = _filter(log.student, log.attempt, codes, log.correct, table, self.fallback_)
        return out

    def predict_mastery(self, log: InteractionLog) -> dict[str, dict[str, float]]:
        """P(learned) per student and skill after the whole log (for reports and warm starts)."""
        codes, table = self._params_for(log)
        _, after = _filter(log.student, log.attempt, codes, log.correct, table, self.fallback_)
        rows = np.flatnonzero(codes >= 0)
        # the last row of each (student, skill) pair holds that pair's final state
        pair = log.student[rows] * (table.shape[0] + 1) + codes[rows]
        _, last_rev = np.unique(pair[::-1], return_index=True)
        last = rows[rows.shape[0] - 1 - last_rev]
        result: dict[str, dict[str, float]] = {}
        for r in last.tolist():  # one entry per (student, skill) pair, not per interaction
            skill = log.skill_ids[int(log.skill[r])]
            result.setdefault(log.student_ids[int(log.student[r])], {})[skill] = float(after[r])
        return result

    # -- online use -------------------------------------------------------------------------------------
    def skill_params(self, skill: str) -> BKTParams:
        self._require_fitted()
        cached = self._live_params.get(skill)
        if cached is None:  # built (and checked) once per skill, not on every online update
            index = self.skill_index_.get(skill)
            row = self.default_params_ if index is None else self.params_[index]
            cached = BKTParams(*(float(row[i]) for i in (PRIOR, LEARN, GUESS, SLIP, FORGET)))
            self._live_params[skill] = cached
        return cached

    def initial_state(self) -> BKTState:
        return {}

    def _learned(self, state: BKTState, skill: str) -> tuple[float, BKTParams]:
        params = self.skill_params(skill)
        return state.get(skill, params.prior), params

    def update(self, state: BKTState, attempt: Attempt) -> BKTState:
        new = dict(state)
        for skill in attempt.skills:  # a skill named twice is updated twice, as in predict_proba
            p, params = self._learned(new, skill)
            new[skill] = bkt_online.update(p, attempt.correct, params)
        return new

    def predict_attempt(self, state: BKTState, skills: tuple[str, ...], item: str | None = None) -> float:
        if not skills:
            self._require_fitted()
            return self.fallback_
        total = 0.0
        for skill in skills:  # the mean of the skill rows' predictions, as the batch rows are scored
            total += bkt_online.predict_correct(*self._learned(state, skill))
        return total / len(skills)

    # -- persistence ------------------------------------------------------------------------------------
    def _export(self) -> dict[str, Any]:
        return {
            "skills": {
                skill: dict(zip(PARAMS, map(float, row), strict=True))
                for skill, row in zip(self.skill_ids_, self.params_, strict=True)
            },
            "default": dict(zip(PARAMS, map(float, self.default_params_), strict=True)),
            "fallback": self.fallback_,
        }

    def _import(self, data: dict[str, Any]) -> None:
        self.skill_ids_ = tuple(data["skills"])
        self.skill_index_ = {key: i for i, key in enumerate(self.skill_ids_)}
        self.params_ = np.array([[row[p] for p in PARAMS] for row in data["skills"].values()]).reshape(-1, 5)
        self.default_params_ = np.array([data["default"][p] for p in PARAMS])
        self._live_params = {}
        self.fallback_ = float(data["fallback"])

    def to_skill_parameters(self, source: str | None = None) -> SkillParameters:
        """The fitted parameters in the live platform's format (``atpace.engine.bkt_online``)."""
        self._require_fitted()
        return SkillParameters(
            default=self.skill_params("\x00no such skill"),
            by_skill={skill: self.skill_params(skill) for skill in self.skill_ids_},
            source=source or f"fitted BKT (EM, {self.n_restarts} restarts, forgetting={self.forgetting})",
        )


def fit_skill_parameters(log: InteractionLog, **hyperparameters: Any) -> SkillParameters:
    """Fit per-skill BKT on ``log`` and return parameters the practice loop can load.

    ``hyperparameters`` are those of :class:`BKT` (``forgetting``, ``max_guess``, ...).
    """
    model = BKT(**hyperparameters).fit(log)
    return model.to_skill_parameters(
        source=f"fitted BKT on {len(log)} responses of {len(log.student_ids)} students"
    )
