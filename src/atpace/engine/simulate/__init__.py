"""Learner simulator: synthetic students with ASSISTments-fitted BKT parameters, and policy comparison."""

from atpace.engine.simulate.compare import SimulationReport, build_course, run_simulation, save_plots
from atpace.engine.simulate.learners import LEARNER_KINDS, LearnerKind, SimStudent, make_students
from atpace.engine.simulate.policies import SimCourse

__all__ = [
    "LEARNER_KINDS",
    "LearnerKind",
    "SimCourse",
    "SimStudent",
    "SimulationReport",
    "build_course",
    "make_students",
    "run_simulation",
    "save_plots",
]
