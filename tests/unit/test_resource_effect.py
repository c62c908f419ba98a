"""What followed a learning resource: the users' gain over their next answers against non-users in the same
window, and "too few to tell" below the minimum."""

from datetime import UTC, datetime, timedelta

import pytest

from atpace.engine.resource_effect import AttemptPoint, resource_effect

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def trace(*gains: float, start: float = 0.2, at: datetime = T0) -> list[AttemptPoint]:
    """Answers one minute apart, each moving P(learned) by the given gain."""
    points, p = [], start
    for n, gain in enumerate(gains):
        points.append(AttemptPoint(at + timedelta(minutes=n), p, p + gain))
        p += gain
    return points


def test_users_gain_over_their_next_five_answers_against_others_in_the_same_window() -> None:
    # Users: two answers before using it (gain 0.01 each), then five answers gaining 0.06 each.
    used_at = T0 + timedelta(minutes=1, seconds=30)
    users = {n: trace(0.01, 0.01, 0.06, 0.06, 0.06, 0.06, 0.06) for n in range(5)}
    # Others: the same two early answers, then 0.02 a step; measured from their third answer too.
    others = {10 + n: trace(0.01, 0.01, 0.02, 0.02, 0.02, 0.02, 0.02, 0.5) for n in range(6)}
    effect = resource_effect(dict.fromkeys(users, used_at), users | others)
    assert effect.enough
    assert effect.used.students == 5 and effect.used.mean_gain == pytest.approx(0.30)
    assert effect.others.students == 6 and effect.others.mean_gain == pytest.approx(0.10)
    assert effect.difference == pytest.approx(0.20)
    assert effect.text == (
        "+30 points mastery in the next 5 answers after using it (5 students), against +10 points for 6 "
        "students who did not use it"
    )


def test_too_few_students_on_either_side_is_too_few_to_tell() -> None:
    users = {n: trace(0.05, 0.05, 0.05, 0.05, 0.05) for n in range(4)}
    others = {10 + n: trace(0.02, 0.02, 0.02, 0.02, 0.02) for n in range(9)}
    effect = resource_effect(dict.fromkeys(users, T0), users | others)
    assert not effect.enough and effect.difference is None
    assert effect.text == "too few to tell: 4 measurable after using it and 9 without (5 of each needed)"


def test_users_without_five_answers_since_are_not_yet_counted() -> None:
    users = {n: trace(0.05, 0.05, 0.05) for n in range(6)}  # only three answers after using it
    effect = resource_effect(dict.fromkeys(users, T0), users)
    assert effect.used.students == 0 and effect.used.mean_gain is None and not effect.enough


def test_answers_before_the_use_do_not_count_for_the_user() -> None:
    late = T0 + timedelta(minutes=10)
    points = trace(0.1, 0.1, 0.1, 0.1, 0.1)  # all before the use
    effect = resource_effect({1: late}, {1: points}, minimum=1)
    assert effect.used.students == 0


def test_invalid_window_is_refused() -> None:
    with pytest.raises(ValueError):
        resource_effect({}, {}, next_attempts=0)
