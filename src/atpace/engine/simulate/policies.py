"""Run progression policies on the same synthetic students and measure them.

Policies:
- ``fixed``: every skill in display order, ``n`` items each, then declared mastered.
- ``in-a-row-k``: Kolibri's "k correct in a row" (``num_correct_in_a_row_k``).
- ``m-of-n``: Kolibri's "m of the last n correct".
- ``atpace``: placement test, then the engine's policy (recommend -> choose_mode -> select_item, BKT
  mastery at the course threshold with item-adjusted parameters).

Measures (docs/policy.md): items to course mastery (placement items included; a student who does not
finish within the budget counts the items used), false-mastery rate (share of mastery declarations made
while the simulated student had not learned the skill), post-test accuracy (expected share right on one
median item per skill after the run), and placement accuracy against the simulated truth.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from atpace.engine.bkt_online import BKTParams, predict_correct, update
from atpace.engine.graph import SkillGraph
from atpace.engine.policy.modes import ModeConfig, choose_mode
from atpace.engine.policy.placement import (
    Placement,
    PlacementBank,
    PlacementConfig,
    PlacementResult,
    SkillCalibration,
    calibrate,
)
from atpace.engine.policy.progression import MasteryRule
from atpace.engine.policy.recommendation import recommend
from atpace.engine.policy.selection import Candidate, item_params, select_item
from atpace.engine.simulate.learners import SimItem, SimStudent

__all__ = [
    "AtpacePolicy",
    "FixedPolicy",
    "InARowPolicy",
    "MofNPolicy",
    "OraclePolicy",
    "PolicyReport",
    "SimCourse",
    "Trace",
    "calibrate_placement",
    "run_policy",
    "summarise",
]

CLOCK = datetime(2025, 1, 6, tzinfo=UTC)  # the simulator's fixed clock; nothing in a run depends on days


@dataclass(frozen=True)
class SimCourse:
    """A course as the simulator needs it: graph, items per skill, names and population BKT parameters."""

    graph: SkillGraph
    items: Mapping[str, tuple[SimItem, ...]]
    names: Mapping[str, str]
    params: Mapping[str, BKTParams]

    def __post_init__(self) -> None:
        problems = [f"skill {k!r} has no items" for k in self.graph.skills if not self.items.get(k)]
        problems += [f"skill {k!r} has no BKT parameters" for k in self.graph.skills if k not in self.params]
        if problems:
            raise ValueError("invalid simulated course: " + "; ".join(problems))

    @cached_property
    def _median_items(self) -> dict[str, SimItem]:
        chosen = {}
        for key, items in self.items.items():
            middle = float(np.median([i.difficulty for i in items]))
            chosen[key] = min(items, key=lambda i: (abs(i.difficulty - middle), i.key))
        return chosen

    def median_item(self, skill_key: str) -> SimItem:
        """The item a placement or post-test asks: difficulty nearest the skill's median."""
        return self._median_items[skill_key]


@dataclass
class Learner:
    """A student's latent state during one policy run; answers and learns."""

    student: SimStudent
    course: SimCourse
    rng: np.random.Generator
    learned: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.learned = set(self.student.known)

    def answer(self, item: SimItem, learn: bool = True) -> bool:
        skill = item.skill_key
        p = self.student.p_right(skill in self.learned, self.course.params[skill], item.difficulty)
        right = bool(self.rng.random() < p)
        if learn and skill not in self.learned and self.rng.random() < self.student.learn[skill]:
            self.learned.add(skill)
        return right


MAX_ITEMS_PER_SKILL = 200  # a policy gives up on a skill after this many items (the student is stuck)


@dataclass
class Trace:
    """What one policy did with one student."""

    items: int = 0
    placement_items: int = 0
    completed: bool = False
    declarations: list[tuple[str, bool]] = field(default_factory=list)  # (skill, truly learned then)
    learned_curve: list[int] = field(default_factory=list)  # truly learned skills after each item
    right: int = 0
    post_test: float = 0.0
    placement: PlacementResult | None = None  # the placement test's result, for a policy that gives one


def _post_test(learner: Learner) -> float:
    course = learner.course
    total = 0.0
    for key in course.graph.skills:
        item = course.median_item(key)
        total += learner.student.p_right(key in learner.learned, course.params[key], item.difficulty)
    return total / len(course.graph.skills)


