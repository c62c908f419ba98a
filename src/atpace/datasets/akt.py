"""The line format of the DKT / DKVMN / AKT preprocessed datasets, and their five splits.

One block per student: a header line (``user_index,original_user_id``, or the sequence length in the
DKT files), then comma-separated lines of problem ids (only in the 4-line ``*_pid`` variant), skill ids
and responses (1 correct, 0 incorrect). Trailing commas are accepted.

Consecutive rows of a student with the same problem id and the same response are one attempt at a
multi-skill problem (the duplicated rows described in the datasets' README); they share an attempt id.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from atpace.datasets.errors import DatasetFormatError
from atpace.engine.models.interaction_log import InteractionLog, concat

Part = Literal["train", "valid", "test"]


def _numbers(path: Path, number: int, line: str) -> NDArray[np.int64]:
    text = line.strip().rstrip(",")
    if not text:
        raise DatasetFormatError(path, number, "expected comma-separated integers, found an empty line")
    try:
        return np.array(text.split(","), dtype=np.int64)
    except ValueError:
        bad = next(v for v in text.split(",") if not v.strip().lstrip("-").isdigit())
        raise DatasetFormatError(path, number, f"expected comma-separated integers, found {bad!r}") from None


def _block_size(path: Path, lines: list[str]) -> int:
    """4 when the file carries problem ids, 3 otherwise: the size for which the first blocks parse."""
    for size in (4, 3):
        blocks = [lines[i : i + size] for i in range(0, min(len(lines), 12 * size), size)]
        ok = bool(blocks) and all(len(b) == size for b in blocks)
        for block in blocks if ok else []:
            header = block[0].strip().rstrip(",").split(",")
            rows = [b.strip().rstrip(",").split(",") for b in block[1:]]
            lengths = {len(r) for r in rows}
            if len(header) > 2 or len(lengths) != 1 or not set(rows[-1]) <= {"0", "1"}:
                ok = False
                break
        if ok:
            return size
    raise DatasetFormatError(
        path,
        1,
        "expected blocks of 3 lines (header, skills, responses) or 4 (header, problems, skills, responses)",
    )


def read_akt(path: str | Path, lines_per_student: int | None = None) -> InteractionLog:
    """Read one AKT-format file (3- or 4-line blocks, detected unless ``lines_per_student`` is given)."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        lines = [line for line in handle.read().splitlines()]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise DatasetFormatError(path, None, "the file is empty")
    size = lines_per_student or _block_size(path, lines)
    if size not in (3, 4):
        raise ValueError(f"lines_per_student={size!r} must be 3 or 4")
    if len(lines) % size:
        raise DatasetFormatError(
            path, len(lines), f"the file ends inside a block: {len(lines)} lines is not a multiple of {size}"
        )
    students: list[NDArray[np.int64]] = []
    problems: list[NDArray[np.int64]] = []
    skills: list[NDArray[np.int64]] = []
    responses: list[NDArray[np.int64]] = []
    names: list[str] = []
    for start in range(0, len(lines), size):  # one iteration per student
        header = lines[start].strip().rstrip(",").split(",")
        if not 1 <= len(header) <= 2 or not header[0].strip().isdigit():
            raise DatasetFormatError(
                path,
                start + 1,
                f"expected a student header 'index[,original_id]', found {lines[start][:60]!r}",
            )
        # DKT-style headers hold only the sequence length: name students by file and position instead
        name = header[0].strip() if len(header) == 2 else f"{path.stem}:{start // size}"
        columns = [_numbers(path, start + k + 1, lines[start + k]) for k in range(1, size)]
        lengths = [c.shape[0] for c in columns]
        if len(set(lengths)) != 1:
            k = next(k for k, n in enumerate(lengths) if n != lengths[0])
            raise DatasetFormatError(
                path,
                start + k + 2,
                f"expected {lengths[0]} values as on line {start + 2}, found {lengths[k]}",
            )
        response = columns[-1]
        if not np.isin(response, (0, 1)).all():
            raise DatasetFormatError(path, start + size, "expected responses 0 or 1 only")
        names.append(name)
        students.append(np.full(lengths[0], len(names) - 1, dtype=np.int64))
        skills.append(columns[-2])
        responses.append(response)
        problems.append(columns[0] if size == 4 else np.full(lengths[0], -1, dtype=np.int64))
    return _log_from_arrays(names, students, problems, skills, responses)


