"""A simple CSV of items, one row per item, for teachers who keep questions in a spreadsheet.

The first row names the columns (any order, any case). Required: ``kind``, ``prompt``, ``answer``.
Optional: ``choices``, ``hints``, ``worked_solution``, ``skill``, ``key``, ``difficulty``.

=================== =====================================================================================
column              meaning
=================== =====================================================================================
``kind``            ``multiple_choice``, ``multiple_select``, ``ordering``, ``numeric``, ``fraction``,
                    ``short_text`` or ``open_response``
``prompt``          the question (plain text; a line break inside a quoted cell is kept)
``answer``          multiple_choice: the correct choice's text, or its letter (A = first choice);
                    multiple_select: the correct choices, ``|``-separated;
                    ordering: all the choices (texts or letters) in the right order, ``|``-separated;
                    numeric: a whole number or decimal (``12``, ``0.75``); fraction: ``3/4``, ``1 1/2``;
                    short_text: the accepted answers, ``|``-separated, the first one shown as the answer;
                    open_response: a model answer or marking guidance
``choices``         multiple_choice, multiple_select, ordering: the choices in display order, ``|``-separated
``hints``           hints in the order they are shown, ``|``-separated
``worked_solution`` the solution's steps, ``|``-separated
``skill``           the skill key for this row (default: the skill chosen for the import)
``key``             a stable item key (default: ``csv-`` and the prompt's first words)
``difficulty``      -3 to 3, relative to the skill's other items (default 0)
=================== =====================================================================================

A ``|`` inside a list entry is written ``\\|`` (and a backslash ``\\\\``). The file is UTF-8, with or
without a byte-order mark; lines may end in CRLF; cells with commas, quotes or line breaks are quoted
the usual way (``"a, b"``, ``""`` for a quote). A header of semicolon- or tab-separated names makes
that the separator (spreadsheets set to a comma decimal write ``;``). Empty rows are skipped. An
error names the line and the column, e.g. ``line 4, column 3 (answer)``.
"""

from __future__ import annotations

import csv
import io
import re

from atpace.content.spec import DIFFICULTY_RANGE, SELECTION_SEPARATOR
from atpace.interop.items.report import ImportBuilder, slug

__all__ = ["COLUMNS", "parse_csv"]

COLUMNS = ("kind", "prompt", "answer", "choices", "hints", "worked_solution", "skill", "key", "difficulty")
REQUIRED = ("kind", "prompt", "answer")
KINDS = (
    "multiple_choice",
    "multiple_select",
    "ordering",
    "numeric",
    "fraction",
    "short_text",
    "open_response",
)
_CHOICE_KINDS = ("multiple_choice", "multiple_select", "ordering")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}")
_SKILL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def split_list(cell: str) -> list[str]:
    """``a | b \\| c`` -> ``["a", "b | c"]``; empty entries dropped."""
    items, current, chars = [], [], iter(cell)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == "|":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [" ".join(item.split()) for item in items if item.strip()]


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


