"""Grade 6: multi-step word problems. Each item also practises the skill its main step uses."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from math import gcd

from atpace.content.build import (
    MINUS,
    NAMES,
    Draft,
    common_denominator,
    fmt,
    fmt_mixed,
    fraction_answer,
    numeric_answer,
    pick,
    rng_for,
    template,
)
from atpace.content.spec import TemplateSpec
from atpace.content.templates_add import mixed_cases, mixed_steps
from atpace.content.templates_parts import proper

WORD = "fraction-word-problems"

# (story with {total}, {x}, {name}; question; what the remaining part is called)
_REST_STORIES = (
    ("A fish tank holds {total} liters of water when it is full. Right now it is {x} full.",
     "How many more liters of water are needed to fill the tank?", "liters"),
    ("A parking lot has {total} spaces. {x} of the spaces are taken.", "How many spaces are free?", "spaces"),
    ("A book has {total} pages. {name} has read {x} of the book.", "How many pages are left to read?", "pages"),
    ("A class has a goal of collecting {total} cans for a food drive. So far they have {x} of their goal.",
     "How many more cans do they need?", "cans"),
)  # fmt: skip


def _rest_of_amount() -> Iterator[Draft]:
    cases = [(a, b, q) for b in range(3, 9) for a in range(1, b) if gcd(a, b) == 1 for q in range(3, 13)]
    for index, (a, b, q) in enumerate(pick("rest-of-amount", cases, 24)):
        total = b * q
        done = a * q
        story, question, unit = _REST_STORIES[index % len(_REST_STORIES)]
        name = rng_for(f"rest-of-amount/{a}/{b}/{q}").choice(NAMES)
        yield Draft(
            slug=f"{index % len(_REST_STORIES)}-{a}-{b}-of-{total}",
            prompt=story.format(total=total, x=f"{a}/{b}", name=name) + "\n" + question,
            answer=numeric_answer(total - done),
            hints=(
                "Two steps: first find how much is already there, then how much more makes the whole amount.",
                f"{a}/{b} of {total} is {done}. How many more make {total}?",
                f"Another way: the part still missing is {b - a}/{b} of {total}.",
            ),
            solution=(
                f"1/{b} of {total} is {total} ÷ {b} = {q}.",
                f"{a}/{b} of {total} is {a} × {q} = {done} {unit}.",
                f"{total} {MINUS} {done} = {total - done}, so the answer is {total - done} {unit}.",
            ),
            difficulty=-0.2 + 0.05 * (b - 3) + 0.03 * (q - 3),
        )


_LEFT_STORIES = (
    ("{name} read {x} of a book on Saturday and {y} of the book on Sunday.",
     "What fraction of the book is still left to read?"),
    ("{name} painted {x} of a fence on Monday and {y} of the fence on Tuesday.",
     "What fraction of the fence is still not painted?"),
    ("{name} spent {x} of their pocket money on a book and {y} of it on snacks.",
     "What fraction of the pocket money is left?"),
    ("On a trip, the family drove {x} of the way before lunch and {y} of the way after lunch.",
     "What fraction of the trip is still left?"),
)  # fmt: skip


def _what_is_left() -> Iterator[Draft]:
    parts = proper(10)
    cases = [
        (a, b, c, e)
        for a, b in parts
        for c, e in parts
        if b < e and common_denominator(b, e) <= 30 and Fraction(a, b) + Fraction(c, e) < 1
    ]
    for index, (a, b, c, e) in enumerate(pick("what-is-left", cases, 24)):
        if index % 2:
            a, b, c, e = c, e, a, b
        L = common_denominator(b, e)
        x, y = a * (L // b), c * (L // e)
        left = Fraction(L - x - y, L)
        story, question = _LEFT_STORIES[index % len(_LEFT_STORIES)]
        name = rng_for(f"what-is-left/{a}/{b}/{c}/{e}").choice(NAMES)
        steps = [
            f"Use the common denominator {L}: {a}/{b} = {x}/{L} and {c}/{e} = {y}/{L}.",
            f"Done so far: {x}/{L} + {y}/{L} = {x + y}/{L}.",
            f"The whole is {L}/{L}, so what is left is {L}/{L} {MINUS} {x + y}/{L} = {L - x - y}/{L}.",
        ]
        if fmt(left) != f"{L - x - y}/{L}":
            steps.append(f"{L - x - y}/{L} = {fmt(left)} in simplest form.")
        steps.append(f"So {fmt(left)} is left.")
        yield Draft(
            slug=f"{index % len(_LEFT_STORIES)}-{a}-{b}+{c}-{e}",
            prompt=story.format(name=name, x=f"{a}/{b}", y=f"{c}/{e}") + "\n" + question,
            answer=fraction_answer(left),
            hints=(
                "Two steps: first find how much is done altogether, then take that away from the whole (1).",
                f"Add {a}/{b} + {c}/{e} using the common denominator {L}.",
                f"One whole is {L}/{L}.",
            ),
            solution=steps,
            difficulty=0.0 + 0.03 * L + (0.2 if L not in (b, e) else 0.0),
        )


_SCALES = ((Fraction(1, 2), "half of the recipe"), (Fraction(1, 3), "1/3 of the recipe"),
           (Fraction(2, 3), "2/3 of the recipe"), (Fraction(3, 4), "3/4 of the recipe"),
           (Fraction(2), "double the recipe"), (Fraction(3), "3 times the recipe"))  # fmt: skip
_INGREDIENTS = ("milk", "flour", "sugar", "oats", "water")


def _scale_recipe() -> Iterator[Draft]:
    amounts = [(w, a, b) for w in range(1, 4) for a, b in proper(4)]  # 1 1/2 ... 3 3/4
    cases = [(amount, scale) for amount in amounts for scale in range(len(_SCALES))]
    for index, ((w, a, b), s) in enumerate(pick("scale-recipe", cases, 24)):
        factor, described = _SCALES[s]
        ingredient = _INGREDIENTS[index % len(_INGREDIENTS)]
        name = rng_for(f"scale-recipe/{w}/{a}/{b}/{s}").choice(NAMES)
        amount = w + Fraction(a, b)
        result = amount * factor
        improper = fmt(amount)
        raw = f"{amount.numerator * factor.numerator}/{amount.denominator * factor.denominator}"
        steps = [
            f"{w} {a}/{b} = {improper}.",
            f"{improper} × {fmt(factor)} = {raw}.",
        ]
        if fmt_mixed(result) != raw:
            steps.append(f"{raw} = {fmt_mixed(result)}.")
        cups = "cup" if result <= 1 else "cups"
        steps.append(f"So {name} needs {fmt_mixed(result)} {cups} of {ingredient}.")
        yield Draft(
            slug=f"{w}-{a}-{b}x{fmt(factor).replace('/', '-')}",
            prompt=(
                f"A pancake recipe uses {w} {a}/{b} cups of {ingredient}. {name} makes {described}.\n"
                f"How many cups of {ingredient} does {name} need?"
            ),
            answer=fraction_answer(fmt_mixed(result)),
            hints=(
                f"Multiply the amount in the recipe by {fmt(factor)}. It helps to write {w} {a}/{b} as an "
                "improper fraction first.",
                f"{w} {a}/{b} = {improper}. Now multiply by {fmt(factor)}.",
            ),
            solution=steps,
            difficulty=0.0 + (0.3 if factor.denominator != 1 else 0.0) + 0.1 * w,
        )


_TRIP_STORIES = (
    ("A hiking trail is {x} km long. {name} has walked {y} km.", "How many kilometers are left to walk?"),
    ("A jug holds {x} L of lemonade. At a picnic, {y} L is drunk.", "How many liters of lemonade are left?"),
    ("A board is {x} m long. {name} saws off a piece {y} m long.", "How long is the rest of the board, in meters?"),
)  # fmt: skip


def _what_remains_mixed() -> Iterator[Draft]:
    for index, (w1, a, b, w2, c, e) in enumerate(mixed_cases("what-remains", 24, unlike=True, subtract=True)):
        story, question = _TRIP_STORIES[index % len(_TRIP_STORIES)]
        name = rng_for(f"what-remains/{index}").choice(NAMES)
        steps, result = mixed_steps(w1, a, b, w2, c, e, subtract=True)
        L = common_denominator(b, e)
        yield Draft(
            slug=f"{index % len(_TRIP_STORIES)}-{w1}-{a}-{b}-{w2}-{c}-{e}",
            prompt=story.format(name=name, x=f"{w1} {a}/{b}", y=f"{w2} {c}/{e}") + "\n" + question,
            answer=fraction_answer(fmt_mixed(result)),
            hints=(
                f"This is a subtraction: {w1} {a}/{b} {MINUS} {w2} {c}/{e}.",
                f"Rewrite the fraction parts with the common denominator {L}, then subtract the whole numbers "
                "and the fractions.",
                "If the first fraction part is smaller, trade 1 whole for a whole's worth of parts.",
            ),
            solution=steps,
            difficulty=0.2 + 0.03 * L + (0.4 if a * (L // b) < c * (L // e) else 0.0),
        )


TEMPLATES: tuple[TemplateSpec, ...] = (
    template("rest-of-amount", (WORD, "fraction-of-a-set"), "numeric",
             "How much more is needed after a fraction of an amount.", _rest_of_amount),
    template("what-is-left", (WORD, "add-unlike-denominators"), "fraction",
             "What fraction is left after two parts with different denominators.", _what_is_left),
    template("scale-recipe", (WORD, "multiply-fractions"), "fraction",
             "Scale a recipe amount given as a mixed number.", _scale_recipe),
    template("what-remains", (WORD, "add-subtract-mixed-unlike"), "fraction",
             "Subtract mixed numbers with different denominators, in context.", _what_remains_mixed),
)  # fmt: skip
