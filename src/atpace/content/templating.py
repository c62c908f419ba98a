"""Parameterised item templates as data: variables, constraints, computed values, text with placeholders.

A template draws its variables from a generator seeded by its key, so the same package always gives
the same variants, on every machine. Expressions are evaluated by ``simpleeval`` (never ``eval``) with
exact arithmetic: ``/`` and decimal literals give fractions, and only the functions in ``FUNCTIONS``
exist. The format is documented in docs/course-package.md.
"""

from __future__ import annotations

import ast
import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import Any, TypeVar

import simpleeval  # type: ignore[import-untyped]

from atpace.content.numbers import fmt, fmt_decimal, fmt_mixed
from atpace.content.spec import (
    DIFFICULTY_RANGE,
    SELECTION_KINDS,
    SELECTION_SEPARATOR,
    AnswerSpec,
    ItemKind,
    ItemSpec,
)

__all__ = [
    "FUNCTIONS",
    "MAX_COUNT",
    "Expression",
    "ItemTemplate",
    "Record",
    "TemplateError",
    "TemplateErrors",
    "Text",
    "Variable",
]

MAX_COUNT = 500  # variants of one template
MAX_TRIES_PER_VARIANT = 200  # draws allowed per wanted variant before the constraints are judged too strict
MIN_TRIES = 2000
MAX_TEXT = 2000  # characters of one rendered text
MAX_EXPONENT = 64
NAME = re.compile(r"[a-z_][a-z0-9_]*")
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
_SLUG_UNSAFE = re.compile(r"[^a-z0-9.]+")
T = TypeVar("T")


class TemplateError(ValueError):
    """A template that cannot be read or expanded; ``where`` is the place inside the template."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


class TemplateErrors(ValueError):
    """Every problem found while reading one template."""

    def __init__(self, errors: list[TemplateError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))


class Record:
    """One object of a choice list, e.g. ``{noun: apples, unit: bag}``: its fields read as ``ctx.noun``."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, Value]) -> None:
        self._fields = dict(fields)

    def __getattr__(self, name: str) -> Value:
        if name.startswith("_"):  # never a field; also keeps copy and pickle from recursing
            raise AttributeError(name)
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and other._fields == self._fields

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._fields.items(), key=lambda pair: pair[0])))


def record_fields(record: Record) -> list[str]:
    """The field names of a record (not a method of Record, so that no field name is shadowed)."""
    return list(record._fields)


Value = int | Fraction | str | bool | Record


def _number(value: object, name: str) -> int | Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise TypeError(f"{name}() needs numbers, not {value!r}")
    return value


def _integer(value: object, name: str) -> int:
    number = _number(value, name)
    if isinstance(number, Fraction):
        if number.denominator != 1:
            raise TypeError(f"{name}() needs whole numbers, not {fmt(number)}")
        return number.numerator
    return number


def _simplify(value: Fraction) -> int | Fraction:
    return value.numerator if value.denominator == 1 else value


def _divide(left: object, right: object) -> int | Fraction:
    """Exact division: 3/4 is the fraction 3/4, 12/4 is the integer 3."""
    return _simplify(Fraction(_number(left, "/")) / Fraction(_number(right, "/")))


def _fraction(numerator: object, denominator: object = 1) -> Fraction:
    return Fraction(_number(numerator, "Fraction")) / Fraction(_number(denominator, "Fraction"))


def _gcd(*values: object) -> int:
    return math.gcd(*(_integer(v, "gcd") for v in values))


def _lcm(*values: object) -> int:
    return math.lcm(*(_integer(v, "lcm") for v in values))


def _frac(value: object) -> str:
    return fmt(Fraction(_number(value, "frac")))


def _mixed(value: object) -> str:
    return fmt_mixed(Fraction(_number(value, "mixed")))


def _dec(value: object, places: object = None) -> str:
    """Exact decimal ("0.75"), or rounded to a fixed number of places ("3.50")."""
    number = Fraction(_number(value, "dec"))
    if places is None:
        return fmt_decimal(number)
    digits = _integer(places, "dec")
    if not 0 <= digits <= 10:
        raise ValueError("dec() takes 0 to 10 places")
    scaled = round(number * 10**digits)
    text = fmt_decimal(Fraction(scaled, 10**digits))
    if digits == 0:
        return text
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(digits, '0')}"


