"""The knowledge map: a skill graph drawn as an inline SVG, left (foundations) to right.

Columns are prerequisite depth; the order within a column is improved by a few barycenter sweeps
so that edges cross less. Nodes carry ``data-skill`` and ``data-state`` for tests and scripts.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from html import escape

from atpace.services.database import SkillGraph
from atpace.web.colors import MASTERY_LEGEND, mastery_color, text_color_on

NODE_W, NODE_H = 180, 58
COL_GAP, ROW_GAP = 64, 18
MARGIN, LEGEND_H = 16, 34
SWEEPS = 4


def _order_columns(graph: SkillGraph) -> list[list[str]]:
    """Layers by depth, reordered by the mean position of each node's neighbours (barycenter)."""
    columns = graph.layers()
    dependents = {skill: graph.dependents(skill) for skill in graph.skills}
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        indices = range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1)
        for i in indices:
            position = {skill: n for n, skill in enumerate(columns[i - 1] if forward else columns[i + 1])}
            keys: dict[str, tuple[float, int]] = {}
            for n, skill in enumerate(columns[i]):
                linked = graph.prerequisites[skill] if forward else dependents[skill]
                placed = [position[s] for s in linked if s in position]
                keys[skill] = (sum(placed) / len(placed) if placed else float(n), n)
            columns[i] = sorted(columns[i], key=keys.__getitem__)
    return columns


STATE_LABEL = {
    "mastered": "mastered",
    "ready": "ready to learn",
    "in-progress": "in progress",
    "locked": "locked by the teacher",
    "not-started": "needs its prerequisites first",
}


def render_skill_map(
    graph: SkillGraph,
    *,
    names: Mapping[str, str],
    mastery: Mapping[str, float],
    states: Mapping[str, str],
    recommended: str | None = None,
    links: Mapping[str, str] | None = None,
    title: str = "Knowledge map",
) -> str:
    """An inline ``<svg>`` of the skill graph coloured by mastery; every text is escaped.

    ``states`` gives each skill's state (a key of STATE_LABEL); a skill left out needs its prerequisites.
    """
    unknown = sorted(k for k, v in states.items() if v not in STATE_LABEL)
    if unknown:
        raise ValueError(f"unknown map state for skills {unknown}; states are {', '.join(STATE_LABEL)}")
    if not graph.skills:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 60" width="100%" role="img" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
            '<text x="16" y="34" font-size="14">No skills yet</text></svg>'
        )
    columns = _order_columns(graph)
    rows = max(len(column) for column in columns)
    width = 2 * MARGIN + len(columns) * NODE_W + (len(columns) - 1) * COL_GAP
    height = 2 * MARGIN + LEGEND_H + rows * NODE_H + (rows - 1) * ROW_GAP
    place: dict[str, tuple[float, float]] = {}
    for c, column in enumerate(columns):
        offset = (rows - len(column)) * (NODE_H + ROW_GAP) / 2  # centre short columns
        for r, skill in enumerate(column):
            place[skill] = (
                MARGIN + c * (NODE_W + COL_GAP),
                MARGIN + LEGEND_H + offset + r * (NODE_H + ROW_GAP),
            )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}" '
        f'class="skill-map" role="img" aria-label="{escape(title)}" font-family="system-ui, sans-serif">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a93a6"/></marker></defs>',
        _legend(),
    ]
    for skill in graph.skills:
        for before in sorted(graph.prerequisites[skill]):
            (x1, y1), (x2, y2) = place[before], place[skill]
            sx, sy, ex, ey = x1 + NODE_W, y1 + NODE_H / 2, x2 - 2, y2 + NODE_H / 2
            bend = (ex - sx) / 2
            parts.append(
                f'<path class="edge" data-from="{escape(before)}" data-to="{escape(skill)}" '
                f'd="M{sx:.0f},{sy:.0f} C{sx + bend:.0f},{sy:.0f} {ex - bend:.0f},{ey:.0f} {ex:.0f},{ey:.0f}" '
                'fill="none" stroke="#a3abbd" stroke-width="1.4" marker-end="url(#arrow)"/>'
            )
    for skill in graph.skills:
        state = states.get(skill, "not-started")
        parts.append(
            _node(
                skill,
                names.get(skill, skill),
                place[skill],
                state,
                mastery.get(skill),
                skill == recommended,
                links,
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def _node(
    skill: str,
    name: str,
    at: tuple[float, float],
    state: str,
    p: float | None,
    recommended: bool,
    links: Mapping[str, str] | None,
) -> str:
    x, y = at
    fill = mastery_color(p)
    ink = text_color_on(fill)
    percent = "not started" if p is None else f"{round(100 * p)}%"
    label = f"{name}: {percent} mastery, {STATE_LABEL[state]}" + (", recommended next" if recommended else "")
    stroke = {"mastered": ("#14532d", "3", ""), "ready": ("#2456c9", "2.5", ' stroke-dasharray="6 3"')}.get(
        state, ("#7a8aa8", "1.2", "")
    )
    if recommended:
        stroke = ("#2456c9", "3.5", "")
    if state in ("locked", "not-started") and p is None:
        # Not started and not yet open: muted grey ink on the light grey fill (still above 4.5:1).
        ink = "#4b5366"
    # A node with a mastery colour keeps black or white ink, whatever its state, so it stays readable.
    lines = textwrap.wrap(name, 22)[:2]
    if len(textwrap.wrap(name, 22)) > 2:
        lines[1] = lines[1][:20] + "…"
    text_y = y + (20 if len(lines) == 2 else 27)
    out = [
        f'<g class="skill {state}" data-skill="{escape(skill)}" data-state="{state}" role="img" '
        f'aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="9" fill="{fill}" '
        f'stroke="{stroke[0]}" stroke-width="{stroke[1]}"{stroke[2]}/>',
    ]
    for n, line in enumerate(lines):
        out.append(
            f'<text x="{x + 10:.0f}" y="{text_y + 15 * n:.0f}" font-size="12.5" font-weight="600" '
            f'fill="{ink}">{escape(line)}</text>'
        )
    marker = {"mastered": "✓ ", "locked": "🔒 ", "ready": "ready · "}.get(state, "")
    out.append(
        f'<text x="{x + 10:.0f}" y="{y + NODE_H - 7:.0f}" font-size="11" fill="{ink}">'
        f"{escape(marker)}{escape(percent)}</text>"
    )
    if recommended:
        bx = x + NODE_W - 44
        out.append(
            f'<g class="recommended"><rect x="{bx:.0f}" y="{y - 9:.0f}" width="48" height="18" rx="9" '
            f'fill="#2456c9"/><text x="{bx + 24:.0f}" y="{y + 4:.0f}" font-size="11" font-weight="700" '
            'fill="#ffffff" text-anchor="middle">next ★</text></g>'
        )
    out.append("</g>")
    body = "".join(out)
    if links and skill in links:
        return f'<a href="{escape(links[skill])}">{body}</a>'
    return body


def _legend() -> str:
    parts = ['<g class="legend" font-size="11">']
    x = MARGIN
    for label, colour in MASTERY_LEGEND:
        parts.append(
            f'<rect x="{x}" y="{MARGIN - 2}" width="14" height="14" rx="3" fill="{colour}" stroke="#7a8aa8"/>'
            f'<text x="{x + 19}" y="{MARGIN + 9}" fill="#1d2433">{escape(label)}</text>'
        )
        x += 34 + 7 * len(label)
    parts.append("</g>")
    return "".join(parts)
