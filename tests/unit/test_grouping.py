"""Group suggestion from learner state (atpace.engine.grouping): exact outcomes on constructed classes."""

from __future__ import annotations

import numpy as np
import pytest

from atpace.engine import grouping
from atpace.engine.graph import SkillGraph

# a -> b -> c (a unit: c with its prerequisites)
SKILLS = ["a", "b", "c"]
PRE = {"a": frozenset(), "b": frozenset({"a"}), "c": frozenset({"b"})}
NAMES = {"a": "Equivalent fractions", "b": "Add: same denominator", "c": "Add: unlike denominators"}
T = 0.95


def clusters(seed: int = 0) -> tuple[np.ndarray, list[list[int]]]:
    """Three well separated clusters of 6 students each, on three skills, rows shuffled."""
    rng = np.random.default_rng(seed)
    centres = [(0.1, 0.1, 0.1), (0.97, 0.98, 0.2), (0.99, 0.99, 0.98)]
    rows, truth = [], []
    for j, centre in enumerate(centres):
        for _ in range(6):
            rows.append(np.clip(np.array(centre) + rng.normal(0, 0.01, 3), 0, 1))
            truth.append(j)
    order = rng.permutation(len(rows))
    x = np.array(rows)[order]
    labels = np.array(truth)[order]
    return x, [sorted(np.flatnonzero(labels == j).tolist()) for j in range(3)]


def test_separated_clusters_are_recovered_with_the_teachers_k() -> None:
    x, truth = clusters()
    result = grouping.suggest(x, SKILLS, SKILLS, PRE, T, names=NAMES, k=3)
    assert sorted(sorted(g) for g in result.groups) == sorted(truth)
    assert result.choice.by == "teacher" and result.choice.k == 3


def test_k_is_chosen_automatically_on_clear_clusters_and_said_how() -> None:
    x, truth = clusters(seed=4)
    result = grouping.suggest(x, SKILLS, SKILLS, PRE, T, names=NAMES)
    assert result.choice.by == "atpace" and result.choice.k == 3
    assert result.choice.reason.startswith("atpace chose 3 groups:")
    assert set(result.choice.scores) == {2, 3, 4, 5, 6}  # 18 students: 2..min(6, 18 // 3)
    assert sorted(sorted(g) for g in result.groups) == sorted(truth)


def test_groups_are_named_by_need_in_course_order() -> None:
    x, _ = clusters()
    result = grouping.suggest(x, SKILLS, SKILLS, PRE, T, names=NAMES, k=3)
    # Lowest mean mastery first: nothing mastered; a and b mastered; everything mastered.
    assert result.names == ("needs: Equivalent fractions", "ready for: Add: unlike denominators",
                            "extend: Add: unlike denominators")  # fmt: skip
    assert [n.kind for n in result.needs] == ["needs", "ready", "extend"]


def test_need_of_a_gap_in_a_later_prerequisite() -> None:
    # a mastered, b not: b is prerequisite-level (c builds on it), so the group "needs" b.
    x = np.array([[0.99, 0.3, 0.1], [0.98, 0.4, 0.2], [0.97, 0.96, 0.1]])
    assert grouping.need_of(x, SKILLS, SKILLS, PRE, T) == grouping.Need("needs", "b")
    # Only c in focus, with its prerequisite b mastered by most: "ready for" c.
    assert grouping.need_of(x[1:] * 0 + [[0.99, 0.99, 0.2], [0.99, 0.98, 0.5]], SKILLS, ["c"], PRE, T) == (
        grouping.Need("ready", "c")
    )
    # Most have mastered every focus skill: extend the last one.
    done = np.array([[0.99, 0.99, 0.99], [0.98, 0.97, 0.96], [0.1, 0.1, 0.1]])
    assert grouping.need_of(done, SKILLS, SKILLS, PRE, T).label(NAMES) == "extend: Add: unlike denominators"


