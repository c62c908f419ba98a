import pytest

from atpace.engine.policy import ModeConfig, choose_mode


def test_standard_until_enough_answers() -> None:
    decision = choose_mode([True, True])
    assert (decision.mode, decision.target, decision.set_by) == ("standard", 0.8, "recent answers")


def test_flying_through_gets_challenge_with_a_lower_target() -> None:
    decision = choose_mode([False, True, True, True, True, True])
    assert (decision.mode, decision.target) == ("challenge", 0.7)
    assert decision.reason == "Challenge mode: 5 right answers in a row, so the questions get harder"


def test_struggling_gets_support_with_hints_and_worked_example_first() -> None:
    decision = choose_mode([True, True, False, False, False])
    assert (decision.mode, decision.target, decision.worked_example_first) == ("support", 0.9, True)
    low = choose_mode([False, True, False, True, False])
    assert low.mode == "support" and low.reason.startswith("Support mode: 2 of your last 5 answers")


def test_teacher_setting_wins() -> None:
    decision = choose_mode([True] * 5, teacher_override="support")
    assert (decision.mode, decision.set_by, decision.reason) == (
        "support",
        "teacher",
        "Support mode: set by your teacher",
    )
    explained = choose_mode([], teacher_override="challenge", teacher_reason=" ready for more ")
    assert explained.reason == "Challenge mode: set by your teacher (ready for more)"


def test_mixed_answers_stay_standard() -> None:
    assert choose_mode([True, False, True, True, False]).mode == "standard"


def test_bad_config_lists_problems() -> None:
    with pytest.raises(ValueError, match=r"challenge <= standard <= support"):
        ModeConfig(targets={"standard": 0.8, "challenge": 0.9, "support": 0.95})
    with pytest.raises(ValueError, match="teacher_override"):
        choose_mode([], teacher_override="turbo")  # type: ignore[arg-type]
