"""One simulation run: the same students through every policy, plus placement accuracy and plots."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from atpace.engine.graph import SkillGraph
from atpace.engine.policy.modes import DEFAULT_TARGETS, Mode, ModeConfig
from atpace.engine.policy.placement import PlacementResult
from atpace.engine.simulate.learners import (
    LearnerKind,
    SimItem,
    SimStudent,
    load_fitted_skills,
    make_students,
    sample_course_params,
)
from atpace.engine.simulate.policies import (
    MAX_ITEMS_PER_SKILL,
    AtpacePolicy,
    FixedPolicy,
    InARowPolicy,
    MofNPolicy,
    OraclePolicy,
    PolicyReport,
    SequentialPolicy,
    SimCourse,
    calibrate_placement,
    run_policy,
    summarise,
)

__all__ = ["SimulationReport", "build_course", "fixed_n_for", "run_simulation"]

FALSE_MASTERY_BAR = 0.05


class _ItemLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def skill_keys(self) -> tuple[str, ...]: ...
    @property
    def difficulty(self) -> float: ...


class _SkillLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...


def build_course(
    graph: SkillGraph, skills: Iterable[_SkillLike], items: Iterable[_ItemLike], seed: int
) -> SimCourse:
    """A simulated course over any graph and items; each item counts for its first (primary) skill."""
    by_skill: dict[str, list[SimItem]] = {key: [] for key in graph.skills}
    for item in items:
        by_skill[item.skill_keys[0]].append(SimItem(item.key, item.skill_keys[0], float(item.difficulty)))
    params = sample_course_params(graph.skills, load_fitted_skills(), np.random.default_rng([seed, 0]))
    names = {s.key: s.name for s in skills}
    return SimCourse(graph, {k: tuple(v) for k, v in by_skill.items()}, names, params)


def fixed_n_for(course: SimCourse, students: Sequence[SimStudent], bar: float = FALSE_MASTERY_BAR) -> int:
    """Smallest items-per-skill N for which the fixed sequence's expected false mastery is <= ``bar``.

    Expected false mastery of a skill a student did not know is (1 - learn)^N (N practice items, each a
    learning opportunity); a skill known from the start is never falsely declared.
    """
    learn = np.array([s.learn[k] for s in students for k in course.graph.skills if k not in s.known])
    total = sum(len(course.graph.skills) for _ in students)
    for n in range(1, MAX_ITEMS_PER_SKILL):
        if float(np.sum((1.0 - learn) ** n)) / total <= bar:
            return n
    return MAX_ITEMS_PER_SKILL


@dataclass
class SimulationReport:
    students: int
    seed: int
    policies: dict[str, PolicyReport]
    placement: Mapping[str, Any]
    fixed_n: int
    mix: Mapping[str, int]
    notes: list[str] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        def clean(value: float) -> float | None:
            return None if math.isnan(value) else round(value, 4)

        return {
            "students": self.students,
            "seed": self.seed,
            "fixed_items_per_skill": self.fixed_n,
            "student_mix": dict(self.mix),
            "policies": {
                name: {
                    "items_to_mastery": clean(r.items_to_mastery),
                    "false_mastery_rate": clean(r.false_mastery_rate),
                    "post_test_accuracy": clean(r.post_test_accuracy),
                    "completion_rate": clean(r.completion_rate),
                    "practice_accuracy": clean(r.practice_accuracy),
                    "items_to_mastery_by_kind": {k: clean(v) for k, v in r.items_to_mastery_by_kind.items()},
                }
                for name, r in self.policies.items()
            },
            "placement": dict(self.placement),
        }

    def markdown(self) -> str:
        lines = [
            "| policy | items to course mastery | vs fixed | vs 3-in-a-row | false mastery | post-test accuracy "
            "| finished | practice accuracy |",
            "|---|---|---|---|---|---|---|---|",
        ]

        def versus(items: float, reference: str) -> str:
            """Change against a reference policy; n/a when the reference was not run."""
            if reference not in self.policies:
                return "n/a"
            return f"{items / self.policies[reference].items_to_mastery - 1:+.0%}"

        for name, r in self.policies.items():
            lines.append(
                f"| {name} | {r.items_to_mastery:.1f} | {versus(r.items_to_mastery, 'fixed')} "
                f"| {versus(r.items_to_mastery, 'in-a-row-3')} | {r.false_mastery_rate:.1%} "
                f"| {r.post_test_accuracy:.1%} | {r.completion_rate:.0%} | {r.practice_accuracy:.1%} |"
            )
        p = self.placement
        if not math.isnan(p["mean_items"]):
            prior = p.get("skill_accuracy_prior_knowledge")
            lines += [
                "",
                "| placement | mean items | max items | skills classified right | prior-knowledge students |",
                "|---|---|---|---|---|",
                f"| CAT + graph | {p['mean_items']:.1f} | {p['max_items']} | {p['skill_accuracy']:.1%} "
                f"| {'n/a' if prior is None else f'{prior:.1%}'} |",
            ]
        return "\n".join(lines)


def _placement_summary(results: Sequence[PlacementResult], students: Sequence[SimStudent]) -> dict[str, Any]:
    accuracy = []
    for result, student in zip(results, students, strict=True):
        right = [(p >= 0.5) == (key in student.known) for key, p in result.mastery.items()]
        accuracy.append(sum(right) / len(right))
    prior = [a for a, s in zip(accuracy, students, strict=True) if s.kind == "prior-knowledge"]
    items = [r.items_used for r in results]
    return {
        "mean_items": round(float(np.mean(items)), 3),
        "max_items": int(max(items)),
        "skill_accuracy": round(float(np.mean(accuracy)), 4),
        "skill_accuracy_prior_knowledge": round(float(np.mean(prior)), 4) if prior else None,
        "stopped_on_precision": round(
            float(np.mean([r.stop_reason == "precision reached" for r in results])), 4
        ),
    }


def run_simulation(
    course: SimCourse,
    students: int = 200,
    seed: int = 0,
    *,
    mix: Mapping[LearnerKind, float] | None = None,
    targets: Mapping[Mode, float] | None = None,
    pilot_students: int = 400,
    include: Sequence[str] = ("fixed", "in-a-row-3", "in-a-row-5", "3-of-5", "atpace"),
    on_progress: Callable[[str, int, int], None] | None = None,
) -> SimulationReport:
    """Run every policy in ``include`` on the same ``students`` synthetic students of ``course``.

    ``course`` comes from :func:`build_course` (the demo course: atpace.services.simulation).
    ``on_progress(policy, students_done, students_total)`` is called after each simulated student.
    """
    if students < 1 or pilot_students < 20:
        raise ValueError(
            f"invalid simulation size: students={students} (>= 1), pilot_students={pilot_students} (>= 20)"
        )
    graph = course.graph
    cohort = make_students(graph, course.params, students, seed, mix)
    # The pilot cohort that calibrates the placement test is a different draw of students.
    pilot = make_students(graph, course.params, pilot_students, seed + 10_007, mix)
    # only atpace's own policy places students; the others need no calibration
    bank = calibrate_placement(course, pilot, seed) if "atpace" in include else None
    fixed_n = fixed_n_for(course, cohort)
    atpace = AtpacePolicy(bank, modes=ModeConfig(targets=dict(targets or DEFAULT_TARGETS)))
    available: dict[str, AtpacePolicy | SequentialPolicy] = {
        "fixed": FixedPolicy(fixed_n),
        "fixed-10": FixedPolicy(10),
        "in-a-row-3": InARowPolicy(3),
        "in-a-row-5": InARowPolicy(5),
        "3-of-5": MofNPolicy(3, 5),
        "atpace": atpace,
        "atpace-no-placement": AtpacePolicy(None, modes=atpace.modes),
        "oracle": OraclePolicy(),
    }
    unknown = [name for name in include if name not in available]
    if unknown:
        raise ValueError(f"unknown policies {unknown}; known: {', '.join(available)}")
    reports: dict[str, PolicyReport] = {}
    placement: dict[str, Any] = {"mean_items": math.nan, "max_items": 0, "skill_accuracy": math.nan}
    for slot, name in enumerate(include):
        policy = available[name]
        traces = []
        for done, student in enumerate(cohort, start=1):
            traces.append(run_policy(policy, course, student, seed, slot))
            if on_progress is not None:
                on_progress(name, done, len(cohort))
        reports[name] = summarise(name, traces, cohort, len(graph.skills))
        if name == "atpace":  # only atpace's own policy places students
            placement = _placement_summary([t.placement for t in traces if t.placement is not None], cohort)
    counts: dict[str, int] = {}
    for student in cohort:
        counts[student.kind] = counts.get(student.kind, 0) + 1
    return SimulationReport(students, seed, reports, placement, fixed_n, counts)


def save_plots(report: SimulationReport, directory: Path) -> list[Path]:
    """Learning curves (share of skills truly learned vs items) and items to mastery by learner kind."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, r in report.policies.items():
        ax.plot(np.arange(len(r.learned_curve)), r.learned_curve, label=name, linewidth=1.6)
    ax.set_xlabel("items answered (placement included)")
    ax.set_ylabel("share of course skills truly learned")
    ax.set_title(f"Learning curves, {report.students} simulated students (seed {report.seed})")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = directory / "policy_learning_curves.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    paths.append(path)

    fig, ax = plt.subplots(figsize=(7, 4.2))
    kinds = list(report.mix)
    width = 0.8 / max(len(report.policies), 1)
    for i, (name, r) in enumerate(report.policies.items()):
        values = [r.items_to_mastery_by_kind.get(k, math.nan) for k in kinds]
        ax.bar(np.arange(len(kinds)) + i * width, values, width=width, label=name)
    ax.set_xticks(np.arange(len(kinds)) + width * (len(report.policies) - 1) / 2, kinds)
    ax.set_ylabel("items to course mastery (mean)")
    ax.set_title("Items to course mastery by learner kind")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = directory / "policy_items_by_kind.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    paths.append(path)
    return paths
