"""The evaluation protocol of the DKT / DKVMN / AKT papers, with the duplicated-row correction.

For split k: fit on train k, plus valid k unless the model tunes something on valid (then valid is
only used for tuning); predict every response of test k from the same student's earlier responses in
the test sequence (whole sequences: no 200-response windows), and score all test rows at once.

Two figures per split:

* ``standard``: every row is its own attempt, so the second row of a multi-skill problem is predicted
  after seeing its twin's answer. This is the figure published on these files.
* ``attempt``: rows of one attempt (same problem, consecutive, same answer) are all predicted from the
  state before the attempt: no row sees its twin. Reported only when the test log has such rows.

Fit and predict seconds are wall-clock; ``peak_rss_mb`` is the process's peak resident memory during
fit and predict (Linux: the high-water mark is reset before the fit; elsewhere it is the lifetime peak).
"""

from __future__ import annotations

import contextlib
import gc
import resource
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from atpace.engine import metrics
from atpace.engine.models.base import KnowledgeTracer
from atpace.engine.models.interaction_log import InteractionLog, concat

PROTOCOL = (
    "fit on train k (+ valid k unless the model tunes on valid); predict each test row from the same "
    "student's earlier test rows (whole sequences, no windows); 'standard': each row its own attempt "
    "(duplicated multi-skill rows see their twin, as published); 'attempt': twins predicted together"
)


@dataclass(frozen=True)
class FoldResult:
    model: str
    dataset: str
    fold: int
    n_train: int
    n_test: int
    standard: dict[str, float]
    attempt: dict[str, float] | None
    fit_seconds: float
    predict_seconds: float
    peak_rss_mb: float
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _reset_peak_memory() -> None:
    # not Linux (or not allowed): the peak read afterwards is then the lifetime peak
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_memory_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


def _fit(
    make_model: Callable[[], KnowledgeTracer[Any]],
    train: InteractionLog,
    valid: InteractionLog | None,
) -> tuple[KnowledgeTracer[Any], float]:
    model = make_model()
    start = time.perf_counter()
    model.fit(train, valid=valid)
    return model, time.perf_counter() - start


def evaluate_split(
    make_model: Callable[[], KnowledgeTracer[Any]],
    train: InteractionLog,
    valid: InteractionLog | None,
    test: InteractionLog,
    *,
    dataset: str = "",
    fold: int = 0,
) -> FoldResult:
    """Fit a fresh model and score it on ``test`` under both figures of the protocol.

    Each figure trains on the same view of the data that it predicts (a model that reads attempt
    groups is fitted again on the grouped view for the 'attempt' figure); fit and predict seconds
    are those of the standard figure.
    """
    gc.collect()
    _reset_peak_memory()
    probe = make_model()
    if valid is not None and not probe.uses_validation:
        train, valid = concat([train, valid]), None
    rows_valid = valid.one_attempt_per_row() if valid is not None else None
    model, fit_seconds = _fit(make_model, train.one_attempt_per_row(), rows_valid)
    start = time.perf_counter()
    standard = model.predict_proba(test.one_attempt_per_row())
    predict_seconds = time.perf_counter() - start
    attempt = None
    if test.shares_attempt_with_previous().any():
        if probe.attempt_aware_fit:
            model, _ = _fit(make_model, train, valid)
        attempt = model.predict_proba(test)
    peak = _peak_memory_mb()
    y = test.correct
    return FoldResult(
        model=model.name,
        dataset=dataset,
        fold=fold,
        n_train=len(train),
        n_test=len(test),
        standard=metrics.summary(y, standard),
        attempt=metrics.summary(y, attempt) if attempt is not None else None,
        fit_seconds=fit_seconds,
        predict_seconds=predict_seconds,
        peak_rss_mb=peak,
        params={
            k: v for k, v in model.get_params().items() if isinstance(v, int | float | str | bool | None)
        },
    )


Split = tuple[int, InteractionLog, InteractionLog | None, InteractionLog]


def evaluate(
    make_model: Callable[[], KnowledgeTracer[Any]],
    splits: Iterable[Split],
    *,
    dataset: str = "",
    on_result: Callable[[FoldResult], None] | None = None,
) -> list[FoldResult]:
    """Run the protocol on ``(fold, train, valid, test)`` splits (``atpace.datasets.akt.iter_splits``
    reads them from disk), a fresh model per split."""
    results = []
    for k, train, valid, test in splits:
        result = evaluate_split(make_model, train, valid, test, dataset=dataset, fold=k)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def mean_std(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value), as the papers report over folds."""
    array = np.asarray(values, dtype=np.float64)
    return float(array.mean()), float(array.std(ddof=1)) if array.size > 1 else 0.0


def summarise(results: Sequence[FoldResult]) -> dict[str, Any]:
    """Mean and standard deviation over folds of every metric and cost."""
    out: dict[str, Any] = {"folds": [r.fold for r in results]}
    for figure in ("standard", "attempt"):
        scored = [getattr(r, figure) for r in results if getattr(r, figure) is not None]
        if scored:
            out[figure] = {key: mean_std([s[key] for s in scored]) for key in scored[0]}
    for key in ("fit_seconds", "predict_seconds", "peak_rss_mb"):
        out[key] = mean_std([getattr(r, key) for r in results])
    return out


def parse_folds(text: str) -> list[int]:
    """'1-5', '1,3' or '2' -> fold numbers."""
    folds: list[int] = []
    try:
        for part in text.split(","):
            if "-" in part:
                low, high = (int(v) for v in part.split("-", 1))
                folds.extend(range(low, high + 1))
            elif part.strip():
                folds.append(int(part))
    except ValueError:
        raise ValueError(f"folds {text!r}: expected numbers and ranges such as '1-5' or '1,3'") from None
    if not folds or min(folds) < 1:
        raise ValueError(f"folds {text!r}: expected numbers from 1")
    return folds
