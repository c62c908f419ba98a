"""Items from the files teachers already have: GIFT, QTI 2.1/3.0 (items and content packages),
Canvas's QTI 1.2 quiz export, Aiken and a simple CSV. Pure parsing: no database, no disk, no network.

``parse_items`` never raises on bad content: it returns an :class:`ItemImport` whose ``problems``
(each with its file, line or element, and message) refuse the import, whose ``skipped`` lists every
question atpace cannot score by type and identifier, and whose ``warnings`` say what was imported
differently (partial credit dropped, images left out...). The caller imports ``items`` in one
transaction, and only when there is no problem.
"""

from __future__ import annotations

from atpace.interop.items.aiken import parse_aiken
from atpace.interop.items.csv_items import parse_csv
from atpace.interop.items.detect import detect_format
from atpace.interop.items.gift import parse_gift
from atpace.interop.items.qti import parse_qti
from atpace.interop.items.qti12 import parse_qti12
from atpace.interop.items.report import (
    FORMATS,
    ImportBuilder,
    ItemImport,
    ItemProblem,
    ItemWarning,
    SkippedInteraction,
)
from atpace.interop.items.safe import MAX_INPUT_BYTES

__all__ = [
    "FORMATS",
    "ItemImport",
    "ItemProblem",
    "ItemWarning",
    "SkippedInteraction",
    "detect_format",
    "parse_items",
]

_TEXT_READERS = {"gift": parse_gift, "aiken": parse_aiken, "csv": parse_csv}
_BYTE_READERS = {"qti": parse_qti, "qti12": parse_qti12}


def _decode(data: bytes, builder: ImportBuilder) -> str | None:
    """UTF-8 (a byte-order mark is dropped); a problem names the first line that is not."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        builder.problem("the file is not UTF-8 text (save it as UTF-8)", line=line)
        return None
    if "\x00" in text:
        builder.problem(
            "the file holds NUL characters: it is not a text file",
            line=text[: text.index("\x00")].count("\n") + 1,
        )
        return None
    return text.removeprefix("\ufeff")


def parse_items(data: bytes, filename: str, *, skill_key: str, format: str | None = None) -> ItemImport:
    """Read the items of one uploaded file; ``format`` is one of :data:`FORMATS`, or None to detect it.

    Every item gets ``skill_keys=(skill_key,)`` (a CSV row may name its own skill) and
    ``template_key=f"import-{format}"``.
    """
    if format is not None and format not in FORMATS:
        builder = ImportBuilder(str(format), skill_key, filename)
        builder.problem(f"unknown format {format!r}: use one of {', '.join(FORMATS)}")
        return builder.result()
    if len(data) > MAX_INPUT_BYTES:
        builder = ImportBuilder(format or "unknown", skill_key, filename)
        builder.problem(f"the file is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
        return builder.result()
    chosen = format or detect_format(data, filename)
    if chosen is None:
        builder = ImportBuilder("unknown", skill_key, filename)
        builder.problem(f"cannot tell the format from the content: name it ({', '.join(FORMATS)})")
        return builder.result()
    builder = ImportBuilder(chosen, skill_key, filename)
    if chosen in _BYTE_READERS:
        _BYTE_READERS[chosen](data, builder)
    else:
        text = _decode(data, builder)
        if text is not None:
            _TEXT_READERS[chosen](text, builder)
    result = builder.result()
    if not result.items and not result.problems and not result.skipped:
        builder.problem("the file holds no questions")
        result = builder.result()
    return result
