import itertools

import numpy as np
import pytest

from atpace.engine.bkt_online import BKTParams
from atpace.engine.graph import SkillGraph
from atpace.engine.policy import Placement, PlacementBank, PlacementConfig, PlacementState, SkillCalibration

SKILLS = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"]
PARAMS = BKTParams(guess=0.1, slip=0.05)


def chain_bank() -> PlacementBank:
    graph = SkillGraph.build(SKILLS, list(itertools.pairwise(SKILLS)))
    calibration = SkillCalibration(
        dict.fromkeys(SKILLS, 2.5), {k: -2.0 + 0.6 * i for i, k in enumerate(SKILLS)}, "test"
    )
    return PlacementBank(graph, calibration, dict.fromkeys(SKILLS, PARAMS))


def take(placement: Placement, knows: int, seed: int) -> tuple[PlacementState, dict[str, float]]:
    """A simulated student who knows the first ``knows`` skills of the chain answers with BKT noise."""
    rng = np.random.default_rng(seed)
    state = placement.start()
    while (skill := placement.next_skill(state)) is not None:
        learned = SKILLS.index(skill) < knows
        p = 1 - PARAMS.slip if learned else PARAMS.guess
        state = placement.record(state, skill, bool(rng.random() < p))
    return state, dict(placement.result(state).mastery)


@pytest.mark.parametrize(("knows", "right", "items"), [(0, 75, 43), (3, 79, 30), (6, 79, 39)])
def test_placement_converges_on_simulated_students(knows: int, right: int, items: int) -> None:
    # Ten students per level: skills classified right out of 80, and items used in all.
    placement = Placement(chain_bank())
    got_right = got_items = 0
    for seed in range(10):
        state, mastery = take(placement, knows, seed=100 * knows + seed)
        assert placement.finished(state)
        got_right += sum((mastery[k] >= 0.5) == (i < knows) for i, k in enumerate(SKILLS))
        got_items += len(state.answers)
    assert (got_right, got_items) == (right, items)


def test_first_item_is_the_most_informative_at_the_prior_mean() -> None:
    placement = Placement(chain_bank())
    assert placement.next_skill(placement.start()) == "s3"  # difficulty -0.2, nearest 0


def test_a_right_answer_raises_prerequisites_and_a_wrong_one_lowers_dependents() -> None:
    placement = Placement(chain_bank(), PlacementConfig(propagation=0.0))
    linked = Placement(chain_bank(), PlacementConfig(propagation=0.8))
    right = PlacementState(("s4",), (True,), 0.5, 0.8)
    wrong = PlacementState(("s4",), (False,), -0.5, 0.8)
    assert linked.result(right).mastery["s2"] > placement.result(right).mastery["s2"]
    assert linked.result(wrong).mastery["s6"] < placement.result(wrong).mastery["s6"]
    assert linked.result(right).mastery["s6"] == placement.result(right).mastery["s6"]


def test_state_round_trips_through_json_and_bad_answers_are_refused() -> None:
    placement = Placement(chain_bank())
    state = placement.record(placement.start(), "s3", True)
    assert PlacementState.from_json(state.to_json()) == state
    with pytest.raises(ValueError, match="'s3' was already asked"):
        placement.record(state, "s3", False)
    with pytest.raises(ValueError, match="'nope' is not in the placement bank"):
        placement.record(state, "nope", False)


def test_stops_at_the_item_limit() -> None:
    placement = Placement(chain_bank(), PlacementConfig(max_items=2, min_items=2, settled=0.0, se_stop=0.01))
    state, _ = take(placement, 4, seed=1)
    assert len(state.answers) == 2 and placement.result(state).stop_reason == "item limit"


def test_certain_answers_with_zero_guess_or_slip_stay_finite() -> None:
    bank = chain_bank()
    exact = PlacementBank(bank.graph, bank.calibration, dict.fromkeys(SKILLS, BKTParams(guess=0.0, slip=0.0)))
    placement = Placement(exact)
    for answer in (True, False):
        mastery = placement.result(PlacementState(("s3",), (answer,), 0.0, 0.8)).mastery
        assert all(0.0 < p < 1.0 for p in mastery.values())
        assert (mastery["s3"] > 0.99) is answer
