"""Jinja2 templates with the filters the pages share."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates

from atpace.services.limits import RESPONSE_MAX
from atpace.web.colors import mastery_color, text_color_on

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)}%"


def when(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%d %b %Y, %H:%M")


def cell_style(value: float | None) -> str:
    # A heatmap has thousands of cells: the style of a value rounded to 1/1000 is worked out once.
    return _cell_style(None if value is None else round(value, 3))


@functools.lru_cache(maxsize=2048)
def _cell_style(value: float | None) -> str:
    background = mastery_color(value)
    return f"background:{background};color:{text_color_on(background)}"


def sentence(text: str) -> str:
    """A message as a sentence: first letter capital (service messages start in lower case)."""
    return text[:1].upper() + text[1:]


def ordinal(position: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th" (positions in an ordering question)."""
    suffix = "th" if 10 <= position % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(position % 10, "th")
    return f"{position}{suffix}"


# The student's "how sure are you?" scale, as asked on the answer form and shown to the teacher.
CONFIDENCE_LABELS = {1: "Guessing", 2: "Unsure", 3: "Fairly sure", 4: "Certain"}

templates.env.filters["percent"] = percent
templates.env.filters["sentence"] = sentence
templates.env.globals["CONFIDENCE_LABELS"] = CONFIDENCE_LABELS
# The longest answer the server takes: answer inputs carry it as maxlength, so one limit holds both sides.
templates.env.globals["RESPONSE_MAX"] = RESPONSE_MAX
templates.env.filters["when"] = when
templates.env.filters["cell_style"] = cell_style
templates.env.filters["ordinal"] = ordinal
