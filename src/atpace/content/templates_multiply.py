"""Grades 4-6: multiplying fractions, fractions as division, dividing with fractions."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from math import gcd

from atpace.content.build import (
    NAMES,
    Draft,
    choice_answer,
    fmt,
    fmt_mixed,
    fraction_answer,
    numeric_answer,
    pick,
    plural,
    rng_for,
    same_as,
    template,
    unit_word,
)
from atpace.content.spec import TemplateSpec
from atpace.content.templates_parts import proper


def _times_whole_cases(seed: str, count: int) -> list[tuple[int, int, int]]:
    return pick(seed, [(n, a, d) for n in range(2, 7) for a, d in proper(8)], count)


def _times_whole_steps(n: int, a: int, d: int) -> tuple[str, ...]:
    written = f"{n * a}/{d}"
    repeated = " + ".join([f"{a}/{d}"] * n)
    return (
        f"{n} × {a}/{d} means {n} groups of {a}/{d}: {repeated}.",
        f"That is {n} × {a} = {n * a} {unit_word(d, n * a)}.",
        f"So {n} × {a}/{d} = {written}.{same_as(Fraction(n * a, d), written)}",
    )


def _times_whole_difficulty(n: int, a: int, d: int) -> float:
    return -0.4 + 0.08 * (n - 2) + 0.06 * (d - 2) + (0.3 if n * a > d else 0.0)


def _times_whole() -> Iterator[Draft]:
    for n, a, d in _times_whole_cases("times-whole", 28):
        yield Draft(
            slug=f"{n}x{a}-{d}",
            prompt=f"{n} × {a}/{d} = ?",
            answer=fraction_answer(f"{n * a}/{d}"),
            hints=(
                f"{n} × {a}/{d} means {n} groups of {a}/{d}. You could add {a}/{d} to itself {n} times.",
                f"Multiply the numerator by {n}. The denominator stays {d}, because the parts are still "
                f"{unit_word(d, 2)}.",
            ),
            solution=_times_whole_steps(n, a, d),
            difficulty=_times_whole_difficulty(n, a, d),
        )


_TIMES_STORIES = (
    ("{name} runs {x} km every day for {n} days.", "How many kilometers does {name} run in all?"),
    ("Each of {n} friends drinks {x} L of juice.", "How many liters of juice do they drink altogether?"),
    ("A recipe needs {x} cup of sugar. {name} makes the recipe {n} times.", "How many cups of sugar does {name} need?"),
    ("{name} practises the piano for {x} of an hour each day for {n} days.", "How many hours is that in all?"),
)  # fmt: skip


def _times_whole_word() -> Iterator[Draft]:
    for index, (n, a, d) in enumerate(_times_whole_cases("times-whole-word", 24)):
        story, question = _TIMES_STORIES[index % len(_TIMES_STORIES)]
        name = rng_for(f"times-whole-word/{n}/{a}/{d}").choice(NAMES)
        yield Draft(
            slug=f"{index % len(_TIMES_STORIES)}-{n}x{a}-{d}",
            prompt=story.format(name=name, n=n, x=f"{a}/{d}") + "\n" + question.format(name=name),
            answer=fraction_answer(f"{n * a}/{d}"),
            hints=(
                f"The same amount, {a}/{d}, is repeated {n} times. That is a multiplication: {n} × {a}/{d}.",
                f"Multiply the numerator by {n} and keep the denominator {d}.",
            ),
            solution=_times_whole_steps(n, a, d),
            difficulty=_times_whole_difficulty(n, a, d) + 0.3,
        )


def _times_whole_choice() -> Iterator[Draft]:
    for n, a, d in _times_whole_cases("times-whole-choice", 24):
        yield Draft(
            slug=f"{n}x{a}-{d}",
            prompt=f"Which is equal to {n} × {a}/{d}?",
            answer=choice_answer(
                f"{n * a}/{d}",
                [f"{n * a}/{n * d}", f"{a}/{n * d}", f"{n + a}/{d}", f"{n * a + 1}/{d}"],
                f"times-whole-choice/{n}-{a}-{d}",
            ),
            hints=(
                f"Multiplying by {n} makes {n} groups of {a}/{d}. Does the size of the parts ({unit_word(d, 2)}) "
                "change?",
                f"Only the number of {unit_word(d, 2)} changes: multiply the numerator {a} by {n}.",
            ),
            solution=_times_whole_steps(n, a, d),
            difficulty=_times_whole_difficulty(n, a, d) - 0.2,
        )


_SHARE_STORIES = (
    ("{n} {pizzas} shared equally by {k} friends.", "How much pizza does each friend get?", "pizza"),
    ("{name} cuts a ribbon {n} m long into {k} equal pieces.", "How long is each piece, in meters?", "m"),
    ("{n} L of lemonade is poured equally into {k} glasses.", "How many liters are in each glass?", "L"),
    ("{n} kg of clay is shared equally by {k} students.", "How many kilograms of clay does each student get?", "kg"),
)  # fmt: skip


def _share_cases(seed: str, count: int) -> list[tuple[int, int]]:
    cases = [(n, k) for n in range(1, 9) for k in range(2, 9) if n != k and gcd(n, k) == 1]
    return pick(seed, cases, count)


def _share() -> Iterator[Draft]:
    for index, (n, k) in enumerate(_share_cases("share", 26)):
        story, question, unit = _SHARE_STORIES[index % len(_SHARE_STORIES)]
        name = rng_for(f"share/{n}/{k}").choice(NAMES)
        pizzas = "pizza is" if n == 1 else "pizzas are"
        value = Fraction(n, k)
        extra = f" That is {fmt_mixed(value)}." if value > 1 else ""
        yield Draft(
            slug=f"{index % len(_SHARE_STORIES)}-{n}-by-{k}",
            prompt=story.format(name=name, n=n, k=k, pizzas=pizzas) + "\n" + question,
            answer=fraction_answer(f"{n}/{k}"),
            hints=(
                f"Sharing {n} equally among {k} is the division {n} ÷ {k}.",
                "Any division a ÷ b can be written as the fraction a/b.",
            ),
            solution=(
                f"Each share is {n} ÷ {k}.",
                f"Cut each whole into {k} equal parts. Each share gets one part of size 1/{k} from each of the "
                f"{plural(n, 'whole')}: that is {n} × 1/{k}."
                if n > 1
                else f"Cut the whole into {k} equal parts. Each share gets one part, which is 1/{k}.",
                f"So each share is {n}/{k}{' ' + unit if unit != 'pizza' else ' of a pizza'}.{extra}",
            ),
            difficulty=-0.3 + 0.05 * (k - 2) + (0.4 if n > k else 0.0),
        )


def _division_choice() -> Iterator[Draft]:
    for n, k in [(n, k) for n, k in _share_cases("division-choice", 40) if n > 1][:24]:
        yield Draft(
            slug=f"{n}-by-{k}",
            prompt=f"Which fraction is equal to {n} ÷ {k}?",
            answer=choice_answer(
                f"{n}/{k}",
                [f"{k}/{n}", f"1/{k}", f"{n}/{n + k}", f"1/{n}", f"{k}/{n + k}"],
                f"division-choice/{n}-{k}",
            ),
            hints=(
                f"Think of sharing {n} things equally among {k} people. Does each person get more or less "
                "than 1 whole?",
                "The number you divide goes on top of the fraction; the number you divide by goes on the bottom.",
            ),
            solution=(
                f"{n} ÷ {k} means {n} shared into {k} equal parts.",
                "A division a ÷ b is the fraction a/b.",
                f"So {n} ÷ {k} = {n}/{k}.",
            ),
            difficulty=-0.3 + (0.3 if n > k else 0.0),
        )


def _product_cases(seed: str, count: int) -> list[tuple[int, int, int, int]]:
    fractions = proper(8)
    cases = [(a, b, c, e) for a, b in fractions for c, e in fractions if (a, b) != (c, e)]
    return pick(seed, cases, count)


def _product_steps(a: int, b: int, c: int, e: int, label: str | None = None) -> tuple[str, ...]:
    product = Fraction(a * c, b * e)
    raw = f"{a * c}/{b * e}"
    last = f"{raw} = {fmt(product)} in simplest form." if fmt(product) != raw else f"{raw}."
    return (
        f"Multiply the numerators: {a} × {c} = {a * c}.",
        f"Multiply the denominators: {b} × {e} = {b * e}.",
        f"So {label or f'{a}/{b} × {c}/{e}'} = {last}",
    )


def _product_difficulty(a: int, b: int, c: int, e: int) -> float:
    return -0.4 + 0.015 * b * e + (0.3 if gcd(a * c, b * e) > 1 else 0.0)


def _multiply() -> Iterator[Draft]:
    for a, b, c, e in _product_cases("multiply", 28):
        yield Draft(
            slug=f"{a}-{b}x{c}-{e}",
            prompt=f"{a}/{b} × {c}/{e} = ?",
            answer=fraction_answer(Fraction(a * c, b * e)),
            hints=(
                "To multiply fractions, multiply the numerators together and the denominators together. "
                "You do not need a common denominator.",
                f"Top: {a} × {c}. Bottom: {b} × {e}. Then simplify if you can.",
            ),
            solution=_product_steps(a, b, c, e),
            difficulty=_product_difficulty(a, b, c, e),
        )


_OF_STORIES = (
    ("{x} of a garden is planted with vegetables. Carrots grow in {y} of the vegetable part.",
     "What fraction of the whole garden grows carrots?"),
    ("{name} has {x} of a pizza left and eats {y} of it.", "What fraction of a whole pizza does {name} eat?"),
    ("{name} has {x} m of ribbon and uses {y} of it to make a bow.", "How many meters of ribbon are in the bow?"),
    ("A jug holds {x} L of milk. {name} pours {y} of the milk into a glass.",
     "How many liters of milk are in the glass?"),
)  # fmt: skip


def _of_fraction_word() -> Iterator[Draft]:
    for index, (a, b, c, e) in enumerate(_product_cases("of-fraction", 24)):
        story, question = _OF_STORIES[index % len(_OF_STORIES)]
        name = rng_for(f"of-fraction/{a}/{b}/{c}/{e}").choice(NAMES)
        yield Draft(
            slug=f"{index % len(_OF_STORIES)}-{c}-{e}-of-{a}-{b}",
            prompt=story.format(name=name, x=f"{a}/{b}", y=f"{c}/{e}") + "\n" + question.format(name=name),
            answer=fraction_answer(Fraction(a * c, b * e)),
            hints=(
                f"You need {c}/{e} of {a}/{b}. In maths, \u201cof\u201d here means multiply: {c}/{e} × {a}/{b}.",
                "Multiply the numerators together and the denominators together, then simplify if you can.",
            ),
            solution=_product_steps(c, e, a, b, label=f"{c}/{e} of {a}/{b}"),
            difficulty=_product_difficulty(a, b, c, e) + 0.3,
        )


def _scaling() -> Iterator[Draft]:
    factors = [*proper(8)[:12], (5, 4), (3, 2), (7, 3), (9, 8), (4, 4), (6, 5), (5, 5), (11, 6), (3, 3), (7, 4),
               (8, 7), (5, 3)]  # fmt: skip
    for index, (a, b) in enumerate(factors):
        n = 6 + (index * 7) % 23
        value = Fraction(a, b)
        relation = "less than" if value < 1 else "greater than" if value > 1 else "equal to"
        compare_one = "less than 1" if value < 1 else "greater than 1" if value > 1 else "equal to 1"
        yield Draft(
            slug=f"{a}-{b}x{n}",
            prompt=f"Without working it out, is {a}/{b} × {n} greater than, less than, or equal to {n}?",
            answer=choice_answer(
                f"{relation} {n}",
                [f"greater than {n}", f"less than {n}", f"equal to {n}"],
                f"scaling/{a}-{b}-{n}",
                shuffle=False,
            ),
            hints=(
                f"Is {a}/{b} less than 1, equal to 1, or greater than 1?",
                "Multiplying by a number less than 1 gives a smaller result; multiplying by a number greater "
                "than 1 gives a bigger result; multiplying by 1 changes nothing.",
            ),
            solution=(
                f"{a}/{b} is {compare_one}.",
                f"Multiplying {n} by a number {compare_one} gives a result {relation} {n}.",
                f"So {a}/{b} × {n} is {relation} {n}.",
            ),
            difficulty=-0.2 + (0.3 if value > 1 else 0.0) + (0.2 if value == 1 else 0.0),
        )


def _unit_div_cases(seed: str, count: int) -> list[tuple[int, int]]:
    return pick(seed, [(d, n) for d in range(2, 7) for n in range(2, 7)], count)


def _unit_div_steps(d: int, n: int) -> tuple[str, ...]:
    return (
        f"1/{d} ÷ {n} means: split 1/{d} into {n} equal parts.",
        f"If each of the {d} parts of the whole is split into {n}, the whole has {d} × {n} = {d * n} equal parts.",
        f"So 1/{d} ÷ {n} = 1/{d * n}.",
    )


def _unit_div_whole() -> Iterator[Draft]:
    for d, n in _unit_div_cases("unit-div-whole", 25):
        yield Draft(
            slug=f"1-{d}-div-{n}",
            prompt=f"1/{d} ÷ {n} = ?",
            answer=fraction_answer(f"1/{d * n}"),
            hints=(
                f"Imagine 1/{d} of something split into {n} equal parts. Each part is smaller than 1/{d}.",
                f"Dividing by {n} is the same as finding 1/{n} of it: 1/{n} × 1/{d}.",
            ),
            solution=_unit_div_steps(d, n),
            difficulty=-0.3 + 0.06 * (d + n - 4),
        )


_UNIT_DIV_STORIES = (
    ("{name} has 1/{d} of a pan of cornbread left and shares it equally among {n} friends.",
     "What fraction of the whole pan does each friend get?"),
    ("1/{d} kg of trail mix is split equally into {n} bags.", "How many kilograms of trail mix are in each bag?"),
    ("1/{d} L of juice is poured equally into {n} cups.", "How many liters of juice are in each cup?"),
)  # fmt: skip


def _unit_div_word() -> Iterator[Draft]:
    for index, (d, n) in enumerate(_unit_div_cases("unit-div-word", 24)):
        story, question = _UNIT_DIV_STORIES[index % len(_UNIT_DIV_STORIES)]
        name = rng_for(f"unit-div-word/{d}/{n}").choice(NAMES)
        yield Draft(
            slug=f"{index % len(_UNIT_DIV_STORIES)}-1-{d}-div-{n}",
            prompt=story.format(name=name, d=d, n=n) + "\n" + question,
            answer=fraction_answer(f"1/{d * n}"),
            hints=(
                f"Sharing 1/{d} equally among {n} is the division 1/{d} ÷ {n}. Each share is less than 1/{d}.",
                f"Think of the whole: if every {unit_word(d)} is split into {n} equal parts, how many parts does "
                "the whole have?",
            ),
            solution=_unit_div_steps(d, n),
            difficulty=-0.1 + 0.06 * (d + n - 4),
        )


def _unit_div_choice() -> Iterator[Draft]:
    for d, n in _unit_div_cases("unit-div-choice", 24):
        yield Draft(
            slug=f"1-{d}-div-{n}",
            prompt=f"Which is equal to 1/{d} ÷ {n}?",
            answer=choice_answer(
                f"1/{d * n}",
                [f"{n}/{d}", f"{d}/{n}", f"1/{d + n}", f"1/{d}", f"{n}/{d * n}"],
                f"unit-div-choice/{d}-{n}",
            ),
            hints=(
                f"Dividing 1/{d} into {n} equal parts makes each part smaller than 1/{d}. Which choices are "
                f"smaller than 1/{d}?",
                f"Splitting every {unit_word(d)} into {n} parts cuts the whole into {d} × {n} parts.",
            ),
            solution=_unit_div_steps(d, n),
            difficulty=-0.5 + 0.06 * (d + n - 4),
        )


def _whole_div_cases(seed: str, count: int) -> list[tuple[int, int]]:
    return pick(seed, [(n, d) for n in range(2, 9) for d in range(2, 7)], count)


def _whole_div_steps(n: int, d: int) -> tuple[str, ...]:
    return (
        f"{n} ÷ 1/{d} asks: how many pieces of size 1/{d} fit into {n}?",
        f"Each whole holds {d} pieces of size 1/{d}, so {n} wholes hold {n} × {d} pieces.",
        f"So {n} ÷ 1/{d} = {n * d}.",
    )


def _whole_div_unit() -> Iterator[Draft]:
    for n, d in _whole_div_cases("whole-div-unit", 25):
        yield Draft(
            slug=f"{n}-div-1-{d}",
            prompt=f"{n} ÷ 1/{d} = ?",
            answer=numeric_answer(n * d),
            hints=(
                f"Ask yourself: how many pieces of size 1/{d} fit into {n}?",
                f"There are {d} pieces of size 1/{d} in each whole.",
            ),
            solution=_whole_div_steps(n, d),
            difficulty=-0.3 + 0.05 * (n * d - 4) / 2,
        )


_WHOLE_DIV_STORIES = (
    ("{name} has {n} cups of rice. Each serving is 1/{d} cup.", "How many servings can {name} make?"),
    ("A ribbon {n} m long is cut into pieces that are each 1/{d} m long.", "How many pieces are there?"),
    ("{n} L of lemonade is poured into small cups that each hold 1/{d} L.", "How many cups can be filled?"),
)  # fmt: skip


def _whole_div_word() -> Iterator[Draft]:
    for index, (n, d) in enumerate(_whole_div_cases("whole-div-word", 24)):
        story, question = _WHOLE_DIV_STORIES[index % len(_WHOLE_DIV_STORIES)]
        name = rng_for(f"whole-div-word/{n}/{d}").choice(NAMES)
        yield Draft(
            slug=f"{index % len(_WHOLE_DIV_STORIES)}-{n}-div-1-{d}",
            prompt=story.format(name=name, n=n, d=d) + "\n" + question.format(name=name),
            answer=numeric_answer(n * d),
            hints=(
                f"This is the division {n} ÷ 1/{d}: how many pieces of 1/{d} fit into {n}?",
                f"Each whole makes {d} pieces of 1/{d}.",
            ),
            solution=_whole_div_steps(n, d),
            difficulty=-0.1 + 0.05 * (n * d - 4) / 2,
        )


def _whole_div_choice() -> Iterator[Draft]:
    for n, d in _whole_div_cases("whole-div-choice", 24):
        yield Draft(
            slug=f"{n}-div-1-{d}",
            prompt=f"Which is equal to {n} ÷ 1/{d}?",
            answer=choice_answer(
                str(n * d), [f"{n}/{d}", f"1/{n * d}", str(n + d), f"{d}/{n}"], f"whole-div-choice/{n}-{d}"
            ),
            hints=(
                f"Dividing by 1/{d} asks how many pieces of size 1/{d} fit into {n}. Is the answer bigger or "
                f"smaller than {n}?",
                f"Each whole holds {d} pieces of size 1/{d}.",
            ),
            solution=_whole_div_steps(n, d),
            difficulty=-0.5 + 0.05 * (n * d - 4) / 2,
        )


def _quotient_steps(a: int, b: int, c: int, e: int) -> tuple[str, ...]:
    result = Fraction(a * e, b * c)
    raw = f"{a * e}/{b * c}"
    tail = f" (or {fmt_mixed(result)})" if result > 1 and result.denominator != 1 else ""
    steps = [
        f"Dividing by {c}/{e} is the same as multiplying by its reciprocal, {e}/{c}.",
        f"{a}/{b} × {e}/{c} = {raw}.",
    ]
    if fmt(result) != raw:
        steps.append(f"{raw} = {fmt(result)} in simplest form.")
    steps.append(f"So {a}/{b} ÷ {c}/{e} = {fmt(result)}{tail}.")
    return tuple(steps)


def _divide() -> Iterator[Draft]:
    for a, b, c, e in _product_cases("divide", 28):
        yield Draft(
            slug=f"{a}-{b}-div-{c}-{e}",
            prompt=f"{a}/{b} ÷ {c}/{e} = ?",
            answer=fraction_answer(Fraction(a * e, b * c)),
            hints=(
                "Dividing by a fraction is the same as multiplying by its reciprocal: flip the fraction you are "
                "dividing by.",
                f"{a}/{b} ÷ {c}/{e} = {a}/{b} × {e}/{c}.",
            ),
            solution=_quotient_steps(a, b, c, e),
            difficulty=-0.3 + 0.012 * b * c + (0.3 if Fraction(a * e, b * c) > 1 else 0.0),
        )


_FIT_STORIES = (
    ("A ribbon is {total} m long. {name} cuts it into pieces that are each {piece} m long.",
     "How many pieces does {name} get?"),
    ("{name} has {total} {cups} of flour. One batch of muffins uses {piece} cup of flour.",
     "How many batches can {name} make?"),
    ("A bottle holds {total} L of water. Each glass holds {piece} L.", "How many glasses can be filled?"),
)  # fmt: skip


def _how_many_fit() -> Iterator[Draft]:
    cases = pick("how-many-fit", [(c, e, q) for c, e in proper(8) for q in range(2, 9)], 24)
    for index, (c, e, q) in enumerate(cases):
        total = q * Fraction(c, e)
        story, question = _FIT_STORIES[index % len(_FIT_STORIES)]
        name = rng_for(f"how-many-fit/{c}/{e}/{q}").choice(NAMES)
        total_text = fmt_mixed(total)
        as_fraction = fmt(total)
        yield Draft(
            slug=f"{index % len(_FIT_STORIES)}-{as_fraction.replace('/', '-')}-div-{c}-{e}",
            prompt=story.format(
                name=name, total=total_text, piece=f"{c}/{e}", cups="cup" if total <= 1 else "cups"
            )
            + "\n"
            + question.format(name=name),
            answer=numeric_answer(q),
            hints=(
                f"This is a division: {total_text} ÷ {c}/{e}.",
                (
                    f"Write {total_text} as the fraction {as_fraction} first, then multiply by the reciprocal {e}/{c}."
                    if total_text != as_fraction
                    else f"Multiply {total_text} by the reciprocal of {c}/{e}, which is {e}/{c}."
                ),
            ),
            solution=(
                f"Work out {total_text} ÷ {c}/{e}"
                + (f", where {total_text} = {as_fraction}." if total_text != as_fraction else "."),
                f"{as_fraction} × {e}/{c} = {total.numerator * e}/{total.denominator * c} = {q}.",
                f"So the answer is {q}.",
            ),
            difficulty=0.0 + 0.05 * e + (0.3 if total.denominator != 1 else 0.0),
        )


def _divide_choice() -> Iterator[Draft]:
    for a, b, c, e in _product_cases("divide-choice", 24):
        result = Fraction(a * e, b * c)
        near = [fmt(result + Fraction(1, result.denominator)), fmt(result * 2)]
        yield Draft(
            slug=f"{a}-{b}-div-{c}-{e}",
            prompt=f"Which is equal to {a}/{b} ÷ {c}/{e}?",
            answer=choice_answer(
                fmt(result),
                [fmt(Fraction(a * c, b * e)), fmt(Fraction(b * c, a * e)), *near],
                f"divide-choice/{a}-{b}-{c}-{e}",
            ),
            hints=(
                "Do not just multiply straight across: flip the fraction you are dividing by first.",
                f"{a}/{b} ÷ {c}/{e} = {a}/{b} × {e}/{c}.",
            ),
            solution=_quotient_steps(a, b, c, e),
            difficulty=-0.5 + 0.012 * b * c + (0.3 if result > 1 else 0.0),
        )


TEMPLATES: tuple[TemplateSpec, ...] = (
    template("times-whole", "multiply-fraction-by-whole", "fraction", "Multiply a fraction by a whole number.",
             _times_whole),
    template("times-whole-word", "multiply-fraction-by-whole", "fraction",
             "Word problems multiplying a fraction by a whole number.", _times_whole_word),
    template("times-whole-choice", "multiply-fraction-by-whole", "multiple_choice",
             "Choose the product of a whole number and a fraction.", _times_whole_choice),
    template("share", "fractions-as-division", "fraction", "Equal sharing that gives a fraction.", _share),
    template("division-choice", "fractions-as-division", "multiple_choice",
             "Choose the fraction equal to a division.", _division_choice),
    template("multiply", "multiply-fractions", "fraction", "Multiply two fractions.", _multiply),
    template("of-fraction", "multiply-fractions", "fraction", "A fraction of a fraction, in context.",
             _of_fraction_word),
    template("scaling", "multiply-fractions", "multiple_choice",
             "Predict whether multiplying by a fraction makes a number bigger or smaller.", _scaling),
    template("unit-div-whole", "divide-unit-fraction-by-whole", "fraction",
             "Divide a unit fraction by a whole number.", _unit_div_whole),
    template("unit-div-word", "divide-unit-fraction-by-whole", "fraction",
             "Share a unit fraction equally.", _unit_div_word),
    template("unit-div-choice", "divide-unit-fraction-by-whole", "multiple_choice",
             "Choose the quotient of a unit fraction and a whole number.", _unit_div_choice),
    template("whole-div-unit", "divide-whole-by-unit-fraction", "numeric",
             "Divide a whole number by a unit fraction.", _whole_div_unit),
    template("whole-div-word", "divide-whole-by-unit-fraction", "numeric",
             "How many unit-fraction pieces fit into a whole number.", _whole_div_word),
    template("whole-div-choice", "divide-whole-by-unit-fraction", "multiple_choice",
             "Choose the quotient of a whole number and a unit fraction.", _whole_div_choice),
    template("divide", "divide-fractions", "fraction", "Divide a fraction by a fraction.", _divide),
    template("how-many-fit", "divide-fractions", "numeric",
             "How many fractional pieces fit into an amount.", _how_many_fit),
    template("divide-choice", "divide-fractions", "multiple_choice",
             "Choose the quotient of two fractions.", _divide_choice),
)  # fmt: skip
