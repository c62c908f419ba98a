"""Small charts drawn on the server as inline SVG: a line chart with axes, and sparklines.

Every chart is an image to assistive technology (``role="img"``) named by a ``<title>`` and described by a
``<desc>``; every text is escaped. Pages show the same numbers in a table next to the chart, so nothing is
told by the drawing alone. Points carry ``data-value`` for tests and scripts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

LEFT, RIGHT, TOP, BOTTOM = 56, 28, 16, 52  # the line chart's margins around the plot area
INK, MUTED, GRID, LINE = "#1f2937", "#4b5366", "#d8dde8", "#2456c9"
MAX_X_LABELS = 13


@dataclass(frozen=True)
class Plot:
    """Where the plot area sits in the SVG and the value at its top."""

    width: float
    height: float
    y_max: float
    left: float = LEFT
    right: float = RIGHT
    top: float = TOP
    bottom: float = BOTTOM

    @property
    def inner_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> float:
        return self.height - self.top - self.bottom

    def x(self, index: int, count: int) -> float:
        """The n-th of ``count`` points spread from the left edge to the right (a single one: centred)."""
        if count <= 1:
            return self.left + self.inner_width / 2
        return self.left + self.inner_width * index / (count - 1)

    def y(self, value: float) -> float:
        """0 at the bottom of the plot area, ``y_max`` at its top (values outside are clamped)."""
        share = min(max(value / self.y_max, 0.0), 1.0) if self.y_max > 0 else 0.0
        return self.top + self.inner_height * (1 - share)

    def points(self, values: Sequence[float]) -> list[tuple[float, float]]:
        return [(self.x(n, len(values)), self.y(v)) for n, v in enumerate(values)]


def nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^n (n >= 0) at or above ``value``; at least 1."""
    if not math.isfinite(value) or value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _label_every(count: int) -> int:
    return max(1, math.ceil(count / MAX_X_LABELS))


def line_chart(
    values: Sequence[float],
    labels: Sequence[str],
    *,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    y_max: float | None = None,
    width: int = 640,
    height: int = 280,
    chart_id: str = "chart",
) -> str:
    """An inline ``<svg>`` line chart of ``values`` (one per label), y from 0 to ``y_max`` (default: a
    round number at or above the largest value)."""
    if len(values) != len(labels):
        raise ValueError(f"line_chart needs one label per value: {len(values)} values, {len(labels)} labels")
    plot = Plot(width, height, y_max if y_max is not None else nice_max(max(values, default=0.0)))
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'class="line-chart" role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(desc)}</desc>',
    ]
    bottom, right = plot.top + plot.inner_height, plot.left + plot.inner_width
    # Grid and y ticks: 0, a quarter ... the top.
    for n in range(5):
        value = plot.y_max * n / 4
        y = plot.y(value)
        parts.append(
            f'<line class="grid" x1="{plot.left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text class="y-tick" x="{plot.left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="{MUTED}">{escape(_number(value))}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{plot.left:.1f}" y1="{plot.top:.1f}" x2="{plot.left:.1f}" y2="{bottom:.1f}" '
        f'stroke="{INK}"/><line class="axis" x1="{plot.left:.1f}" y1="{bottom:.1f}" x2="{right:.1f}" '
        f'y2="{bottom:.1f}" stroke="{INK}"/>'
    )
    every = _label_every(len(labels))
    for n, label in enumerate(labels):
        if n % every == 0 or n == len(labels) - 1:
            parts.append(
                f'<text class="x-tick" x="{plot.x(n, len(labels)):.1f}" y="{bottom + 16:.1f}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
            )
    parts.append(
        f'<text class="x-label" x="{plot.left + plot.inner_width / 2:.1f}" y="{height - 8}" '
        f'text-anchor="middle" fill="{INK}">{escape(x_label)}</text>'
        f'<text class="y-label" x="14" y="{plot.top + plot.inner_height / 2:.1f}" text-anchor="middle" '
        f'fill="{INK}" transform="rotate(-90 14 {plot.top + plot.inner_height / 2:.1f})">{escape(y_label)}</text>'
    )
    if not values:
        parts.append(
            f'<text class="empty" x="{plot.left + plot.inner_width / 2:.1f}" '
            f'y="{plot.top + plot.inner_height / 2:.1f}" text-anchor="middle" fill="{MUTED}">No data yet</text>'
        )
    else:
        coords = plot.points(values)
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline class="series" points="{path}" fill="none" stroke="{LINE}" stroke-width="2.5"/>'
        )
        for (x, y), value, label in zip(coords, values, labels, strict=True):
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{LINE}" '
                f'data-value="{value:.2f}"><title>{escape(label)}: {value:.1f}</title></circle>'
            )
    parts.append("</svg>")
    return "".join(parts)


def sparkline(
    values: Sequence[float], *, label: str, y_max: float | None = None, width: int = 120, height: int = 32
) -> str:
    """A tiny line without axes (``label`` names it for assistive technology); the last point is marked."""
    plot = Plot(
        width,
        height,
        y_max if y_max is not None else nice_max(max(values, default=0.0)),
        left=3,
        right=3,
        top=3,
        bottom=3,
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" class="sparkline" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{plot.left}" y1="{plot.y(0):.1f}" x2="{width - plot.right}" y2="{plot.y(0):.1f}" '
        f'stroke="{GRID}"/>',
    ]
    if values:
        coords = plot.points(values)
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        x, y = coords[-1]
        parts.append(
            f'<polyline class="series" points="{path}" fill="none" stroke="{LINE}" stroke-width="1.8"/>'
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{LINE}" data-value="{values[-1]:.2f}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
