"""Refit BKT per skill and report per skill over attempts exported to Parquet, in process or on Dask.

Input: one Parquet file or a folder of them (searched recursively for ``*.parquet``), in the layout of
the attempts export (``atpace export``, docs/exports.md). Only the columns of :data:`ATTEMPT_COLUMNS` are
read; the others are ignored, and rows with a missing value in one of them are left out.

The work is two stages of independent tasks, the same in both executors:

1. *split*: each task reads a run of row groups (about ``rows_per_task`` rows) and splits its rows into
   ``buckets`` by skill, each skill's bucket fixed by a CRC-32 of its name (the same in every process);
2. *fit*: each task gathers one bucket's pieces from every split task and, for each of its skills,
   fits BKT on that skill's rows alone and computes the skill's report line.

BKT's parameters are per skill, so each skill is fitted on its own log (one skill, its students' rows in
time order, ties broken by attempt id) with a fixed seed: the result depends on neither the number of
buckets, nor the order the pieces arrive in, nor the number of threads, so one process and a cluster give
identical parameters, bit for bit. (The course-wide ``fit_course`` fits all skills of a course in one
model, whose random restarts are drawn for all skills together: its values can differ slightly.)
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from atpace.engine.bkt_online import BKTParams, SkillParameters
from atpace.engine.models.bkt import BKT, PARAMS
from atpace.engine.models.interaction_log import InteractionLog

if TYPE_CHECKING:
    from distributed import Client

# The columns read from the attempts export (services/exports/columns.py ATTEMPT_COLUMNS): int64 ids,
# string keys, a boolean ``correct`` and a timestamp ``answered_at`` (any unit; UTC).
ATTEMPT_COLUMNS = ("attempt_id", "student_id", "course_key", "skill_key", "correct", "answered_at")
FORMAT = "atpace.batch-refit"
FORMAT_VERSION = 1
_SEP = "\x1f"  # between course key and skill key inside a task (keys never hold control characters)


@dataclass(frozen=True)
class RefitOptions:
    """What is fitted and reported (the result depends on these and on the data only)."""

    forgetting: bool = False
    n_restarts: int = 5
    max_iter: int = 200
    seed: int = 0
    min_attempts: int = 50  # a skill with fewer answers keeps its current parameters (report only)
    mastery_threshold: float = 0.95  # P(learned) at which a student counts as having mastered a skill

    def check(self) -> None:
        problems = []
        if self.n_restarts < 1 or self.max_iter < 1:
            problems.append("n_restarts and max_iter must be at least 1")
        if self.min_attempts < 1:
            problems.append("min_attempts must be at least 1")
        if not 0.0 < self.mastery_threshold < 1.0:
            problems.append("mastery_threshold must lie strictly between 0 and 1")
        if problems:
            raise ValueError("; ".join(problems))


@dataclass(frozen=True)
class SkillResult:
    """One skill's report line and, when it had enough answers, its fitted parameters."""

    course_key: str
    skill_key: str
    attempts: int
    correct: int
    students: int
    accuracy: float
    params: dict[str, float] | None = None  # prior, learn, forget, guess, slip
    mastered_students: int | None = None  # students whose P(learned) ends at or above the threshold
    mean_p_learned: float | None = None  # mean over students of P(learned) after their last answer
    iterations: int | None = None
    log_likelihood: float | None = None


@dataclass(frozen=True)
class RefitResult:
    options: RefitOptions
    skills: tuple[SkillResult, ...]  # sorted by (course key, skill key)

    @property
    def attempts(self) -> int:
        return sum(s.attempts for s in self.skills)

    def parameters(self) -> dict[str, SkillParameters]:
        """Per course key, the parameters the practice loop loads; the default is the median of the
        course's fitted skills (as BKT's own default), or the built-in default if none was fitted."""
        courses: dict[str, dict[str, BKTParams]] = {}
        for s in self.skills:
            fitted = courses.setdefault(s.course_key, {})
            if s.params is not None:
                fitted[s.skill_key] = BKTParams(**s.params)
        result = {}
        for course, by_skill in courses.items():
            default = BKTParams()
            if by_skill:
                median = np.median([[getattr(p, name) for name in PARAMS] for p in by_skill.values()], axis=0)
                default = BKTParams(**dict(zip(PARAMS, map(float, median), strict=True)))
            source = (
                f"batch refit (BKT, EM, {self.options.n_restarts} restarts, "
                f"forgetting={self.options.forgetting}) on exported attempts"
            )
            result[course] = SkillParameters(default=default, by_skill=by_skill, source=source)
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "options": asdict(self.options),
            "attempts": self.attempts,
            "courses": {key: json.loads(p.to_json()) for key, p in sorted(self.parameters().items())},
            "report": [asdict(s) for s in self.skills],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)


