"""xAPI 1.0.3 statements for the school's Learning Record Store, through a durable outbox (docs/xapi.md).

- :mod:`.vocabulary`: the verbs, activity types and extensions used;
- :mod:`.statements`: builders, checked with ralph's pydantic models;
- :mod:`.outbox`: the events' hooks (written in the caller's transaction), pseudonymous accounts, erasure;
- :mod:`.sender`: :func:`send_pending`, batches with retries and backoff;
- :mod:`.lrs`: a school's LRS settings and the outbox's state, for its administrators.
"""

from __future__ import annotations

from atpace.services.xapi.outbox import (
    drop_for_student,
    evidence_recorded,
    goal_met,
    goal_set,
    work_graded,
    work_submitted,
)
from atpace.services.xapi.sender import send_pending

__all__ = [
    "drop_for_student",
    "evidence_recorded",
    "goal_met",
    "goal_set",
    "send_pending",
    "work_graded",
    "work_submitted",
]
