"""Batch work over large attempt logs exported to Parquet: refit BKT per skill and report per skill.

The work is a map over Parquet row groups (read and split the rows by skill into buckets) followed by
one fit per bucket; it runs in this process (no Dask needed) or on a ``dask.distributed`` cluster
(the ``batch`` extra), with identical results. See docs/scaling.md ("Batch work").
"""

from atpace.batch.refit import (
    ATTEMPT_COLUMNS,
    RefitOptions,
    RefitResult,
    SkillResult,
    connect,
    refit_parquet,
)

__all__ = ["ATTEMPT_COLUMNS", "RefitOptions", "RefitResult", "SkillResult", "connect", "refit_parquet"]
