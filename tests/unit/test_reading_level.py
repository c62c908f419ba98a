"""The reading-level rule, version picking and readability figures (engine, pure)."""

from __future__ import annotations

import pytest

from atpace.engine import readability, reading_level
from atpace.engine.reading_level import TextResult, estimate, pick_version, starting_level


def test_the_level_starts_from_the_teacher_then_the_student_grade_then_the_course() -> None:
    assert starting_level(6.5, "04", "3-6") == 6.5
    assert starting_level(None, "04", "3-6") == 4.0
    assert starting_level(None, "", "3-6") == 3.0
    assert starting_level(None, "K", "") == reading_level.LEVEL_MIN  # kindergarten, kept within 1..12
    assert starting_level(None, "", "") == reading_level.DEFAULT_LEVEL
    assert starting_level(30, "", "") == reading_level.LEVEL_MAX


def test_the_response_model_gives_three_in_four_right_at_the_reader_s_level() -> None:
    assert reading_level.p_right(5.0, 5.0) == pytest.approx(0.75, abs=0.002)
    assert reading_level.p_right(5.0, 4.0) == pytest.approx(0.909, abs=0.002)
    assert reading_level.p_right(5.0, 6.0) == pytest.approx(0.475, abs=0.002)


def test_without_texts_the_level_is_the_start() -> None:
    assert estimate(4.0, []) == 4.0
    assert estimate(30.0, []) == reading_level.LEVEL_MAX


def test_texts_read_well_move_the_level_up_and_badly_move_it_down() -> None:
    all_right = [TextResult(4, 4, 4.0), TextResult(4, 4, 4.5)]
    assert estimate(4.0, all_right[:1]) == 5.7
    assert estimate(4.0, all_right) == 6.3
    all_wrong = [TextResult(0, 4, 4.0), TextResult(0, 4, 4.5)]
    assert estimate(4.0, all_wrong) == reading_level.LEVEL_MIN  # clamped
    three_in_four = [TextResult(3, 4, 4.0)] * 6
    assert estimate(4.0, three_in_four) == pytest.approx(4.0, abs=0.2)  # as expected: the level stays


def test_a_hard_version_read_well_says_more_than_an_easy_one() -> None:
    up = estimate(4.0, [TextResult(4, 4, 7.0)])
    at = estimate(4.0, [TextResult(4, 4, 4.0)])
    down = estimate(4.0, [TextResult(4, 4, 1.5)])
    assert up > at > down >= 4.0
    assert estimate(4.0, [TextResult(0, 4, 7.0)]) > estimate(
        4.0, [TextResult(0, 4, 4.0)]
    )  # failing a stretch text


def test_a_result_must_be_a_real_one() -> None:
    with pytest.raises(ValueError):
        TextResult(5, 4, 4.0)
    with pytest.raises(ValueError):
        TextResult(0, 0, 4.0)


def test_the_level_stays_within_1_and_13() -> None:
    assert estimate(13.0, [TextResult(4, 4, 13.0)] * 5) <= reading_level.LEVEL_MAX
    assert estimate(1.0, [TextResult(0, 4, 1.0)] * 5) >= reading_level.LEVEL_MIN


def test_the_version_for_a_level_is_the_hardest_not_more_than_half_a_grade_above() -> None:
    grades = [3.0, 5.2, 8.0]
    assert pick_version(grades, 1.0) == 0  # all harder: the easiest
    assert pick_version(grades, 4.7) == 1
    assert pick_version(grades, 4.6) == 0
    assert pick_version(grades, 7.5) == 2
    assert pick_version(grades, 12.0) == 2
    assert pick_version([4.0, 13.0], reading_level.LEVEL_MAX) == 1  # the top level reaches a college version
    with pytest.raises(ValueError):
        pick_version([], 4.0)


def test_readability_figures_of_a_simple_and_a_dense_text() -> None:
    simple = readability.measure("The cat sat. The dog ran. We had fun in the sun.")
    dense = readability.measure(
        "Photosynthesis, the biochemical process converting electromagnetic radiation into chemical energy, "
        "fundamentally sustains terrestrial ecosystems and atmospheric composition."
    )
    assert (simple.words, simple.sentences, simple.words_per_sentence) == (12, 3, 4.0)
    assert simple.letters_per_word == pytest.approx(34 / 12, abs=0.01)
    assert simple.estimated_grade < dense.estimated_grade
    assert simple.flesch_kincaid_grade < dense.flesch_kincaid_grade
    assert simple.dale_chall < dense.dale_chall
    assert simple.grade_band in ("K-1", "2-3") and dense.grade_band == "college"
    with pytest.raises(ValueError):
        readability.measure("... !!! 123")


def test_grade_bands_cover_the_scale() -> None:
    assert [readability.grade_band(g) for g in (0, 1.5, 2, 4, 6, 9, 11, 12.5, 13)] == [
        "K-1", "K-1", "2-3", "4-5", "6-8", "9-10", "11-12", "11-12", "college",
    ]  # fmt: skip
