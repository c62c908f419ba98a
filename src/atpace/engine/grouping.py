"""Flexible groups from learner state: k-means on mastery, k chosen by silhouette, groups named by need.

Input is one row per student of P(learned) on the *focus* skills (an unpractised skill counts at the
course prior) plus, for naming, the same on the focus skills' prerequisites. The method (docs/groups.md):

* **Clustering**: k-means (Lloyd) on the focus columns with k-means++ seeding and ``restarts`` seeded
  restarts; the run with the least within-group sum of squares wins. Deterministic for a given ``seed``.
* **Minimum group size**: no group smaller than ``min_size`` (2) when the class has at least
  ``min_size * k`` students: a too-small group takes the students whose move costs least.
* **k**: the teacher's, or the k in 2..min(6, n // 3) with the best mean silhouette (students closest to
  their own group and furthest from the next one); one group when the class is too small or everyone is
  at the same point.
* **Names** (:func:`need_of`): "extend: S" (S the last focus skill) when most members have mastered
  every focus skill; else "needs: P" when most lack a prerequisite-level focus skill P (one that another
  focus skill builds on; the earliest in course order); else "ready for: S" for the earliest focus skill
  S whose prerequisites most have mastered but not S; else "needs: S" for the focus skill with the lowest
  mean mastery.

Also the benchmark's metrics: :func:`within_spread`, :func:`random_groups`, :func:`tercile_groups`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from atpace.engine.graph import SkillGraph

__all__ = [
    "Grouping",
    "KChoice",
    "Need",
    "NeedKind",
    "choose_k",
    "class_focus",
    "kmeans",
    "need_of",
    "random_groups",
    "silhouette",
    "suggest",
    "tercile_groups",
    "within_spread",
]

NeedKind = Literal["ready", "needs", "extend"]
Matrix = NDArray[np.float64]
Labels = NDArray[np.int64]

FOCUS_SHARE = 0.2  # a skill the class is working on: on the frontier of at least this share of students
FOCUS_MAX = 3  # ... at most this many of them (most common first), plus their direct prerequisites
MAX_AUTO_K = 6
MIN_SIZE = 2
RESTARTS = 10
CANDIDATE_RESTARTS = 5  # choosing k compares 5 candidates; the chosen k is then clustered with RESTARTS
MAX_ITERATIONS = 100
SAME_POINT = 1e-9  # total spread below this: everyone is at the same point


@dataclass(frozen=True)
class Need:
    kind: NeedKind
    skill: str  # a focus skill key

    def label(self, names: Mapping[str, str]) -> str:
        word = {"ready": "ready for", "needs": "needs", "extend": "extend"}[self.kind]
        return f"{word}: {names.get(self.skill, self.skill)}"


@dataclass(frozen=True)
class KChoice:
    k: int
    by: Literal["teacher", "atpace"]
    reason: str  # a sentence for the teacher
    scores: Mapping[int, float]  # silhouette per candidate k (atpace's choice only)


@dataclass(frozen=True)
class Grouping:
    """Groups as lists of row indices, lowest mean mastery first; ``needs`` and ``names`` align with it."""

    groups: tuple[tuple[int, ...], ...]
    needs: tuple[Need, ...]
    names: tuple[str, ...]
    mean_mastery: tuple[float, ...]  # mean over members and focus skills
    spread: float  # within_spread of this grouping
    choice: KChoice


def _check_matrix(x: Matrix) -> Matrix:
    data = np.asarray(x, dtype=np.float64)
    if data.ndim != 2:
        raise ValueError(f"mastery must be a students x skills matrix, got {data.ndim} dimensions")
    if data.size and (not np.all(np.isfinite(data)) or data.min() < 0.0 or data.max() > 1.0):
        raise ValueError("mastery values must be probabilities in [0, 1]")
    return data


def _sq_distances(x: Matrix, centres: Matrix) -> Matrix:
    diff = x[:, None, :] - centres[None, :, :]
    return np.asarray(np.einsum("ijk,ijk->ij", diff, diff), dtype=np.float64)


def _plus_plus(x: Matrix, k: int, rng: np.random.Generator) -> Matrix:
    """k-means++ seeding. Draws from ``rng`` as ``rng.choice(n, p=d2 / d2.sum())`` does (one uniform per
    centre after the first), without its checks of ``p``, and keeps each student's distance to the nearest
    centre up to date instead of measuring it against every centre again."""
    n = x.shape[0]
    chosen = [int(rng.integers(n))]
    nearest = ((x - x[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = float(nearest.sum())
        if total <= 0.0:
            index = int(rng.integers(n))
        else:
            cdf = np.cumsum(nearest / total)
            cdf /= cdf[-1]
            index = int(cdf.searchsorted(rng.random(), side="right"))
        chosen.append(index)
        nearest = np.minimum(nearest, ((x - x[index]) ** 2).sum(axis=1))
    return np.array(x[chosen], dtype=np.float64)


def _centres(x: Matrix, labels: Labels, k: int, old: Matrix) -> Matrix:
    """Each group's mean (an empty group keeps its old centre): one restart of :func:`_batch_centres`."""
    return np.asarray(_batch_centres(x, labels[None, :], k, old[None, :, :])[0], dtype=np.float64)


