"""The heatmap's cells as HTML, built in Python: a class of 35 students and 60 skills has 2,100 cells, and
rendering them through the template took longer than loading the data (docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from markupsafe import Markup, escape

from atpace.web.templating import cell_style, percent


def heatmap_cells(
    skills: Sequence[tuple[str, str]],
    mastery: dict[str, float | None],
    states: dict[str, str],
    stuck: dict[str, str],
    confirmed: Collection[str] = (),
) -> Markup:
    """One student's row of cells: colour and number, a bold border when mastered, ⏸ when a teacher paused
    the skill, ⚠ with a spoken reason when stuck (never colour alone)."""
    cells = []
    for key, name in skills:
        p, state, reason = mastery[key], states[key], stuck.get(key)
        classes = "cell" + (" mastered" if state == "mastered" else "") + (" held" if state == "held" else "")
        title = f"{name}: {percent(p) if p is not None else 'not started'}"
        marks = ""
        if state == "held":
            title += " · paused by a teacher"
            marks += "⏸ "
        if state == "check-needed":  # at the threshold, waiting for the class's required check
            title += " · mastered, check needed (not counted yet)"
            marks += '<span aria-hidden="true">?</span><span class="visually-hidden">check needed;</span> '
        elif key in confirmed:
            title += " · mastery confirmed by a check"
            marks += '<span aria-hidden="true">✓</span><span class="visually-hidden">confirmed;</span> '

        stuck_attribute = ""
        if reason:
            classes += " stuck"
            title += f" · stuck: {reason}"
            stuck_attribute = f' data-stuck="{escape(reason)}"'
            marks += (
                f'<span class="stuck-mark" aria-hidden="true">⚠</span>'
                f'<span class="visually-hidden">stuck: {escape(reason)};</span> '
            )
        number = "" if p is None else str(round(p * 100))
        cells.append(
            f'<td class="{classes}" style="{cell_style(p)}" data-state="{escape(state)}"{stuck_attribute}'
            f' title="{escape(title)}">{marks}{number}</td>'
        )
    return Markup("".join(cells))