def _plural(count: object, singular: object, many: object = None) -> str:
    """``plural(3, "cup")`` is "3 cups"; ``plural(1, "box", "boxes")`` is "1 box"."""
    number = _number(count, "plural")
    if not isinstance(singular, str) or not (many is None or isinstance(many, str)):
        raise TypeError("plural() needs a number and one or two words")
    word = singular if number == 1 else many or singular + "s"
    return f"{fmt(Fraction(number))} {word}"


def _round(value: object, places: object = None) -> int | Fraction:
    number = _number(value, "round")
    if places is None:
        return round(number)
    return _simplify(Fraction(round(Fraction(number), _integer(places, "round"))))


def _floor(value: object) -> int:
    return math.floor(_number(value, "floor"))


def _ceil(value: object) -> int:
    return math.ceil(_number(value, "ceil"))


def _abs(value: object) -> int | Fraction:
    number = _number(value, "abs")
    return -number if number < 0 else number


def _min(*values: Any) -> Any:
    return min(values)


def _max(*values: Any) -> Any:
    return max(values)


FUNCTIONS: dict[str, Callable[..., Value]] = {
    "abs": _abs,
    "ceil": _ceil,
    "dec": _dec,
    "floor": _floor,
    "Fraction": _fraction,
    "frac": _frac,
    "gcd": _gcd,
    "lcm": _lcm,
    "max": _max,
    "min": _min,
    "mixed": _mixed,
    "plural": _plural,
    "round": _round,
}


def _power(base: object, exponent: object) -> int | Fraction:
    """Small powers only: templates need squares and powers of ten, not numbers with millions of digits."""
    number, times = _number(base, "**"), _integer(exponent, "**")
    if abs(times) > MAX_EXPONENT or abs(Fraction(number)) > 10**9:
        raise ValueError(f"** is limited to exponents up to {MAX_EXPONENT} and bases up to 10**9")
    return _simplify(Fraction(number) ** times)


_OPERATORS = {**simpleeval.DEFAULT_OPERATORS, ast.Div: _divide, ast.Pow: _power}
# Only these leave a template's expressions: no floats (inexact), no functions or other objects.
_RESULT_TYPES = (int, Fraction, str, Record)


@dataclass(frozen=True)
class Expression:
    """One expression, parsed once (templates evaluate it for every draw)."""

    source: str
    tree: ast.expr

    @classmethod
    def parse(cls, source: str, where: str) -> Expression:
        try:
            tree = ast.parse(source.strip(), mode="eval").body
        except SyntaxError as error:
            raise TemplateError(where, f"{source!r} is not an expression: {error.msg}") from None
        return cls(source, tree)


class _Evaluator:
    """simpleeval with exact arithmetic, the template functions, and per-draw names."""

    def __init__(self, record_fields: set[str]) -> None:
        allowed = {int: {"numerator", "denominator"}, Fraction: {"numerator", "denominator"}}
        self._engine = simpleeval.SimpleEval(
            operators=_OPERATORS,
            functions=FUNCTIONS,
            names={},
            allowed_attrs={**allowed, Record: record_fields},
        )
        self._engine.nodes[ast.Constant] = self._constant

    @staticmethod
    def _constant(node: ast.Constant) -> object:
        if isinstance(node.value, float):
            return Fraction(str(node.value))  # 0.1 is exactly one tenth
        if isinstance(node.value, str) and len(node.value) > MAX_TEXT:
            raise ValueError("a text in an expression is too long")
        if node.value is not None and not isinstance(node.value, int | str):
            raise ValueError(f"{node.value!r} is not allowed in an expression")
        return node.value

    def evaluate(self, expression: Expression, names: Mapping[str, Value]) -> Value:
        self._engine.names = names
        try:
            value = self._engine.eval(expression.source, previously_parsed=expression.tree)
        except simpleeval.NameNotDefined as error:
            raise ValueError(f"{expression.source!r}: unknown name {error.name!r}") from None
        except ZeroDivisionError:
            raise ValueError(f"{expression.source!r} divides by zero") from None
        except (simpleeval.InvalidExpression, ArithmeticError, TypeError, ValueError, KeyError) as error:
            raise ValueError(f"{expression.source!r}: {error}") from None
        if not isinstance(value, _RESULT_TYPES):
            kind = (
                "a decimal number (use / or Fraction for exact values)"
                if isinstance(value, float)
                else type(value).__name__
            )
            raise ValueError(f"{expression.source!r} gives {kind}, not a number or text")
        return value


