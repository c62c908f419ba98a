"""The queries behind "start a course from a framework": tree, prerequisites, codes and skill keys."""

from __future__ import annotations

import re

import pytest

from atpace.engine.graph import CycleError, SkillGraph
from atpace.interop.case import Framework, FrameworkItem, read_framework

from .packages import DOC, OWN, dump, item_id, minimal


def own() -> Framework:
    return read_framework(OWN.read_bytes())


def ids(framework: Framework, *codes: str) -> list[str]:
    found = [framework.item_by_code(code) for code in codes]
    return [item.identifier for item in found if item is not None]


def coded(framework: Framework, edges: list[tuple[str, str]]) -> list[tuple[str | None, str | None]]:
    return [(framework.item(a).human_coding_scheme, framework.item(b).human_coding_scheme) for a, b in edges]


def test_tree_orders_by_sequence_number_then_list_enumeration() -> None:
    framework = own()
    assert [(depth, item.human_coding_scheme) for depth, item in framework.outline()] == [
        (0, "F"),
        (1, "F.1"),  # sequenceNumber 1
        (1, "F.2"),  # sequenceNumber 2
        (1, "F.3"),  # no sequenceNumber: listEnumeration 3 before 10
        (2, "F.3a"),
        (1, "F.10"),
    ]
    (domain,) = framework.children(framework.document.identifier)
    assert [item.human_coding_scheme for item in framework.children(domain.identifier)] == [
        "F.1",
        "F.2",
        "F.3",
        "F.10",
    ]
    with pytest.raises(KeyError):
        framework.children("no-such-item")


def test_codes_are_compared_as_numbers_when_nothing_else_orders() -> None:
    framework = read_framework(dump(minimal(["F.10", "F.2", "F.1", "F.1a"])))
    assert [item.human_coding_scheme for item in framework.children(DOC)] == ["F.1", "F.1a", "F.2", "F.10"]


def test_precedes_chain_gives_prerequisite_edges() -> None:
    framework = own()
    everything = [item.identifier for item in framework.items]
    assert coded(framework, framework.precedes_edges(everything)) == [
        ("F.1", "F.2"),
        ("F.2", "F.3"),
        ("F.3", "F.10"),
    ]
    keys = {identifier: framework.skill_key_for(identifier) for identifier in everything}
    graph = SkillGraph.build(
        keys.values(), [(keys[a], keys[b]) for a, b in framework.precedes_edges(everything)]
    )
    assert graph.topological_order()[:3] == ["f", "f-1", "f-3a"]
    assert graph.prerequisites["f-10"] == {"f-3"}


def test_precedence_passes_through_items_left_out() -> None:
    framework = own()
    chosen = ids(framework, "F.10", "F.3", "F.1")
    assert coded(framework, framework.precedes_edges(chosen)) == [("F.1", "F.3"), ("F.3", "F.10")]
    assert coded(framework, framework.precedes_edges(ids(framework, "F.1", "F.10"))) == [("F.1", "F.10")]
    assert coded(framework, framework.precedes_edges(chosen, through_unchosen=False)) == [("F.3", "F.10")]
    assert framework.precedes_edges(ids(framework, "F", "F.3a")) == []
    assert framework.precedes_edges([]) == []
    with pytest.raises(KeyError):
        framework.precedes_edges([DOC])


def test_a_precedes_cycle_is_reported_and_refused() -> None:
    package = minimal(["F.1", "F.2", "F.3"], precedes=[("F.1", "F.2"), ("F.2", "F.3"), ("F.3", "F.1")])
    framework = read_framework(dump(package))
    assert (
        "CFAssociations: precedes associations form a cycle: F.1 -> F.2 -> F.3 -> F.1; these items are refused "
        "together"
    ) in framework.warnings
    with pytest.raises(CycleError) as caught:
        framework.precedes_edges([item_id(1), item_id(2), item_id(3)])
    assert caught.value.cycle == ["F.1", "F.2", "F.3", "F.1"]
    with pytest.raises(CycleError):  # the cycle closes through the item left out
        framework.precedes_edges([item_id(1), item_id(2)])
    assert coded(framework, framework.precedes_edges([item_id(1), item_id(2)], through_unchosen=False)) == [
        ("F.1", "F.2")
    ]


def test_an_item_that_precedes_itself_is_a_cycle() -> None:
    framework = read_framework(dump(minimal(["F.1"], precedes=[("F.1", "F.1")])))
    assert any("precedes associations form a cycle: F.1 -> F.1" in warning for warning in framework.warnings)
    with pytest.raises(CycleError) as caught:
        framework.precedes_edges([item_id(1)])
    assert caught.value.cycle == ["F.1", "F.1"]


