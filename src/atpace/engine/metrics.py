"""Metrics of next-response prediction: AUC, RMSE, accuracy and log-loss.

Written with NumPy (no scikit-learn import at run time); the unit tests check them against
scikit-learn on fixed inputs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

_LOG_LOSS_EPS = np.finfo(np.float64).eps


def _arrays(y_true: ArrayLike, y_prob: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    y = np.asarray(y_true, dtype=np.float64).ravel()
    p = np.asarray(y_prob, dtype=np.float64).ravel()
    problems = []
    if y.shape != p.shape:
        problems.append(f"{y.shape[0]} labels but {p.shape[0]} probabilities")
    if y.size == 0:
        problems.append("no rows")
    if y.size and not np.isin(y, (0.0, 1.0)).all():
        problems.append("labels must be 0 or 1")
    if p.size and not (np.isfinite(p).all() and ((p >= 0) & (p <= 1)).all()):
        problems.append("probabilities must be finite and in [0, 1]")
    if problems:
        raise ValueError("cannot score predictions: " + "; ".join(problems))
    return y, p


def auc(y_true: ArrayLike, y_prob: ArrayLike) -> float:
    """Area under the ROC curve (Mann-Whitney statistic; tied scores count one half)."""
    y, p = _arrays(y_true, y_prob)
    n_pos = float(y.sum())
    n_neg = float(y.size - n_pos)
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs both correct and incorrect responses")
    order = np.argsort(p, kind="mergesort")
    sorted_p = p[order]
    # average ranks of tied scores
    first = np.concatenate(([True], sorted_p[1:] != sorted_p[:-1]))
    group = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    ends = np.concatenate((starts[1:], [p.size]))
    mean_rank = (starts + ends + 1) / 2.0  # ranks are 1-based: (start+1 + end) / 2
    ranks = np.empty(p.size)
    ranks[order] = mean_rank[group]
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def rmse(y_true: ArrayLike, y_prob: ArrayLike) -> float:
    y, p = _arrays(y_true, y_prob)
    return float(np.sqrt(np.mean((y - p) ** 2)))


def accuracy(y_true: ArrayLike, y_prob: ArrayLike, threshold: float = 0.5) -> float:
    """Share of rows where ``p >= threshold`` agrees with the response."""
    y, p = _arrays(y_true, y_prob)
    return float(np.mean((p >= threshold) == (y == 1)))


def log_loss(y_true: ArrayLike, y_prob: ArrayLike) -> float:
    """Mean negative log-likelihood, probabilities clipped to [eps, 1 - eps] as scikit-learn does."""
    y, p = _arrays(y_true, y_prob)
    p = np.clip(p, _LOG_LOSS_EPS, 1 - _LOG_LOSS_EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def summary(y_true: ArrayLike, y_prob: ArrayLike) -> dict[str, float]:
    """All four metrics by name."""
    return {
        "auc": auc(y_true, y_prob),
        "rmse": rmse(y_true, y_prob),
        "accuracy": accuracy(y_true, y_prob),
        "log_loss": log_loss(y_true, y_prob),
    }