def test_minimum_group_size_of_two() -> None:
    # One outlier would be a group of one under plain k-means with k = 3.
    x = np.array([[0.1] * 3] * 5 + [[0.5] * 3] * 4 + [[1.0] * 3])
    plain, _ = grouping.kmeans(x, 3, seed=1, min_size=1)
    assert sorted(np.bincount(plain, minlength=3)) == [1, 4, 5]
    labels, _ = grouping.kmeans(x, 3, seed=1)
    assert min(np.bincount(labels, minlength=3)) >= 2
    result = grouping.suggest(x, SKILLS, SKILLS, PRE, T, k=3)
    assert min(len(g) for g in result.groups) >= 2
    # A class too small for groups of two allows smaller ones.
    small = grouping.suggest(x[[0, 5, 9]], SKILLS, SKILLS, PRE, T, k=3)
    assert sorted(len(g) for g in small.groups) == [1, 1, 1]


def test_the_suggestion_is_deterministic_for_a_seed() -> None:
    x = np.random.default_rng(9).random((24, 4))
    keys = ["a", "b", "c", "d"]
    pre = {**PRE, "d": frozenset({"c"})}
    first = grouping.suggest(x, keys, keys, pre, T, seed=7)
    again = grouping.suggest(x, keys, keys, pre, T, seed=7)
    assert first.groups == again.groups and first.names == again.names and first.spread == again.spread


def test_spread_on_a_hand_computed_case() -> None:
    x = np.array([[0.0, 1.0], [1.0, 1.0], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])
    # Group {0, 1}: std 0.5 on skill 1, 0 on skill 2 -> mean 0.25; group {2, 3, 4}: 0. Weighted: 2/5 * 0.25.
    assert grouping.within_spread(x, [[0, 1], [2, 3, 4]]) == pytest.approx(0.1)
    assert grouping.within_spread(x, [[0], [1], [2, 3, 4]]) == 0.0


def test_random_and_tercile_groups() -> None:
    rng = np.random.default_rng(0)
    groups = grouping.random_groups([3, 2, 2], 7, rng)
    assert sorted(len(g) for g in groups) == [2, 2, 3] and sorted(i for g in groups for i in g) == list(
        range(7)
    )
    assert grouping.tercile_groups([0.9, 0.1, 0.5, 0.2, 0.8, 0.4]) == [[1, 3], [5, 2], [4, 0]]


def test_everyone_at_the_same_point_makes_one_group() -> None:
    x = np.full((10, 3), 0.1)
    result = grouping.suggest(x, SKILLS, SKILLS, PRE, T, names=NAMES)
    assert result.choice.k == 1 and result.groups == (tuple(range(10)),)
    assert result.names == ("needs: Equivalent fractions",)


def test_class_focus_is_the_shared_frontier_with_prerequisites() -> None:
    graph = SkillGraph.build(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("a", "d")])
    mastered = [frozenset({"a"})] * 6 + [frozenset({"a", "b"})] * 3 + [frozenset()]
    # Frontier counts: b 6, d 9, c 3, a 1 (of 10): b, d and c reach 20%; a does not.
    assert grouping.class_focus(graph, mastered) == ["a", "b", "c", "d"]
    assert grouping.class_focus(graph, [frozenset({"a", "b", "c", "d"})]) == ["b", "c"]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="probabilities"):
        grouping.suggest(np.array([[1.5, 0, 0]]), SKILLS, SKILLS, PRE, T)
    with pytest.raises(ValueError, match="k=5"):
        grouping.suggest(np.zeros((3, 3)), SKILLS, SKILLS, PRE, T, k=5)


def test_silhouette_matches_scikit_learn_on_random_classes() -> None:
    from sklearn.metrics import silhouette_score

    from atpace.engine.grouping import kmeans, silhouette

    rng = np.random.default_rng(1)
    for trial in range(20):
        x = rng.random((30, 4))
        labels, _ = kmeans(x, int(rng.integers(2, 6)), seed=trial)
        assert silhouette(x, labels) == pytest.approx(silhouette_score(x, labels), abs=1e-9)
