"""Parameter recovery for Elo, IRT 1PL/2PL, PFA and Best-LR on simulated data (fixed seeds)."""

import numpy as np
import pytest

from atpace.engine.models import IRT1PL, IRT2PL, PFA, BestLR, Elo, InteractionLog
from atpace.engine.models.logistic import fit_logistic

from .simulate import mixed_log, rasch_log


def _item_order(model_ids: tuple[str, ...]) -> np.ndarray:
    return np.array([int(i[1:]) for i in model_ids])


def test_irt1pl_recovers_item_difficulties() -> None:
    log, difficulty, _ = rasch_log(n_students=1500, n_items=40, per_student=40, seed=1)
    model = IRT1PL().fit(log)
    # an item's difficulty is its skill's plus its own offset
    skill_of_item = _item_order(model.item_ids_) % 4
    skill_codes = np.array([model.skill_ids_.index(str(s)) for s in skill_of_item])
    fitted = model.skill_difficulty_[skill_codes] + model.item_difficulty_
    true = difficulty[_item_order(model.item_ids_)]
    assert np.abs(fitted - true).mean() < 0.1
    assert np.corrcoef(fitted, true)[0, 1] > 0.98


def test_irt2pl_recovers_discriminations() -> None:
    log, _, slope = rasch_log(n_students=3000, n_items=30, per_student=30, seed=2, discrimination=True)
    model = IRT2PL().fit(log)
    fitted = np.exp(model.log_discrimination_)
    true = slope[_item_order(model.item_ids_)]
    assert np.corrcoef(fitted, true)[0, 1] > 0.8
    assert np.abs(fitted - true).mean() < 0.12


def test_irt_predicts_a_new_student_from_the_posterior_of_earlier_answers() -> None:
    log, _, _ = rasch_log(n_students=500, n_items=20, per_student=20, seed=3)
    model = IRT1PL().fit(log)
    new = InteractionLog.from_columns(["x"] * 3, ["0", "0", "0"], [1, 1, 1], item=["i0", "i0", "i0"])
    p = model.predict_proba(new)
    assert p[0] < p[1] < p[2]  # each right answer raises the ability estimate


def test_elo_orders_items_by_difficulty() -> None:
    log, difficulty, _ = rasch_log(n_students=2000, n_items=30, per_student=30, seed=4)
    model = Elo(skill_weight=0.0).fit(log)
    true = difficulty[_item_order(model.item_ids_)]
    assert np.corrcoef(model.difficulty_, true)[0, 1] > 0.95


def test_elo_uncertainty_shrinks_the_step() -> None:
    log = InteractionLog.from_columns(["a"] * 4, ["k"] * 4, [1, 1, 1, 1], item=["q"] * 4)
    model = Elo(alpha=1.0, beta=0.5, skill_weight=0.0).fit(log)
    p = model.predict_proba(log)
    gains = np.diff(np.log(p / (1 - p)))
    assert np.all(np.diff(gains) < 0)


def test_fit_logistic_matches_a_known_model() -> None:
    import scipy.sparse as sp

    rng = np.random.default_rng(5)
    x = rng.normal(size=(20000, 3))
    w = np.array([1.0, -2.0, 0.5])
    y = (rng.random(20000) < 1 / (1 + np.exp(-(x @ w + 0.3)))).astype(float)
    coef, intercept = fit_logistic(sp.csr_matrix(x), y, l2=0.0, max_iter=200, tol=1e-8)
    assert coef == pytest.approx(w, abs=0.06) and intercept == pytest.approx(0.3, abs=0.05)


def test_pfa_recovers_success_and_failure_weights() -> None:
    rng = np.random.default_rng(6)
    beta, gamma, rho = -0.5, 0.3, 0.1
    students, correct = [], []
    for u in range(1500):
        wins = fails = 0
        for _ in range(20):  # simulation only: 30,000 rows
            right = rng.random() < 1 / (1 + np.exp(-(beta + gamma * wins + rho * fails)))
            students.append(u)
            correct.append(int(right))
            wins, fails = wins + right, fails + (not right)
    log = InteractionLog.from_columns(students, ["k"] * len(students), correct)
    model = PFA(l2=0.0).fit(log)
    # columns: easiness, success weight, failure weight of the one skill; intercept absorbs part of beta
    easiness, success, failure = model.coef_
    assert easiness + model.intercept_ == pytest.approx(beta, abs=0.1)
    assert (success, failure) == pytest.approx((gamma, rho), abs=0.04)


def test_best_lr_uses_item_difficulty_and_counts() -> None:
    log, _, _ = rasch_log(n_students=800, n_items=30, per_student=30, seed=7)
    from atpace.engine.metrics import auc

    best = BestLR().fit(log)
    pfa = PFA().fit(log)
    assert auc(log.correct, best.predict_proba(log)) > auc(log.correct, pfa.predict_proba(log)) + 0.05


def test_bad_hyperparameters_are_collected() -> None:
    with pytest.raises(ValueError, match=r"alpha.*beta.*n_passes"):
        Elo(alpha=0, beta=-1, n_passes=0).fit(mixed_log())
    with pytest.raises(ValueError, match=r"l2.*max_iter"):
        BestLR(l2=-1, max_iter=0).fit(mixed_log())
    with pytest.raises(ValueError, match=r"item_scale.*tol"):
        IRT2PL(item_scale=0, tol=0).fit(mixed_log())