def _enforce_min_size(x: Matrix, labels: Labels, k: int, min_size: int) -> Labels:
    """Fill groups below ``min_size`` with the students whose move raises the sum of squares least."""
    labels = labels.copy()
    if x.shape[0] < min_size * k or np.bincount(labels, minlength=k).min() >= min_size:
        return labels
    centres = _centres(x, labels, k, np.zeros((k, x.shape[1])))
    while True:
        sizes = np.bincount(labels, minlength=k)
        small = [j for j in range(k) if sizes[j] < min_size]
        if not small:
            return labels
        target = small[0]
        if sizes[target] == 0:  # an empty group: start it at the student furthest from their centre
            own = ((x - centres[labels]) ** 2).sum(axis=1)
            movable = sizes[labels] > min_size
            index = int(np.argmax(np.where(movable, own, -1.0)))
        else:
            d2 = _sq_distances(x, centres)
            cost = d2[:, target] - d2[np.arange(len(labels)), labels]
            movable = (sizes[labels] > min_size) & (labels != target)
            index = int(np.argmin(np.where(movable, cost, np.inf)))
        labels[index] = target
        centres = _centres(x, labels, k, centres)


def kmeans(
    x: Matrix, k: int, *, seed: int = 0, restarts: int = RESTARTS, min_size: int = MIN_SIZE
) -> tuple[Labels, float]:
    """Labels (0..k-1) and within-group sum of squares of the best of ``restarts`` seeded runs."""
    data = _check_matrix(x)
    n = data.shape[0]
    if not 1 <= k <= max(n, 1):
        raise ValueError(f"k={k} must be between 1 and the number of students ({n})")
    if n == 0:
        return np.zeros(0, dtype=np.int64), 0.0
    rng = np.random.default_rng(seed)
    # All restarts run side by side (one array operation per step for all of them); a restart whose labels
    # stopped changing stays where it is, so this gives what running them one after another gives.
    centres = np.stack([_plus_plus(data, k, rng) for _ in range(max(1, restarts))])
    labels = _assign(data, centres)
    for _ in range(MAX_ITERATIONS):
        centres = _batch_centres(data, labels, k, centres)
        new = _assign(data, centres)
        if np.array_equal(new, labels):
            break
        labels = new
    best: tuple[float, Labels] | None = None
    for run in labels:
        fitted = _enforce_min_size(data, run, k, min_size)
        inertia = _inertia(data, fitted, k)
        if best is None or inertia < best[0] - 1e-12:
            best = (inertia, fitted)
    assert best is not None
    return best[1], best[0]


def _assign(x: Matrix, centres: Matrix) -> Labels:
    """Each restart's labels (restarts x students): the nearest of its centres (restarts x k x skills)."""
    diff = x[None, :, None, :] - centres[:, None, :, :]
    return np.asarray(np.einsum("rnkd,rnkd->rnk", diff, diff).argmin(axis=2), dtype=np.int64)


def _batch_centres(x: Matrix, labels: Labels, k: int, old: Matrix) -> Matrix:
    """Each restart's group means; an empty group keeps its old centre."""
    members = (labels[:, :, None] == np.arange(k)[None, None, :]).astype(np.float64)
    counts = members.sum(axis=1)
    sums = np.einsum("rnk,nd->rkd", members, x)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts[:, :, None]
    return np.where(counts[:, :, None] > 0, means, old)


def _inertia(x: Matrix, labels: Labels, k: int) -> float:
    members = labels[:, None] == np.arange(k)[None, :]
    counts = members.sum(axis=0)
    means = (members.T @ x) / np.maximum(counts, 1)[:, None]
    return float(((x - means[labels]) ** 2).sum())


