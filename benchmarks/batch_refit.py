"""Batch refit over a large Parquet attempts log: one process against a Dask LocalCluster.

usage: python benchmarks/batch_refit.py [--attempts N] [--runs R] [--workers W] [--dir FOLDER]

Writes a synthetic log of N answers (default 5,000,000; ``atpace.batch.synthetic``: known BKT parameters
per skill, the attempts export's Parquet layout, row groups of 250,000 rows), then times
``atpace.batch.refit_parquet`` (BKT per skill + the per-skill report) R times in this process and R times
on a LocalCluster of W one-thread worker processes, alternating the two, after one untimed warm-up of
each (Numba's compiled code loaded in every process). The cluster's start is timed apart. Prints
wall-clock seconds (median, min), CPU seconds (this process, plus the workers on the cluster), the load
average before and after (the machine may be shared), checks that both paths give identical JSON output,
and how close the fitted guess and slip are to the generating ones.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from atpace.batch import RefitResult, connect, refit_parquet
from atpace.batch.synthetic import skill_parameters, write_attempts

N_SKILLS = 100


def _cpu() -> float:
    return time.process_time()


def timed(run: Callable[[], RefitResult], cpu: Callable[[], float]) -> tuple[float, float, RefitResult]:
    wall, before = time.perf_counter(), cpu()
    result = run()
    return time.perf_counter() - wall, cpu() - before, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--dir", type=Path, default=None, help="Where to write the log (default: a temp dir)."
    )
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="atpace-batch-"))
    path = folder / "attempts.parquet"
    warm = folder / "warm.parquet"
    print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    students = write_attempts(path, args.attempts, n_skills=N_SKILLS, n_courses=4, skills_per_student=10)
    write_attempts(warm, 20_000, n_skills=10, n_courses=1, skills_per_student=3)
    print(
        f"log: {args.attempts:,} attempts, {students:,} students, {N_SKILLS} skills; written in "
        f"{time.perf_counter() - started:.1f} s, {path.stat().st_size / 1e6:.0f} MB"
    )

    def here() -> RefitResult:
        return refit_parquet(path)

    refit_parquet(warm)
    started = time.perf_counter()
    one_walls: list[float] = []
    one_cpus: list[float] = []
    many_walls: list[float] = []
    many_cpus: list[float] = []
    with connect(f"local:{args.workers}") as client:
        assert client is not None
        start_s = time.perf_counter() - started

        def there() -> RefitResult:
            return refit_parquet(path, client=client)

        def cluster_cpu() -> float:
            return _cpu() + float(sum(client.run(time.process_time).values()))

        refit_parquet(warm, client=client)
        # alternate the two, so that both meet the same neighbours on a shared machine
        for _ in range(args.runs):
            wall, cpu, one = timed(here, _cpu)
            one_walls.append(wall)
            one_cpus.append(cpu)
            wall, cpu, many = timed(there, cluster_cpu)
            many_walls.append(wall)
            many_cpus.append(cpu)
            print(f"one process {one_walls[-1]:.1f} s, cluster {many_walls[-1]:.1f} s", flush=True)
    identical = one.to_json() == many.to_json()
    truth = skill_parameters(N_SKILLS)
    errors = np.array(
        [
            [
                abs(s.params[name] - truth[int(s.skill_key[6:]), column])
                for name, column in (("guess", 2), ("slip", 3))
            ]
            for s in one.skills
            if s.params is not None
        ]
    )
    print()
    print(f"| run ({args.runs} timed runs each) | wall median s | wall min s | CPU median s |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| one process | {statistics.median(one_walls):.1f} | {min(one_walls):.1f} | "
        f"{statistics.median(one_cpus):.1f} |"
    )
    print(
        f"| LocalCluster, {args.workers} workers × 1 thread | {statistics.median(many_walls):.1f} | "
        f"{min(many_walls):.1f} | {statistics.median(many_cpus):.1f} |"
    )
    print()
    print(f"cluster start: {start_s:.1f} s; results identical: {identical}")
    print(
        f"skills fitted: {len(errors)}; |guess - true| mean {errors[:, 0].mean():.3f}, "
        f"|slip - true| mean {errors[:, 1].mean():.3f}; "
        f"students at mastery (all skills): {sum(s.mastered_students or 0 for s in one.skills):,}"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if not identical:
        raise SystemExit("the two paths disagree")


if __name__ == "__main__":
    main()
