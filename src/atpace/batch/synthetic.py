"""A synthetic attempts log drawn from known BKT parameters, written in the attempts export's layout.

Vectorised over (student, skill) pairs: millions of attempts take seconds. Each student practises
``skills_per_student`` distinct skills, each for 5 to 35 answers a minute apart; each skill has its own
prior, learning rate, guess and slip (no forgetting). Used by the tests and benchmarks/batch_refit.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray


def skill_parameters(n_skills: int, seed: int = 0) -> NDArray[np.float64]:
    """(n_skills, 4): prior, learn, guess, slip of each skill."""
    rng = np.random.default_rng([seed, 1])
    return np.column_stack(
        (
            rng.uniform(0.05, 0.5, n_skills),
            rng.uniform(0.05, 0.3, n_skills),
            rng.uniform(0.05, 0.3, n_skills),
            rng.uniform(0.03, 0.2, n_skills),
        )
    )


def write_attempts(
    path: Path,
    attempts: int,
    *,
    n_skills: int = 100,
    n_courses: int = 4,
    skills_per_student: int = 10,
    seed: int = 0,
    row_group_rows: int = 250_000,
) -> int:
    """Write exactly ``attempts`` answers to ``path`` as Parquet; returns the number of students."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    if attempts < 1 or not 1 <= skills_per_student <= n_skills:
        raise ValueError("need attempts >= 1 and 1 <= skills_per_student <= n_skills")
    rng = np.random.default_rng([seed, 2])
    params = skill_parameters(n_skills, seed)
    # (student, skill) pairs and their lengths, cut to the wanted total
    n_pairs = attempts // 5 + 1  # enough pairs even if all were of the shortest length
    lengths = rng.integers(5, 36, n_pairs)
    ends = np.cumsum(lengths)
    n_pairs = int(np.searchsorted(ends, attempts)) + 1
    lengths = lengths[:n_pairs]
    lengths[-1] -= int(ends[n_pairs - 1]) - attempts
    n_students = -(-n_pairs // skills_per_student)
    student = np.arange(n_pairs) // skills_per_student
    offset = rng.integers(0, n_skills, n_students)
    skill = (offset[student] + np.arange(n_pairs) % skills_per_student) % n_skills
    start = rng.integers(0, 365 * 86_400, n_pairs) * 1_000_000  # microseconds into the year
    # simulate all pairs step by step
    prior, learn, guess, slip = (params[skill, i] for i in range(4))
    learned = rng.random(n_pairs) < prior
    max_len = int(lengths.max())
    answers = np.zeros((max_len, n_pairs), dtype=bool)
    for t in range(max_len):
        draw = rng.random(n_pairs)
        answers[t] = np.where(learned, draw >= slip, draw < guess)
        learned |= rng.random(n_pairs) < learn
    step_mask = np.arange(max_len)[:, None] < lengths[None, :]
    t_index, pair = np.nonzero(step_mask)  # (step, pair) of every answer
    correct = answers[t_index, pair]
    time = start[pair] + t_index.astype(np.int64) * 60_000_000
    order = np.lexsort((pair, time))  # attempt ids in time order, as the platform assigns them
    pair, correct, time = pair[order], correct[order], time[order]
    skill_of_row = skill[pair]
    course_names = np.array([f"course-{c}" for c in range(n_courses)], dtype=object)
    skill_names = np.array([f"skill-{s:03d}" for s in range(n_skills)], dtype=object)
    table = pa.table(
        {
            "attempt_id": pa.array(np.arange(1, attempts + 1, dtype=np.int64)),
            "student_id": pa.array(student[pair].astype(np.int64) + 1),
            "course_key": pa.DictionaryArray.from_arrays(
                pa.array((skill_of_row % n_courses).astype(np.int32)), pa.array(course_names.tolist())
            ).cast(pa.string()),
            "skill_key": pa.DictionaryArray.from_arrays(
                pa.array(skill_of_row.astype(np.int32)), pa.array(skill_names.tolist())
            ).cast(pa.string()),
            "correct": pa.array(correct),
            "answered_at": pa.array(time, type=pa.timestamp("us", tz="UTC")),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=row_group_rows, compression="zstd")
    return n_students
