"""Simulated logs with known parameters, for recovery tests (fixed seeds)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from atpace.engine.models import InteractionLog


def bkt_log(params: NDArray[np.float64], n_students: int, per_skill: int, seed: int) -> InteractionLog:
    """Each student practises every skill ``per_skill`` times, skills interleaved at random.

    ``params`` rows are (prior, learn, forget, guess, slip) per skill.
    """
    rng = np.random.default_rng(seed)
    n_skills = params.shape[0]
    # opportunity order: a random interleaving of the skills for every student (vectorised)
    skills = np.tile(np.repeat(np.arange(n_skills), per_skill), (n_students, 1))
    skills = np.take_along_axis(skills, rng.random(skills.shape).argsort(axis=1), axis=1)
    learned = rng.random((n_students, n_skills)) < params[:, 0]
    correct = np.zeros(skills.shape, dtype=np.int8)
    rows = np.arange(n_students)
    for t in range(skills.shape[1]):  # time steps (a few hundred), vectorised over students
        s = skills[:, t]
        state = learned[rows, s]
        p = np.where(state, 1 - params[s, 4], params[s, 3])
        correct[:, t] = rng.random(n_students) < p
        move = rng.random(n_students)
        learned[rows, s] = np.where(state, move >= params[s, 2], move < params[s, 1])
    student = np.repeat(rows, skills.shape[1])
    return InteractionLog.from_columns(student, skills.ravel(), correct.ravel())


def rasch_log(
    n_students: int, n_items: int, per_student: int, seed: int, discrimination: bool = False
) -> tuple[InteractionLog, NDArray[np.float64], NDArray[np.float64]]:
    """Students answer random items of 4 skills; returns the log, item difficulties and discriminations."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0, 1, n_students)
    difficulty = rng.normal(0, 1, n_items)
    slope = np.exp(rng.normal(0, 0.35, n_items)) if discrimination else np.ones(n_items)
    item = rng.integers(0, n_items, (n_students, per_student))
    z = slope[item] * (theta[:, None] - difficulty[item])
    correct = (rng.random(item.shape) < 1 / (1 + np.exp(-z))).astype(np.int8)
    student = np.repeat(np.arange(n_students), per_student)
    log = InteractionLog.from_columns(
        student, (item.ravel() % 4), correct.ravel(), item=np.char.add("i", item.ravel().astype(str))
    )
    return log, difficulty, slope


def mixed_log(seed: int = 3, n_students: int = 60) -> InteractionLog:
    """A small log with items, several skills, and multi-skill attempts (rows sharing an attempt)."""
    rng = np.random.default_rng(seed)
    students, skills, items, correct, attempts = [], [], [], [], []
    attempt = 0
    for u in range(n_students):
        ability = rng.normal()
        for _ in range(int(rng.integers(5, 30))):
            item = int(rng.integers(0, 25))
            tags = [item % 5] if item % 3 else [item % 5, (item + 1) % 5]
            right = int(rng.random() < 1 / (1 + np.exp(-(ability + 0.1 * (item % 7) - 0.3))))
            for tag in tags:
                students.append(f"u{u}")
                skills.append(f"s{tag}")
                items.append(f"q{item}")
                correct.append(right)
                attempts.append(attempt)
            attempt += 1
    return InteractionLog.from_columns(students, skills, correct, item=items, attempt=attempts)
