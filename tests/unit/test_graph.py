import itertools

import pytest

from atpace.engine.graph import CycleError, SkillGraph, UnknownSkillError


def chain() -> SkillGraph:
    # unit -> equivalent -> compare -> add; unit -> add
    return SkillGraph.build(
        ["unit", "equivalent", "compare", "add"],
        [("unit", "equivalent"), ("equivalent", "compare"), ("compare", "add"), ("unit", "add")],
    )


def test_frontier_needs_every_prerequisite_mastered() -> None:
    graph = chain()
    assert graph.frontier(set()) == ["unit"]
    assert graph.frontier({"unit"}) == ["equivalent"]
    assert graph.frontier({"unit", "equivalent", "compare"}) == ["add"]
    assert graph.frontier({"unit", "equivalent", "compare", "add"}) == []


def test_locked_skills_leave_the_frontier() -> None:
    assert chain().frontier({"unit"}, locked={"equivalent"}) == []


def test_cycle_is_refused_and_named_in_learning_order() -> None:
    with pytest.raises(CycleError) as caught:
        SkillGraph.build(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])
    cycle = caught.value.cycle
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"a", "b", "c"} and len(cycle) == 4
    # each consecutive pair is an edge prerequisite -> dependent
    edges = {("a", "b"), ("b", "c"), ("c", "a")}
    assert all((x, y) in edges for x, y in itertools.pairwise(cycle))
    assert "->" in str(caught.value)


def test_self_loop_and_unknown_skill_are_refused() -> None:
    with pytest.raises(CycleError):
        SkillGraph.build(["a"], [("a", "a")])
    with pytest.raises(UnknownSkillError, match="'zz'"):
        SkillGraph.build(["a"], [("zz", "a")])


def test_layers_follow_the_longest_prerequisite_chain() -> None:
    assert chain().layers() == [["unit"], ["equivalent"], ["compare"], ["add"]]
    assert chain().topological_order() == ["unit", "equivalent", "compare", "add"]
    assert chain().dependents("unit") == frozenset({"equivalent", "add"})
