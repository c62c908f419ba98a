import json

import numpy as np
import pytest

from atpace.engine.bkt_online import SkillParameters
from atpace.engine.models import BKT, Attempt, InteractionLog, fit_skill_parameters
from atpace.engine.models.bkt import FORGET, GUESS, LEARN, PRIOR, SLIP, response_matrices

from .simulate import bkt_log, mixed_log

TRUE = np.array(
    [
        # prior, learn, forget, guess, slip
        [0.30, 0.15, 0.0, 0.20, 0.10],
        [0.50, 0.10, 0.0, 0.25, 0.05],
        [0.20, 0.30, 0.0, 0.15, 0.20],
        [0.60, 0.05, 0.0, 0.10, 0.10],
    ]
)


def test_em_recovers_known_parameters_of_2000_simulated_students() -> None:
    log = bkt_log(TRUE, n_students=2000, per_skill=12, seed=7)
    model = BKT(random_state=0).fit(log)
    fitted = model.params_[np.argsort([int(s) for s in model.skill_ids_])]
    assert np.abs(fitted - TRUE).max() < 0.05
    assert model.fitted_ and model.n_iter_ > 1


def test_em_recovers_a_forgetting_rate() -> None:
    true = np.array([[0.3, 0.2, 0.08, 0.2, 0.1], [0.4, 0.15, 0.05, 0.15, 0.1]])
    log = bkt_log(true, n_students=2000, per_skill=15, seed=11)
    fitted = BKT(forgetting=True).fit(log).params_
    assert np.abs(fitted - true).max() < 0.05
    assert (BKT().fit(log).params_[:, FORGET] == 0).all()


def test_guess_and_slip_stay_within_their_bounds() -> None:
    # a skill answered right 80% of the time from the start wants a large guess
    true = np.array([[0.05, 0.02, 0.0, 0.8, 0.05]])
    model = BKT(max_guess=0.25, max_slip=0.2).fit(bkt_log(true, 300, 10, seed=1))
    assert model.params_[0, GUESS] <= 0.25 + 1e-12
    assert model.params_[0, SLIP] <= 0.2 + 1e-12


def test_bad_hyperparameters_are_collected_in_one_error_at_fit() -> None:
    model = BKT(max_guess=1.5, n_restarts=0, tol=-1, random_state=-3)  # nothing is checked here
    with pytest.raises(ValueError) as error:
        model.fit(mixed_log())
    message = str(error.value)
    for name in ("max_guess", "n_restarts", "tol", "random_state"):
        assert name in message


def test_fixed_seed_gives_identical_fits_and_best_restart_per_skill() -> None:
    log = bkt_log(TRUE[:2], 300, 8, seed=2)
    a, b = BKT(random_state=5).fit(log), BKT(random_state=5).fit(log)
    assert np.array_equal(a.params_, b.params_)
    best = a.restart_log_likelihoods_.max(axis=0)
    assert a.log_likelihood_ == pytest.approx(best.sum())


def test_prediction_is_the_forward_filter_by_hand() -> None:
    log = InteractionLog.from_columns(["a", "a", "a"], ["k", "k", "k"], [1, 0, 1])
    model = BKT().fit(bkt_log(TRUE[:1], 100, 5, seed=3))
    model.skill_ids_ = ("k",)
    prior, learn, _, guess, slip = model.params_[0]
    expected = []
    p = prior
    for right in (1, 0, 1):
        expected.append(p * (1 - slip) + (1 - p) * guess)
        post = p * (1 - slip) / expected[-1] if right else p * slip / (1 - expected[-1])
        p = post + (1 - post) * learn
    assert model.predict_proba(log) == pytest.approx(expected, abs=1e-12)


