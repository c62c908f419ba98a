"""Mastery checks on demand: the offer rule, item spread, pass rule and the required-check progression rule."""

from datetime import UTC, datetime, timedelta

import pytest

from atpace.engine.graph import SkillGraph
from atpace.engine.policy import AnswerRecord, awaiting_check, progress, recommend
from atpace.engine.policy.checks import CheckRule

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
RULE = CheckRule()


def answers(*results: bool) -> list[AnswerRecord]:
    return [AnswerRecord(ok, 0.5, 0.6, NOW + timedelta(minutes=n)) for n, ok in enumerate(results)]


def chain() -> SkillGraph:
    return SkillGraph.build(["unit", "equivalent", "add"], [("unit", "equivalent"), ("equivalent", "add")])


def test_the_rule_s_numbers() -> None:
    assert (RULE.items, RULE.pass_min, RULE.margin, RULE.streak) == (4, 3, 0.15, 3)


def test_just_mastered_is_offered_without_a_streak() -> None:
    offer = RULE.offer(0.96, 0.95, answers(False))
    assert offer.ready and "reached mastery (96%)" in offer.reason


def test_nearly_mastered_needs_the_margin_and_three_right_in_a_row() -> None:
    assert RULE.offer(0.81, 0.95, answers(True, True, True)).ready
    assert not RULE.offer(0.79, 0.95, answers(True, True, True)).ready  # below 95% - 15 points
    refused = RULE.offer(0.9, 0.95, answers(True, False, True))
    assert not refused.ready and "80% mastery with your last 3 answers right (now 90%)" in refused.reason


def test_after_a_failed_check_three_new_right_answers_are_needed_even_at_mastery() -> None:
    assert not RULE.offer(0.97, 0.95, answers(True, True), failed_before=True).ready
    assert RULE.offer(0.97, 0.95, answers(True, True, True), failed_before=True).ready


def test_confirmed_and_paused_skills_are_not_offered() -> None:
    assert "already confirmed" in RULE.offer(0.99, 0.95, [], confirmed=True).reason
    assert not RULE.offer(0.99, 0.95, [], paused=True).ready


def test_items_spread_over_the_difficulty_range() -> None:
    candidates = [(n, d) for n, d in enumerate([0.5, -2.0, 1.0, 0.0, 2.0, -1.0, 1.5])]
    assert RULE.pick(candidates) == (1, 3, 2, 4)  # difficulties -2, 0, 1, 2: evenly over the sorted 7
    with pytest.raises(ValueError, match="needs 4 unseen items, only 3 left"):
        RULE.pick(candidates[:3])


def test_pass_needs_three_right_and_mastery_at_the_threshold() -> None:
    assert RULE.verdict([True, True, True, False], 0.96, 0.95).passed
    low = RULE.verdict([True, True, False, False], 0.99, 0.95)
    assert not low.passed and low.reason.startswith("2 of 4 right; a pass needs 3")
    below = RULE.verdict([True, True, True, True], 0.93, 0.95)
    assert not below.passed and "mastery is 93%, below 95%" in below.reason


def test_invalid_rules_are_refused() -> None:
    with pytest.raises(ValueError):
        CheckRule(items=2, pass_min=3)


def test_a_required_check_holds_a_skill_back_from_progression_until_confirmed() -> None:
    graph = chain()
    mastery = {"unit": 0.97, "equivalent": 0.2}
    unconfirmed = awaiting_check(graph.skills, confirmed=set(), check_required=True)
    held = progress(graph, mastery, unconfirmed=unconfirmed)
    assert held.mastered == () and held.checks_needed == ("unit",)
    assert held.state("unit", True) == "check-needed"
    assert held.frontier == ("unit",)  # still to finish: the dependent is not ready yet
    confirmed = progress(graph, mastery, unconfirmed=awaiting_check(graph.skills, {"unit"}, True))
    assert confirmed.mastered == ("unit",) and confirmed.frontier == ("equivalent",)
    assert awaiting_check(graph.skills, set(), check_required=False) == frozenset()
    assert progress(graph, mastery).mastered == ("unit",)  # no requirement: mastered at the threshold


def test_recommendations_follow_the_same_rule() -> None:
    graph = chain()
    mastery = {"unit": 0.97}
    free = recommend(graph, mastery, NOW)
    held = recommend(graph, mastery, NOW, unconfirmed={"unit", "equivalent", "add"})
    assert [r.skill_key for r in free] == ["equivalent"]
    assert [r.skill_key for r in held] == ["unit"]
