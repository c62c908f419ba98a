"""Helpers for writing item templates: drafts, answer specs, distractors, words and contexts."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import TypeVar

from atpace.content.answers import COMPARISON_WORDS
from atpace.content.numbers import MalformedAnswer, fmt, fmt_decimal, fmt_mixed, read
from atpace.content.spec import DIFFICULTY_RANGE, AnswerSpec, ItemKind, ItemSpec, TemplateSpec, choice_key

__all__ = [
    "MINUS",
    "NAMES",
    "Draft",
    "article",
    "choice_answer",
    "common_denominator",
    "count_word",
    "fmt",
    "fmt_decimal",
    "fmt_mixed",
    "fraction_answer",
    "numeric_answer",
    "plural",
    "rng_for",
    "same_as",
    "symbol_answer",
    "template",
    "unit_word",
]

MINUS = "−"  # the minus sign shown in prompts; answers may use "-" or "−"
NAMES = (
    "Ava", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jada", "Kofi", "Lena",
    "Mateo", "Nia", "Omar", "Priya", "Rosa", "Sam", "Tariq", "Yuki", "Zoe", "Leo", "Mira", "Noor",
)  # fmt: skip

_ORDINALS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_TENS_ORDINALS = [
    "_",
    "_",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
]
_SMALL = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


@dataclass(frozen=True)
class Draft:
    """One item before it gets its template's key and skills."""

    slug: str
    prompt: str
    answer: AnswerSpec
    hints: Sequence[str]
    solution: Sequence[str]
    difficulty: float


def template(
    key: str,
    skills: str | tuple[str, ...],
    kind: ItemKind,
    description: str,
    make: Callable[[], Iterable[Draft]],
) -> TemplateSpec:
    """A template whose items are built once (on first use) from ``make``'s drafts."""
    skill_keys = (skills,) if isinstance(skills, str) else skills
    low, high = DIFFICULTY_RANGE

    @functools.cache
    def generate() -> tuple[ItemSpec, ...]:
        return tuple(
            ItemSpec(
                key=f"{key}/{draft.slug}",
                skill_keys=skill_keys,
                template_key=key,
                prompt=draft.prompt,
                answer=draft.answer,
                hints=tuple(draft.hints),
                worked_solution=tuple(draft.solution),
                difficulty=round(min(high, max(low, draft.difficulty)), 2),
            )
            for draft in make()
        )

    return TemplateSpec(
        key=key, skill_keys=skill_keys, kind=kind, description=description, generator=generate
    )


T = TypeVar("T")


def rng_for(slug: str) -> random.Random:
    """A generator seeded by a string: the same choices on every run and every machine."""
    return random.Random(f"atpace:{slug}")


def pick(slug: str, options: Sequence[T], count: int) -> list[T]:
    """``count`` of the options in an order fixed by ``slug`` (the options themselves are not changed)."""
    chosen = list(options)
    rng_for(slug).shuffle(chosen)
    return chosen[:count]


def fraction_answer(
    value: Fraction | str, *, simplest: bool = False, decimal: bool = False, mixed: bool = True
) -> AnswerSpec:
    correct = value if isinstance(value, str) else fmt(value)
    return AnswerSpec(
        "fraction", correct, allow_decimal=decimal, allow_mixed=mixed, require_simplest=simplest
    )


def numeric_answer(value: Fraction | int) -> AnswerSpec:
    return AnswerSpec("numeric", fmt_decimal(Fraction(value)))


def symbol_answer(left: str, right: str, value_left: Fraction, value_right: Fraction) -> AnswerSpec:
    """Short text answer ``<``, ``>`` or ``=`` for comparing two numbers; words are accepted too."""
    symbol = ">" if value_left > value_right else "<" if value_left < value_right else "="
    return AnswerSpec(
        "short_text", symbol, alternatives=(*COMPARISON_WORDS[symbol], f"{left} {symbol} {right}")
    )


def _value(text: str) -> Fraction | None:
    try:
        return read(text, allow_decimal=True, allow_mixed=True).value
    except MalformedAnswer:
        return None


def choice_answer(
    correct: str,
    distractors: Iterable[str],
    seed: str,
    *,
    count: int = 4,
    shuffle: bool = True,
    same_values: bool = False,
) -> AnswerSpec:
    """Multiple choice from misconception-based distractors.

    Distractors that repeat a choice, are not valid numbers (``3/0``, negatives) or equal the value of
    another choice (unless ``same_values``) are skipped; at least two must remain.
    """
    chosen = [correct]
    keys = {choice_key(correct)}
    values = {v for v in [_value(correct)] if v is not None}
    for text in distractors:
        if len(chosen) == count:
            break
        key = choice_key(text)
        value = _value(text)
        looks_numeric = text[:1].isdigit() or text[:1] == "-"
        whole_over_one = text.endswith("/1") and text[:-2].isdigit()
        if key in keys or whole_over_one or (looks_numeric and (value is None or value < 0)):
            continue
        if value is not None and value in values and not same_values:
            continue
        chosen.append(text)
        keys.add(key)
        if value is not None:
            values.add(value)
    if len(chosen) < 3:
        raise ValueError(f"{seed}: not enough distinct distractors for {correct!r}")
    if shuffle:
        rng_for(seed).shuffle(chosen)
    return AnswerSpec("multiple_choice", correct, choices=tuple(chosen))


def same_as(value: Fraction, written: str) -> str:
    """' This is the same as 1 1/2.' when ``written`` (like 6/4) has a simpler form; else ''."""
    simpler = fmt_mixed(value)
    return "" if simpler == written else f" This is the same as {simpler}."


def common_denominator(*denominators: int) -> int:
    return lcm(*denominators)


def unit_word(denominator: int, count: int = 1) -> str:
    """The name of the parts: ``unit_word(4)`` is "fourth", ``unit_word(4, 3)`` is "fourths"."""
    if denominator == 2:
        return "half" if count == 1 else "halves"
    if denominator == 100:
        singular = "hundredth"
    elif denominator < 20:
        singular = _ORDINALS[denominator]
    elif denominator < 100:
        tens, ones = divmod(denominator, 10)
        singular = _TENS_ORDINALS[tens] if not ones else f"{_TENS[tens]}-{_ORDINALS[ones]}"
    else:
        singular = f"1/{denominator} part"
    return singular if count == 1 else singular + "s"


def article(word: str) -> str:
    """ "a" or "an" for a noun that starts with ``word``."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``plural(3, "slice")`` is "3 slices"."""
    return f"{count} {singular if count == 1 else many or singular + 's'}"


def count_word(number: int) -> str:
    """Number words up to 99, as in "forty-five hundredths"."""
    if number < 20:
        return _SMALL[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens] + (f"-{_SMALL[ones]}" if ones else "")
