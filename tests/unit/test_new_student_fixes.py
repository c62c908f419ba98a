"""Pure rules behind issue 11's new-student fixes: one key per question, item kinds varied in selection,
a lock icon that needs no emoji font, and a knowledge map that fits a phone."""

from __future__ import annotations

import itertools
import re

import pytest

from atpace.content.question_key import answer_value, prompt_numbers, question_key
from atpace.engine.graph import SkillGraph
from atpace.engine.policy import Candidate, select_item
from atpace.web.skillmap import render_map_views, render_skill_list, render_skill_map


def test_the_same_question_in_another_format_has_the_same_key() -> None:
    choice = question_key("What is 2/4 − 1/4?", "1/4")
    typed = question_key("2/4 − 1/4 = ?", "1/4")
    story = question_key("Sam has a ribbon 2/4 m long and cuts off 1/4 m.\nHow many meters are left?", "1/4")
    assert choice == typed == story


def test_other_numbers_or_another_answer_make_another_question() -> None:
    base = question_key("2/4 − 1/4 = ?", "1/4")
    assert question_key("3/4 − 1/4 = ?", "2/4") != base
    assert question_key("1/4 − 2/4 = ?", "-1/4") != base  # order of the numbers counts
    assert question_key("2/4 + 1/4 = ?", "3/4") != base  # same numbers, another operation
    assert question_key("1/2 − 1/4 = ?", "1/4") != base  # 1/2 is not written 2/4
    assert question_key("Which is larger?", "A") != question_key("Which is smaller?", "A")


def test_numbers_are_read_as_written_and_answers_by_value() -> None:
    assert prompt_numbers("What is 1 3/4 + 2.50 + 07?") == ("1 3/4", "2.50", "7")
    assert prompt_numbers("Fill in the missing number:\n3/5 = ?/10") == ("3/5", "10")
    assert answer_value("2/4") == answer_value("0.5") == answer_value("1/2") == "1/2"
    assert answer_value("1 1/2") == answer_value("3/2")
    assert answer_value("−3/4") == "-3/4"
    assert answer_value("<") == "<" and answer_value("Yes") == "yes"


def kinds_served(count: int, window: int = 6) -> list[str]:
    """Serve ``count`` items from a pool where multiple choice is always a little nearer the target."""
    pool = [Candidate(f"mc{n}", 0.74 - 0.001 * n, "multiple_choice") for n in range(20)]
    pool += [Candidate(f"fr{n}", 0.70 - 0.001 * n, "fraction") for n in range(20)]
    served: list[str] = []
    kinds: list[str] = []
    for _ in range(count):
        choice = select_item(pool, 0.8, served, recent_kinds=kinds[-window:])
        assert choice is not None
        served.append(choice.item_key)
        kinds.append(next(c.kind for c in pool if c.item_key == choice.item_key))
    return kinds


def test_selection_alternates_kinds_that_are_close_to_the_target() -> None:
    kinds = kinds_served(16)
    assert kinds.count("multiple_choice") == 8 and kinds.count("fraction") == 8
    assert all(a != b for a, b in itertools.pairwise(kinds))
    # Without the recent kinds, the nearest item always wins: all multiple choice (the reported problem).
    pool = [Candidate("mc", 0.74, "multiple_choice"), Candidate("fr", 0.70, "fraction")]
    assert select_item(pool, 0.8).item_key == "mc"  # type: ignore[union-attr]


def test_a_kind_far_from_the_target_is_not_forced_in() -> None:
    pool = [Candidate("mc", 0.78, "multiple_choice"), Candidate("fr", 0.40, "fraction")]
    choice = select_item(pool, 0.8, recent_kinds=["multiple_choice"] * 6)
    assert choice is not None and choice.item_key == "mc" and choice.why == "nearest target"
    near = [Candidate("mc", 0.78, "multiple_choice"), Candidate("fr", 0.71, "fraction")]
    choice = select_item(near, 0.8, recent_kinds=["multiple_choice"] * 6)
    assert choice is not None and choice.item_key == "fr" and choice.why == "kind balance"


def test_missed_items_still_come_back_before_kind_balance() -> None:
    pool = [Candidate("mc", 0.78, "multiple_choice"), Candidate("fr", 0.75, "fraction")]
    choice = select_item(pool, 0.8, missed_items=["mc"], recent_kinds=["multiple_choice"] * 3)
    assert choice is not None and choice.item_key == "mc" and choice.why == "missed before"


def test_kind_tolerance_is_checked() -> None:
    with pytest.raises(ValueError, match="kind_tolerance"):
        select_item([Candidate("a", 0.5, "fraction")], 0.8, kind_tolerance=1.5)


def small_graph() -> SkillGraph:
    return SkillGraph.build(["a", "b", "c"], [("a", "b"), ("a", "c")])


MAP_ARGS = {
    "names": {"a": "Unit fractions", "b": "Fractions of a whole", "c": "Compare"},
    "mastery": {"a": 0.97, "b": 0.4},
    "states": {"a": "mastered", "b": "in-progress", "c": "locked"},
}


def test_the_lock_is_an_svg_icon_with_a_name_not_an_emoji() -> None:
    svg = render_skill_map(small_graph(), **MAP_ARGS)  # type: ignore[arg-type]
    assert "🔒" not in svg
    assert re.search(r'<g class="lock-icon"[^>]*>.*?<title>locked</title>', svg)
    listing = render_skill_list(small_graph(), **MAP_ARGS)  # type: ignore[arg-type]
    assert "🔒" not in listing and 'class="lock-icon"' in listing and "locked" in listing


def test_map_links_are_not_nested_in_an_image_role() -> None:
    links = {"b": "/practice?skill=b"}
    svg = render_skill_map(small_graph(), links=links, **MAP_ARGS)  # type: ignore[arg-type]
    link = re.search(r'<a href="/practice\?skill=b"[^>]*>', svg)
    assert link is not None and "aria-label" in link.group(0)
    # A role="img" would hide the link from assistive technology (axe: nested-interactive).
    assert "<svg" in svg and not re.search(r'<svg[^>]*role="img"', svg)
    assert not re.search(r'<a [^>]*>\s*<g[^>]*role="img"', svg)


def test_map_views_have_a_focusable_scroll_region_and_a_list_of_every_skill() -> None:
    views = render_map_views(small_graph(), links={"b": "/practice?skill=b"}, **MAP_ARGS)  # type: ignore[arg-type]
    region = re.search(r'<div class="map-scroll map-drawing"[^>]*>', views)
    assert region is not None and 'tabindex="0"' in region.group(0) and 'role="region"' in region.group(0)
    listing = render_skill_list(small_graph(), links={"b": "/practice?skill=b"}, **MAP_ARGS)  # type: ignore[arg-type]
    assert listing in views and listing.count("<li") == 3
    assert '<a href="/practice?skill=b">Fractions of a whole</a>' in listing
    assert "97% mastery" in listing and "40% mastery" in listing and "3 skills" in views
    waiting = render_skill_list(small_graph(), **{**MAP_ARGS, "states": {"a": "in-progress"}})  # type: ignore[arg-type]
    assert "needs Unit fractions first" in waiting
