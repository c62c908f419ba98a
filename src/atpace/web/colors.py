"""Colours for mastery: a sequential, colour-blind-safe ramp and readable text on it."""

from __future__ import annotations

NOT_STARTED = "#e4e7ec"
# Anchors from the viridis ramp, reversed so that more mastery reads darker (light yellow -> deep blue).
_RAMP = ("#fde725", "#b5de2b", "#6ece58", "#35b779", "#1f9e89", "#26828e", "#31688e", "#3e4989", "#482878")

MASTERY_LEGEND: list[tuple[str, str]] = [
    ("not started", NOT_STARTED),
    ("0-25%", "#d8e219"),
    ("25-50%", "#6ece58"),
    ("50-75%", "#1f9e89"),
    ("75-95%", "#31688e"),
    ("mastered", "#482878"),
]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def mastery_color(p: float | None) -> str:
    """The ramp colour for a mastery probability; light grey when never practised."""
    if p is None:
        return NOT_STARTED
    position = min(max(p, 0.0), 1.0) * (len(_RAMP) - 1)
    low = int(position)
    high = min(low + 1, len(_RAMP) - 1)
    share = position - low
    a, b = _rgb(_RAMP[low]), _rgb(_RAMP[high])
    mixed = (round(x + (y - x) * share) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color_on(background_hex: str) -> str:
    """Black or white, whichever contrasts more with the background."""
    return max(("#000000", "#ffffff"), key=lambda text: contrast(text, background_hex))
