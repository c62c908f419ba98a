"""Flexible groups: within-group spread of atpace's suggestion vs random groups vs the tercile sort.

    .venv/bin/python benchmarks/grouping.py [--runs 7] [--classes 10]

On the demo class (built in a temporary SQLite database) and on simulated classes of 30 students on the
fractions course (atpace's learner simulator: learners practise for a few weeks as in the demo, their
P(learned) tracked by the platform's BKT). Spread is ``atpace.engine.grouping.within_spread``: the mean over
groups (weighted by size) of the mean over focus skills of the within-group standard deviation of
P(learned). Each cell is the median over runs (seeds); the ratios are medians of per-run ratios.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from atpace.engine import grouping
from atpace.engine.bkt_online import update
from atpace.engine.policy import MasteryRule
from atpace.engine.simulate import make_students
from atpace.engine.simulate.policies import Learner, SimCourse
from atpace.services.simulation import demo_course

DAYS = 21


@dataclass(frozen=True)
class ClassState:
    name: str
    skills: list[str]  # every course skill, course order
    mastery: np.ndarray  # students x skills
    names: dict[str, str]
    prerequisites: dict[str, frozenset[str]]
    threshold: float
    focus: list[str]


def simulated_class(seed: int, size: int = 30) -> ClassState:
    """A class after about three weeks of practice: each simulated learner answers items on their
    frontier (the skill already started with the highest mastery first), a different amount each."""
    course: SimCourse = demo_course(seed)
    graph = course.graph
    rule = MasteryRule()
    students = make_students(graph, course.params, size, seed)
    rng = np.random.default_rng([seed, 7])
    rows = []
    for student in students:
        learner = Learner(student, course, np.random.default_rng([seed, 11, student.index]))
        mastery = {key: course.params[key].prior for key in graph.skills}
        started: set[str] = set()
        sessions = int(rng.integers(3, 13))
        for _ in range(sessions * int(rng.integers(6, 15))):
            frontier = graph.frontier({k for k, p in mastery.items() if rule.is_mastered(p)})
            if not frontier:
                break
            begun = [k for k in frontier if k in started]
            key = max(begun, key=lambda k: mastery[k]) if begun else frontier[0]
            items = course.items[key]
            item = items[int(rng.integers(len(items)))]
            right = learner.answer(item)
            mastery[key] = update(mastery[key], right, course.params[key])
            started.add(key)
        rows.append([mastery[key] for key in graph.skills])
    x = np.array(rows)
    mastered = [
        frozenset(k for j, k in enumerate(graph.skills) if x[i, j] >= rule.threshold) for i in range(size)
    ]
    focus = grouping.class_focus(graph, mastered)
    return ClassState(
        f"simulated class of {size} (seed {seed})", list(graph.skills), x, dict(course.names),
        dict(graph.prerequisites), rule.threshold, focus,
    )  # fmt: skip


def demo_class(seed: int) -> ClassState:
    """The demo class (24 students, three weeks of simulated practice) in a temporary SQLite database, read
    through the service the groups page uses (the focus is what the class is working on now)."""
    from sqlalchemy import select

    from atpace.services import groups
    from atpace.services.auth import Actor
    from atpace.services.courses import load_graph
    from atpace.services.demo import ensure_demo_school
    from atpace.store.db import Database
    from atpace.store.tables import Classroom, User

    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'demo.db'}")
        database.upgrade()
        with database.transaction() as session:
            ensure_demo_school(session, seed=seed)
            classroom = session.scalar(select(Classroom).order_by(Classroom.id).limit(1))
            teacher = session.scalar(select(User).where(User.email == "teacher@riverside.example"))
            assert classroom is not None and teacher is not None and classroom.course is not None
            suggestion = groups.suggest_groups(session, Actor.of(teacher), classroom.id)
            state = groups._class_state(session, classroom)
            graph = load_graph(session, classroom.course)
            skills = list(graph.skills)
            x = np.array([[state.p[s.id][key] for key in skills] for s in state.students])
            result = ClassState(
                f"demo class, 24 students (seed {seed})", skills, x,
                {k: v.name for k, v in graph.skills.items()}, dict(graph.graph.prerequisites),
                state.threshold, suggestion.focus_keys,
            )  # fmt: skip
        database.engine.dispose()
    return result


def measure(state: ClassState, seed: int, k: int | None) -> dict[str, float]:
    """Spreads of atpace's groups, random groups of the same sizes (mean of 200 draws) and terciles."""
    column = {key: i for i, key in enumerate(state.skills)}
    focus_x = state.mastery[:, [column[key] for key in state.focus]]
    result = grouping.suggest(
        state.mastery, state.skills, state.focus, state.prerequisites, state.threshold, k=k, seed=seed,
    )  # fmt: skip
    sizes = [len(g) for g in result.groups]
    rng = np.random.default_rng([seed, 3])
    random_spreads = [
        grouping.within_spread(focus_x, grouping.random_groups(sizes, len(focus_x), rng)) for _ in range(200)
    ]
    terciles = grouping.tercile_groups(list(focus_x.mean(axis=1)))
    return {
        "k": float(result.choice.k),
        "atpace": result.spread,
        "random": float(np.mean(random_spreads)),
        "tercile": grouping.within_spread(focus_x, terciles),
    }


def row(label: str, runs: list[dict[str, float]]) -> str:
    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    vs_random = statistics.median(r["atpace"] / r["random"] for r in runs)
    vs_tercile = statistics.median(r["atpace"] / r["tercile"] for r in runs)
    ks = sorted({int(r["k"]) for r in runs})
    k_text = str(ks[0]) if len(ks) == 1 else f"{ks[0]}-{ks[-1]} (median {med['k']:g})"
    return (
        f"| {label} | {len(runs)} | {k_text} | {med['atpace']:.3f} | {med['random']:.3f} | {med['tercile']:.3f} "
        f"| {vs_random:.2f} | {vs_tercile:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="demo classes (history seeds)")
    parser.add_argument("--classes", type=int, default=20, help="simulated classes of 30")
    args = parser.parse_args()
    started = time.perf_counter()
    demos = [demo_class(2026 + i) for i in range(args.runs)]
    sims = [simulated_class(seed) for seed in range(args.classes)]
    print(f"# Flexible groups, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()} {platform.system()}, "
          f"Python {platform.python_version()}")  # fmt: skip
    print()
    print("| class | runs | k | atpace spread | random, same sizes | tercile sort | atpace / random "
          "| atpace / tercile |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for label, states in (("demo class (24)", demos), ("simulated, 30 students", sims)):
        for k, how in ((None, "atpace chooses k"), (3, "k = 3")):
            runs = [measure(state, seed, k) for seed, state in enumerate(states)]
            print(row(f"{label}, {how}", runs))
    print()
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