def test_rows_of_one_attempt_do_not_see_each_other() -> None:
    log = mixed_log()
    model = BKT().fit(log)
    grouped = model.predict_proba(log)
    # with each row its own attempt the predictions differ only on rows after a twin of the same skill
    per_row = model.predict_proba(log.one_attempt_per_row())
    twins = log.shares_attempt_with_previous()
    same_skill_twin = twins & np.concatenate(([False], log.skill[1:] == log.skill[:-1]))
    assert np.allclose(grouped[~same_skill_twin], per_row[~same_skill_twin])
    # changing an answer never changes the prediction of its own attempt's rows or earlier rows
    flipped = InteractionLog(**{**log.__dict__, "correct": 1 - log.correct})
    first = np.flatnonzero(log.student == log.student[0])
    assert np.allclose(model.predict_proba(flipped)[first[:1]], grouped[first[:1]])


def test_online_update_reproduces_batch_predictions() -> None:
    log = mixed_log()
    model = BKT().fit(log)
    batch = model.predict_proba(log)
    rows = np.flatnonzero(log.student == log.student[0])
    state = model.initial_state()
    for a in np.unique(log.attempt[rows]):
        members = rows[log.attempt[rows] == a]
        for r in members:
            p = model.predict_attempt(state, (log.skill_ids[log.skill[r]],))
            assert p == pytest.approx(batch[r], abs=1e-12)
        skills = tuple(log.skill_ids[log.skill[r]] for r in members)
        before, kept = state, dict(state)
        state = model.update(state, Attempt(skills=skills, correct=bool(log.correct[members[0]])))
        assert dict(before) == kept and state != before  # a new state; the old one is not changed


def test_parameters_round_trip_and_feed_the_live_platform() -> None:
    log = mixed_log()
    model = BKT().fit(log)
    again = BKT.from_json(model.to_json())
    assert np.allclose(again.predict_proba(log), model.predict_proba(log))
    live = model.to_skill_parameters()
    assert isinstance(live, SkillParameters) and set(live.by_skill) == set(log.skill_ids)
    row = model.params_[0]
    p = live.for_skill(model.skill_ids_[0])
    assert (p.prior, p.learn, p.guess, p.slip) == pytest.approx(
        (row[PRIOR], row[LEARN], row[GUESS], row[SLIP])
    )
    fitted = fit_skill_parameters(log, n_restarts=2)
    assert fitted.source.startswith("fitted BKT") and json.loads(fitted.to_json())["version"] == 1
    assert SkillParameters.from_json(fitted.to_json()).by_skill == fitted.by_skill


def test_mastery_after_the_log_matches_the_online_state() -> None:
    log = mixed_log()
    model = BKT().fit(log)
    mastery = model.predict_mastery(log)
    rows = np.flatnonzero(log.student == 0)
    state = model.initial_state()
    for a in np.unique(log.attempt[rows]):
        members = rows[log.attempt[rows] == a]
        skills = tuple(log.skill_ids[log.skill[r]] for r in members)
        state = model.update(state, Attempt(skills=skills, correct=bool(log.correct[members[0]])))
    assert mastery[log.student_ids[0]] == pytest.approx(state)


def test_response_matrices_regroup_answers_per_skill_and_student_in_time_order() -> None:
    log = InteractionLog.from_columns(
        ["s1", "s2", "s1", "s1", "s2", "s1"], ["x", "x", "y", "x", "x", "x"], [1, 0, 1, 0, 1, 1]
    )
    matrices = {log.skill_ids[s]: m.tolist() for s, m in response_matrices(log)}
    assert matrices == {"x": [[1, 0, 1], [0, 1, -1]], "y": [[1]]}


def test_a_skill_without_training_rows_gets_the_default_not_the_em_start() -> None:
    log = InteractionLog.from_columns(
        ["s1"] * 6 + ["s2"] * 3, ["x"] * 6 + ["y"] * 3, [1, 0, 1, 1, 0, 1, 1, 1, 0]
    ).head_students(1)  # keeps "y" in the vocabulary, with no rows
    model = BKT().fit(log)
    assert "y" in model.skill_ids_
    assert np.array_equal(model.params_[model.skill_ids_.index("y")], model.default_params_)
