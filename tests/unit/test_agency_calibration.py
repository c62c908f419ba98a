"""Calibration rules and turned-around mistakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from atpace.engine import calibration as rules
from atpace.engine.turnaround import Answer, turnarounds

T0 = datetime(2027, 3, 1, 9, tzinfo=UTC)  # a Monday


def rated(skill: str, confidence: int, correct: bool, day: int = 0) -> rules.RatedAnswer:
    return rules.RatedAnswer(skill, confidence, correct, T0 + timedelta(days=day))


def test_sure_when_wrong_needs_five_sure_answers_and_thirty_percent_wrong() -> None:
    four = [rated("add", 4, False)] * 4
    assert not rules.per_skill(four)["add"].often_sure_when_wrong  # too few
    five = [rated("add", 3, False)] * 2 + [rated("add", 4, True)] * 3  # 2 of 5 wrong: 40%
    assert rules.per_skill(five)["add"].often_sure_when_wrong
    ten = [rated("add", 4, False)] * 2 + [rated("add", 4, True)] * 8  # 20% wrong
    assert not rules.per_skill(ten)["add"].often_sure_when_wrong
    unsure = [rated("add", 2, False)] * 6  # unsure answers do not count as sure
    assert not rules.per_skill(unsure)["add"].often_sure_when_wrong


def test_unsure_when_right_needs_five_unsure_answers_and_eighty_percent_right() -> None:
    yes = [rated("sub", 1, True)] * 4 + [rated("sub", 2, False)]  # 4 of 5 right: 80%
    assert rules.per_skill(yes)["sub"].often_unsure_when_right
    no = [rated("sub", 2, True)] * 3 + [rated("sub", 2, False)] * 2
    assert not rules.per_skill(no)["sub"].often_unsure_when_right


def test_advice_in_plain_words_in_course_order() -> None:
    answers = [rated("add", 4, False)] * 3 + [rated("add", 4, True)] * 2 + [rated("sub", 1, True)] * 5
    skills = rules.per_skill(answers)
    names = {"sub": "Subtracting", "add": "Adding", "mul": "Multiplying", "div": "Dividing"}
    advice = rules.advice(skills, {"mul": 4, "div": 1, "add": 3}, {"mul": 2, "div": 3, "add": 2}, names)
    assert [(a.skill_key, a.kind) for a in advice] == [
        ("sub", "unsure-when-right"), ("add", "sure-when-wrong"), ("mul", "rates-higher"), ("div", "rates-lower"),
    ]  # fmt: skip
    assert advice[1].text.startswith("You are often sure when wrong on Adding: check your work on Adding")
    assert "3 of 5 sure answers were wrong" in advice[1].text


def test_model_level_bounds() -> None:
    assert [rules.model_level(p, 0.95) for p in (None, 0.49, 0.5, 0.79, 0.8, 0.94, 0.95)] == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
    ]


def test_levels_weeks_and_student_summary() -> None:
    answers = [
        rated("a", 4, True, 0),
        rated("a", 4, False, 1),
        rated("a", 1, True, 8),
        rated("a", 2, True, 9),
    ]
    assert [(p.confidence, p.answers, p.right) for p in rules.by_level(answers)] == [
        (1, 1, 1), (2, 1, 1), (3, 0, 0), (4, 2, 1),
    ]  # fmt: skip
    assert rules.by_level(answers)[2].share_right is None
    weeks = rules.by_week(answers)
    assert [(w.week.isoformat(), w.sure, w.sure_right, w.unsure, w.unsure_right) for w in weeks] == [
        ("2027-03-01", 2, 1, 0, 0), ("2027-03-08", 0, 0, 2, 2),
    ]  # fmt: skip
    assert rules.summarise(answers).label == "too-few"
    overconfident = [rated("a", 4, False)] * 4 + [rated("b", 3, True)] * 6
    assert rules.summarise(overconfident).label == "sure-when-wrong"
    matched = [rated("a", 4, True)] * 8 + [rated("b", 1, False)] * 5
    assert rules.summarise(matched).label == "matched"
    mixed = [rated("a", 4, False)] * 5 + [rated("b", 1, True)] * 5
    assert rules.summarise(mixed).label == "mixed"


def test_turnaround_needs_a_wrong_answer_before_mastery_and_mastery_now() -> None:
    def at(hours: int) -> datetime:
        return T0 + timedelta(hours=hours)

    answers = [
        Answer("add", False, at(1)), Answer("add", True, at(2)), Answer("add", True, at(3)),
        Answer("sub", True, at(1)), Answer("sub", True, at(2)),  # never wrong: not a turnaround
        Answer("mul", True, at(1)), Answer("mul", False, at(9)),  # wrong only after mastery
        Answer("div", False, at(1)), Answer("div", True, at(4)),  # mastered once, not now
        Answer("frac", False, at(2)), Answer("frac", False, at(3)), Answer("frac", True, at(6)),
        Answer("new", False, at(1)),  # never mastered
    ]  # fmt: skip
    mastered_at = {"add": at(3), "sub": at(2), "mul": at(1), "div": at(4), "frac": at(6)}
    found = turnarounds(answers, mastered_at, {"add", "sub", "mul", "frac"})
    assert [(t.skill_key, t.wrong_before, t.answers_before) for t in found] == [("frac", 2, 3), ("add", 1, 3)]
    assert found[0].first_wrong_at == at(2) and found[0].mastered_at == at(6)
