"""The interaction log every model reads: one row per (attempt, skill), grouped by student in time order.

A response to an item tagged with several skills becomes several rows that share one ``attempt`` id
(the layout of the ASSISTments 2009 files and of pyBKT's duplicated rows). Models predict each row
from the rows of *earlier attempts* of the same student, so a row never sees its own twin. Giving every
row its own attempt (:meth:`InteractionLog.one_attempt_per_row`) reproduces the literature's protocol,
where the second row of a duplicated pair is predicted after seeing the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One response for the online ``update(state, attempt)`` of a model (UTC timestamps only)."""

    skills: tuple[str, ...]
    correct: bool
    item: str | None = None
    timestamp: datetime | None = None


def _factorize(values: ArrayLike) -> tuple[IntArray, tuple[str, ...]]:
    """Codes into a sorted vocabulary of the values' string forms; None and '' become -1."""
    array = np.asarray(values)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64), ()
    if array.dtype.kind in "iub":
        vocab_num, codes = np.unique(array, return_inverse=True)
        return codes.astype(np.int64).ravel(), tuple(str(v) for v in vocab_num.tolist())
    objects = array.astype(object)
    missing = (objects == None) | (objects == "")  # noqa: E711 (element-wise on objects)
    text = np.where(missing, "", objects).astype(str)
    vocab, codes = np.unique(text, return_inverse=True)
    codes = codes.astype(np.int64).ravel()
    if missing.any():
        # '' sorts first in the vocabulary: drop it and shift every code down
        vocab = vocab[1:]
        codes = np.where(missing, -1, codes - 1)
    return codes, tuple(vocab.tolist())


@dataclass(frozen=True, eq=False)
class InteractionLog:
    """Columnar response log. Integer columns index the id tuples; -1 means "none".

    Invariants (checked on construction): equal lengths, each student's rows contiguous, each
    attempt's rows contiguous inside one student, ``correct`` in {0, 1}.
    """

    student: IntArray
    item: IntArray
    skill: IntArray
    correct: NDArray[np.int8]
    attempt: IntArray
    timestamp: FloatArray
    student_ids: tuple[str, ...]
    item_ids: tuple[str, ...]
    skill_ids: tuple[str, ...]

    def __post_init__(self) -> None:
        n = self.student.shape[0]
        problems = [
            f"{name} has {getattr(self, name).shape[0]} rows, expected {n}"
            for name in ("item", "skill", "correct", "attempt", "timestamp")
            if getattr(self, name).shape[0] != n
        ]
        if problems:
            raise ValueError("inconsistent interaction log: " + "; ".join(problems))
        if n == 0:
            return
        if not np.isin(self.correct, (0, 1)).all():
            problems.append("correct must hold only 0 and 1")
        for name, ids in (("student", self.student_ids), ("item", self.item_ids), ("skill", self.skill_ids)):
            codes = getattr(self, name)
            if codes.min() < (0 if name == "student" else -1) or codes.max() >= len(ids):
                problems.append(f"{name} codes fall outside its {len(ids)} ids")
        starts = self.student_starts()
        if np.unique(self.student[starts]).shape[0] != starts.shape[0]:
            problems.append("each student's rows must be contiguous")
        new_attempt = np.flatnonzero(np.diff(self.attempt) != 0) + 1
        if np.unique(self.attempt).shape[0] != new_attempt.shape[0] + 1:
            problems.append("each attempt's rows must be contiguous")
        if not np.isin(starts[1:], new_attempt).all():
            problems.append("an attempt must not span two students")
        if problems:
            raise ValueError("inconsistent interaction log: " + "; ".join(problems))

    # -- construction -------------------------------------------------------------------------------
    @classmethod
    def from_columns(
        cls,
        student: ArrayLike,
        skill: ArrayLike,
        correct: ArrayLike,
        *,
        item: ArrayLike | None = None,
        attempt: ArrayLike | None = None,
        timestamp: ArrayLike | None = None,
        sort: bool = True,
    ) -> InteractionLog:
        """Build a log from per-row columns of ids (any hashable printable values).

        With ``sort`` the rows are grouped by student in order of first appearance and, where
        timestamps are given, ordered by time inside each student (stable, so ties keep file order).
        ``attempt`` groups rows of one multi-skill response; by default each row is its own attempt.
        """
        student_codes, student_ids = _factorize(student)
        n = student_codes.shape[0]
        skill_codes, skill_ids = _factorize(skill)
        item_codes, item_ids = _factorize(item) if item is not None else (np.full(n, -1, np.int64), ())
        correct_arr = np.asarray(correct)
        if correct_arr.dtype == bool:
            correct_arr = correct_arr.astype(np.int8)
        times = np.full(n, np.nan) if timestamp is None else np.asarray(timestamp, dtype=np.float64)
        attempt_codes = np.arange(n, dtype=np.int64) if attempt is None else _factorize(attempt)[0]
        if (student_codes < 0).any():
            raise ValueError("every row needs a student id")
        if sort and n:
            first_seen = np.full(len(student_ids), n, dtype=np.int64)
            np.minimum.at(first_seen, student_codes, np.arange(n))
            time_key = np.where(np.isnan(times), -np.inf, times)
            order = np.lexsort((np.arange(n), time_key, first_seen[student_codes]))
            student_codes, skill_codes, item_codes = (
                student_codes[order],
                skill_codes[order],
                item_codes[order],
            )
            correct_arr, times, attempt_codes = correct_arr[order], times[order], attempt_codes[order]
        return cls(
            student=student_codes,
            item=item_codes,
            skill=skill_codes,
            correct=correct_arr.astype(np.int8),
            attempt=_renumber_runs(attempt_codes, student_codes),
            timestamp=times,
            student_ids=student_ids,
            item_ids=item_ids,
            skill_ids=skill_ids,
        )

    # -- views ----------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.student.shape[0])

    @property
    def has_items(self) -> bool:
        return bool(len(self.item_ids)) and bool((self.item >= 0).any())

    def student_starts(self) -> IntArray:
        """Index of the first row of each student block."""
        if len(self) == 0:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(([0], np.flatnonzero(np.diff(self.student) != 0) + 1)).astype(np.int64)

    def shares_attempt_with_previous(self) -> NDArray[np.bool_]:
        """True on rows that repeat the previous row's attempt (the 'twin' rows of multi-skill items)."""
        out = np.zeros(len(self), dtype=bool)
        out[1:] = self.attempt[1:] == self.attempt[:-1]
        return out

    def one_attempt_per_row(self) -> InteractionLog:
        """The literature's protocol: every row is predicted after all earlier rows, twins included."""
        return _replace(self, attempt=np.arange(len(self), dtype=np.int64))

    def take(self, rows: ArrayLike) -> InteractionLog:
        """A sub-log of whole students or whole attempts, in the given row order."""
        index = np.asarray(rows, dtype=np.int64)
        return _replace(
            self,
            student=self.student[index],
            item=self.item[index],
            skill=self.skill[index],
            correct=self.correct[index],
            attempt=_renumber_runs(self.attempt[index], self.student[index]),
            timestamp=self.timestamp[index],
        )

    def head_students(self, count: int) -> InteractionLog:
        """The first ``count`` students (a quick slice for smoke runs)."""
        starts = self.student_starts()
        end = len(self) if count >= starts.shape[0] else int(starts[count])
        return self.take(np.arange(end))

    def codes(self, kind: str, vocabulary: Sequence[str]) -> IntArray:
        """This log's ``kind`` column ('student', 'item' or 'skill') as indices into ``vocabulary``.

        Ids that the vocabulary lacks (an item first seen at test time) become -1.
        """
        ids: tuple[str, ...] = getattr(self, f"{kind}_ids")
        column: IntArray = getattr(self, kind)
        position = {key: i for i, key in enumerate(vocabulary)}
        lookup = np.array([position.get(key, -1) for key in ids] + [-1], dtype=np.int64)
        return lookup[column]  # -1 codes index the trailing -1

    def correct_float(self) -> FloatArray:
        return self.correct.astype(np.float64)


