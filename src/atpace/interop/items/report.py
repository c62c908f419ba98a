"""What an item import produced: the items, the problems that refuse it, what was skipped and why.

Every format module fills an :class:`ImportBuilder`; it turns answers (plain dicts, read by
``AnswerSpec.from_dict``) into :class:`ItemSpec` objects with keys unique within the import, so a
format module never builds specs itself and a kind or field this atpace version lacks becomes a
skipped interaction with its reason instead of a crash.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields

from atpace.content.spec import ITEM_KINDS, MAX_CHOICES, SELECTION_SEPARATOR, AnswerSpec, ItemSpec, choice_key
from atpace.interop.items.text import Rendered

__all__ = [
    "FORMATS",
    "MAX_ITEMS",
    "NO_MODEL_ANSWER",
    "ImportBuilder",
    "ItemImport",
    "ItemProblem",
    "ItemWarning",
    "SkippedInteraction",
    "excerpt",
    "slug",
]

FORMATS = ("gift", "qti", "qti12", "aiken", "csv")
# Formats a teacher writes by hand: a choice atpace cannot hold is a problem to fix in the file. In
# exports from other systems it is a skipped question instead, since the teacher cannot easily edit them.
HAND_WRITTEN = ("gift", "aiken", "csv")
MAX_ITEMS = 5000  # one import; a bigger bank is split by the teacher
MAX_KEY_SLUG = 80  # item keys are String(200) in the store; prefix and "-NN" suffix fit easily
NO_MODEL_ANSWER = "No model answer was given in the imported file."


@dataclass(frozen=True)
class _Located:
    source: str  # the uploaded file, or "upload.zip:path/inside/the/package"
    line: int | None  # 1-based line where there is one (text formats, XML syntax errors), else None
    where: str  # XML element or identifier, question name, or CSV column; "" when the line says it all
    message: str

    def __str__(self) -> str:
        place = ", ".join(p for p in (f"line {self.line}" if self.line else "", self.where) if p)
        return f"{self.source}: {place}: {self.message}" if place else f"{self.source}: {self.message}"


@dataclass(frozen=True)
class ItemProblem(_Located):
    """An error that refuses the whole import (the service imports nothing while there is one)."""


@dataclass(frozen=True)
class ItemWarning(_Located):
    """Something imported differently from the source (partial credit dropped, images left out...)."""


@dataclass(frozen=True)
class SkippedInteraction:
    """A question atpace cannot score, listed so that nothing is dropped silently."""

    source: str
    line: int | None
    identifier: str  # QTI item identifier, GIFT question name, Canvas item ident...
    interaction: str  # the source format's type: "matchInteraction", "GIFT matching", "calculated_question"
    reason: str

    def __str__(self) -> str:
        place = f"line {self.line}, " if self.line else ""
        return f"{self.source}: {place}{self.identifier} ({self.interaction}): {self.reason}"


@dataclass
class ItemImport:
    format: str
    items: list[ItemSpec] = field(default_factory=list)
    problems: list[ItemProblem] = field(default_factory=list)
    skipped: list[SkippedInteraction] = field(default_factory=list)
    warnings: list[ItemWarning] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def slug(text: str, *, limit: int = MAX_KEY_SLUG) -> str:
    """A key-safe ASCII slug; text with no ASCII letters or digits gets a short stable hash instead."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    return result or hashlib.sha1(text.encode()).hexdigest()[:10]


def excerpt(text: str, limit: int = 40) -> str:
    """A question's first words, to name it in reports when it has no name or identifier."""
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def _unfit_choice(kind: str, choices: list[str]) -> str:
    """Why atpace cannot hold these choices ("" when it can): empty, repeated, or holding the separator."""
    keys = [choice_key(c) for c in choices]
    if not all(keys):
        empty = keys.count("")
        return "a choice has no text" if empty == 1 else f"{empty} choices have no text"
    repeated = next((c for c, k in zip(choices, keys, strict=True) if keys.count(k) > 1), None)
    if repeated is not None:
        return f"the choice {repeated!r} appears twice"
    if kind in ("multiple_select", "ordering"):
        bad = next((c for c in choices if SELECTION_SEPARATOR.strip() in c or "\n" in c), None)
        if bad is not None:
            return f"the choice {bad!r} contains ';', which atpace uses to join selected choices"
    return ""


def _answer_fields() -> frozenset[str]:
    return frozenset(f.name for f in fields(AnswerSpec))