def _repeats_a_skill(new_attempt: NDArray[np.bool_], skill: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Rows that would join an attempt already holding their skill.

    A multi-skill problem is written as consecutive rows with the same problem and answer, one per
    skill; the same skill again is a second answer to the problem, so it starts a new attempt.
    """
    repeats = np.zeros(new_attempt.shape[0], dtype=bool)
    held: set[int] = set()
    for row in range(new_attempt.shape[0]):
        if new_attempt[row]:
            held = set()
        elif int(skill[row]) in held:
            repeats[row] = True
            held = set()
        held.add(int(skill[row]))
    return repeats


def _log_from_arrays(
    names: list[str],
    students: list[NDArray[np.int64]],
    problems: list[NDArray[np.int64]],
    skills: list[NDArray[np.int64]],
    responses: list[NDArray[np.int64]],
) -> InteractionLog:
    student = np.concatenate(students)
    problem = np.concatenate(problems)
    skill = np.concatenate(skills)
    correct = np.concatenate(responses).astype(np.int8)
    n = student.shape[0]
    new_attempt = np.ones(n, dtype=bool)
    if (problem >= 0).any():
        new_attempt[1:] = (
            (student[1:] != student[:-1]) | (problem[1:] != problem[:-1]) | (correct[1:] != correct[:-1])
        )
        new_attempt |= _repeats_a_skill(new_attempt, skill)
    attempt = np.cumsum(new_attempt) - 1
    skill_vocab, skill_codes = np.unique(skill, return_inverse=True)
    if (problem >= 0).any():
        item_vocab, item_codes = np.unique(problem, return_inverse=True)
        item_ids = tuple(str(v) for v in item_vocab.tolist())
    else:
        item_codes, item_ids = np.full(n, -1, dtype=np.int64), ()
    return InteractionLog(
        student=student,
        item=item_codes.astype(np.int64),
        skill=skill_codes.astype(np.int64),
        correct=correct,
        attempt=attempt.astype(np.int64),
        timestamp=np.full(n, np.nan),
        student_ids=tuple(names),
        item_ids=item_ids,
        skill_ids=tuple(str(v) for v in skill_vocab.tolist()),
    )


# -- named datasets and splits -----------------------------------------------------------------------------

DATASETS_ENV = "ATPACE_DATASETS_DIR"


def datasets_dir() -> Path | None:
    """``$ATPACE_DATASETS_DIR``, else the first ``shared/datasets`` folder above the working directory
    or above this package."""
    env = os.environ.get(DATASETS_ENV)
    if env:
        return Path(env)
    for origin in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (origin, *origin.parents):
            candidate = folder / "shared" / "datasets"
            if candidate.is_dir():
                return candidate
    return None


def resolve_dataset(name_or_path: str | Path) -> Path:
    """A dataset folder from a path or a name such as ``assist2009_pid``."""
    path = Path(name_or_path)
    if path.is_dir():
        return path
    root = datasets_dir()
    if root is not None and (root / str(name_or_path)).is_dir():
        return root / str(name_or_path)
    where = f" (looked in {root})" if root else f" (no shared/datasets folder found; set {DATASETS_ENV})"
    raise FileNotFoundError(f"no dataset folder {str(name_or_path)!r}{where}")


@dataclass(frozen=True)
class Fold:
    """One of the five splits: train, valid and test share no student."""

    number: int
    train: InteractionLog
    valid: InteractionLog
    test: InteractionLog

    def train_and_valid(self) -> InteractionLog:
        return concat([self.train, self.valid])


def split_path(folder: Path, fold: int, part: Part) -> Path:
    return folder / f"{folder.name}_{part}{fold}.csv"


def load_fold(name_or_path: str | Path, fold: int, *, max_students: int | None = None) -> Fold:
    """Split ``fold`` (1-5) of an AKT-layout dataset folder; ``max_students`` keeps a head slice per part."""
    folder = resolve_dataset(name_or_path)
    parts = {}
    for part in ("train", "valid", "test"):
        log = read_akt(split_path(folder, fold, part))
        parts[part] = log.head_students(max_students) if max_students else log
    return Fold(fold, parts["train"], parts["valid"], parts["test"])


def iter_splits(
    name_or_path: str | Path, folds: Iterable[int], *, max_students: int | None = None
) -> Iterator[tuple[int, InteractionLog, InteractionLog, InteractionLog]]:
    """``(fold, train, valid, test)`` for :func:`atpace.engine.evaluation.evaluate`, read one at a time."""
    for k in folds:
        split = load_fold(name_or_path, k, max_students=max_students)
        yield k, split.train, split.valid, split.test
