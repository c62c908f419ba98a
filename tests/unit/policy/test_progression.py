from datetime import UTC, datetime, timedelta, timezone

import pytest

from atpace.engine.graph import SkillGraph
from atpace.engine.policy import MasteryRule, Override, apply_override, progress

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def diamond() -> SkillGraph:
    # unit -> (equivalent, compare) -> add
    return SkillGraph.build(
        ["unit", "equivalent", "compare", "add"],
        [("unit", "equivalent"), ("unit", "compare"), ("equivalent", "add"), ("compare", "add")],
    )


def test_mastered_at_threshold_and_frontier_needs_all_prerequisites() -> None:
    state = progress(diamond(), {"unit": 0.95, "equivalent": 0.97, "compare": 0.9499})
    assert state.mastered == ("unit", "equivalent")
    assert state.frontier == ("compare",)


def test_threshold_is_configurable_per_course() -> None:
    state = progress(diamond(), {"unit": 0.9, "equivalent": 0.9, "compare": 0.9}, MasteryRule(0.9))
    assert state.frontier == ("add",)


def test_unlock_makes_a_skill_ready_and_lock_removes_it() -> None:
    unlock = Override("add", "unlock", "Ms Rivera", "knows it from last year", NOW)
    lock = Override("equivalent", "lock", "Ms Rivera", "we do this in class first", NOW)
    state = progress(diamond(), {"unit": 0.99}, overrides=[unlock, lock])
    assert state.frontier == ("compare", "add")
    assert state.unlocked == ("add",)
    assert state.locked == ("equivalent",)
    assert state.overrides["add"].by == "Ms Rivera"


def test_latest_override_of_a_skill_wins() -> None:
    first = Override("add", "unlock", "Ms Rivera", "try it", NOW)
    second = Override("add", "lock", "Mr Chen", "not yet", NOW + timedelta(hours=1))
    overrides = apply_override((first,), second)
    assert overrides == (second,)
    assert progress(diamond(), {}, overrides=[second, first]).locked == ("add",)


def test_override_round_trips_through_dict() -> None:
    override = Override("add", "unlock", "Ms Rivera", "ready", NOW)
    assert Override.from_dict(override.to_dict()) == override


def test_bad_override_lists_every_problem() -> None:
    with pytest.raises(ValueError) as caught:
        Override("add", "open", " ", "", datetime(2025, 3, 1, tzinfo=timezone(timedelta(hours=2))))  # type: ignore[arg-type]
    message = str(caught.value)
    for part in ("action='open'", "by must", "reason must", "UTC"):
        assert part in message


def test_unknown_skills_and_bad_probabilities_are_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown skill 'zzz'.*P\(learned\) of 'unit' is 1.5"):
        progress(diamond(), {"zzz": 0.2, "unit": 1.5})
    with pytest.raises(ValueError, match="threshold"):
        MasteryRule(1.0)


def test_a_cleared_override_leaves_the_skill_to_mastery() -> None:
    lock = Override("equivalent", "lock", "Ms Rivera", "we do this in class first", NOW)
    clear = Override("equivalent", "clear", "Ms Rivera", "done in class", NOW + timedelta(days=1))
    state = progress(diamond(), {"unit": 0.99}, overrides=[clear, lock])
    assert state.locked == () and "equivalent" in state.frontier and "equivalent" not in state.overrides