class SequentialPolicy(ABC):
    """Skills in display order; each skill's items in a random order; a rule says when to move on."""

    name = "sequential"

    def __init__(self, max_items_per_skill: int = MAX_ITEMS_PER_SKILL) -> None:
        self.max_items_per_skill = max_items_per_skill

    @abstractmethod
    def finished(self, learner: Learner, key: str, answers: Sequence[bool]) -> bool:
        """Whether to declare ``key`` mastered after these answers."""

    def run(self, learner: Learner) -> Trace:
        trace = Trace()
        course = learner.course
        completed = True
        for key in course.graph.skills:
            order = list(course.items[key])
            learner.rng.shuffle(order)
            answers: list[bool] = []
            while not self.finished(learner, key, answers):
                if len(answers) >= self.max_items_per_skill:
                    completed = False
                    break
                right = learner.answer(order[len(answers) % len(order)])
                answers.append(right)
                trace.items += 1
                trace.right += right
                trace.learned_curve.append(len(learner.learned))
            else:
                trace.declarations.append((key, key in learner.learned))
        trace.completed = completed
        trace.post_test = _post_test(learner)
        return trace


class AnswerRulePolicy(SequentialPolicy):
    """A classroom rule: it decides from the student's answers on the skill alone."""

    @abstractmethod
    def done(self, answers: Sequence[bool]) -> bool:
        """Whether these answers (oldest first) meet the rule."""

    def finished(self, learner: Learner, key: str, answers: Sequence[bool]) -> bool:
        return self.done(answers)


class FixedPolicy(AnswerRulePolicy):
    def __init__(self, n: int, max_items_per_skill: int = MAX_ITEMS_PER_SKILL) -> None:
        super().__init__(max_items_per_skill)
        self.n = n
        self.name = "fixed"

    def done(self, answers: Sequence[bool]) -> bool:
        return len(answers) >= self.n


class InARowPolicy(AnswerRulePolicy):
    def __init__(self, k: int, max_items_per_skill: int = MAX_ITEMS_PER_SKILL) -> None:
        super().__init__(max_items_per_skill)
        self.k = k
        self.name = f"in-a-row-{k}"

    def done(self, answers: Sequence[bool]) -> bool:
        return len(answers) >= self.k and all(answers[-self.k :])


class OraclePolicy(SequentialPolicy):
    """A lower bound, not a policy a platform could run: it sees the simulated truth.

    Known skills cost nothing; every other skill is practised (display order) until the student has
    truly learned it, and declared at that very item. No policy that declares only learned skills can
    use fewer practice items on the same students, since a skill is learned only through practice items.
    """

    name = "oracle"

    def finished(self, learner: Learner, key: str, answers: Sequence[bool]) -> bool:
        return key in learner.learned


class MofNPolicy(AnswerRulePolicy):
    def __init__(self, m: int, n: int, max_items_per_skill: int = MAX_ITEMS_PER_SKILL) -> None:
        super().__init__(max_items_per_skill)
        self.m, self.n = m, n
        self.name = f"{m}-of-{n}"

    def done(self, answers: Sequence[bool]) -> bool:
        return sum(answers[-self.n :]) >= self.m


@dataclass
class AtpacePolicy:
    """The engine's own policy, driven through the public engine API exactly as a service would."""

    bank: PlacementBank | None  # None: no placement, every skill starts at the BKT default prior
    rule: MasteryRule = field(default_factory=MasteryRule)
    modes: ModeConfig = field(default_factory=ModeConfig)
    placement: PlacementConfig = field(default_factory=PlacementConfig)
    max_items_per_skill: int = MAX_ITEMS_PER_SKILL
    name: str = "atpace"

    def run(self, learner: Learner) -> Trace:
        trace = Trace()
        course = learner.course
        graph = course.graph
        mastery = {key: course.params[key].prior for key in graph.skills}
        if self.bank is not None:
            result = run_placement(Placement(self.bank, self.placement), learner)
            trace.placement = result
            trace.placement_items = trace.items = result.items_used
            mastery = dict(result.mastery)
            for key in graph.skills:
                if self.rule.is_mastered(mastery[key]):
                    trace.declarations.append((key, key in learner.learned))
                else:
                    # Practice starts from the placement's estimate, kept below the threshold.
                    mastery[key] = min(mastery[key], self.rule.threshold - 0.01)
        trace.learned_curve.extend([len(learner.learned)] * trace.items)
        adjusted = {
            key: [(item, item_params(course.params[key], item.difficulty)) for item in course.items[key]]
            for key in graph.skills
        }
        recent: list[bool] = []
        seen: set[str] = set()
        per_skill: dict[str, int] = dict.fromkeys(graph.skills, 0)
        given_up: set[str] = set()
        current: str | None = None
        while True:
            options = [
                r
                for r in recommend(graph, mastery, CLOCK, rule=self.rule, current_skill=current)
                if r.skill_key is not None and r.skill_key not in given_up
            ]
            if not options:
                break
            skill = options[0].skill_key
            assert skill is not None
            current = skill
            mode = choose_mode(recent, None, self.modes)
            p = mastery[skill]
            by_key = {item.key: (item, params) for item, params in adjusted[skill]}
            pick = select_item(
                [Candidate(item.key, predict_correct(p, params)) for item, params in adjusted[skill]],
                mode.target,
                seen_in_session=seen,
            )
            if pick is None:  # every item of the skill seen: start a new session for it
                seen -= set(by_key)
                continue
            item, params = by_key[pick.item_key]
            seen.add(item.key)
            right = learner.answer(item)
            recent.append(right)
            trace.items += 1
            trace.right += right
            trace.learned_curve.append(len(learner.learned))
            mastery[skill] = update(p, right, params)
            per_skill[skill] += 1
            if self.rule.is_mastered(mastery[skill]):
                trace.declarations.append((skill, skill in learner.learned))
                recent.clear()  # a new skill starts a new run of answers
            elif per_skill[skill] >= self.max_items_per_skill:
                given_up.add(skill)
        trace.completed = all(self.rule.is_mastered(mastery[k]) for k in graph.skills)
        trace.post_test = _post_test(learner)
        return trace


