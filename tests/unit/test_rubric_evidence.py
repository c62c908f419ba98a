"""The rubric evidence rule: a level becomes a credit, the credit a soft BKT observation."""

from __future__ import annotations

import itertools
import math

import pytest

from atpace.engine.bkt_online import BKTParams, update
from atpace.engine.evidence import KIND_INFO, level_credit, observe_credit

PARAMS = BKTParams()  # the defaults: prior 0.1, learn 0.1, guess 0.25, slip 0.1, forget 0
FITTED = BKTParams(prior=0.3, learn=0.2, guess=0.2, slip=0.15, forget=0.02)


@pytest.mark.parametrize(
    ("level", "count", "credit"),
    [
        (0, 2, 0.0),
        (1, 2, 1.0),
        (0, 3, 0.0),
        (1, 3, 0.5),
        (2, 3, 1.0),
        (1, 4, 1 / 3),
        (2, 4, 2 / 3),
        (3, 4, 1.0),
    ],
)
def test_levels_are_evenly_spaced_from_zero_to_one(level: int, count: int, credit: float) -> None:
    assert level_credit(level, count) == pytest.approx(credit)


@pytest.mark.parametrize(("level", "count"), [(0, 1), (0, 0), (-1, 3), (3, 3), (7, 4)])
def test_a_level_outside_the_scale_or_a_scale_of_one_level_is_refused(level: int, count: int) -> None:
    with pytest.raises(ValueError, match="level"):
        level_credit(level, count)


@pytest.mark.parametrize("params", [PARAMS, FITTED])
@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 0.9, 0.99])
def test_the_top_level_is_a_right_answer_and_the_lowest_a_wrong_one(params: BKTParams, p: float) -> None:
    assert observe_credit(p, 1.0, params) == pytest.approx(update(p, True, params), abs=1e-12)
    assert observe_credit(p, 0.0, params) == pytest.approx(update(p, False, params), abs=1e-12)


def test_default_parameters_give_the_documented_numbers() -> None:
    # docs/rubrics.md works this example: from the prior 0.10 on a four-level criterion.
    expected = {0: 0.1131, 1: 0.1945, 2: 0.2758, 3: 0.3571}
    assert {lv: round(observe_credit(0.1, level_credit(lv, 4), PARAMS), 4) for lv in range(4)} == expected
    # A student at 62%: "Proficient" (level 3 of 4) gives 67%, "Exemplary" (4 of 4) 87%.
    assert round(observe_credit(0.62, level_credit(2, 4), PARAMS), 4) == 0.6663
    assert round(observe_credit(0.62, level_credit(3, 4), PARAMS), 4) == 0.8691


@pytest.mark.parametrize("p", [0.05, 0.3, 0.62, 0.9])
def test_a_middle_level_lands_between_a_wrong_and_a_right_answer(p: float) -> None:
    middle = observe_credit(p, level_credit(1, 3), PARAMS)
    assert update(p, False, PARAMS) < middle < update(p, True, PARAMS)
    # Exactly the credit-weighted mix of the two posteriors, then the learning transition.
    wrong, right = observe_credit(p, 0.0, PARAMS), observe_credit(p, 1.0, PARAMS)
    assert middle == pytest.approx((wrong + right) / 2)


@pytest.mark.parametrize("params", [PARAMS, FITTED])
@pytest.mark.parametrize("p", [0.02, 0.4, 0.8])
def test_more_credit_never_means_less_mastery(params: BKTParams, p: float) -> None:
    values = [observe_credit(p, c / 20, params) for c in range(21)]
    assert all(a < b for a, b in itertools.pairwise(values))
    assert all(0.0 <= v <= 1.0 for v in values)


@pytest.mark.parametrize("credit", [-0.01, 1.01, math.nan, math.inf])
def test_a_credit_outside_zero_to_one_is_refused(credit: float) -> None:
    with pytest.raises(ValueError, match="credit"):
        observe_credit(0.5, credit, PARAMS)


def test_rubric_evidence_is_observed_but_no_attempt_and_no_review() -> None:
    info = KIND_INFO["rubric"]
    assert info.observed and not info.counts_as_attempt and not info.may_review
    assert info.label == "Rubric level"
