from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from atpace.engine.policy import ReviewState, due_reviews, rating_for, review_slot

MASTERED = datetime(2025, 3, 1, 15, 0, tzinfo=UTC)


def test_correctness_and_confidence_map_to_fsrs_ratings() -> None:
    assert rating_for(False, "high") is Rating.Again
    assert rating_for(True, "low") is Rating.Hard
    assert rating_for(True, used_hint=True) is Rating.Hard
    assert rating_for(True) is Rating.Good
    assert rating_for(True, "high") is Rating.Easy


def test_mastery_schedules_the_first_review() -> None:
    state, log = ReviewState.start("add", MASTERED)
    assert log.rating is Rating.Good
    assert state.card.due == datetime(2025, 3, 3, 15, 0, tzinfo=UTC)
    assert not state.is_due(MASTERED + timedelta(days=1))
    assert state.is_due(MASTERED + timedelta(days=2))


def test_a_wrong_review_brings_the_skill_back_sooner_than_a_right_one() -> None:
    state, _ = ReviewState.start("add", MASTERED)
    later = MASTERED + timedelta(days=3)
    wrong, _ = state.record(False, later)
    right, _ = state.record(True, later, confidence="high")
    assert wrong.card.due < right.card.due
    assert state.card.last_review == MASTERED  # the input state is unchanged


def test_due_reviews_lowest_recall_first_with_days_since() -> None:
    old, _ = ReviewState.start("compare", MASTERED - timedelta(days=12))
    recent, _ = ReviewState.start("add", MASTERED)
    now = MASTERED + timedelta(days=3)
    due = due_reviews([recent, old], now)
    assert [d.skill_key for d in due] == ["compare", "add"]
    assert due[0].days_since == 15
    assert due[0].recall == pytest.approx(0.7348, abs=1e-4)
    assert review_slot(4, due) == due[0]
    assert review_slot(3, due) is None


def test_state_round_trips_through_json() -> None:
    state, _ = ReviewState.start("add", MASTERED)
    again = ReviewState.from_json(state.to_json())
    assert again.card.to_dict() == state.card.to_dict() and again.skill_key == "add"


def test_naive_or_non_utc_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="UTC"):
        ReviewState.start("add", datetime(2025, 3, 1))


def test_only_a_due_or_wrong_answer_after_the_sitting_counts_as_a_review() -> None:
    state, _ = ReviewState.start("add", MASTERED)
    same_sitting = MASTERED + timedelta(hours=1)
    assert not state.counts_as_review(True, same_sitting)
    assert not state.counts_as_review(False, same_sitting)  # still the sitting where it was mastered
    next_day = MASTERED + timedelta(days=1)  # not yet due (due after 2 days)
    assert not state.counts_as_review(True, next_day)
    assert state.counts_as_review(False, next_day)  # forgetting shows before the due date
    assert state.counts_as_review(True, state.card.due)


def test_days_since_read_as_a_student_reads_them() -> None:
    state, _ = ReviewState.start("add", MASTERED)
    assert [due_reviews([state], MASTERED + timedelta(days=d))[0].ago for d in (2, 3)] == [
        "2 days ago",
        "3 days ago",
    ]
    one = due_reviews([state], MASTERED + timedelta(days=2))[0]
    assert replace(one, days_since=1).ago == "1 day ago" and replace(one, days_since=0).ago == "today"
