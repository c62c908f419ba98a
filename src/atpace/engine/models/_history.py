"""Counts of each student's earlier successes and failures, the features of PFA and Best-LR.

A loop over rows that must stay a loop (each row depends on the ones before it), so it is compiled
with Numba. Rows of one attempt all see the counters as they stood before that attempt.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from atpace.engine.models.interaction_log import InteractionLog

# Columns of the array that history_counts returns.
SKILL_WINS, SKILL_FAILS, ITEM_WINS, ITEM_FAILS, TOTAL_WINS, TOTAL_FAILS = range(6)


@njit(cache=True)
def _history_counts(
    student: NDArray[np.int64],
    attempt: NDArray[np.int64],
    skill: NDArray[np.int64],
    item: NDArray[np.int64],
    correct: NDArray[np.int8],
    n_skills: int,
    n_items: int,
) -> NDArray[np.float64]:
    n = student.shape[0]
    out = np.zeros((n, 6))
    skill_w = np.zeros(max(n_skills, 1))
    skill_f = np.zeros(max(n_skills, 1))
    item_w = np.zeros(max(n_items, 1))
    item_f = np.zeros(max(n_items, 1))
    total_w = 0.0
    total_f = 0.0
    block = 0  # first row of the current student
    a = 0
    while a < n:
        if a > 0 and student[a] != student[a - 1]:
            for i in range(block, a):  # reset only what the previous student touched
                if skill[i] >= 0:
                    skill_w[skill[i]] = 0.0
                    skill_f[skill[i]] = 0.0
                if item[i] >= 0:
                    item_w[item[i]] = 0.0
                    item_f[item[i]] = 0.0
            total_w = 0.0
            total_f = 0.0
            block = a
        b = a + 1
        while b < n and attempt[b] == attempt[a]:
            b += 1
        for i in range(a, b):
            if skill[i] >= 0:
                out[i, 0] = skill_w[skill[i]]
                out[i, 1] = skill_f[skill[i]]
            if item[i] >= 0:
                out[i, 2] = item_w[item[i]]
                out[i, 3] = item_f[item[i]]
            out[i, 4] = total_w
            out[i, 5] = total_f
        for i in range(a, b):
            if skill[i] >= 0:
                if correct[i] == 1:
                    skill_w[skill[i]] += 1.0
                else:
                    skill_f[skill[i]] += 1.0
        # the item and the total count once per attempt, whatever its number of skill rows
        if item[a] >= 0:
            if correct[a] == 1:
                item_w[item[a]] += 1.0
            else:
                item_f[item[a]] += 1.0
        if correct[a] == 1:
            total_w += 1.0
        else:
            total_f += 1.0
        a = b
    return out


def history_counts(log: InteractionLog) -> NDArray[np.float64]:
    """(rows, 6) counts of the student's earlier wins and fails on the row's skill, its item and in total."""
    result: NDArray[np.float64] = _history_counts(
        log.student, log.attempt, log.skill, log.item, log.correct, len(log.skill_ids), len(log.item_ids)
    )
    return result
