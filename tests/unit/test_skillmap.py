import itertools
import xml.etree.ElementTree as ET

from atpace.engine.graph import SkillGraph
from atpace.web.colors import MASTERY_LEGEND, contrast, mastery_color, text_color_on
from atpace.web.skillmap import NODE_H, NODE_W, render_skill_map

SVG = "{http://www.w3.org/2000/svg}"


def sample() -> tuple[SkillGraph, str]:
    graph = SkillGraph.build(
        ["a", "b", "c", "d", "e"], [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e")]
    )
    svg = render_skill_map(
        graph,
        names={"a": "Unit <fractions> & more", "b": "B", "c": "C", "d": "D", "e": "E"},
        mastery={"a": 0.97, "b": 0.4},
        states={"a": "mastered", "b": "in-progress", "c": "ready", "e": "locked"},
        recommended="b",
        links={"b": "/practice?skill=b&x=1"},
    )
    return graph, svg


def nodes(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.get("data-skill", ""): g for g in root.iter(f"{SVG}g") if g.get("data-skill")}


def test_states_badges_links_and_escaping() -> None:
    _, svg = sample()
    found = nodes(svg)
    assert {k: g.get("data-state") for k, g in found.items()} == {
        "a": "mastered", "b": "in-progress", "c": "ready", "d": "not-started", "e": "locked",
    }  # fmt: skip
    assert [k for k, g in found.items() if g.find(f"{SVG}g[@class='recommended']") is not None] == ["b"]
    texts = "".join(t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text"))
    assert "Unit <fractions>" in texts  # escaped in the markup, round-trips through a parser
    links = [a.get("href") for a in ET.fromstring(svg).iter(f"{SVG}a")]
    assert links == ["/practice?skill=b&x=1"]
    assert "97%" in found["a"].find(f"{SVG}title").text  # type: ignore[union-attr, operator]


def test_one_edge_per_prerequisite_and_layout_left_to_right() -> None:
    graph, svg = sample()
    root = ET.fromstring(svg)
    edges = {
        (p.get("data-from"), p.get("data-to")) for p in root.iter(f"{SVG}path") if p.get("class") == "edge"
    }
    assert edges == {(p, s) for s, pres in graph.prerequisites.items() for p in pres}
    boxes = {k: g.find(f"{SVG}rect") for k, g in nodes(svg).items()}
    xy = {k: (float(r.get("x", 0)), float(r.get("y", 0))) for k, r in boxes.items() if r is not None}
    for skill, pres in graph.prerequisites.items():
        assert all(xy[p][0] + NODE_W < xy[skill][0] for p in pres)
    keys = list(xy)
    for i, one in enumerate(keys):
        for other in keys[i + 1 :]:
            (x1, y1), (x2, y2) = xy[one], xy[other]
            assert abs(x1 - x2) >= NODE_W or abs(y1 - y2) >= NODE_H, (one, other)


def test_empty_graph_is_a_valid_svg() -> None:
    svg = render_skill_map(SkillGraph.build([], []), names={}, mastery={}, states={})
    assert "No skills yet" in ET.fromstring(svg).find(f"{SVG}text").text  # type: ignore[union-attr, operator]


def test_colour_ramp_darkens_and_text_stays_readable() -> None:
    from atpace.web.colors import _luminance

    ramp = [mastery_color(p / 20) for p in range(21)]
    lum = [_luminance(c) for c in ramp]
    assert all(a > b for a, b in itertools.pairwise(lum))
    for colour in [*ramp, mastery_color(None), *(c for _, c in MASTERY_LEGEND)]:
        assert contrast(colour, text_color_on(colour)) >= 4.5


def test_unknown_state_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match=r"unknown map state for skills \['a'\]"):
        render_skill_map(SkillGraph.build(["a"], []), names={}, mastery={}, states={"a": "held"})
