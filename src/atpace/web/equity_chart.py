"""The equity report's chart: one horizontal bar per subgroup, drawn on the server as inline SVG.

Like atpace.web.charts: an image to assistive technology (``role="img"``, ``<title>`` and ``<desc>``), every
text escaped, each bar labelled with its value in text (nothing is told by colour), a hidden group drawn as a
labelled gap saying why. The page's table gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from atpace.web.charts import GRID, INK, LINE, MUTED, nice_max

LABEL_WIDTH, VALUE_WIDTH, ROW, TOP = 250, 70, 30, 14
TOTAL_FILL = "#6b7280"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden (``note`` says why)
    note: str = ""
    total: bool = False  # the "All students" bar, drawn in grey and first


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(
    bars: Sequence[Bar], *, title: str, desc: str, unit: str, chart_id: str, width: int = 680
) -> str:
    """An inline ``<svg>``: a bar per group, lengths from 0 to a round maximum."""
    top = nice_max(max((b.value for b in bars if b.value is not None), default=0.0))
    plot = width - LABEL_WIDTH - VALUE_WIDTH
    height = TOP + ROW * max(len(bars), 1) + 24
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" class="bar-chart" '
        f'role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" font-family="system-ui, sans-serif" '
        'font-size="12">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(desc)}</desc>',
    ]
    bottom = TOP + ROW * max(len(bars), 1)
    for n in range(5):
        x = LABEL_WIDTH + plot * n / 4
        parts.append(
            f'<line class="grid" x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{GRID}"/>'
            f'<text class="x-tick" x="{x:.1f}" y="{bottom + 14:.1f}" text-anchor="middle" fill="{MUTED}">'
            f"{escape(_number(top * n / 4))}</text>"
        )
    for i, bar in enumerate(bars):
        y = TOP + ROW * i
        middle = y + ROW / 2 + 4
        weight = ' font-weight="bold"' if bar.total else ""
        parts.append(
            f'<text class="bar-label" x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" fill="{INK}"'
            f"{weight}>{escape(bar.label)}</text>"
        )
        if bar.value is None:
            parts.append(
                f'<text class="hidden-group" x="{LABEL_WIDTH + 6}" y="{middle:.1f}" fill="{MUTED}" '
                f'font-style="italic">{escape(bar.note)}</text>'
            )
            continue
        length = plot * min(bar.value / top, 1.0) if top > 0 else 0.0
        parts.append(
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 6}" width="{length:.1f}" height="{ROW - 12}" '
            f'fill="{TOTAL_FILL if bar.total else LINE}" data-value="{bar.value:.2f}">'
            f"<title>{escape(bar.label)}: {escape(_number(bar.value))} {escape(unit)}</title></rect>"
            f'<text class="bar-value" x="{LABEL_WIDTH + length + 6:.1f}" y="{middle:.1f}" fill="{INK}">'
            f"{escape(_number(bar.value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
