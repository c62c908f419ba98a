"""Course content as plain, immutable data: skills, item templates, items and answer specs."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Literal, get_args

from atpace.content.numbers import MalformedAnswer, Written, clean, read
from atpace.engine.graph import SkillGraph

__all__ = [
    "CHOICE_KINDS",
    "DEFAULT_MASTERY_THRESHOLD",
    "ITEM_KINDS",
    "MAX_CHOICES",
    "SELECTION_KINDS",
    "SELECTION_SEPARATOR",
    "AnswerSpec",
    "CourseSpec",
    "ItemKind",
    "ItemSpec",
    "SkillSpec",
    "Standard",
    "TemplateSpec",
    "check_mastery_threshold",
]

ItemKind = Literal[
    "multiple_choice", "numeric", "fraction", "short_text", "multiple_select", "ordering", "open_response"
]
ITEM_KINDS: tuple[ItemKind, ...] = get_args(ItemKind)
CHOICE_KINDS: tuple[ItemKind, ...] = ("multiple_choice", "multiple_select", "ordering")
SELECTION_KINDS: tuple[ItemKind, ...] = ("multiple_select", "ordering")  # several choices in one response
MAX_CHOICES = 12
MAX_PATTERN_LENGTH = 500
# ``correct`` of a multiple-select or ordering item is its correct choices joined by this; no choice of
# those kinds may contain ";" or a line break, so a response or a key splits back unambiguously.
SELECTION_SEPARATOR = "; "
DIFFICULTY_RANGE = (-3.0, 3.0)
DEFAULT_MASTERY_THRESHOLD = 0.95  # equal to atpace.engine.policy.DEFAULT_MASTERY_THRESHOLD (tested)


def choice_key(text: str) -> str:
    """How choice texts are compared: case, spacing and slash variants do not matter."""
    return clean(text).casefold()


def _letter(index: int) -> str:
    return chr(ord("A") + index)


@dataclass(frozen=True)
class AnswerSpec:
    """How to check a response.

    ``choices`` are the texts in display order (multiple choice, multiple select, ordering).
    Multiple choice: ``correct`` is the correct choice's text. Multiple select: ``correct_choices`` are the
    choices to select; ordering: ``correct_choices`` are all choices in the right order; for both,
    ``correct`` is ``SELECTION_SEPARATOR.join(correct_choices)``. Open response: ``correct`` is a model
    answer or scoring guidance; such items are not scored automatically (``auto_scored`` is False).
    """

    kind: ItemKind
    correct: str
    allow_decimal: bool = False  # fraction items: accept an equal decimal
    allow_mixed: bool = True  # accept mixed numbers like "1 1/2"
    require_simplest: bool = False  # fraction items: "2/4" for "1/2" is not accepted
    alternatives: tuple[str, ...] = ()  # short_text: other accepted answers
    choices: tuple[str, ...] = ()  # choice kinds: choice texts in display order
    correct_choices: tuple[str, ...] = ()  # multiple_select: the ones to pick; ordering: the right order
    patterns: tuple[str, ...] = ()  # short_text: accepted regular expressions (full match)
    case_sensitive: bool = False  # short_text: "NaCl" is not "nacl"

    def __post_init__(self) -> None:
        if self.kind not in ITEM_KINDS:
            raise ValueError(f"kind: must be one of {', '.join(ITEM_KINDS)}, not {self.kind!r}")
        if not isinstance(self.correct, str) or not self.correct.strip():
            raise ValueError("correct: must be a non-empty string")
        if self.choices and self.kind not in CHOICE_KINDS:
            raise ValueError(f"choices: only {', '.join(CHOICE_KINDS)} items have choices")
        if self.correct_choices and self.kind not in SELECTION_KINDS:
            raise ValueError("correct_choices: only multiple_select and ordering items have correct_choices")
        for name in ("alternatives", "patterns", "case_sensitive"):
            if getattr(self, name) and self.kind != "short_text":
                raise ValueError(f"{name}: only short_text items have {name}")
        if self.kind in CHOICE_KINDS:
            self._check_choices()
        elif self.kind in ("numeric", "fraction"):
            self._check_number()
        elif self.kind == "short_text":
            self._check_patterns()

    @property
    def auto_scored(self) -> bool:
        """Whether :func:`atpace.content.answers.check_answer` can mark a response (not open responses)."""
        return self.kind != "open_response"

    @property
    def lettered_choices(self) -> tuple[tuple[str, str], ...]:
        """``(("A", first choice), ("B", second choice), ...)`` in display order, as a page shows them."""
        return tuple((_letter(i), choice) for i, choice in enumerate(self.choices))

    def _check_choices(self) -> None:
        if not 2 <= len(self.choices) <= MAX_CHOICES:
            raise ValueError(
                f"choices: {self.kind} needs 2 to {MAX_CHOICES} choices, not {len(self.choices)}"
            )
        keys = [choice_key(c) for c in self.choices]
        if len(set(keys)) != len(keys) or not all(keys):
            raise ValueError("choices: must be non-empty and all different")
        if self.kind == "multiple_choice":
            if self.correct not in self.choices:
                raise ValueError(f"correct: {self.correct!r} is not one of the choices")
            return
        for choice in self.choices:
            if ";" in choice or "\n" in choice:
                raise ValueError(f"choices: {choice!r} must not contain ';' or a line break ({self.kind})")
        chosen = self.correct_choices
        unknown = [c for c in chosen if c not in self.choices]
        if unknown:
            raise ValueError(f"correct_choices: {unknown[0]!r} is not one of the choices")
        if len(set(chosen)) != len(chosen):
            raise ValueError("correct_choices: a choice is listed twice")
        if self.kind == "multiple_select" and not chosen:
            raise ValueError("correct_choices: a multiple_select item needs at least one correct choice")
        if self.kind == "ordering" and len(chosen) != len(self.choices):
            raise ValueError("correct_choices: an ordering item lists every choice, in the right order")
        expected = SELECTION_SEPARATOR.join(chosen)
        if self.correct != expected:
            raise ValueError(
                f"correct: must be the correct choices joined by {SELECTION_SEPARATOR!r}: {expected!r}"
            )

    def read_number(self, text: str) -> Written:
        """``text`` read by this spec's rules: numeric items take decimals and whole numbers only;
        fraction items take fractions, and mixed numbers or decimals as their flags say."""
        numeric = self.kind == "numeric"
        return read(
            text,
            allow_decimal=numeric or self.allow_decimal,
            allow_mixed=self.allow_mixed and not numeric,
            allow_fraction=not numeric,
        )

    def _check_number(self) -> None:
        try:
            written = self.read_number(self.correct)
        except MalformedAnswer as error:
            raise ValueError(
                f"correct: {self.correct!r} is not accepted by this answer spec: {error}"
            ) from error
        if self.require_simplest and not written.in_simplest_form():
            raise ValueError(f"correct: {self.correct!r} is not in simplest form")

    def _check_patterns(self) -> None:
        for index, pattern in enumerate(self.patterns):
            if not pattern or len(pattern) > MAX_PATTERN_LENGTH:
                raise ValueError(f"patterns[{index}]: must have 1 to {MAX_PATTERN_LENGTH} characters")
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(
                    f"patterns[{index}]: {pattern!r} is not a valid regular expression: {error}"
                ) from error

    def compiled_patterns(self) -> tuple[re.Pattern[str], ...]:
        flags = 0 if self.case_sensitive else re.IGNORECASE
        return tuple(_compile(pattern, flags) for pattern in self.patterns)

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "correct": self.correct,
            "allow_decimal": self.allow_decimal,
            "allow_mixed": self.allow_mixed,
            "require_simplest": self.require_simplest,
            "alternatives": list(self.alternatives),
            "choices": list(self.choices),
            "correct_choices": list(self.correct_choices),
            "patterns": list(self.patterns),
            "case_sensitive": self.case_sensitive,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> AnswerSpec:
        """Inverse of :meth:`to_dict`, also for older dicts without the newer fields; raises
        ``ValueError`` naming the bad field."""
        known = {f.name for f in fields(cls)}
        for name in data:
            if name not in known:
                raise ValueError(f"{name}: unknown answer field")
        kind = data.get("kind")
        if kind not in ITEM_KINDS:
            raise ValueError(f"kind: must be one of {', '.join(ITEM_KINDS)}, not {kind!r}")
        correct = data.get("correct")
        if not isinstance(correct, str):
            raise ValueError("correct: must be a string")
        flags: dict[str, bool] = {}
        for name in ("allow_decimal", "allow_mixed", "require_simplest", "case_sensitive"):
            if name in data:
                value = data[name]
                if not isinstance(value, bool):
                    raise ValueError(f"{name}: must be true or false")
                flags[name] = value
        texts: dict[str, tuple[str, ...]] = {}
        for name in ("alternatives", "choices", "correct_choices", "patterns"):
            value = data.get(name, ())
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{name}: must be a list of strings")
            texts[name] = tuple(value)
        return cls(
            kind=kind,
            correct=correct,
            allow_decimal=flags.get("allow_decimal", False),
            allow_mixed=flags.get("allow_mixed", True),
            require_simplest=flags.get("require_simplest", False),
            alternatives=texts["alternatives"],
            choices=texts["choices"],
            correct_choices=texts["correct_choices"],
            patterns=texts["patterns"],
            case_sensitive=flags.get("case_sensitive", False),
        )


@functools.cache
def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def check_mastery_threshold(threshold: object) -> float:
    """``threshold`` if atpace.engine.policy.MasteryRule accepts it; else ``ValueError`` with its reason."""
    from atpace.engine.policy.progression import MasteryRule  # lazily: the policy package loads NumPy

    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise ValueError(f"mastery_threshold: must be a number, not {threshold!r}")
    MasteryRule(float(threshold))
    return float(threshold)


@dataclass(frozen=True)
class Standard:
    """An educational standard a skill is aligned to, e.g. Common Core 4.NF.A.1."""

    code: str  # e.g. "4.NF.A.1"
    statement: str  # the standard's official text
    framework: str = ""  # e.g. "Common Core State Standards for Mathematics"
    identifier: str = ""  # the CASE CFItem identifier (a UUID), when known
    uri: str = ""  # the CASE CFItem URI, when known

    def __post_init__(self) -> None:
        if not self.code.strip() or not self.statement.strip():
            raise ValueError(f"standard {self.code!r}: code and statement must not be empty")


@dataclass(frozen=True)
class SkillSpec:
    key: str
    name: str
    description: str  # one student-facing sentence
    grade: int
    prerequisites: tuple[str, ...] = ()
    standards: tuple[Standard, ...] = ()


@dataclass(frozen=True)
class ItemSpec:
    key: str
    skill_keys: tuple[str, ...]
    template_key: str
    prompt: str  # plain text, fractions written like 3/4; may contain newlines
    answer: AnswerSpec
    hints: tuple[str, ...]
    worked_solution: tuple[str, ...]
    difficulty: float  # logit scale, relative to the other items of the same skill

    def __post_init__(self) -> None:
        if not self.key or not self.skill_keys or not self.prompt.strip():
            raise ValueError(f"item {self.key!r}: key, skill_keys and prompt must not be empty")
        low, high = DIFFICULTY_RANGE
        if not low <= self.difficulty <= high:
            raise ValueError(f"item {self.key!r}: difficulty {self.difficulty} is outside {low}..{high}")

    @property
    def kind(self) -> ItemKind:
        return self.answer.kind


def _no_items() -> Iterable[ItemSpec]:
    return ()


@dataclass(frozen=True)
class TemplateSpec:
    """A parametric item template; ``generator`` yields all its items, the same ones on every call."""

    key: str
    skill_keys: tuple[str, ...]
    kind: ItemKind
    description: str
    generator: Callable[[], Iterable[ItemSpec]] = field(default=_no_items, compare=False, repr=False)

    def generate(self) -> list[ItemSpec]:
        items = list(self.generator())
        for item in items:
            if item.template_key != self.key or item.kind != self.kind:
                raise ValueError(f"item {item.key!r} does not belong to template {self.key!r} ({self.kind})")
        return items


@dataclass(frozen=True)
class CourseSpec:
    key: str
    title: str
    description: str
    grades: str  # e.g. "3-6"
    skills: tuple[SkillSpec, ...]  # display (learning) order
    templates: tuple[TemplateSpec, ...]
    mastery_threshold: float = DEFAULT_MASTERY_THRESHOLD  # P(learned) at which a skill counts as mastered
    version: str = ""  # the content's own version, e.g. "1.2" (not the package format's version)

    def items(self) -> list[ItemSpec]:
        """All items of all templates; refuses duplicate keys and unknown skills."""
        known = {skill.key for skill in self.skills}
        seen: set[str] = set()
        result: list[ItemSpec] = []
        for template in self.templates:
            for item in template.generate():
                if item.key in seen:
                    raise ValueError(f"duplicate item key {item.key!r}")
                unknown = [key for key in item.skill_keys if key not in known]
                if unknown:
                    raise ValueError(f"item {item.key!r} names unknown skill {unknown[0]!r}")
                seen.add(item.key)
                result.append(item)
        return result

    def skill_graph(self) -> SkillGraph:
        return SkillGraph.build(
            [skill.key for skill in self.skills],
            [(before, skill.key) for skill in self.skills for before in skill.prerequisites],
        )
