"""The goal forecast: answers to mastery through the BKT update, days from the recent pace."""

from __future__ import annotations

from datetime import date

import pytest

from atpace.engine.bkt_online import BKTParams, update
from atpace.engine.forecast import (
    MAX_ANSWERS,
    SkillOutlook,
    answers_to_mastery,
    skill_goal_forecast,
    time_goal_forecast,
    weekday_phrase,
)

PARAMS = BKTParams()  # prior 0.1, learn 0.1, guess 0.25, slip 0.1
MONDAY = date(2027, 3, 1)


def test_all_right_answers_reach_mastery_in_four_from_scratch() -> None:
    p = 0.1
    for _ in range(3):
        p = update(p, True, PARAMS)
    assert p < 0.95  # three are not enough ...
    assert answers_to_mastery(0.1, 1.0, PARAMS, 0.95) == 4  # ... the fourth is


def test_lower_accuracy_needs_more_answers_and_too_low_never_arrives() -> None:
    high = answers_to_mastery(0.1, 0.9, PARAMS, 0.95)
    mid = answers_to_mastery(0.1, 0.75, PARAMS, 0.95)
    assert high is not None and mid is not None and 4 < high < mid <= MAX_ANSWERS
    assert answers_to_mastery(0.1, 0.3, PARAMS, 0.95) is None  # about the guess rate: not learning


def test_already_close_needs_one_answer_and_bad_accuracy_is_refused() -> None:
    assert answers_to_mastery(0.94, 1.0, PARAMS, 0.95) == 1
    with pytest.raises(ValueError, match="accuracy"):
        answers_to_mastery(0.5, 1.5, PARAMS, 0.95)


def outlook(
    key: str, needed: int | None, *, mastered: bool = False, accuracy: float | None = 0.8
) -> SkillOutlook:
    return SkillOutlook(key, key.title(), 0.99 if mastered else 0.3, mastered, accuracy, needed)


def test_skill_goal_date_is_the_answers_needed_over_the_pace() -> None:
    result = skill_goal_forecast([outlook("a", 6), outlook("b", 4), outlook("c", 0, mastered=True)], 5.0,
                                 date(2027, 3, 10), MONDAY)  # fmt: skip
    assert result.answers_needed == 10 and result.reach_on == date(2027, 3, 3)  # 10 answers / 5 a day
    assert result.on_track is True
    assert "on Wednesday" in result.reason and "5.0 answers a day" in result.reason


def test_skill_goal_after_its_date_is_not_on_track() -> None:
    result = skill_goal_forecast([outlook("a", 30)], 2.0, date(2027, 3, 5), MONDAY)
    assert result.reach_on == date(2027, 3, 16) and result.on_track is False


def test_skill_goal_without_pace_accuracy_or_progress_has_no_date() -> None:
    no_pace = skill_goal_forecast([outlook("a", 8)], 0.0, date(2027, 3, 5), MONDAY)
    assert no_pace.reach_on is None and no_pace.answers_needed == 8 and "practise" in no_pace.reason
    stuck = skill_goal_forecast([outlook("a", None)], 3.0, date(2027, 3, 5), MONDAY)
    assert stuck.reach_on is None and "does not reach mastery of A" in stuck.reason
    unknown = skill_goal_forecast([outlook("a", None, accuracy=None)], 3.0, date(2027, 3, 5), MONDAY)
    assert unknown.reach_on is None and "answer a few questions first" in unknown.reason
    done = skill_goal_forecast([outlook("a", 0, mastered=True)], 0.0, date(2027, 3, 5), MONDAY)
    assert done.reach_on == MONDAY and done.on_track is True


def test_time_goal_projects_this_week() -> None:
    reached = time_goal_forecast(60, 70.0, 10.0, date(2027, 4, 1), MONDAY)
    assert reached.reach_on == MONDAY and reached.on_track is True
    # 40 minutes left at 10 a day: today counts, so Thursday
    on_time = time_goal_forecast(60, 20.0, 10.0, date(2027, 4, 1), MONDAY)
    assert on_time.reach_on == date(2027, 3, 4) and on_time.on_track is True
    late = time_goal_forecast(120, 0.0, 10.0, date(2027, 4, 1), MONDAY)
    assert late.reach_on == date(2027, 3, 12) and late.on_track is False  # after Sunday 7 March
    idle = time_goal_forecast(60, 0.0, 0.0, date(2027, 4, 1), MONDAY)
    assert idle.reach_on is None and idle.on_track is False and "60 minutes to go" in idle.reason
    with pytest.raises(ValueError):
        time_goal_forecast(0, 0.0, 1.0, date(2027, 4, 1), MONDAY)


def test_weekday_phrase() -> None:
    assert weekday_phrase(MONDAY, MONDAY) == "today"
    assert weekday_phrase(date(2027, 3, 2), MONDAY) == "tomorrow"
    assert weekday_phrase(date(2027, 3, 4), MONDAY) == "on Thursday"
    assert weekday_phrase(date(2027, 3, 14), MONDAY) == "on 14 March 2027"
