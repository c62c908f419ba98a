import xml.etree.ElementTree as ET

import pytest

from atpace.web.charts import BOTTOM, LEFT, RIGHT, TOP, Plot, line_chart, nice_max, sparkline

SVG = "{http://www.w3.org/2000/svg}"


def circles(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{SVG}circle"))


def test_points_map_to_plot_coordinates() -> None:
    svg = line_chart(
        [0.0, 5.0, 10.0], ["a", "b", "c"], title="T", desc="D", x_label="Week", y_label="Skills",
        y_max=10, width=400, height=200,
    )  # fmt: skip
    found = [(float(c.get("cx", "")), float(c.get("cy", ""))) for c in circles(svg)]
    bottom, top = 200 - BOTTOM, TOP
    middle = (top + bottom) / 2
    assert found == [(LEFT, bottom), ((LEFT + 400 - RIGHT) / 2, middle), (400 - RIGHT, top)]
    assert [c.get("data-value") for c in circles(svg)] == ["0.00", "5.00", "10.00"]
    line = next(ET.fromstring(svg).iter(f"{SVG}polyline"))
    assert line.get("points") == " ".join(f"{x:.1f},{y:.1f}" for x, y in found)


def test_plot_scale_clamps_and_centres_a_single_point() -> None:
    plot = Plot(300, 100, 4.0, left=0, right=0, top=0, bottom=0)
    assert plot.points([2.0]) == [(150.0, 50.0)]
    assert plot.y(8.0) == 0.0 and plot.y(-1.0) == 100.0  # outside the range: on the edge
    assert Plot(300, 100, 0.0).y(3.0) == 100.0 - BOTTOM  # no range: everything on the axis


def test_default_top_is_a_round_number_above_the_largest_value() -> None:
    assert [nice_max(v) for v in (0, 0.4, 1, 3, 7.5, 12, 21, 60, 101)] == [1, 1, 1, 5, 10, 20, 25, 100, 200]
    svg = line_chart([3.0, 7.0], ["w1", "w2"], title="T", desc="D", x_label="x", y_label="y")
    ticks = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("class") == "y-tick"]
    assert ticks == ["0", "2.5", "5", "7.5", "10"]


def test_accessible_title_description_and_axis_labels_are_escaped() -> None:
    svg = line_chart(
        [1.0], ["3 Mar"], title="Room <5> & co", desc="Mean skills", x_label="Week starting",
        y_label="Skills mastered", chart_id="growth",
    )  # fmt: skip
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "growth-title growth-desc"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Room <5> & co" and title.get("id") == "growth-title"
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text == "Mean skills"
    labels = {t.get("class"): t.text for t in root.iter(f"{SVG}text")}
    assert labels["x-label"] == "Week starting" and labels["y-label"] == "Skills mastered"
    assert labels["x-tick"] == "3 Mar"


def test_empty_series_draws_axes_and_says_so() -> None:
    svg = line_chart([], [], title="Nothing", desc="No practice yet", x_label="x", y_label="y")
    root = ET.fromstring(svg)
    assert circles(svg) == [] and list(root.iter(f"{SVG}polyline")) == []
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "empty"] == ["No data yet"]
    assert len([line for line in root.iter(f"{SVG}line") if line.get("class") == "axis"]) == 2


def test_labels_are_thinned_out_on_long_series() -> None:
    labels = [f"w{n}" for n in range(26)]
    svg = line_chart([float(n) for n in range(26)], labels, title="T", desc="D", x_label="x", y_label="y")
    shown = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("class") == "x-tick"]
    assert shown[0] == "w0" and shown[-1] == "w25" and len(shown) <= 14
    assert len(circles(svg)) == 26


def test_one_label_per_value() -> None:
    with pytest.raises(ValueError, match="one label per value"):
        line_chart([1.0, 2.0], ["a"], title="T", desc="D", x_label="x", y_label="y")


def test_sparkline_marks_the_last_value_and_is_named() -> None:
    svg = sparkline([0, 2, 4], label="Ann: now 4", y_max=4, width=106, height=26)
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Ann: now 4"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Ann: now 4"
    (dot,) = circles(svg)
    assert (float(dot.get("cx", "")), float(dot.get("cy", ""))) == (103.0, 3.0)
    line = next(root.iter(f"{SVG}polyline"))
    assert line.get("points") == "3.0,23.0 53.0,13.0 103.0,3.0"
    empty = sparkline([], label="No data")
    assert circles(empty) == [] and ET.fromstring(empty).get("aria-label") == "No data"
