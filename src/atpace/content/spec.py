"""Course content as plain, immutable data: skills, item templates, items and answer specs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Literal, get_args

from atpace.content.numbers import MalformedAnswer, Written, clean, read
from atpace.engine.graph import SkillGraph

__all__ = ["ITEM_KINDS", "AnswerSpec", "CourseSpec", "ItemKind", "ItemSpec", "SkillSpec", "TemplateSpec"]

ItemKind = Literal["multiple_choice", "numeric", "fraction", "short_text"]
ITEM_KINDS: tuple[ItemKind, ...] = get_args(ItemKind)
MAX_CHOICES = 8
DIFFICULTY_RANGE = (-3.0, 3.0)


def choice_key(text: str) -> str:
    """How choice texts are compared: case, spacing and slash variants do not matter."""
    return clean(text).casefold()


@dataclass(frozen=True)
class AnswerSpec:
    """How to check a response. For multiple choice, ``correct`` is the correct choice's text."""

    kind: ItemKind
    correct: str
    allow_decimal: bool = False  # fraction items: accept an equal decimal
    allow_mixed: bool = True  # accept mixed numbers like "1 1/2"
    require_simplest: bool = False  # fraction items: "2/4" for "1/2" is not accepted
    alternatives: tuple[str, ...] = ()  # short_text: other accepted answers
    choices: tuple[str, ...] = ()  # multiple_choice: choice texts in display order

    def __post_init__(self) -> None:
        if self.kind not in ITEM_KINDS:
            raise ValueError(f"kind: must be one of {', '.join(ITEM_KINDS)}, not {self.kind!r}")
        if not isinstance(self.correct, str) or not self.correct.strip():
            raise ValueError("correct: must be a non-empty string")
        if self.choices and self.kind != "multiple_choice":
            raise ValueError("choices: only multiple_choice items have choices")
        if self.alternatives and self.kind != "short_text":
            raise ValueError("alternatives: only short_text items have alternatives")
        if self.kind == "multiple_choice":
            self._check_choices()
        elif self.kind in ("numeric", "fraction"):
            self._check_number()

    def _check_choices(self) -> None:
        if not 2 <= len(self.choices) <= MAX_CHOICES:
            raise ValueError(f"choices: multiple choice needs 2 to {MAX_CHOICES} choices")
        keys = [choice_key(c) for c in self.choices]
        if len(set(keys)) != len(keys) or not all(keys):
            raise ValueError("choices: must be non-empty and all different")
        if self.correct not in self.choices:
            raise ValueError(f"correct: {self.correct!r} is not one of the choices")

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

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "correct": self.correct,
            "allow_decimal": self.allow_decimal,
            "allow_mixed": self.allow_mixed,
            "require_simplest": self.require_simplest,
            "alternatives": list(self.alternatives),
            "choices": list(self.choices),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> AnswerSpec:
        """Inverse of :meth:`to_dict`; raises ``ValueError`` naming the bad field."""
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
        for name in ("allow_decimal", "allow_mixed", "require_simplest"):
            if name in data:
                value = data[name]
                if not isinstance(value, bool):
                    raise ValueError(f"{name}: must be true or false")
                flags[name] = value
        texts: dict[str, tuple[str, ...]] = {}
        for name in ("alternatives", "choices"):
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
        )


@dataclass(frozen=True)
class SkillSpec:
    key: str
    name: str
    description: str  # one student-facing sentence
    grade: int
    prerequisites: tuple[str, ...] = ()


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