def show(value: Value) -> str:
    """How a value reads in text: 3/4 in lowest terms, 12, or the text itself."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        return fmt(value)
    if isinstance(value, str):
        return value
    raise ValueError(
        f"an object with fields {', '.join(record_fields(value))} cannot be shown: name one of its fields"
    )


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True)
class Text:
    """Text with ``{expression}`` placeholders; ``{{`` and ``}}`` are literal braces."""

    parts: tuple[str | Expression, ...]

    @classmethod
    def parse(cls, source: str, where: str) -> Text:
        parts: list[str | Expression] = []
        literal: list[str] = []
        position = 0
        for match in _PLACEHOLDER.finditer(source):
            literal.append(source[position : match.start()])
            position = match.end()
            token = match.group(0)
            if token in ("{{", "}}"):
                literal.append(token[0])
            elif match.group(1) is None:
                raise TemplateError(
                    where, f"unmatched {token!r} in {source!r} (write {token * 2} for a brace)"
                )
            else:
                if literal:
                    parts.append("".join(literal))
                    literal = []
                parts.append(Expression.parse(match.group(1), where))
        literal.append(source[position:])
        if "".join(literal):
            parts.append("".join(literal))
        return cls(tuple(parts))

    @property
    def expressions(self) -> list[Expression]:
        return [part for part in self.parts if isinstance(part, Expression)]

    def render(self, evaluator: _Evaluator, names: Mapping[str, Value]) -> str:
        out = [
            part if isinstance(part, str) else show(evaluator.evaluate(part, names)) for part in self.parts
        ]
        text = "".join(out)
        if len(text) > MAX_TEXT:
            raise ValueError(f"a text has {len(text)} characters, more than {MAX_TEXT}")
        return text


@dataclass(frozen=True)
class Variable:
    """A template variable: whole numbers ``low..high`` by ``step``, or one of ``values``."""

    name: str
    low: int = 0
    high: int = 0
    step: int = 1
    values: tuple[Value, ...] = ()

    @property
    def size(self) -> int:
        return len(self.values) if self.values else (self.high - self.low) // self.step + 1

    def draw(self, rng: random.Random) -> tuple[Value, str]:
        """A value and how it reads in an item key."""
        if self.values:
            index = rng.randrange(len(self.values))
            value = self.values[index]
            if isinstance(value, Record):
                return value, str(index + 1)
            return value, _SLUG_UNSAFE.sub("-", show(value).casefold()).strip("-") or str(index + 1)
        value = rng.randrange(self.low, self.high + 1, self.step)
        return value, str(value)

    @classmethod
    def parse(cls, name: str, data: Mapping[str, Any], where: str) -> Variable:
        if not NAME.fullmatch(name) or name in FUNCTIONS:
            raise TemplateError(where, f"{name!r} cannot name a variable")
        if "choice" in data:
            values = tuple(
                _choice_value(value, f"{where}.choice[{i}]") for i, value in enumerate(data["choice"])
            )
            if not values:
                raise TemplateError(where, "choice: needs at least one value")
            return cls(name, values=values)
        low, high, step = data["min"], data["max"], data.get("step", 1)
        if step < 1 or high < low:
            raise TemplateError(
                where, f"needs min <= max and step >= 1, not min={low}, max={high}, step={step}"
            )
        return cls(name, low=low, high=high, step=step)


def _choice_value(value: object, where: str) -> Value:
    if isinstance(value, Mapping):
        fields = {str(k): _choice_value(v, f"{where}.{k}") for k, v in value.items()}
        if any(isinstance(v, Record) for v in fields.values()) or not all(NAME.fullmatch(k) for k in fields):
            raise TemplateError(where, "an object's fields are names (a-z, 0-9, _) with numbers or texts")
        return Record(fields)
    if isinstance(value, bool):
        raise TemplateError(where, "true and false are not choice values")
    if isinstance(value, float):
        return _simplify(Fraction(str(value)))
    if isinstance(value, int | str):
        return value
    raise TemplateError(where, f"{value!r} is not a number, a text or an object")


def _texts(data: Mapping[str, Any], name: str, where: str) -> tuple[Text, ...]:
    place = f"{where}.{name}" if where else name
    return tuple(Text.parse(text, f"{place}[{i}]") for i, text in enumerate(data.get(name, ())))


@dataclass(frozen=True)
class ItemTemplate:
    """A parameterised template read from a package; :meth:`generate` gives its ``count`` items."""

    key: str
    skill_keys: tuple[str, ...]
    kind: ItemKind
    count: int
    variables: tuple[Variable, ...]
    computed: tuple[tuple[str, Expression], ...]
    constraints: tuple[Expression, ...]
    slug: Text | None
    prompt: Text
    hints: tuple[Text, ...]
    worked_solution: tuple[Text, ...]
    difficulty: Expression | float
    answer_texts: tuple[tuple[str, Text], ...]  # correct (may be absent for selection kinds)
    answer_lists: tuple[tuple[str, tuple[Text, ...]], ...]  # choices, correct_choices, alternatives, patterns
    answer_flags: tuple[tuple[str, bool], ...]
    shuffle: bool

    @classmethod
    def parse(cls, data: Mapping[str, Any], skill_keys: tuple[str, ...], kind: ItemKind) -> ItemTemplate:
        """``data`` is one template of an items file (already checked against the JSON Schema)."""
        key = data["key"]
        problems: list[TemplateError] = []

        def attempt(make: Callable[[], T], default: T) -> T:
            try:
                return make()
            except TemplateError as error:
                problems.append(error)
                return default

        variables: list[Variable] = []
        for name, spec in data.get("variables", {}).items():
            variable = attempt(partial(Variable.parse, name, spec, f"variables.{name}"), None)
            if variable is not None:
                variables.append(variable)
        seen = {v.name for v in variables}
        computed: list[tuple[str, Expression]] = []
        for name, source in data.get("computed", {}).items():
            if not NAME.fullmatch(name) or name in FUNCTIONS or name in seen:
                problems.append(TemplateError(f"computed.{name}", f"{name!r} cannot name a computed value"))
                continue
            seen.add(name)
            expression = attempt(partial(Expression.parse, str(source), f"computed.{name}"), None)
            if expression is not None:
                computed.append((name, expression))
        constraints: list[Expression] = []
        for index, source in enumerate(data.get("constraints", [])):
            constraint = attempt(partial(Expression.parse, source, f"constraints[{index}]"), None)
            if constraint is not None:
                constraints.append(constraint)
        answer = data["answer"]
        texts: list[tuple[str, Text]] = []
        if "correct" in answer:
            correct = attempt(partial(Text.parse, answer["correct"], "answer.correct"), None)
            if correct is not None:
                texts.append(("correct", correct))
        lists: list[tuple[str, tuple[Text, ...]]] = []
        for name in ("choices", "correct_choices", "alternatives", "patterns"):
            if name in answer:
                lists.append((name, attempt(partial(_texts, answer, name, "answer"), ())))
        flags = tuple(
            (name, bool(answer[name]))
            for name in ("allow_decimal", "allow_mixed", "require_simplest", "case_sensitive")
            if name in answer
        )
        raw_difficulty = data.get("difficulty", 0)
        difficulty: Expression | float = float(raw_difficulty) if not isinstance(raw_difficulty, str) else 0.0
        if isinstance(raw_difficulty, str):
            parsed = attempt(partial(Expression.parse, raw_difficulty, "difficulty"), None)
            difficulty = parsed if parsed is not None else 0.0
        slug = attempt(partial(Text.parse, data["slug"], "slug"), None) if "slug" in data else None
        prompt = attempt(partial(Text.parse, data["prompt"], "prompt"), Text(("",)))
        template = cls(
            key=key,
            skill_keys=skill_keys,
            kind=kind,
            count=data["count"],
            variables=tuple(variables),
            computed=tuple(computed),
            constraints=tuple(constraints),
            slug=slug,
            prompt=prompt,
            hints=attempt(partial(_texts, data, "hints", ""), ()),
            worked_solution=attempt(partial(_texts, data, "worked_solution", ""), ()),
            difficulty=difficulty,
            answer_texts=tuple(texts),
            answer_lists=tuple(lists),
            answer_flags=flags,
            shuffle=bool(answer.get("shuffle", False)),
        )
        if "correct" not in answer and kind not in SELECTION_KINDS:
            problems.append(TemplateError("answer", f"a {kind} template needs answer.correct"))
        if not 1 <= template.count <= MAX_COUNT:
            problems.append(TemplateError("count", f"must be 1 to {MAX_COUNT}, not {template.count}"))
        combinations = math.prod(v.size for v in template.variables)
        if combinations < template.count:
            problems.append(
                TemplateError(
                    "count", f"the variables allow only {combinations} variants, fewer than {template.count}"
                )
            )
        if problems:
            raise TemplateErrors(problems)
        return template

    def generate(self) -> list[ItemSpec]:
        """The template's items, the same on every run; ``TemplateError`` names the failing variant."""
        fields = {
            key
            for v in self.variables
            for value in v.values
            if isinstance(value, Record)
            for key in record_fields(value)
        }
        evaluator = _Evaluator(fields)
        rng = random.Random(f"atpace:{self.key}")
        tries = max(MIN_TRIES, MAX_TRIES_PER_VARIANT * self.count)
        items: list[ItemSpec] = []
        drawn: set[tuple[str, ...]] = set()
        seen: set[tuple[str, tuple[str, ...]]] = set()  # what a student sees: prompt and choices
        for _ in range(tries):
            if len(items) == self.count:
                break
            names: dict[str, Value] = {}
            slug_parts: list[str] = []
            for variable in self.variables:
                names[variable.name], part = variable.draw(rng)
                slug_parts.append(part)
            if tuple(slug_parts) in drawn:
                continue
            drawn.add(tuple(slug_parts))
            label = (
                ", ".join(f"{v.name}={slug_parts[i]}" for i, v in enumerate(self.variables)) or "no variables"
            )
            try:
                item = self._variant(evaluator, names, "-".join(slug_parts) or "1")
            except ValueError as error:
                raise TemplateError(f"variant {label}", str(error)) from None
            if item is None or (item.prompt, item.answer.choices) in seen:
                continue
            seen.add((item.prompt, item.answer.choices))
            items.append(item)
        if len(items) < self.count:
            raise TemplateError(
                "constraints",
                f"only {len(items)} of {self.count} variants met the constraints and looked different "
                "(prompt and choices) "
                f"after {tries} draws: widen the variables or relax the constraints",
            )
        return items

    def _variant(self, evaluator: _Evaluator, names: dict[str, Value], default_slug: str) -> ItemSpec | None:
        for name, expression in self.computed:
            names[name] = evaluator.evaluate(expression, names)
        for constraint in self.constraints:
            met = evaluator.evaluate(constraint, names)
            if not isinstance(met, bool):
                raise ValueError(f"constraint {constraint.source!r} must be true or false, not {show(met)!r}")
            if not met:
                return None
        slug = self.slug.render(evaluator, names) if self.slug else default_slug
        if not SLUG.fullmatch(slug):
            raise ValueError(f"slug {slug!r}: use letters, digits, '.', '_' and '-'")
        answer = self._answer(evaluator, names, slug)
        if isinstance(self.difficulty, Expression):
            value = evaluator.evaluate(self.difficulty, names)
            if isinstance(value, str | Record):
                raise ValueError(f"difficulty {self.difficulty.source!r} must be a number")
            difficulty = round(float(value), 2)
        else:
            difficulty = self.difficulty
        low, high = DIFFICULTY_RANGE
        if not low <= difficulty <= high:
            raise ValueError(f"difficulty {difficulty} is outside {low}..{high}")
        return ItemSpec(
            key=f"{self.key}/{slug}",
            skill_keys=self.skill_keys,
            template_key=self.key,
            prompt=self.prompt.render(evaluator, names),
            answer=answer,
            hints=tuple(text.render(evaluator, names) for text in self.hints),
            worked_solution=tuple(text.render(evaluator, names) for text in self.worked_solution),
            difficulty=difficulty,
        )

    def _answer(self, evaluator: _Evaluator, names: Mapping[str, Value], slug: str) -> AnswerSpec:
        lists = {name: [t.render(evaluator, names) for t in texts] for name, texts in self.answer_lists}
        texts = {name: text.render(evaluator, names) for name, text in self.answer_texts}
        correct_choices = lists.get("correct_choices", [])
        choices = lists.get("choices") or (list(correct_choices) if self.kind == "ordering" else [])
        if self.shuffle:
            _shuffle(choices, random.Random(f"atpace:{self.key}/{slug}"), avoid=correct_choices)
        if self.kind in SELECTION_KINDS and "correct" not in texts:
            texts["correct"] = SELECTION_SEPARATOR.join(correct_choices)
        return AnswerSpec(
            kind=self.kind,
            correct=texts["correct"],
            choices=tuple(choices),
            correct_choices=tuple(correct_choices),
            alternatives=tuple(lists.get("alternatives", ())),
            patterns=tuple(lists.get("patterns", ())),
            **dict(self.answer_flags),
        )


def _shuffle(choices: list[str], rng: random.Random, *, avoid: Sequence[str]) -> None:
    """Shuffle in place; an ordering's pieces never come out already in the right order."""
    rng.shuffle(choices)
    if len(choices) > 1 and choices == list(avoid):
        choices.append(choices.pop(0))
