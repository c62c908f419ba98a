import pytest

from atpace.engine.bkt_online import BKTParams
from atpace.engine.policy import Candidate, item_params, predicted_success, select_item

POOL = [Candidate("a", 0.95), Candidate("b", 0.82), Candidate("c", 0.7), Candidate("d", 0.4)]


def test_picks_the_item_nearest_the_target() -> None:
    assert select_item(POOL, 0.85).item_key == "b"  # type: ignore[union-attr]
    assert select_item(POOL, 0.5).item_key == "d"  # type: ignore[union-attr]
    assert select_item(POOL, 0.72).item_key == "c"  # type: ignore[union-attr]


def test_no_item_repeats_in_a_session() -> None:
    pick = select_item(POOL, 0.85, seen_in_session={"b"})
    assert pick is not None and pick.item_key == "a"
    assert select_item(POOL, 0.85, seen_in_session={"a", "b", "c", "d"}) is None


def test_missed_items_come_back_when_near_enough_to_the_target() -> None:
    pick = select_item(POOL, 0.8, missed_items=["d", "c"])
    assert pick is not None and (pick.item_key, pick.why) == ("c", "missed before")
    # d is 0.4 from the target: too far, and c was seen in this session: nearest target wins.
    pick = select_item(POOL, 0.8, seen_in_session={"c"}, missed_items=["d", "c"])
    assert pick is not None and (pick.item_key, pick.why) == ("b", "nearest target")


def test_ties_go_to_the_harder_item_then_the_key() -> None:
    pool = [Candidate("x", 1.0), Candidate("y", 0.5), Candidate("w", 0.5)]
    assert select_item(pool, 0.75).item_key == "w"  # type: ignore[union-attr]


def test_item_difficulty_shifts_guess_and_slip_on_the_logit_scale() -> None:
    params = BKTParams(guess=0.2, slip=0.1)
    harder = item_params(params, 1.0)
    assert harder.guess == pytest.approx(0.084224, abs=1e-6)
    assert harder.slip == pytest.approx(0.231969, abs=1e-6)
    assert item_params(params, 0.0) is params
    assert predicted_success(1.0, params, -1.0) == pytest.approx(0.960730, abs=1e-6)


def test_bad_input_is_refused_in_one_message() -> None:
    with pytest.raises(ValueError, match=r"target=1.2.*'z' has predicted_success=2"):
        select_item([Candidate("z", 2.0)], 1.2)
