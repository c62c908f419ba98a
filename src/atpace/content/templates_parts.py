"""Grade 4: equivalent fractions, simplest form, comparing, fraction of a set, mixed numbers."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from math import gcd

from atpace.content.build import (
    NAMES,
    Draft,
    choice_answer,
    common_denominator,
    fraction_answer,
    numeric_answer,
    pick,
    plural,
    rng_for,
    symbol_answer,
    template,
    unit_word,
)
from atpace.content.spec import TemplateSpec
from atpace.content.templates_basics import COMPARE_PROMPT


def proper(max_denominator: int, min_denominator: int = 2) -> list[tuple[int, int]]:
    """Proper fractions in lowest terms, as (numerator, denominator)."""
    return [
        (a, b) for b in range(min_denominator, max_denominator + 1) for a in range(1, b) if gcd(a, b) == 1
    ]


def _equivalent_missing() -> Iterator[Draft]:
    for index, (a, b) in enumerate(pick("equiv-missing", proper(6), 13)):
        k = 2 + index % 4
        for missing in ("top", "bottom"):
            if missing == "top":
                prompt = f"Fill in the missing number so the fractions are equal:\n{a}/{b} = ?/{b * k}"
                answer, first_hint = a * k, f"What do you multiply {b} by to get {b * k}?"
                steps = (
                    f"{b} × {k} = {b * k}, so the bottom was multiplied by {k}.",
                    f"Multiply the top by the same number: {a} × {k} = {a * k}.",
                    f"{a}/{b} = {a * k}/{b * k}, so the missing number is {a * k}.",
                )
            else:
                prompt = f"Fill in the missing number so the fractions are equal:\n{a}/{b} = {a * k}/?"
                answer, first_hint = b * k, f"What do you multiply {a} by to get {a * k}?"
                steps = (
                    f"{a} × {k} = {a * k}, so the top was multiplied by {k}.",
                    f"Multiply the bottom by the same number: {b} × {k} = {b * k}.",
                    f"{a}/{b} = {a * k}/{b * k}, so the missing number is {b * k}.",
                )
            yield Draft(
                slug=f"{missing}-{a}-{b}-x{k}",
                prompt=prompt,
                answer=numeric_answer(answer),
                hints=(
                    first_hint,
                    "Equivalent fractions multiply the top and the bottom by the same number.",
                ),
                solution=steps,
                difficulty=-0.5 + 0.15 * (k - 2) + 0.08 * (b - 2) + (0.2 if missing == "bottom" else 0.0),
            )


def _equivalent_choice() -> Iterator[Draft]:
    for index, (a, b) in enumerate(pick("equiv-choice", proper(9), 24)):
        k = 2 + index % 3
        yield Draft(
            slug=f"{a}-{b}",
            prompt=f"Which fraction is equivalent to {a}/{b}?",
            answer=choice_answer(
                f"{a * k}/{b * k}",
                [f"{a + k}/{b + k}", f"{a * k}/{b}", f"{a}/{b * k}", f"{a + 1}/{b + 1}", f"{b}/{a}"],
                f"equiv-choice/{a}-{b}",
            ),
            hints=(
                "Equivalent fractions name the same amount. Adding the same number to the top and bottom "
                "does not keep the amount the same.",
                "Look for the choice where the top and the bottom of the fraction were both multiplied by "
                "the same number.",
            ),
            solution=(
                f"Multiply the top and the bottom of {a}/{b} by {k}.",
                f"{a} × {k} = {a * k} and {b} × {k} = {b * k}.",
                f"So {a}/{b} = {a * k}/{b * k}.",
            ),
            difficulty=-0.3 + 0.06 * (b - 2) + 0.1 * (k - 2),
        )


def _simplify_cases(seed: str) -> list[tuple[int, int, int]]:
    """(a, b, g): the fraction (a*g)/(b*g) simplifies to a/b."""
    cases = [(a, b, g) for a, b in proper(8) for g in (2, 3, 4, 5, 6) if b * g <= 48]
    return pick(seed, cases, 28)


def _prime_factors(n: int) -> list[int]:
    factors, p = [], 2
    while n > 1:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    return factors


def _simplify() -> Iterator[Draft]:
    for a, b, g in _simplify_cases("simplify"):
        n, d = a * g, b * g
        yield Draft(
            slug=f"{n}-{d}",
            prompt=f"Write {n}/{d} in simplest form.",
            answer=fraction_answer(Fraction(a, b), simplest=True),
            hints=(
                f"Find a number bigger than 1 that divides both {n} and {d} exactly.",
                f"Divide the top and the bottom by the same number. {g} divides both {n} and {d}. "
                "Check that you cannot divide again.",
            ),
            solution=(
                f"The greatest common factor of {n} and {d} is {g}.",
                f"{n} ÷ {g} = {a} and {d} ÷ {g} = {b}.",
                f"{a} and {b} have no common factor except 1, so {n}/{d} = {a}/{b} in simplest form.",
            ),
            difficulty=-0.4 + 0.25 * (len(_prime_factors(g)) - 1) + 0.03 * (d - 10),
        )


def _simplify_choice() -> Iterator[Draft]:
    for a, b, g in _simplify_cases("simplify-choice"):
        n, d = a * g, b * g
        p = _prime_factors(g)[0]
        partial = f"{n // p}/{d // p}" if p != g else f"{a + 1}/{b + 1}"
        yield Draft(
            slug=f"{n}-{d}",
            prompt=f"Which shows {n}/{d} in simplest form?",
            answer=choice_answer(
                f"{a}/{b}",
                [partial, f"{a}/{d}", f"{n}/{b}", f"{b}/{a}", f"{a}/{b + 1}"],
                f"simplify-choice/{n}-{d}",
                same_values=True,
            ),
            hints=(
                "Simplest form means the top and the bottom have no common factor except 1.",
                f"Divide both {n} and {d} by their greatest common factor. Be careful: dividing only the top "
                "or only the bottom changes the amount.",
            ),
            solution=(
                f"The greatest common factor of {n} and {d} is {g}.",
                f"{n} ÷ {g} = {a} and {d} ÷ {g} = {b}.",
                f"So {n}/{d} in simplest form is {a}/{b}.",
            ),
            difficulty=-0.6 + 0.25 * (len(_prime_factors(g)) - 1) + 0.03 * (d - 10),
        )


def _unlike_pairs(seed: str, count: int, equal: int = 0) -> list[tuple[int, int, int, int]]:
    """(a, b, c, e): a/b and c/e with different denominators, mostly unequal values."""
    fractions = proper(12)
    pairs = [
        (a, b, c, e)
        for a, b in fractions
        for c, e in fractions
        if b < e and Fraction(a, b) != Fraction(c, e) and common_denominator(b, e) <= 60
    ]
    rng = rng_for(seed)
    rng.shuffle(pairs)
    chosen = pairs[:count]
    for a, b in pick(f"{seed}/equal", proper(5), equal):
        k = 2 + len(chosen) % 2
        chosen.append((a, b, a * k, b * k))
    result = []
    for a, b, c, e in chosen:  # show the smaller denominator second about half of the time
        result.append((a, b, c, e) if rng.random() < 0.5 else (c, e, a, b))
    return result


def _compare_steps(a: int, b: int, c: int, e: int) -> tuple[str, ...]:
    L = common_denominator(b, e)
    x, y = a * (L // b), c * (L // e)
    symbol = ">" if x > y else "<" if x < y else "="
    return (
        f"Use the common denominator {L}.",
        f"{a}/{b} = {x}/{L} and {c}/{e} = {y}/{L}.",
        f"{x}/{L} {symbol} {y}/{L}, so {a}/{b} {symbol} {c}/{e}.",
    )


def _compare_unlike_symbol() -> Iterator[Draft]:
    for a, b, c, e in _unlike_pairs("unlike-symbol", 22, equal=3):
        L = common_denominator(b, e)
        yield Draft(
            slug=f"{a}-{b}-vs-{c}-{e}",
            prompt=f"{COMPARE_PROMPT}{a}/{b} ___ {c}/{e}",
            answer=symbol_answer(f"{a}/{b}", f"{c}/{e}", Fraction(a, b), Fraction(c, e)),
            hints=(
                "The denominators are different, so the parts are different sizes. Rewrite both fractions "
                "with the same denominator first.",
                f"{L} is a common denominator: write {a}/{b} and {c}/{e} as fractions out of {L}.",
            ),
            solution=_compare_steps(a, b, c, e),
            difficulty=-0.2 + 0.02 * L - (0.3 if L in (b, e) else 0.0),
        )


def _compare_unlike_choice() -> Iterator[Draft]:
    for a, b, c, e in _unlike_pairs("unlike-choice", 22, equal=2):
        L = common_denominator(b, e)
        equal = "They are equal"
        value_1, value_2 = Fraction(a, b), Fraction(c, e)
        correct = f"{a}/{b}" if value_1 > value_2 else f"{c}/{e}" if value_2 > value_1 else equal
        steps = _compare_steps(a, b, c, e)
        yield Draft(
            slug=f"{a}-{b}-or-{c}-{e}",
            prompt=f"Which fraction is greater: {a}/{b} or {c}/{e}?",
            answer=choice_answer(
                correct,
                [f"{a}/{b}", f"{c}/{e}", equal],
                f"unlike-choice/{a}-{b}-{c}-{e}",
                shuffle=False,
                same_values=True,
            ),
            hints=(
                "Bigger numbers on top and bottom do not always mean a bigger fraction. Compare parts of "
                "the same size.",
                f"Rewrite both fractions with the denominator {L}, then compare the numerators.",
            ),
            solution=(*steps, f"The answer is: {correct}."),
            difficulty=-0.3 + 0.02 * L - (0.3 if L in (b, e) else 0.0),
        )


def _benchmark_half() -> Iterator[Draft]:
    cases = [*pick("half", proper(12, 3), 22), (2, 4), (3, 6), (4, 8), (5, 10)]
    for a, b in cases:
        value = Fraction(a, b)
        relation = (
            "less than"
            if value < Fraction(1, 2)
            else "greater than"
            if value > Fraction(1, 2)
            else "equal to"
        )
        half = Fraction(b, 2)
        half_text = str(half.numerator) if half.denominator == 1 else f"{b // 2} 1/2"
        yield Draft(
            slug=f"{a}-{b}",
            prompt=f"Is {a}/{b} less than, equal to, or greater than 1/2?",
            answer=choice_answer(
                f"{relation} 1/2",
                ["less than 1/2", "equal to 1/2", "greater than 1/2"],
                f"half/{a}-{b}",
                shuffle=False,
                same_values=True,
            ),
            hints=(
                f"A fraction is exactly 1/2 when its numerator is half of its denominator. What is half of {b}?",
                f"Half of {b} is {half_text}. Is {a} less than, equal to, or more than {half_text}?",
            ),
            solution=(
                f"Half of {b} is {half_text}, so 1/2 = {half_text}/{b}."
                if half.denominator == 1
                else f"Half of {b} is {half_text}.",
                f"{a} is exactly half of {b}."
                if value == Fraction(1, 2)
                else f"{a} is {'less' if value < Fraction(1, 2) else 'more'} than {half_text}.",
                f"So {a}/{b} is {relation} 1/2.",
            ),
            difficulty=-0.5 + 0.05 * (b - 3) - 0.3 * float(abs(value - Fraction(1, 2))),
        )


_SET_CONTEXTS = (
    ("marbles", "are blue"),
    ("stickers", "are stars"),
    ("apples", "are green"),
    ("students in a class", "walk to school"),
    ("books on a shelf", "are about animals"),
    ("cars in a parking lot", "are red"),
)


def _unit_fraction_of_set() -> Iterator[Draft]:
    cases = [(d, q) for d in range(2, 7) for q in range(2, 7)][:25]
    for d, q in cases:
        n = d * q
        rng = rng_for(f"unit-of-set/{d}/{q}")
        name = rng.choice(NAMES)
        things = rng.choice(("stickers", "marbles", "grapes", "crayons", "shells"))
        yield Draft(
            slug=f"{d}-of-{n}",
            prompt=f"{name} has {n} {things} and gives 1/{d} of them to a friend.\nHow many {things} does the friend get?",
            answer=numeric_answer(q),
            hints=(
                f"1/{d} of a group means: split the group into {d} equal groups and take one of them.",
                f"Work out {n} ÷ {d}.",
            ),
            solution=(
                f"Split the {n} {things} into {d} equal groups.",
                f"{n} ÷ {d} = {q}, so each group has {q}.",
                f"1/{d} of {n} is {q}.",
            ),
            difficulty=-0.6 + 0.1 * (d - 2) + 0.08 * (q - 2),
        )


def _set_cases(seed: str) -> list[tuple[int, int, int]]:
    """(a, d, q): a/d of d*q, with 2 <= a < d and a/d not 1/2."""
    cases = [(a, d, q) for d in range(3, 9) for a in range(2, d) for q in range(2, 8) if gcd(a, d) == 1]
    return pick(seed, cases, 26)


def _fraction_of_set() -> Iterator[Draft]:
    for a, d, q in _set_cases("of-set"):
        n = d * q
        things, have = _SET_CONTEXTS[(a + d + q) % len(_SET_CONTEXTS)]
        noun = things.split()[0]
        yield Draft(
            slug=f"{a}-{d}-of-{n}",
            prompt=f"There are {n} {things}. {a}/{d} of them {have}.\nHow many of the {noun} {have}?",
            answer=numeric_answer(a * q),
            hints=(
                f"First find 1/{d} of {n}: split {n} into {d} equal groups.",
                f"1/{d} of {n} is {q}. You need {a} of those groups.",
            ),
            solution=(
                f"1/{d} of {n} is {n} ÷ {d} = {q}.",
                f"{a}/{d} is {a} times as much: {a} × {q} = {a * q}.",
                f"So {a * q} of the {noun} {have}.",
            ),
            difficulty=-0.1 + 0.08 * (d - 3) + 0.08 * (q - 2) + 0.05 * a,
        )


def _fraction_of_set_choice() -> Iterator[Draft]:
    for a, d, q in _set_cases("of-set-choice"):
        n = d * q
        yield Draft(
            slug=f"{a}-{d}-of-{n}",
            prompt=f"What is {a}/{d} of {n}?",
            answer=choice_answer(
                str(a * q), [str(q), str(n - a * q), str(n * a), str(n + a)], f"of-set-choice/{a}-{d}-{n}"
            ),
            hints=(
                f"Start with 1/{d} of {n}. How big is each of {d} equal groups?",
                f"1/{d} of {n} is {q}. Now take {a} of those groups.",
            ),
            solution=(
                f"1/{d} of {n} = {n} ÷ {d} = {q}.",
                f"{a}/{d} of {n} = {a} × {q}.",
                f"So {a}/{d} of {n} is {a * q}.",
            ),
            difficulty=-0.4 + 0.08 * (d - 3) + 0.08 * (q - 2),
        )


def _mixed_cases(seed: str, count: int) -> list[tuple[int, int, int]]:
    """(w, a, d): the mixed number w a/d with a/d in lowest terms."""
    cases = [(w, a, d) for w in range(1, 5) for a, d in proper(8)]
    return pick(seed, cases, count)


def _mixed_to_improper() -> Iterator[Draft]:
    for w, a, d in _mixed_cases("to-improper", 28):
        n = w * d + a
        units = unit_word(d, 2)
        yield Draft(
            slug=f"{w}-{a}-{d}",
            prompt=f"Write {w} {a}/{d} as an improper fraction.",
            answer=fraction_answer(f"{n}/{d}", mixed=False),
            hints=(
                f"How many {units} make one whole? How many {units} are in {plural(w, 'whole')}?",
                f"{plural(w, 'whole')} = {w * d}/{d}. Then add the {a}/{d} that is left.",
            ),
            solution=(
                f"One whole is {d}/{d}, so {plural(w, 'whole')} = {w} × {d} = {w * d} {units}.",
                f"Add the extra {a}: {w * d} + {a} = {n}.",
                f"So {w} {a}/{d} = {n}/{d}.",
            ),
            difficulty=-0.4 + 0.12 * (d - 2) + 0.15 * (w - 1),
        )


def _mixed_to_improper_choice() -> Iterator[Draft]:
    for w, a, d in _mixed_cases("to-improper-choice", 24):
        n = w * d + a
        yield Draft(
            slug=f"{w}-{a}-{d}",
            prompt=f"Which improper fraction is equal to {w} {a}/{d}?",
            answer=choice_answer(
                f"{n}/{d}",
                [f"{w + a}/{d}", f"{w}{a}/{d}", f"{w * a + d}/{d}", f"{w * d}/{d}", f"{n + 1}/{d}"],
                f"to-improper-choice/{w}-{a}-{d}",
            ),
            hints=(
                f"Each whole is {d}/{d}. Find how many {unit_word(d, 2)} there are in the whole numbers first.",
                f"{w} × {d} = {w * d}. Add the {a} extra {unit_word(d, a)}.",
            ),
            solution=(
                f"{plural(w, 'whole')} = {w * d}/{d}.",
                f"{w * d}/{d} + {a}/{d} = {n}/{d}.",
                f"So {w} {a}/{d} = {n}/{d}.",
            ),
            difficulty=-0.6 + 0.12 * (d - 2) + 0.15 * (w - 1),
        )


def _improper_cases(seed: str, count: int) -> list[tuple[int, int]]:
    """(n, d) with n > d, n not a multiple of d, n/d in lowest terms."""
    cases = [(n, d) for d in range(2, 9) for n in range(d + 1, 4 * d) if gcd(n, d) == 1]
    return pick(seed, cases, count)


def _improper_steps(n: int, d: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    w, r = divmod(n, d)
    units = unit_word(d, 2)
    hints = (
        f"How many groups of {d} {units} fit into {n} {units}? Each group of {d} makes one whole.",
        f"{n} ÷ {d} = {w} remainder {r}. The remainder tells you how many {units} are left over.",
    )
    steps = (
        f"{n} ÷ {d} = {w} remainder {r}.",
        f"That is {plural(w, 'whole')} ({w * d}/{d}) and {r}/{d} left over.",
        f"So {n}/{d} = {w} {r}/{d}.",
    )
    return hints, steps


def _improper_to_mixed() -> Iterator[Draft]:
    for n, d in _improper_cases("to-mixed", 28):
        w, r = divmod(n, d)
        hints, steps = _improper_steps(n, d)
        yield Draft(
            slug=f"{n}-{d}",
            prompt=f"Write {n}/{d} as a mixed number.",
            answer=fraction_answer(f"{w} {r}/{d}", simplest=True),
            hints=hints,
            solution=steps,
            difficulty=-0.3 + 0.1 * (d - 2) + 0.1 * (w - 1),
        )


def _improper_to_mixed_choice() -> Iterator[Draft]:
    for n, d in _improper_cases("to-mixed-choice", 24):
        w, r = divmod(n, d)
        hints, steps = _improper_steps(n, d)
        yield Draft(
            slug=f"{n}-{d}",
            prompt=f"Which mixed number is equal to {n}/{d}?",
            answer=choice_answer(
                f"{w} {r}/{d}",
                [
                    f"{r} {w}/{d}" if w < d else f"{w} {r}/{n}",
                    f"{w} {r}/{n}",
                    f"{w + 1} {r}/{d}",
                    f"{w} {d - r}/{d}",
                    f"{w - 1} {r}/{d}" if w > 1 else f"{r}/{d}",
                ],
                f"to-mixed-choice/{n}-{d}",
            ),
            hints=(
                f"Each whole is {d}/{d}. How many wholes can you make from {n}/{d}?",
                hints[1],
            ),
            solution=steps,
            difficulty=-0.5 + 0.1 * (d - 2) + 0.1 * (w - 1),
        )


_LEFTOVERS = (
    ("slices of pizza are left after a party", "pizza was cut into", "slices", "pizzas"),
    ("pieces of pie are left after dinner", "pie was cut into", "pieces", "pies"),
    (
        "pieces of cornbread are left on the table",
        "pan of cornbread was cut into",
        "pieces",
        "pans of cornbread",
    ),
    ("pieces of chocolate are left in a box", "chocolate bar was made of", "pieces", "chocolate bars"),
)


def _leftover_pieces() -> Iterator[Draft]:
    for index, (n, d) in enumerate(_improper_cases("leftovers", 24)):
        w, r = divmod(n, d)
        left, cut, parts, wholes = _LEFTOVERS[index % len(_LEFTOVERS)]
        hints, steps = _improper_steps(n, d)
        yield Draft(
            slug=f"{n}-{d}",
            prompt=(
                f"{n} {left}. Each {cut} {d} equal {parts}.\n"
                f"How many {wholes} do the {parts} make? Write your answer as a mixed number."
            ),
            answer=fraction_answer(f"{w} {r}/{d}", simplest=True),
            hints=hints,
            solution=(*steps[:2], f"The {parts} make {w} {r}/{d} {wholes}."),
            difficulty=0.0 + 0.1 * (d - 2) + 0.1 * (w - 1),
        )


TEMPLATES: tuple[TemplateSpec, ...] = (
    template("equiv-missing", "equivalent-fractions", "numeric",
             "Missing numerator or denominator in a pair of equivalent fractions.", _equivalent_missing),
    template("equiv-choice", "equivalent-fractions", "multiple_choice",
             "Choose the equivalent fraction.", _equivalent_choice),
    template("simplify", "simplify-fractions", "fraction", "Write a fraction in simplest form.", _simplify),
    template("simplify-choice", "simplify-fractions", "multiple_choice",
             "Choose the simplest form of a fraction.", _simplify_choice),
    template("unlike-symbol", "compare-unlike-fractions", "short_text",
             "Compare fractions with different denominators using <, > or =.", _compare_unlike_symbol),
    template("unlike-choice", "compare-unlike-fractions", "multiple_choice",
             "Choose the greater of two fractions with different denominators.", _compare_unlike_choice),
    template("half", "compare-unlike-fractions", "multiple_choice",
             "Compare a fraction with the benchmark 1/2.", _benchmark_half),
    template("unit-of-set", "fraction-of-a-set", "numeric", "A unit fraction of a group of objects.",
             _unit_fraction_of_set),
    template("of-set", "fraction-of-a-set", "numeric", "A fraction of a group of objects, in context.",
             _fraction_of_set),
    template("of-set-choice", "fraction-of-a-set", "multiple_choice", "Choose a fraction of a number.",
             _fraction_of_set_choice),
    template("to-improper", "mixed-to-improper", "fraction", "Write a mixed number as an improper fraction.",
             _mixed_to_improper),
    template("to-improper-choice", "mixed-to-improper", "multiple_choice",
             "Choose the improper fraction equal to a mixed number.", _mixed_to_improper_choice),
    template("to-mixed", "improper-to-mixed", "fraction", "Write an improper fraction as a mixed number.",
             _improper_to_mixed),
    template("to-mixed-choice", "improper-to-mixed", "multiple_choice",
             "Choose the mixed number equal to an improper fraction.", _improper_to_mixed_choice),
    template("leftovers", "improper-to-mixed", "fraction",
             "How many wholes leftover pieces make, as a mixed number.", _leftover_pieces),
)  # fmt: skip