# -- stage 1: read and split ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fragment:
    """A run of row groups of one Parquet file: the input of one split task."""

    path: str
    row_groups: tuple[int, ...]
    rows: int


@dataclass(frozen=True)
class Rows:
    """Rows of some skills, columnar; ``skill`` indexes ``skills``."""

    skills: tuple[str, ...]
    skill: NDArray[np.int64]
    student: NDArray[np.int64]
    attempt: NDArray[np.int64]
    time: NDArray[np.int64]
    correct: NDArray[np.int8]


def parquet_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.rglob("*.parquet"))
        if not files:
            raise FileNotFoundError(f"no .parquet files under {path}")
        return files
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file or folder")
    return [path]


def plan(files: Sequence[Path], rows_per_task: int) -> list[Fragment]:
    """Runs of consecutive row groups of about ``rows_per_task`` rows (a row group is never split)."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    if rows_per_task < 1:
        raise ValueError("rows_per_task must be at least 1")
    fragments = []
    for file in files:
        with pq.ParquetFile(file) as parquet:
            missing = [c for c in ATTEMPT_COLUMNS if c not in parquet.schema_arrow.names]
            if missing:
                raise ValueError(f"{file}: not an attempts export, missing columns {', '.join(missing)}")
            groups: list[int] = []
            rows = 0
            for group in range(parquet.metadata.num_row_groups):
                groups.append(group)
                rows += parquet.metadata.row_group(group).num_rows
                if rows >= rows_per_task:
                    fragments.append(Fragment(str(file), tuple(groups), rows))
                    groups, rows = [], 0
            if groups:
                fragments.append(Fragment(str(file), tuple(groups), rows))
    return fragments


def bucket_of(name: str, buckets: int) -> int:
    """The bucket of a skill: stable across processes and machines (unlike ``hash``)."""
    return zlib.crc32(name.encode()) % buckets


def split_fragment(fragment: Fragment, buckets: int) -> tuple[Rows, ...]:
    """Read one fragment's columns and split its rows into ``buckets`` by skill."""
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]
    import pyarrow.parquet as pq

    with pq.ParquetFile(fragment.path) as parquet:
        table = parquet.read_row_groups(list(fragment.row_groups), columns=list(ATTEMPT_COLUMNS))
    valid = None
    for name in ATTEMPT_COLUMNS:
        column_valid = pc.is_valid(table[name])
        valid = column_valid if valid is None else pc.and_(valid, column_valid)
    if table.num_rows and not pc.all(valid).as_py():
        table = table.filter(valid)
    key = pc.binary_join_element_wise(table["course_key"], table["skill_key"], _SEP).combine_chunks()
    encoded = key.dictionary_encode()
    skills = tuple(encoded.dictionary.to_pylist())
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    bucket = np.array([bucket_of(s, buckets) for s in skills], dtype=np.int64)[codes]
    order = np.argsort(bucket, kind="stable")
    bounds = np.searchsorted(bucket[order], np.arange(buckets + 1))
    columns = {
        "student": table["student_id"].to_numpy().astype(np.int64),
        "attempt": table["attempt_id"].to_numpy().astype(np.int64),
        "time": pc.cast(table["answered_at"], pa.int64()).to_numpy().astype(np.int64),
        "correct": table["correct"].to_numpy().astype(np.int8),
    }
    pieces = []
    for b in range(buckets):
        rows = order[bounds[b] : bounds[b + 1]]
        pieces.append(
            Rows(skills, codes[rows], *(columns[c][rows] for c in ("student", "attempt", "time", "correct")))
        )
    return tuple(pieces)


# -- stage 2: fit ---------------------------------------------------------------------------------------


def fit_skill(
    name: str,
    student: NDArray[np.int64],
    correct: NDArray[np.int8],
    options: RefitOptions,
) -> SkillResult:
    """One skill's rows, already grouped by student in time order: report line and parameters."""
    course_key, _, skill_key = name.partition(_SEP)
    n = int(correct.shape[0])
    students, student_code = np.unique(student, return_inverse=True)
    n_correct = int(correct.sum())
    base = SkillResult(course_key, skill_key, n, n_correct, int(students.shape[0]), n_correct / n)
    if n < options.min_attempts:
        return base
    log = InteractionLog(
        student=student_code.astype(np.int64).ravel(),
        item=np.full(n, -1, dtype=np.int64),
        skill=np.zeros(n, dtype=np.int64),
        correct=correct.astype(np.int8),
        attempt=np.arange(n, dtype=np.int64),
        timestamp=np.zeros(n),  # BKT reads the order, not the times
        student_ids=tuple(str(s) for s in students.tolist()),
        item_ids=(),
        skill_ids=(name,),
    )
    model = BKT(
        forgetting=options.forgetting,
        n_restarts=options.n_restarts,
        max_iter=options.max_iter,
        # one thread: a skill's fit is too small to share (a parallel launch per EM iteration costs
        # more than it saves, and spinning threads hurt on a busy machine); the tasks are the parallelism
        n_threads=1,
        random_state=options.seed,
    ).fit(log)
    final = np.array([states[name] for states in model.predict_mastery(log).values()])
    return SkillResult(
        course_key,
        skill_key,
        n,
        n_correct,
        int(students.shape[0]),
        n_correct / n,
        params=dict(zip(PARAMS, map(float, model.params_[0]), strict=True)),
        mastered_students=int((final >= options.mastery_threshold).sum()),
        mean_p_learned=math.fsum(final.tolist()) / final.shape[0],
        iterations=int(model.n_iter_),
        log_likelihood=float(model.log_likelihood_),
    )


