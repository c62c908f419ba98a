from datetime import UTC, datetime, timedelta

import pytest

from atpace.engine.graph import SkillGraph
from atpace.engine.policy import Override, ReviewState, choose, recommend

NOW = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)
NAMES = {
    "equivalent": "Equivalent fractions",
    "compare": "Compare fractions",
    "add": "Add fractions",
    "unit": "Unit fractions",
    "mixed": "Mixed numbers",
}


def graph() -> SkillGraph:
    return SkillGraph.build(
        ["unit", "equivalent", "compare", "add", "mixed"],
        [
            ("unit", "equivalent"),
            ("unit", "compare"),
            ("equivalent", "add"),
            ("compare", "add"),
            ("add", "mixed"),
        ],
    )


def test_every_recommendation_carries_a_reason_and_continue_ranks_first() -> None:
    review, _ = ReviewState.start("unit", NOW - timedelta(days=12))
    recs = recommend(
        graph(),
        {"unit": 0.99, "equivalent": 0.97, "compare": 0.62},
        NOW,
        skill_names=NAMES,
        current_skill="compare",
        reviews=[review],
    )
    assert [(r.kind, r.skill_key) for r in recs] == [("continue", "compare"), ("review", "unit")]
    assert recs[0].reason == "Continue: Compare fractions is at 62% mastery; mastered at 95%"
    assert recs[1].reason == "Review: last practised 12 days ago, predicted recall 76%"
    assert all(r.reason for r in recs)


def test_ready_reason_names_the_mastered_prerequisites() -> None:
    recs = recommend(graph(), {"unit": 0.99, "equivalent": 0.97, "compare": 0.96}, NOW, skill_names=NAMES)
    assert [(r.kind, r.skill_key, r.reason) for r in recs] == [
        ("new", "add", "Ready: you mastered Equivalent fractions and Compare fractions, so Add fractions is open to you")
    ]


def test_placement_first_for_a_new_student_and_all_ready_skills_listed() -> None:
    recs = recommend(graph(), {}, NOW, skill_names=NAMES, needs_placement=True)
    assert [r.kind for r in recs] == ["placement", "new"]
    assert recs[1].reason == "Ready: a starting skill, nothing needed first"


def test_student_may_pick_another_ready_skill_but_not_a_locked_one() -> None:
    lock = Override("compare", "lock", "Ms Rivera", "after the test", NOW)
    unlock = Override("mixed", "unlock", "Ms Rivera", "did it at home", NOW)
    recs = recommend(graph(), {"unit": 0.99}, NOW, skill_names=NAMES, overrides=[lock, unlock])
    assert [r.skill_key for r in recs] == ["equivalent", "mixed"]
    assert recs[1].reason == "Ready: unlocked by Ms Rivera (did it at home)"
    assert choose(recs, "mixed").skill_key == "mixed"
    with pytest.raises(ValueError, match="'compare' is not ready"):
        choose(recs, "compare")


def test_a_skill_that_fell_below_mastery_is_practised_not_also_reviewed() -> None:
    review, _ = ReviewState.start("unit", NOW - timedelta(days=12))  # due
    recs = recommend(graph(), {"unit": 0.9}, NOW, skill_names=NAMES, current_skill="unit", reviews=[review])
    assert [(r.kind, r.skill_key) for r in recs] == [("continue", "unit")]
