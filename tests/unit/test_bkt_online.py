import json

import pytest

from atpace.engine.bkt_online import BKTParams, SkillParameters, posterior, predict_correct, update


def test_update_matches_hand_computed_bkt_step() -> None:
    params = BKTParams(prior=0.3, learn=0.2, guess=0.25, slip=0.1)
    # correct: 0.3*0.9 / (0.3*0.9 + 0.7*0.25) = 0.27/0.445
    conditioned = 0.27 / 0.445
    assert posterior(0.3, True, params) == pytest.approx(conditioned)
    assert update(0.3, True, params) == pytest.approx(conditioned + (1 - conditioned) * 0.2)
    # wrong: 0.3*0.1 / (0.03 + 0.7*0.75)
    wrong = 0.03 / (0.03 + 0.525)
    assert update(0.3, False, params) == pytest.approx(wrong + (1 - wrong) * 0.2)
    assert predict_correct(0.3, params) == pytest.approx(0.3 * 0.9 + 0.7 * 0.25)


def test_forgetting_lowers_the_learned_state() -> None:
    with_forget = BKTParams(forget=0.1)
    assert update(0.9, True, with_forget) < update(0.9, True, BKTParams())


def test_bad_parameters_are_collected_in_one_error() -> None:
    with pytest.raises(ValueError, match=r"prior=1.5.*slip=-0.1"):
        BKTParams(prior=1.5, slip=-0.1)
    with pytest.raises(ValueError, match="guess \\+ slip"):
        BKTParams(guess=0.6, slip=0.5)


def test_parameters_round_trip_as_versioned_json() -> None:
    params = SkillParameters(by_skill={"add": BKTParams(prior=0.1, learn=0.3)}, source="fitted")
    text = params.to_json()
    assert json.loads(text)["version"] == 1
    back = SkillParameters.from_json(text)
    assert back.for_skill("add") == BKTParams(prior=0.1, learn=0.3)
    assert back.for_skill("unknown") == BKTParams()
    with pytest.raises(ValueError, match="format"):
        SkillParameters.from_json('{"version": 1}')