def silhouette(x: Matrix, labels: Labels) -> float:
    """Mean silhouette (Rousseeuw 1987) with Euclidean distances; a student alone in a group scores 0."""
    data = _check_matrix(x)
    groups = np.unique(labels)
    if len(groups) < 2:
        return 0.0
    distances = np.sqrt(np.maximum(_sq_distances(data, data), 0.0))
    index = np.searchsorted(groups, labels)
    members = np.zeros((len(labels), len(groups)))
    members[np.arange(len(labels)), index] = 1.0
    sizes = members.sum(axis=0)
    totals = distances @ members  # each student's summed distance to every group
    rows = np.arange(len(labels))
    own_size = sizes[index]
    a = totals[rows, index] / np.maximum(own_size - 1, 1)
    others = totals / sizes
    others[rows, index] = np.inf
    b = others.min(axis=1)
    larger = np.maximum(a, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where((own_size <= 1) | (larger == 0.0), 0.0, (b - a) / larger)
    return float(scores.mean())


def choose_k(x: Matrix, *, seed: int = 0, max_k: int = MAX_AUTO_K) -> KChoice:
    """The k in 2..min(max_k, n // 3) with the best silhouette (ties: the smaller k)."""
    data = _check_matrix(x)
    n = data.shape[0]
    top = min(max_k, n // 3)
    if n == 0:
        return KChoice(0, "atpace", "atpace made no groups: the class has no students.", {})
    if _total_spread(data) < SAME_POINT:
        return KChoice(
            1, "atpace", "atpace chose 1 group: every student is at the same point on these skills.", {}
        )
    if top < 2:
        return KChoice(1, "atpace", f"atpace chose 1 group: {n} students are too few to split.", {})
    runs = {k: kmeans(data, k, seed=seed, restarts=CANDIDATE_RESTARTS)[0] for k in range(2, top + 1)}
    scores = {k: silhouette(data, labels) for k, labels in runs.items()}
    best = max(scores, key=lambda k: (round(scores[k], 9), -k))
    others = ", ".join(f"{k}: {s:.2f}" for k, s in scores.items() if k != best)
    reason = (
        f"atpace chose {best} groups: with {best}, students are closest to their own group and furthest "
        f"from the others (silhouette {scores[best]:.2f}; {others})."
    )
    return KChoice(best, "atpace", reason, scores)


def _total_spread(x: Matrix) -> float:
    return float(((x - x.mean(axis=0)) ** 2).sum()) if len(x) else 0.0


def need_of(
    mastery: Matrix,
    skills: Sequence[str],
    focus: Sequence[str],
    prerequisites: Mapping[str, frozenset[str] | set[str]],
    threshold: float,
) -> Need:
    """The shared need of a group: ``mastery`` is members x ``skills`` (the focus skills and their
    prerequisites, any order); ``focus`` is in course order. "Most" means more than half the members."""
    data = _check_matrix(mastery)
    if not focus:
        raise ValueError("at least one focus skill is needed")
    column = {key: i for i, key in enumerate(skills)}
    missing = [key for key in focus if key not in column]
    if missing:
        raise ValueError(f"focus skills without mastery columns: {', '.join(missing)}")
    count = float(max(int(data.shape[0]), 1))
    mastered = data >= threshold

    def share_lacking(key: str) -> float:
        return float((~mastered[:, column[key]]).sum()) / count

    def share_ready(key: str) -> float:
        prereqs = [column[p] for p in prerequisites.get(key, ()) if p in column]
        ready = ~mastered[:, column[key]]
        if prereqs:
            ready &= mastered[:, prereqs].all(axis=1)
        return float(ready.sum()) / count

    focus_columns = [column[key] for key in focus]
    if float(mastered[:, focus_columns].all(axis=1).sum()) / count > 0.5:
        return Need("extend", focus[-1])
    focus_set = set(focus)
    prerequisite_level = [k for k in focus if any(k in prerequisites.get(o, ()) for o in focus_set if o != k)]
    for key in prerequisite_level:
        if share_lacking(key) > 0.5:
            return Need("needs", key)
    for key in focus:
        if share_ready(key) > 0.5:
            return Need("ready", key)
    means = data[:, focus_columns].mean(axis=0) if data.shape[0] else np.zeros(len(focus))
    return Need("needs", focus[int(np.argmin(means))])


def suggest(
    mastery: Matrix,
    skills: Sequence[str],
    focus: Sequence[str],
    prerequisites: Mapping[str, frozenset[str] | set[str]],
    threshold: float,
    *,
    names: Mapping[str, str] | None = None,
    k: int | None = None,
    seed: int = 0,
    min_size: int = MIN_SIZE,
) -> Grouping:
    """Suggest groups of students (rows of ``mastery``) with shared needs on the ``focus`` skills."""
    data = _check_matrix(mastery)
    if data.shape[1] != len(skills):
        raise ValueError(f"mastery has {data.shape[1]} columns for {len(skills)} skills")
    column = {key: i for i, key in enumerate(skills)}
    focus_x = data[:, [column[key] for key in focus]]
    n = data.shape[0]
    if k is None:
        choice = choose_k(focus_x, seed=seed)
    else:
        if not 1 <= k <= max(n, 1):
            raise ValueError(f"k={k} must be between 1 and the number of students ({n})")
        choice = KChoice(k, "teacher", f"You chose {k} group{'s' if k != 1 else ''}.", {})
    if choice.k == 0:
        return Grouping((), (), (), (), 0.0, choice)
    labels, _ = kmeans(focus_x, choice.k, seed=seed, min_size=min_size)
    members = [tuple(int(i) for i in np.flatnonzero(labels == j)) for j in range(choice.k)]
    members = [m for m in members if m]
    means = [float(focus_x[list(m)].mean()) for m in members]
    order = sorted(range(len(members)), key=lambda j: (means[j], members[j]))
    groups = tuple(members[j] for j in order)
    needs = tuple(need_of(data[list(g)], skills, focus, prerequisites, threshold) for g in groups)
    labels_out = _unique_names([need.label(names or {}) for need in needs])
    return Grouping(
        groups=groups,
        needs=needs,
        names=tuple(labels_out),
        mean_mastery=tuple(means[j] for j in order),
        spread=within_spread(focus_x, groups),
        choice=choice,
    )


def _unique_names(names: list[str]) -> list[str]:
    """Two groups with one need get "(1)", "(2)" in the order given (lowest mean mastery first)."""
    totals = {name: names.count(name) for name in names}
    seen: dict[str, int] = {}
    result = []
    for name in names:
        if totals[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            result.append(f"{name} ({seen[name]})")
        else:
            result.append(name)
    return result


def within_spread(x: Matrix, groups: Sequence[Sequence[int]]) -> float:
    """Within-group spread: the mean over groups, weighted by group size, of the mean over focus skills of
    the group's (population, ddof=0) standard deviation of P(learned). 0 when every group is uniform."""
    data = _check_matrix(x)
    total = sum(len(g) for g in groups)
    if total == 0 or data.shape[1] == 0:
        return 0.0
    spread = 0.0
    for group in groups:
        if group:
            spread += len(group) * float(data[list(group)].std(axis=0).mean())
    return spread / total


def random_groups(sizes: Sequence[int], n: int, rng: np.random.Generator) -> list[list[int]]:
    """Students 0..n-1 shuffled into groups of the given sizes."""
    if sum(sizes) != n:
        raise ValueError(f"group sizes add up to {sum(sizes)}, not {n}")
    order = [int(i) for i in rng.permutation(n)]
    groups, start = [], 0
    for size in sizes:
        groups.append(order[start : start + size])
        start += size
    return groups


def tercile_groups(averages: Sequence[float]) -> list[list[int]]:
    """The usual sort: students ranked by average score and cut into three groups of near-equal size."""
    n = len(averages)
    order = sorted(range(n), key=lambda i: (averages[i], i))
    cuts = [round(n * j / 3) for j in range(4)]
    return [order[cuts[j] : cuts[j + 1]] for j in range(3) if cuts[j + 1] > cuts[j]]


def class_focus(
    graph: SkillGraph,
    mastered: Sequence[frozenset[str] | set[str]],
    *,
    share: float = FOCUS_SHARE,
    most: int = FOCUS_MAX,
) -> list[str]:
    """The skills a class is working on now, in course order: the frontier skills (ready to learn) of at
    least ``share`` of the students, at most ``most`` of them, the most common first (always at least the
    most common one), with their direct prerequisites. Everyone done: the last skill and its prerequisites.
    """
    counts: dict[str, int] = {}
    for done in mastered:
        for key in graph.frontier(set(done)):
            counts[key] = counts.get(key, 0) + 1
    position = {key: i for i, key in enumerate(graph.skills)}
    ranked = sorted(counts, key=lambda key: (-counts[key], position[key]))
    if not ranked:
        if not graph.skills:
            return []
        ranked = [graph.topological_order()[-1]]
    need = share * len(mastered)
    chosen = [key for key in ranked[:most] if counts.get(key, 0) >= need] or ranked[:1]
    keys = set(chosen)
    for key in chosen:
        keys |= graph.prerequisites[key]
    return [key for key in graph.skills if key in keys]