class _Row:
    def __init__(self, builder: ImportBuilder, line: int, header: list[str], cells: list[str]) -> None:
        self.b, self.line, self.header = builder, line, header
        self.values = {name: cells[i].strip() if i < len(cells) else "" for i, name in enumerate(header)}
        self.failed = False

    def error(self, column: str, message: str) -> None:
        number = self.header.index(column) + 1 if column in self.header else 0
        self.b.problem(message, line=self.line, where=f"column {number} ({column})" if number else column)
        self.failed = True

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def build(self) -> None:
        kind = self.get("kind").lower().replace("-", "_").replace(" ", "_")
        prompt = self.get("prompt").replace("\r\n", "\n")
        answer = self.get("answer")
        if kind not in KINDS:
            self.error("kind", f"{self.get('kind')!r} is not a kind: use one of {', '.join(KINDS)}")
        if not prompt:
            self.error("prompt", "the prompt is empty")
        if not answer:
            self.error("answer", "the answer is empty")
        choices = split_list(self.get("choices"))
        if kind in _CHOICE_KINDS and len(choices) < 2:
            self.error("choices", f"{kind} needs at least two choices, separated by |")
        if kind not in _CHOICE_KINDS and choices:
            self.error("choices", f"{kind} items have no choices")
        difficulty = 0.0
        if self.get("difficulty"):
            try:
                difficulty = float(self.get("difficulty").replace(",", "."))
            except ValueError:
                self.error("difficulty", f"{self.get('difficulty')!r} is not a number")
            else:
                if not DIFFICULTY_RANGE[0] <= difficulty <= DIFFICULTY_RANGE[1]:
                    self.error(
                        "difficulty",
                        f"{difficulty:g} is outside {DIFFICULTY_RANGE[0]:g} to {DIFFICULTY_RANGE[1]:g}",
                    )
        key = self.get("key")
        if key and not _KEY.fullmatch(key):
            self.error("key", "a key is letters, digits, '.', '_' and '-' (at most 120)")
        skill = self.get("skill")
        if skill and not _SKILL.fullmatch(skill):
            self.error("skill", f"{skill!r} is not a skill key")
        if self.failed:
            return
        data = self.answer(kind, answer, choices)
        if data is None:
            return
        self.b.add_item(
            key=f"csv-{slug(key)}" if key else f"csv-{slug(prompt[:60])}",
            identifier=f"line {self.line}",
            interaction=f"CSV {kind}",
            prompt=prompt,
            answer=data,
            hints=split_list(self.get("hints")),
            worked_solution=split_list(self.get("worked_solution")),
            skill_key=skill or None,
            difficulty=difficulty,
            line=self.line,
            where=f"column {self.header.index('answer') + 1} (answer)",
        )

    def answer(self, kind: str, answer: str, choices: list[str]) -> dict[str, object] | None:
        data: dict[str, object] = {"kind": kind}
        if kind == "multiple_choice":
            data["choices"] = choices
            data["correct"] = self.pick(answer, choices)
        elif kind == "multiple_select":
            picked = [self.pick(a, choices) for a in split_list(answer)]
            data.update(choices=choices, correct_choices=picked, correct=SELECTION_SEPARATOR.join(picked))
        elif kind == "ordering":
            order = [self.pick(a, choices) for a in split_list(answer)]
            if sorted(choices) != sorted(order):
                self.error("answer", "the right order must list every choice once")
                return None
            data.update(choices=choices, correct_choices=order, correct=SELECTION_SEPARATOR.join(order))
        elif kind == "short_text":
            accepted = split_list(answer)
            data["correct"] = accepted[0] if accepted else answer
            if accepted[1:]:
                data["alternatives"] = accepted[1:]
        else:
            data["correct"] = answer
        return None if self.failed else data

    def pick(self, answer: str, choices: list[str]) -> str:
        """The choice this answer names: its text (case and spacing aside), else its letter."""
        text = " ".join(answer.split())
        for choice in choices:
            if choice.casefold() == text.casefold():
                return choice
        if re.fullmatch(r"[A-Za-z]", text) and ord(text.upper()) - ord("A") < len(choices):
            return choices[ord(text.upper()) - ord("A")]
        self.error("answer", f"{text!r} is not one of the choices (nor a choice letter)")
        return text


def parse_csv(text: str, builder: ImportBuilder) -> None:
    header_line = text.split("\n", 1)[0]
    delimiter = _delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header_cells = next(reader, None)
    except csv.Error as error:
        builder.problem(f"the header row cannot be read: {error}", line=1)
        return
    if not header_cells:
        builder.problem("the file is empty: the first row names the columns", line=1)
        return
    header = [cell.strip().lower().replace(" ", "_") for cell in header_cells]
    for number, name in enumerate(header, start=1):
        if name not in COLUMNS:
            builder.problem(
                f"unknown column {header_cells[number - 1]!r}: the columns are {', '.join(COLUMNS)}",
                line=1,
                where=f"column {number}",
            )
        elif header.count(name) > 1:
            builder.problem(f"column {name!r} appears twice", line=1, where=f"column {number}")
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        builder.problem(f"missing column{'s' * (len(missing) > 1)}: {', '.join(missing)}", line=1)
    if builder.has_problems:
        return
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            builder.problem(f"this row cannot be read: {error}", line=line)
            return
        if any(cell.strip() for cell in cells):
            if len(cells) > len(header):
                builder.problem(
                    f"{len(cells)} cells but {len(header)} columns (quote cells that contain {delimiter!r})",
                    line=line,
                    where=f"column {len(header) + 1}",
                )
            else:
                _Row(builder, line, header, cells).build()
        line = reader.line_num + 1
