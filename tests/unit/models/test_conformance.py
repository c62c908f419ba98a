"""One contract for every model (a small ``check_estimator``)."""

import importlib.util
import inspect
import json
from typing import Any

import numpy as np
import pytest

from atpace.engine.models import (
    MODEL_NAMES,
    Attempt,
    InteractionLog,
    KnowledgeTracer,
    NotFittedError,
    make_model,
)

from .simulate import mixed_log

HAS_TORCH = importlib.util.find_spec("torch") is not None
FAST = {"dkt": {"max_epochs": 2, "hidden_size": 8, "batch_size": 16, "window": 20}}
NEEDS_TORCH = pytest.mark.skipif(
    not HAS_TORCH,
    reason="DKT needs torch: install atpace with the 'deep' extra (CI does, and fails on a skip)",
)
NAMES = [pytest.param(n, marks=NEEDS_TORCH) if n == "dkt" else n for n in MODEL_NAMES]


def model(name: str) -> KnowledgeTracer[Any]:
    return make_model(name, **FAST.get(name, {}))


@pytest.fixture(scope="module")
def log() -> InteractionLog:
    return mixed_log()


@pytest.mark.parametrize("name", NAMES)
def test_hyperparameters_are_stored_as_given(name: str) -> None:
    m = model(name)
    signature = inspect.signature(type(m).__init__)
    assert all(p.kind is p.KEYWORD_ONLY for p in list(signature.parameters.values())[1:])
    params = m.get_params()
    assert make_model(name, **params).get_params() == params
    assert not [k for k in vars(m) if k.endswith("_")]  # nothing learned before fit
    with pytest.raises(NotFittedError):
        m.predict_proba(mixed_log(n_students=2))


@pytest.mark.parametrize("name", NAMES)
def test_fit_returns_self_and_predictions_are_probabilities(name: str, log: InteractionLog) -> None:
    m = model(name)
    assert m.fit(log) is m
    p = m.predict_proba(log)
    assert p.shape == (len(log),) and np.isfinite(p).all() and ((p > 0) & (p < 1)).all()


@pytest.mark.parametrize("name", NAMES)
def test_a_prediction_uses_only_earlier_attempts(name: str, log: InteractionLog) -> None:
    m = model(name).fit(log)
    before = m.predict_proba(log)
    # flip every answer from the middle of each student's sequence on: earlier rows must not move
    start = log.student_starts()
    length = np.diff(np.concatenate((start, [len(log)])))
    position = np.arange(len(log)) - np.repeat(start, length)
    cut = np.repeat(length // 2, length)
    first_cut_attempt = np.repeat(log.attempt[start + length // 2], length)
    late = (position >= cut) | (log.attempt >= first_cut_attempt)
    flipped = InteractionLog(
        **{**log.__dict__, "correct": np.where(late, 1 - log.correct, log.correct).astype(np.int8)}
    )
    after = m.predict_proba(flipped)
    # rows before the cut, and the rows of the first flipped attempt itself, keep their predictions
    keep = ~late | (log.attempt == first_cut_attempt)
    assert np.allclose(before[keep], after[keep], atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_online_updates_reproduce_batch_predictions(name: str, log: InteractionLog) -> None:
    m = model(name).fit(log)
    batch = m.predict_proba(log)
    rows = np.flatnonzero(log.student == log.student[3])
    state = m.initial_state()
    for a in np.unique(log.attempt[rows]):
        members = rows[log.attempt[rows] == a]
        skills = tuple(log.skill_ids[log.skill[r]] for r in members)
        item = log.item_ids[log.item[members[0]]]
        expected = float(np.mean(batch[members]))
        assert m.predict_attempt(state, skills, item) == pytest.approx(expected, abs=1e-5)
        state = m.update(state, Attempt(skills=skills, correct=bool(log.correct[members[0]]), item=item))


@pytest.mark.parametrize("name", NAMES)
def test_online_matches_batch_on_skills_unseen_in_training_and_a_skill_named_twice(
    name: str, log: InteractionLog
) -> None:
    m = model(name).fit(log)
    seen = log.skill_ids[0]
    # a new student: two attempts on a skill never seen in training, one naming a seen skill twice, then it
    steps = [(("new-skill",), True), (("new-skill",), False), ((seen, seen), True), ((seen,), True)]
    rows = [(skills, correct, n) for n, (skills, correct) in enumerate(steps) for _ in skills]
    fresh = InteractionLog.from_columns(
        ["newcomer"] * len(rows), [s for skills, _, _ in rows for s in skills[:1]],
        [int(c) for _, c, _ in rows], attempt=[n for _, _, n in rows],
    )  # fmt: skip
    batch = m.predict_proba(fresh)
    state = m.initial_state()
    for n, (skills, correct) in enumerate(steps):
        expected = float(np.mean(batch[fresh.attempt == n]))
        assert m.predict_attempt(state, skills) == pytest.approx(expected, abs=1e-5), (name, n)
        state = m.update(state, Attempt(skills=skills, correct=correct))


@pytest.mark.parametrize("name", NAMES)
def test_json_round_trip_keeps_predictions(name: str, log: InteractionLog) -> None:
    m = model(name).fit(log)
    text = m.to_json()
    data = json.loads(text)
    assert (data["format"], data["version"], data["model"]) == ("atpace.kt-model", 1, m.name)
    again = type(m).from_json(text)
    assert np.allclose(again.predict_proba(log), m.predict_proba(log), atol=1e-6)
    with pytest.raises(ValueError, match="expected"):
        type(m).from_json(json.dumps({**data, "version": 99}))


def test_unknown_model_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown model 'nope'"):
        make_model("nope")


@NEEDS_TORCH
def test_dkt_scores_a_skill_unseen_in_training_as_the_average_skill(log: InteractionLog) -> None:
    import torch

    m = model("dkt").fit(log)
    known = len(m.skill_ids_)
    weight, embed = m.network_.out.weight, m.network_.embed.weight
    assert torch.allclose(weight[known], weight[:known].mean(dim=0))
    assert torch.allclose(embed[1 + 2 * known + 1], embed[2 : 1 + 2 * known : 2].mean(dim=0))
