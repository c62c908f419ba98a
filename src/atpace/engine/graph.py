"""Skill graphs: prerequisites as a directed acyclic graph, frontier and layout layers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass


class CycleError(ValueError):
    """Raised when prerequisite edges would form a cycle; ``cycle`` lists the skills in order."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__("prerequisites form a cycle: " + " -> ".join(cycle))


class UnknownSkillError(ValueError):
    def __init__(self, skill: str) -> None:
        self.skill = skill
        super().__init__(f"unknown skill {skill!r} in a prerequisite edge")


@dataclass(frozen=True)
class SkillGraph:
    """Skills (by key, in a stable display order) and their prerequisite edges."""

    skills: tuple[str, ...]
    prerequisites: Mapping[str, frozenset[str]]

    @classmethod
    def build(cls, skills: Iterable[str], edges: Iterable[tuple[str, str]]) -> SkillGraph:
        """Build from ``(prerequisite, skill)`` pairs; refuse unknown skills and cycles."""
        ordered = tuple(dict.fromkeys(skills))
        known = set(ordered)
        prereqs: dict[str, set[str]] = {skill: set() for skill in ordered}
        for before, after in edges:
            for key in (before, after):
                if key not in known:
                    raise UnknownSkillError(key)
            if before == after:
                raise CycleError([before, before])
            prereqs[after].add(before)
        graph = cls(ordered, {skill: frozenset(p) for skill, p in prereqs.items()})
        cycle = graph.find_cycle()
        if cycle:
            raise CycleError(cycle)
        return graph

    def find_cycle(self) -> list[str] | None:
        """Return one cycle as a closed path (first == last), or None for a DAG."""
        state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
        for start in self.skills:
            if state.get(start):
                continue
            path: list[str] = [start]
            iterators = [iter(sorted(self.prerequisites[start]))]
            state[start] = 1
            while iterators:
                nxt = next(iterators[-1], None)
                if nxt is None:
                    state[path.pop()] = 2
                    iterators.pop()
                elif state.get(nxt) == 1:
                    # The cycle follows prerequisite links backwards; report it in learning order.
                    loop = [*path[path.index(nxt) :], nxt]
                    return list(reversed(loop))
                elif not state.get(nxt):
                    state[nxt] = 1
                    path.append(nxt)
                    iterators.append(iter(sorted(self.prerequisites[nxt])))
        return None

    def dependents(self, skill: str) -> frozenset[str]:
        return frozenset(s for s, pre in self.prerequisites.items() if skill in pre)

    def frontier(self, mastered: Set[str], locked: Set[str] = frozenset()) -> list[str]:
        """Unmastered skills whose prerequisites are all mastered (ready to learn), in display order."""
        return [
            skill
            for skill in self.skills
            if skill not in mastered and skill not in locked and self.prerequisites[skill] <= mastered
        ]

    def layers(self) -> list[list[str]]:
        """Skills grouped by depth (longest prerequisite chain), for left-to-right drawing."""
        depth: dict[str, int] = {}
        for skill in self.topological_order():
            depth[skill] = 1 + max((depth[p] for p in self.prerequisites[skill]), default=-1)
        result: list[list[str]] = [[] for _ in range(1 + max(depth.values(), default=-1))]
        for skill in self.skills:
            result[depth[skill]].append(skill)
        return result

    def topological_order(self) -> list[str]:
        """Prerequisites before dependents; ties keep display order."""
        remaining = {skill: set(pre) for skill, pre in self.prerequisites.items()}
        order: list[str] = []
        while remaining:
            ready = [s for s in self.skills if s in remaining and not remaining[s]]
            if not ready:  # unreachable for graphs made by build()
                raise CycleError(self.find_cycle() or list(remaining))
            for skill in ready:
                order.append(skill)
                del remaining[skill]
            for pre in remaining.values():
                pre.difference_update(ready)
        return order