def test_an_item_with_two_parents_is_shown_once_in_the_tree() -> None:
    package = minimal(["F.1", "F.2", "F.3"])
    package["CFAssociations"][2]["destinationNodeURI"] = {
        "identifier": item_id(2),
        "uri": "u2",
        "title": "F.2",
    }
    extra = dict(package["CFAssociations"][2], identifier="30000000-0000-4000-8000-000000000001")
    extra["destinationNodeURI"] = {"identifier": item_id(1), "uri": "u1", "title": "F.1"}
    package["CFAssociations"].append(extra)
    framework = read_framework(dump(package))
    assert [item.human_coding_scheme for item in framework.children(item_id(1))] == ["F.3"]
    assert [item.human_coding_scheme for item in framework.children(item_id(2))] == ["F.3"]
    assert [(depth, item.human_coding_scheme) for depth, item in framework.outline()] == [
        (0, "F.1"),
        (1, "F.3"),
        (0, "F.2"),
    ]


def test_an_is_child_of_cycle_still_shows_every_item() -> None:
    package = minimal(["F.1", "F.2", "F.3"])
    package["CFAssociations"][0]["destinationNodeURI"] = {
        "identifier": item_id(2),
        "uri": "u2",
        "title": "F.2",
    }
    package["CFAssociations"][1]["destinationNodeURI"] = {
        "identifier": item_id(1),
        "uri": "u1",
        "title": "F.1",
    }
    framework = read_framework(dump(package))
    assert [(depth, item.human_coding_scheme) for depth, item in framework.outline()] == [
        (0, "F.3"),
        (0, "F.1"),
        (1, "F.2"),
    ]
    assert any(
        w.startswith("CFAssociations: isChildOf associations form a cycle") for w in framework.warnings
    )


def test_ends_named_by_uri_or_in_another_case_resolve_to_local_items() -> None:
    package = minimal(["F.1", "F.2"], precedes=[("F.1", "F.2")])
    package["CFItems"][1]["uri"] = "https://example.org/items/two"
    package["CFAssociations"][2]["destinationNodeURI"] = {
        "uri": "https://example.org/items/two",
        "title": "F.2",
    }
    package["CFAssociations"][2]["originNodeURI"]["identifier"] = item_id(1).upper()
    framework = read_framework(dump(package))
    assert coded(framework, framework.precedes_edges([item_id(1), item_id(2)])) == [("F.1", "F.2")]


def test_skill_keys_are_slugs_of_codes() -> None:
    framework = own()
    assert [framework.skill_key_for(item) for _, item in framework.outline()] == [
        "f",
        "f-1",
        "f-2",
        "f-3",
        "f-3a",
        "f-10",
    ]


def test_skill_keys_are_unique_short_and_stable() -> None:
    long_code = "CCSS.Math.Content." + ".".join(["Very-Long-Part"] * 6)
    codes = ["F.1", "f 1", long_code, "Ä.1"]
    package = minimal(codes)
    package["CFItems"].append({"identifier": item_id(5), "fullStatement": "数学"})
    package["CFItems"].append(
        {
            "identifier": item_id(6),
            "fullStatement": "Add and subtract fractions with unlike denominators, using models.",
        }
    )
    first = read_framework(dump(package))
    keys = [first.skill_key_for(item) for item in first.items]
    assert keys == [
        first.skill_key_for(item.identifier) for item in read_framework(dump(package)).items
    ]  # stable
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) and len(key) <= 64 for key in keys)
    assert re.fullmatch(r"f-1-[0-9a-f]{8}", keys[0]) and re.fullmatch(r"f-1-[0-9a-f]{8}", keys[1])
    assert keys[2].startswith("ccss-math-content-very-long-part-") and len(keys[2]) == 64
    assert keys[3] == "a-1"
    assert re.fullmatch(r"item-[0-9a-f]{8}", keys[4])
    assert keys[5] == "add-and-subtract-fractions-with-unlike"


def test_short_name_prefers_the_abbreviated_statement() -> None:
    framework = own()
    unit = framework.item_by_code("F.1")
    assert unit is not None and unit.short_name() == "Unit fractions"
    item = FrameworkItem(
        identifier="x", full_statement="Place fractions on a number line between whole numbers."
    )
    assert item.short_name() == item.full_statement
    assert item.short_name(24) == "Place fractions on a…"
    assert len(item.short_name(24)) <= 24
