"""Loaders of knowledge-tracing logs into :class:`atpace.engine.models.interaction_log.InteractionLog`.

* :func:`read_akt`: the AKT / DKVMN / DKT line format of the shared ASSISTments files (and their splits)
* :func:`read_pybkt_csv`: pyBKT's columns (user_id, skill_name, correct, order_id)
* :func:`read_log`: a generic CSV or Parquet log (student, item, skill(s), correct, timestamp)
* :func:`log_from_rows`: the platform's own attempts as plain rows

A malformed file raises :class:`DatasetFormatError` naming the line and what was expected.
"""

from __future__ import annotations

from pathlib import Path

from atpace.datasets.akt import Fold, iter_splits, load_fold, read_akt, resolve_dataset
from atpace.datasets.errors import DatasetFormatError
from atpace.datasets.platform import log_from_rows
from atpace.datasets.tabular import read_log, read_pybkt_csv
from atpace.engine.models.interaction_log import InteractionLog

__all__ = [
    "DatasetFormatError",
    "Fold",
    "iter_splits",
    "load_fold",
    "log_from_rows",
    "read_akt",
    "read_any",
    "read_log",
    "read_pybkt_csv",
    "resolve_dataset",
]


def read_any(path: str | Path) -> InteractionLog:
    """Pick the loader from the file: Parquet, a CSV with pyBKT or generic headers, else AKT lines."""
    path = Path(path)
    if path.suffix.lower() in {".parquet", ".pq"}:
        return read_log(path)
    with path.open(encoding="utf-8") as handle:
        header = handle.readline()
    names = {name.strip() for name in header.replace("\t", ",").split(",")}
    if "student" in names:
        return read_log(path)
    if names & {"user_id", "Anon Student Id"}:
        return read_pybkt_csv(path)
    return read_akt(path)