def fit_bucket(pieces: Sequence[Rows], options: RefitOptions) -> list[SkillResult]:
    """Fit every skill of one bucket; the pieces may come in any order."""
    names = sorted({s for piece in pieces for s in piece.skills})
    if not names:
        return []
    index = {s: i for i, s in enumerate(names)}
    skill = np.concatenate(
        [np.array([index[s] for s in p.skills], dtype=np.int64)[p.skill] for p in pieces]
    ) if pieces else np.zeros(0, dtype=np.int64)  # fmt: skip
    student = np.concatenate([p.student for p in pieces])
    attempt = np.concatenate([p.attempt for p in pieces])
    time = np.concatenate([p.time for p in pieces])
    correct = np.concatenate([p.correct for p in pieces])
    # one total order, whatever order the pieces came in: skill, student, time, attempt id
    order = np.lexsort((attempt, time, student, skill))
    skill, student, correct = skill[order], student[order], correct[order]
    bounds = np.searchsorted(skill, np.arange(len(names) + 1))
    results = []
    for i, name in enumerate(names):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        if hi > lo:  # a skill named in a piece's vocabulary may have no rows in this bucket
            results.append(fit_skill(name, student[lo:hi], correct[lo:hi], options))
    return results


# -- running --------------------------------------------------------------------------------------------


@contextmanager
def connect(scheduler: str) -> Iterator[Client | None]:
    """``none``: no cluster (this process); ``local:N``: a LocalCluster of N one-thread worker processes,
    closed on exit; anything else: the address of a running scheduler (``tcp://host:8786``)."""
    spec = scheduler.strip()
    if spec in ("", "none"):
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:  # pragma: no cover - the batch extra is part of dev
        raise RuntimeError("Dask is not installed: install atpace with the 'batch' extra") from error
    if spec == "local" or spec.startswith("local:"):
        count = spec.partition(":")[2] or "2"
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"{scheduler!r}: expected local:N with N at least 1")
        with (
            LocalCluster(
                n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,  # type: ignore[no-untyped-call]
            Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):
            yield client
        return
    if "://" not in spec:
        raise ValueError(
            f"{scheduler!r}: expected none, local:N or a scheduler address such as tcp://host:8786"
        )
    with Client(spec, timeout="30s") as client:  # type: ignore[no-untyped-call]
        yield client


def refit_parquet(
    path: Path,
    options: RefitOptions | None = None,
    *,
    client: Client | None = None,
    buckets: int | None = None,
    rows_per_task: int = 1_000_000,
) -> RefitResult:
    """Refit and report over the attempts in ``path``; on ``client``'s cluster, or here when None.

    ``buckets`` (default: 1 here, 4 per worker on a cluster) sets the number of fit tasks; it changes
    how the work is spread, never the result. On a cluster this process and every worker must be able
    to read ``path``.
    """
    options = options or RefitOptions()
    options.check()
    if buckets is not None and buckets < 1:
        raise ValueError("buckets must be at least 1")
    fragments = plan(parquet_files(Path(path)), rows_per_task)
    if client is None:
        count = buckets or 1
        splits = [split_fragment(f, count) for f in fragments]
        parts = [fit_bucket([s[b] for s in splits], options) for b in range(count)]
    else:
        from dask.delayed import delayed

        workers = len(client.scheduler_info().get("workers", {})) or 1
        count = buckets or 4 * workers
        split_tasks = [delayed(split_fragment, nout=count, pure=True)(f, count) for f in fragments]
        fit_tasks = [
            delayed(fit_bucket, pure=True)([s[b] for s in split_tasks], options) for b in range(count)
        ]
        parts = client.compute(fit_tasks, sync=True)  # type: ignore[no-untyped-call]
    skills = sorted((r for part in parts for r in part), key=lambda r: (r.course_key, r.skill_key))
    return RefitResult(options, tuple(skills))