def run_placement(placement: Placement, learner: Learner) -> PlacementResult:
    """A placement test answered by the simulated student (no feedback, so no learning)."""
    state = placement.start()
    while (skill := placement.next_skill(state)) is not None:
        right = learner.answer(learner.course.median_item(skill), learn=False)
        state = placement.record(state, skill, right)
    return placement.result(state)


def calibrate_placement(course: SimCourse, students: Sequence[SimStudent], seed: int) -> PlacementBank:
    """Calibrate the placement bank with mirt on a pilot cohort answering one median item per skill."""
    skills = course.graph.skills
    matrix = np.zeros((len(students), len(skills)))
    for row, student in enumerate(students):
        learner = Learner(student, course, np.random.default_rng([seed, 3, row]))
        for col, key in enumerate(skills):
            matrix[row, col] = learner.answer(course.median_item(key), learn=False)
    calibration: SkillCalibration = calibrate(
        matrix, skills, source=f"mirt 2PL, {len(students)} pilot students"
    )
    return PlacementBank(course.graph, calibration, dict(course.params))


def run_policy(
    policy: AtpacePolicy | SequentialPolicy, course: SimCourse, student: SimStudent, seed: int, slot: int
) -> Trace:
    learner = Learner(student, course, np.random.default_rng([seed, 2, student.index, slot]))
    return policy.run(learner)


@dataclass(frozen=True)
class PolicyReport:
    name: str
    items_to_mastery: float  # mean over students
    items_to_mastery_by_kind: Mapping[str, float]
    completion_rate: float
    false_mastery_rate: float
    post_test_accuracy: float
    practice_accuracy: float
    learned_curve: NDArray[np.float64]  # mean share of skills truly learned after k items (k = 0..)


def summarise(
    name: str, traces: Sequence[Trace], students: Sequence[SimStudent], n_skills: int
) -> PolicyReport:
    declared = [truth for t in traces for _, truth in t.declarations]
    kinds: dict[str, list[int]] = {}
    for trace, student in zip(traces, students, strict=True):
        kinds.setdefault(student.kind, []).append(trace.items)
    longest = max(len(t.learned_curve) for t in traces)
    curve = np.zeros(longest + 1)
    for trace, student in zip(traces, students, strict=True):
        row = [len(student.known), *trace.learned_curve]
        curve += np.array(row + [row[-1]] * (longest + 1 - len(row)), dtype=np.float64)
    practice = sum(t.items - t.placement_items for t in traces)
    return PolicyReport(
        name=name,
        items_to_mastery=float(np.mean([t.items for t in traces])),
        items_to_mastery_by_kind={k: float(np.mean(v)) for k, v in kinds.items()},
        completion_rate=float(np.mean([t.completed for t in traces])),
        false_mastery_rate=float(1.0 - np.mean(declared)) if declared else math.nan,
        post_test_accuracy=float(np.mean([t.post_test for t in traces])),
        practice_accuracy=sum(t.right for t in traces) / practice if practice else math.nan,
        learned_curve=curve / (len(traces) * n_skills),
    )
