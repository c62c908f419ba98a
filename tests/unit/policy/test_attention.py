"""The "who needs me now" rule: stuck, inactive and ready for a mastery check (docs/policy.md)."""

from datetime import UTC, datetime, timedelta

import pytest

from atpace.engine.policy import AnswerRecord, AttentionRule

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
RULE = AttentionRule()


def answers(
    pattern: str, *, start: datetime | None = None, p: float = 0.3, step: float = 0.0
) -> list[AnswerRecord]:
    """Answers oldest first, one a minute ending at ``NOW`` (or from ``start``): "x" wrong, "o" right.
    Mastery starts at ``p`` and moves by ``step`` per answer."""
    first = start if start is not None else NOW - timedelta(minutes=len(pattern))
    records = []
    for n, mark in enumerate(pattern):
        before = p + n * step
        records.append(AnswerRecord(mark == "o", before, before + step, first + timedelta(minutes=n)))
    return records


def test_four_wrong_in_a_row_is_stuck_with_the_reason_in_words() -> None:
    reason = RULE.stuck(answers("oxxxx", step=0.05), mastered=False, now=NOW)
    assert reason is not None
    assert reason.kind == "wrong-streak"
    assert reason.text == "missed the last 4 answers in a row"
    assert reason.since == NOW - timedelta(minutes=4)  # the first wrong answer of the run


def test_three_wrong_in_a_row_is_not_stuck() -> None:
    assert RULE.stuck(answers("oxxx", step=0.05), mastered=False, now=NOW) is None


def test_a_right_answer_breaks_the_streak() -> None:
    assert RULE.stuck(answers("xxxxo", step=0.05), mastered=False, now=NOW) is None
    assert RULE.stuck(answers("xxoxx", step=0.05), mastered=False, now=NOW) is None


def test_a_longer_streak_is_counted_in_full() -> None:
    reason = RULE.stuck(answers("oxxxxxx", step=0.02), mastered=False, now=NOW)
    assert reason is not None and reason.text == "missed the last 6 answers in a row"


def test_ten_answers_without_mastery_moving_is_stuck() -> None:
    flat = answers("oxoxoxoxox", p=0.40, step=0.01)  # 40% to 50%: less than 15 points
    reason = RULE.stuck(flat, mastered=False, now=NOW)
    assert reason is not None
    assert reason.kind == "no-progress"
    assert reason.text == "10 answers without mastery moving (40% to 50%)"


def test_ten_answers_that_move_mastery_are_not_stuck() -> None:
    assert RULE.stuck(answers("oxoxoxoxox", p=0.40, step=0.02), mastered=False, now=NOW) is None  # +20 points


def test_nine_flat_answers_are_not_enough_to_judge() -> None:
    assert RULE.stuck(answers("oxoxoxoxo", p=0.40, step=0.0), mastered=False, now=NOW) is None


def test_a_mastered_skill_is_never_stuck() -> None:
    assert RULE.stuck(answers("xxxxxx"), mastered=True, now=NOW) is None
    assert RULE.stuck(answers("oxoxoxoxox", p=0.96), mastered=True, now=NOW) is None


def test_answers_older_than_the_horizon_do_not_count() -> None:
    old = answers("xxxx", start=NOW - timedelta(days=15))
    assert RULE.stuck(old, mastered=False, now=NOW) is None
    # Two old misses and two recent ones: the recent run is only 2 long.
    mixed = answers("xx", start=NOW - timedelta(days=20)) + answers("xx")
    assert RULE.stuck(mixed, mastered=False, now=NOW) is None
    # The same four misses within the horizon are a streak.
    recent = answers("xxxx", start=NOW - timedelta(days=13))
    assert RULE.stuck(recent, mastered=False, now=NOW) is not None


def test_the_rule_is_configurable() -> None:
    strict = AttentionRule(wrong_in_a_row=3, window=5, min_gain=0.2, horizon=timedelta(days=3))
    assert strict.stuck(answers("oxxx"), mastered=False, now=NOW) is not None
    assert strict.stuck(answers("oxoxo", step=0.03), mastered=False, now=NOW) is not None  # 15 < 20 points
    assert strict.answers_needed() == 5
    assert RULE.answers_needed() == 10


@pytest.mark.parametrize(
    "kwargs",
    [{"wrong_in_a_row": 1}, {"window": 1}, {"min_gain": 0.0}, {"check_margin": 1.5}, {"check_streak": 0}],
)
def test_nonsense_rules_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        AttentionRule(**kwargs)  # type: ignore[arg-type]


def test_inactivity_in_whole_days() -> None:
    assert RULE.inactive_for(None, NOW) == -1  # never practised
    assert RULE.inactive_for(NOW - timedelta(days=5, hours=1), NOW) == 5
    assert RULE.inactive_for(NOW - timedelta(days=12), NOW) == 12
    assert RULE.inactive_for(NOW - timedelta(days=4, hours=23), NOW) is None
    assert RULE.inactive_for(NOW - timedelta(minutes=3), NOW) is None


def test_ready_for_check_close_to_mastery_with_a_run_of_right_answers() -> None:
    ready = RULE.ready_for_check(answers("xooo"), p_learned=0.85, threshold=0.95)
    assert ready is not None
    assert ready.text == "close to mastery (85%) with the last 3 answers right"


def test_not_ready_for_check_when_far_from_mastery_already_mastered_or_a_recent_miss() -> None:
    assert RULE.ready_for_check(answers("oooo"), p_learned=0.70, threshold=0.95) is None  # 25 points short
    assert RULE.ready_for_check(answers("oooo"), p_learned=0.96, threshold=0.95) is None  # mastered
    assert RULE.ready_for_check(answers("ooxo"), p_learned=0.90, threshold=0.95) is None  # a miss in the run
    assert RULE.ready_for_check(answers("oo"), p_learned=0.90, threshold=0.95) is None  # too few answers
