"""The learner simulator on the demo fractions course (`atpace simulate`, benchmarks/policy_sim.py)."""

from __future__ import annotations

from atpace.content import FRACTIONS_COURSE
from atpace.engine.simulate import SimCourse, build_course


def demo_course(seed: int) -> SimCourse:
    """The demo course's graph and items, with skill parameters drawn from the assist2009 fits."""
    return build_course(
        FRACTIONS_COURSE.skill_graph(), FRACTIONS_COURSE.skills, FRACTIONS_COURSE.items(), seed
    )