def _renumber_runs(attempt: IntArray, student: IntArray) -> IntArray:
    """Attempt ids 0..k-1 by runs of equal (student, attempt) in row order."""
    n = attempt.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.ones(n, dtype=bool)
    change[1:] = (attempt[1:] != attempt[:-1]) | (student[1:] != student[:-1])
    return (np.cumsum(change) - 1).astype(np.int64)


def _replace(log: InteractionLog, **columns: NDArray[np.generic]) -> InteractionLog:
    fields = {
        name: getattr(log, name)
        for name in (
            "student",
            "item",
            "skill",
            "correct",
            "attempt",
            "timestamp",
            "student_ids",
            "item_ids",
            "skill_ids",
        )
    }
    fields.update(columns)
    return InteractionLog(**fields)


def concat(logs: Sequence[InteractionLog]) -> InteractionLog:
    """Rows of several logs with their vocabularies merged; a student in two logs gets two blocks merged
    only when the blocks are adjacent, so callers concatenate logs of disjoint students."""
    if not logs:
        raise ValueError("concat needs at least one log")
    merged: dict[str, tuple[str, ...]] = {}
    columns: dict[str, list[IntArray]] = {"student": [], "item": [], "skill": []}
    for kind in ("student", "item", "skill"):
        merged[kind] = tuple(sorted(set().union(*(getattr(log, f"{kind}_ids") for log in logs))))
        for log in logs:
            columns[kind].append(log.codes(kind, merged[kind]))
    offsets = np.cumsum([0] + [int(log.attempt.max()) + 1 if len(log) else 0 for log in logs[:-1]])
    student = np.concatenate(columns["student"])
    return InteractionLog(
        student=student,
        item=np.concatenate(columns["item"]),
        skill=np.concatenate(columns["skill"]),
        correct=np.concatenate([log.correct for log in logs]),
        attempt=_renumber_runs(
            np.concatenate([log.attempt + off for log, off in zip(logs, offsets, strict=True)]), student
        ),
        timestamp=np.concatenate([log.timestamp for log in logs]),
        student_ids=merged["student"],
        item_ids=merged["item"],
        skill_ids=merged["skill"],
    )
