"""The knowledge map: a skill graph drawn as an inline SVG, left (foundations) to right.

Columns are prerequisite depth; the order within a column is improved by a few barycenter sweeps
so that edges cross less. Nodes carry ``data-skill`` and ``data-state`` for tests and scripts.

A course's map is wider than a phone, and often wider than a laptop's page: ``render_map_views`` puts
the drawing in a keyboard-scrollable region and adds the same skills as a list, which the stylesheet
shows instead of the drawing on small screens (app.css, ``.map-list``).
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
    "confirmed": "mastered, confirmed by a check",
    "check-needed": "mastered, check needed",
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
    # role="group", not "img": an image's content is presentational, and the nodes hold links (axe's
    # nested-interactive). Each node is an image with its own name, or a link named the same way.
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" width="{width}" '
        f'height="{height:.0f}" class="skill-map" role="group" aria-label="{escape(title)}" '
        'font-family="system-ui, sans-serif">',
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
    linked = bool(links and skill in links)
    # A linked node is named by its link; an image inside a link would be a second stop for a screen reader.
    named = "" if linked else f' role="img" aria-label="{escape(label)}"'
    out = [
        f'<g class="skill {state}" data-skill="{escape(skill)}" data-state="{state}"{named}>',
        f"<title>{escape(label)}</title>",
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="9" fill="{fill}" '
        f'stroke="{stroke[0]}" stroke-width="{stroke[1]}"{stroke[2]}/>',
    ]
    for n, line in enumerate(lines):
        out.append(
            f'<text x="{x + 10:.0f}" y="{text_y + 15 * n:.0f}" font-size="12.5" font-weight="600" '
            f'fill="{ink}">{escape(line)}</text>'
        )
    marker = {"mastered": "✓ ", "ready": "ready · "}.get(state, "")
    text_x = x + 10
    if state == "locked":  # a drawn padlock: an emoji shows as an empty box where no emoji font is installed
        out.append(_lock_icon(text_x, y + NODE_H - 17, ink))
        text_x += 15
    out.append(
        f'<text x="{text_x:.0f}" y="{y + NODE_H - 7:.0f}" font-size="11" fill="{ink}">'
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
    if links and linked:
        return f'<a href="{escape(links[skill])}" aria-label="{escape(label)}">{body}</a>'
    return body


LOCK_PATH = (
    # A padlock in a 12 x 12 box: the shackle (an arch) over the body (a rounded square).
    '<path d="M3.5 5.5V4a2.5 2.5 0 0 1 5 0v1.5" fill="none" stroke-width="1.4" stroke="currentColor"/>'
    '<rect x="2" y="5.5" width="8" height="6" rx="1.2" fill="currentColor"/>'
)


def _lock_icon(x: float, y: float, ink: str) -> str:
    """The padlock drawn inside a map node at (x, y), 12 px square, named "locked"."""
    return (
        f'<g class="lock-icon" role="img" aria-label="locked" transform="translate({x:.0f} {y:.0f})" '
        f'color="{ink}"><title>locked</title>{LOCK_PATH}</g>'
    )


def lock_icon_svg() -> str:
    """The padlock as an inline ``<svg>`` for HTML text (the map's list view, pages), named "locked"."""
    return (
        '<svg class="lock-icon" role="img" aria-label="locked" viewBox="0 0 12 12" width="12" height="12" '
        f'focusable="false"><title>locked</title>{LOCK_PATH}</svg>'
    )


def render_skill_list(
    graph: SkillGraph,
    *,
    names: Mapping[str, str],
    mastery: Mapping[str, float],
    states: Mapping[str, str],
    recommended: str | None = None,
    links: Mapping[str, str] | None = None,
) -> str:
    """The map's skills as an ordered list, foundations first (the map's columns, top to bottom).

    Each entry says what the drawing shows: mastery, state, what it still needs, the recommended one.
    """
    items = []
    for column in _order_columns(graph):
        for skill in column:
            name = escape(names.get(skill, skill))
            state = states.get(skill, "not-started")
            p = mastery.get(skill)
            title = f'<a href="{escape(links[skill])}">{name}</a>' if links and skill in links else name
            details = ["not started" if p is None else f"{round(100 * p)}% mastery", STATE_LABEL[state]]
            waiting = [names.get(k, k) for k in graph.skills if k in graph.prerequisites[skill]]
            if state == "not-started" and waiting:
                listed = ", ".join(waiting[:-1]) + " and " + waiting[-1] if len(waiting) > 1 else waiting[0]
                details[1] = f"needs {listed} first"
            icon = lock_icon_svg() + " " if state == "locked" else ""
            next_badge = ' <span class="pill ready">next ★</span>' if skill == recommended else ""
            items.append(
                f'<li data-skill="{escape(skill)}" data-state="{state}"><span class="name">{icon}{title}</span>'
                f'{next_badge} <span class="muted">{escape("; ".join(details))}</span></li>'
            )
    return f'<ol class="map-list">{"".join(items)}</ol>'


def render_map_views(
    graph: SkillGraph,
    *,
    names: Mapping[str, str],
    mastery: Mapping[str, float],
    states: Mapping[str, str],
    recommended: str | None = None,
    links: Mapping[str, str] | None = None,
    title: str = "Knowledge map",
) -> str:
    """The drawn map in a scroll region a keyboard can reach, and the same skills as a list.

    The stylesheet shows the drawing on wide screens and the list on phones, where a drawing many
    columns wide would show one node at a time.
    """
    drawing = render_skill_map(
        graph, names=names, mastery=mastery, states=states, recommended=recommended, links=links, title=title
    )
    listing = render_skill_list(
        graph, names=names, mastery=mastery, states=states, recommended=recommended, links=links
    )
    return (
        '<p class="map-hint muted">From starting skills on the left to the skills that build on them. '
        f"Scroll sideways, or focus the map and use the arrow keys, to see all {len(graph.skills)} skills.</p>"
        # tabindex: a scroll region must be reachable from the keyboard (axe: scrollable-region-focusable).
        f'<div class="map-scroll map-drawing" tabindex="0" role="region" aria-label="{escape(title)} (scrolls sideways)">'
        f"{drawing}</div>{listing}"
    )


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