class ImportBuilder:
    """Collects one import; ``source`` is the file being read (format modules set it per package file)."""

    def __init__(self, fmt: str, skill_key: str, filename: str) -> None:
        self.format = fmt
        self.skill_key = skill_key
        self.filename = filename  # the uploaded file
        self.source = filename
        self.strict = fmt in HAND_WRITTEN
        self._result = ItemImport(format=fmt)
        self._keys: set[str] = set()
        self._too_many = False
        # warnings that would repeat for many items are reported once, naming the items
        self._grouped: dict[str, list[str]] = {}

    # -- reporting ---------------------------------------------------------------------------------
    def problem(
        self, message: str, *, line: int | None = None, where: str = "", source: str | None = None
    ) -> None:
        self._result.problems.append(ItemProblem(source or self.source, line, where, message))

    def warn(
        self, message: str, *, line: int | None = None, where: str = "", source: str | None = None
    ) -> None:
        self._result.warnings.append(ItemWarning(source or self.source, line, where, message))

    def skip(
        self,
        identifier: str,
        interaction: str,
        reason: str,
        *,
        line: int | None = None,
        source: str | None = None,
    ) -> None:
        self._result.skipped.append(
            SkippedInteraction(source or self.source, line, identifier, interaction, reason)
        )

    def group_warning(self, message: str, identifier: str) -> None:
        """A warning shown once for all the items it concerns, e.g. per-answer feedback left out."""
        names = self._grouped.setdefault(message, [])
        if identifier not in names:
            names.append(identifier)

    def note_rendering(self, rendered: Iterable[Rendered], identifier: str) -> None:
        """Warn (once per kind, naming the items) about what plain text could not hold."""
        texts = list(rendered)
        if any(r.images for r in texts):
            self.group_warning("images are not imported: the text says [image] where one was", identifier)
        if any(r.media for r in texts):
            self.group_warning("audio and video are not imported: the text says [media]", identifier)
        if any(r.math for r in texts):
            self.group_warning("MathML was written as plain text: check it reads right", identifier)

    @property
    def has_problems(self) -> bool:
        return bool(self._result.problems)

    # -- items -------------------------------------------------------------------------------------
    def add_item(
        self,
        *,
        key: str,
        identifier: str,
        interaction: str,
        prompt: str,
        answer: Mapping[str, object],
        hints: Iterable[str] = (),
        worked_solution: Iterable[str] = (),
        skill_key: str | None = None,
        difficulty: float = 0.0,
        line: int | None = None,
        where: str = "",
    ) -> ItemSpec | None:
        """Add one item; ``key`` is the wanted key (made unique), ``identifier`` names it in reports.

        Returns ``None`` (after recording a problem or a skipped interaction) when it cannot be added.
        """
        place = where or identifier
        kind = str(answer.get("kind"))
        if kind not in ITEM_KINDS:
            self.skip(identifier, interaction, f"this atpace version has no {kind} items", line=line)
            return None
        unknown = sorted(set(answer) - _answer_fields())
        if unknown:
            self.skip(
                identifier, interaction, f"this atpace version cannot check {', '.join(unknown)}", line=line
            )
            return None
        choices = answer.get("choices", ())
        if isinstance(choices, Sequence) and len(choices) > MAX_CHOICES:
            self.skip(
                identifier,
                interaction,
                f"{len(choices)} choices: atpace shows at most {MAX_CHOICES}",
                line=line,
            )
            return None
        unfit = _unfit_choice(kind, [str(c) for c in choices] if isinstance(choices, Sequence) else [])
        if unfit:
            if self.strict:
                self.problem(unfit, line=line, where=place)
            else:
                self.skip(identifier, interaction, unfit, line=line)
            return None
        if not prompt.strip():
            self.problem("the question has no text", line=line, where=place)
            return None
        if len(self._result.items) >= MAX_ITEMS:
            if not self._too_many:
                self.problem(f"more than {MAX_ITEMS} items: split the file", line=line, where=place)
                self._too_many = True
            return None
        try:
            spec = AnswerSpec.from_dict(answer)
            item = ItemSpec(
                key=self._unique(key),
                skill_keys=(skill_key or self.skill_key,),
                template_key=f"import-{self.format}",
                prompt=prompt.strip(),
                answer=spec,
                hints=tuple(h.strip() for h in hints if h.strip()),
                worked_solution=tuple(s.strip() for s in worked_solution if s.strip()),
                difficulty=difficulty,
            )
        except ValueError as error:
            self.problem(str(error), line=line, where=place)
            return None
        self._keys.add(item.key)
        self._result.items.append(item)
        return item

    def _unique(self, key: str) -> str:
        if key not in self._keys:
            return key
        number = 2
        while f"{key}-{number}" in self._keys:
            number += 1
        return f"{key}-{number}"

    def result(self) -> ItemImport:
        for message, names in self._grouped.items():
            shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
            self._result.warnings.append(ItemWarning(self.filename, None, "", f"{message} ({shown})"))
        self._grouped = {}
        return self._result
