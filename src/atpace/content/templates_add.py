"""Adding and subtracting fractions and mixed numbers, with like and unlike denominators."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from math import gcd

from atpace.content.build import (
    MINUS,
    NAMES,
    Draft,
    choice_answer,
    common_denominator,
    fmt,
    fmt_mixed,
    fraction_answer,
    pick,
    rng_for,
    same_as,
    template,
    unit_word,
)
from atpace.content.spec import TemplateSpec
from atpace.content.templates_parts import proper


def _like_cases(seed: str, count: int, *, max_total: int | None = None) -> list[tuple[int, int, int]]:
    """(a, b, d): a/d and b/d, both proper; a + b at most ``max_total`` times d when given."""
    cases = [
        (a, b, d)
        for d in range(3, 13)
        for a in range(1, d)
        for b in range(1, d)
        if max_total is None or a + b <= max_total * d
    ]
    return pick(seed, cases, count)


def _like_difficulty(a: int, b: int, d: int, subtract: bool = False) -> float:
    total = a - b if subtract else a + b
    return -0.5 + 0.07 * (d - 3) + (0.4 if total > d else 0.0) + (0.15 if gcd(total, d) > 1 else 0.0)


def _add_like() -> Iterator[Draft]:
    for a, b, d in _like_cases("add-like", 28):
        total = Fraction(a + b, d)
        written = f"{a + b}/{d}"
        units = unit_word(d, 2)
        yield Draft(
            slug=f"{a}-{d}+{b}-{d}",
            prompt=f"{a}/{d} + {b}/{d} = ?",
            answer=fraction_answer(written),
            hints=(
                f"All the parts are {units}, the same size. Keep the size and count how many {units} there "
                "are in all.",
                f"Add the numerators: {a} + {b}. The denominator stays {d}.",
            ),
            solution=(
                f"Both fractions count {units}.",
                f"{a} {unit_word(d, a)} + {b} {unit_word(d, b)} = {a + b} {unit_word(d, a + b)}.",
                f"So {a}/{d} + {b}/{d} = {written}.{same_as(total, written)}",
            ),
            difficulty=_like_difficulty(a, b, d),
        )


def _add_like_choice() -> Iterator[Draft]:
    for a, b, d in _like_cases("add-like-choice", 24, max_total=1):
        written = f"{a + b}/{d}"
        yield Draft(
            slug=f"{a}-{d}+{b}-{d}",
            prompt=f"What is {a}/{d} + {b}/{d}?",
            answer=choice_answer(
                written,
                [
                    f"{a + b}/{2 * d}",
                    f"{a * b}/{d}",
                    f"{a + b}/{d * d}",
                    f"{a + b + 1}/{d}",
                    f"{a + b}/{d + 1}",
                ],
                f"add-like-choice/{a}-{b}-{d}",
            ),
            hints=(
                f"The denominator {d} names the size of the parts ({unit_word(d, 2)}). Adding {unit_word(d, 2)} "
                f"to {unit_word(d, 2)} does not change the size of the parts.",
                f"Add only the numerators: {a} + {b}. Keep the denominator {d}.",
            ),
            solution=(
                "The denominators are the same, so keep the denominator.",
                f"Add the numerators: {a} + {b} = {a + b}.",
                f"So {a}/{d} + {b}/{d} = {written}.",
            ),
            difficulty=_like_difficulty(a, b, d) - 0.2,
        )


# (story with {name}, {x}, {y}; question; largest total allowed, in wholes, or None)
_ADD_STORIES = (
    ("{name} uses {x} m of ribbon to wrap one gift and {y} m to wrap another.",
     "How many meters of ribbon does {name} use in all?", None),
    ("{name} walks {x} km to the library and then {y} km to the park.",
     "How many kilometers does {name} walk in all?", None),
    ("{name} drinks {x} L of water in the morning and {y} L in the afternoon.",
     "How many liters of water is that altogether?", None),
    ("{name} paints {x} of a fence on Saturday and {y} of the fence on Sunday.",
     "What fraction of the fence has {name} painted?", 1),
    ("A recipe needs {x} cup of milk for the batter and {y} cup for the icing.",
     "How many cups of milk does the recipe need in all?", None),
)  # fmt: skip


def _add_like_word() -> Iterator[Draft]:
    for index, (a, b, d) in enumerate(_like_cases("add-like-word", 40)):
        story, question, limit = _ADD_STORIES[index % len(_ADD_STORIES)]
        if limit is not None and a + b > limit * d:
            continue
        name = rng_for(f"add-like-word/{a}/{b}/{d}").choice(NAMES)
        written = f"{a + b}/{d}"
        yield Draft(
            slug=f"{index % len(_ADD_STORIES)}-{a}-{d}+{b}-{d}",
            prompt=story.format(name=name, x=f"{a}/{d}", y=f"{b}/{d}") + "\n" + question.format(name=name),
            answer=fraction_answer(written),
            hints=(
                "Put the two amounts together: this is an addition problem.",
                f"Add {a}/{d} + {b}/{d}: add the numerators and keep the denominator {d}.",
            ),
            solution=(
                f"Add the two amounts: {a}/{d} + {b}/{d}.",
                f"{a} + {b} = {a + b}, and the parts are still {unit_word(d, 2)}.",
                f"The answer is {written}.{same_as(Fraction(a + b, d), written)}",
            ),
            difficulty=_like_difficulty(a, b, d) + 0.3,
        )


def _subtract_like_cases(seed: str, count: int) -> list[tuple[int, int, int]]:
    return [(a, b, d) for a, b, d in _like_cases(seed, 4 * count) if a > b][:count]


def _subtract_like() -> Iterator[Draft]:
    for a, b, d in _subtract_like_cases("sub-like", 28):
        written = f"{a - b}/{d}"
        units = unit_word(d, 2)
        yield Draft(
            slug=f"{a}-{d}-{b}-{d}",
            prompt=f"{a}/{d} {MINUS} {b}/{d} = ?",
            answer=fraction_answer(written),
            hints=(
                f"Both fractions count {units}, the same size. How many {units} are left when you take some away?",
                f"Subtract the numerators: {a} {MINUS} {b}. The denominator stays {d}.",
            ),
            solution=(
                f"Both fractions count {units}.",
                f"{a} {unit_word(d, a)} {MINUS} {b} {unit_word(d, b)} = {a - b} {unit_word(d, a - b)}.",
                f"So {a}/{d} {MINUS} {b}/{d} = {written}.{same_as(Fraction(a - b, d), written)}",
            ),
            difficulty=_like_difficulty(a, b, d, subtract=True),
        )


def _subtract_like_choice() -> Iterator[Draft]:
    for a, b, d in _subtract_like_cases("sub-like-choice", 24):
        written = f"{a - b}/{d}"
        off_by_one = f"{a - b - 1}/{d}" if a - b > 1 else f"{a - b + 1}/{d}"
        yield Draft(
            slug=f"{a}-{d}-{b}-{d}",
            prompt=f"What is {a}/{d} {MINUS} {b}/{d}?",
            answer=choice_answer(
                written,
                [f"{a + b}/{d}", str(a - b), off_by_one, f"{a - b}/{2 * d}"],
                f"sub-like-choice/{a}-{b}-{d}",
            ),
            hints=(
                "The parts are the same size, so the answer is still counted in the same parts.",
                f"Subtract only the numerators: {a} {MINUS} {b}. Keep the denominator {d}.",
            ),
            solution=(
                "The denominators are the same, so keep the denominator.",
                f"Subtract the numerators: {a} {MINUS} {b} = {a - b}.",
                f"So {a}/{d} {MINUS} {b}/{d} = {written}.",
            ),
            difficulty=_like_difficulty(a, b, d, subtract=True) - 0.2,
        )


_FROM_WHOLE = (
    (
        "A bottle holds 1 L of water. {name} pours out {x} L.",
        "How much water is left in the bottle, in liters?",
    ),
    ("{name} has a ribbon 1 m long and cuts off {x} m.", "How many meters of ribbon are left?"),
    (
        "A race is 1 km long. {name} has run {x} km so far.",
        "How many kilometers does {name} still have to run?",
    ),
    ("{name} eats {x} of a pizza.", "What fraction of the pizza is left?"),
)


def _subtract_from_whole() -> Iterator[Draft]:
    cases = [(a, d) for d in range(3, 13) for a in range(1, d)]
    for index, (a, d) in enumerate(pick("from-whole", cases, 28)):
        story, question = _FROM_WHOLE[index % len(_FROM_WHOLE)]
        name = rng_for(f"from-whole/{a}/{d}").choice(NAMES)
        written = f"{d - a}/{d}"
        yield Draft(
            slug=f"{index % len(_FROM_WHOLE)}-{a}-{d}",
            prompt=story.format(name=name, x=f"{a}/{d}") + "\n" + question.format(name=name),
            answer=fraction_answer(written),
            hints=(
                f"Write the whole (1) as a fraction with the denominator {d}.",
                f"1 = {d}/{d}. Now take away {a}/{d}.",
            ),
            solution=(
                f"1 whole = {d}/{d}.",
                f"{d}/{d} {MINUS} {a}/{d} = {d - a}/{d}.",
                f"The answer is {written}.{same_as(Fraction(d - a, d), written)}",
            ),
            difficulty=-0.3 + 0.07 * (d - 3),
        )


def mixed_steps(
    w1: int, a: int, b: int, w2: int, c: int, e: int, subtract: bool
) -> tuple[list[str], Fraction]:
    """Worked steps for w1 a/b +/- w2 c/e (b may equal e); returns the steps and the exact result."""
    L = common_denominator(b, e)
    x, y = a * (L // b), c * (L // e)
    steps: list[str] = []
    if b != e:
        first = f"{a}/{b} = {x}/{L}" if b != L else f"{a}/{b} stays {a}/{b}"
        second = f"{c}/{e} = {y}/{L}" if e != L else f"{c}/{e} stays {c}/{e}"
        steps.append(f"Use the common denominator {L}: {first} and {second}.")
    if subtract:
        if x < y:
            steps.append(
                f"{x}/{L} is less than {y}/{L}, so trade 1 whole for {L}/{L}: "
                f"{w1} {x}/{L} = {w1 - 1} {x + L}/{L}."
            )
            w1, x = w1 - 1, x + L
        whole, part = w1 - w2, x - y
        steps.append(f"Subtract the whole numbers: {w1} {MINUS} {w2} = {whole}.")
        steps.append(f"Subtract the fractions: {x}/{L} {MINUS} {y}/{L} = {part}/{L}.")
    else:
        whole, part = w1 + w2, x + y
        steps.append(f"Add the whole numbers: {w1} + {w2} = {whole}.")
        steps.append(f"Add the fractions: {x}/{L} + {y}/{L} = {part}/{L}.")
        if part >= L:
            steps.append(
                f"{part}/{L} is more than 1 whole: {part}/{L} = 1 {part - L}/{L}, so add 1 to {whole}."
            )
            whole, part = whole + 1, part - L
    result = whole + Fraction(part, L)
    written = f"{whole} {part}/{L}" if whole and part else str(whole) if whole else f"{part}/{L}"
    canonical = fmt_mixed(result)
    steps.append(
        f"So the answer is {canonical}."
        if written == canonical
        else f"That is {written}, which is {canonical} in simplest form. So the answer is {canonical}."
    )
    return steps, result


def mixed_cases(seed: str, count: int, *, unlike: bool, subtract: bool) -> list[tuple[int, ...]]:
    """(w1, a, b, w2, c, e) with positive results; unlike picks b != e."""
    parts = proper(8) if unlike else proper(12, 3)
    cases = []
    for a, b in parts:
        for c, e in parts:
            if (b != e) != unlike or (unlike and common_denominator(b, e) > 24):
                continue
            if subtract and Fraction(a, b) == Fraction(c, e):
                continue
            cases.append((a, b, c, e))
    rng = rng_for(seed)
    rng.shuffle(cases)
    result: list[tuple[int, ...]] = []
    for a, b, c, e in cases[:count]:
        w2 = rng.randint(1, 3)
        w1 = w2 + rng.randint(1, 3) if subtract else rng.randint(1, 4)
        result.append((w1, a, b, w2, c, e))
    return result


def _mixed_difficulty(w1: int, a: int, b: int, c: int, e: int, subtract: bool) -> float:
    L = common_denominator(b, e)
    x, y = a * (L // b), c * (L // e)
    regroup = x < y if subtract else x + y >= L
    return (
        -0.3 + (0.5 if regroup else 0.0) + (0.4 if b != e and L not in (b, e) else 0.0) + 0.03 * L + 0.05 * w1
    )


def _mixed_template(seed: str, *, unlike: bool, subtract: bool, count: int) -> Iterator[Draft]:
    for w1, a, b, w2, c, e in mixed_cases(seed, count, unlike=unlike, subtract=subtract):
        steps, result = mixed_steps(w1, a, b, w2, c, e, subtract)
        sign = MINUS if subtract else "+"
        L = common_denominator(b, e)
        x, y = a * (L // b), c * (L // e)
        first = f"{x}/{L}" if unlike else f"{a}/{b}"
        second = f"{y}/{L}" if unlike else f"{c}/{e}"
        if subtract and x < y:
            regroup = f"{first} is smaller than {second}, so trade 1 whole for {L}/{L} before you subtract."
        elif subtract:
            regroup = (
                f"{first} is bigger than {second}, so you can subtract the fraction parts straight away."
            )
        elif x + y >= L:
            regroup = f"{first} + {second} is 1 whole or more: change {L}/{L} into 1 whole."
        else:
            regroup = (
                f"{first} + {second} is less than 1 whole, so the whole numbers only come from {w1} and {w2}."
            )
        hints = [f"{'Subtract' if subtract else 'Add'} the whole numbers and the fraction parts separately."]
        if unlike:
            hints.append(f"Rewrite both fraction parts with the common denominator {L} first.")
        hints.append(regroup)
        yield Draft(
            slug=f"{w1}-{a}-{b}{'-' if subtract else '+'}{w2}-{c}-{e}",
            prompt=f"{w1} {a}/{b} {sign} {w2} {c}/{e} = ?\nYou may write a mixed number or a fraction.",
            answer=fraction_answer(fmt_mixed(result)),
            hints=hints,
            solution=steps,
            difficulty=_mixed_difficulty(w1, a, b, c, e, subtract),
        )


def _mixed_text(whole: int, numerator: int, denominator: int) -> str | None:
    """A distractor written as a mixed number, or None when it would not be a proper one."""
    if whole < 0 or not 0 < numerator < denominator:
        return None
    return f"{whole} {numerator}/{denominator}" if whole else f"{numerator}/{denominator}"


def _mixed_choice(seed: str, *, unlike: bool) -> Iterator[Draft]:
    """Sums and differences of mixed numbers; distractors from regrouping and adding-across mistakes."""
    cases = [
        (subtract, case)
        for pair in zip(
            mixed_cases(f"{seed}+", 12, unlike=unlike, subtract=False),
            mixed_cases(f"{seed}-", 12, unlike=unlike, subtract=True),
            strict=True,
        )
        for subtract, case in zip((False, True), pair, strict=True)
    ]
    for subtract, (w1, a, b, w2, c, e) in cases:
        steps, result = mixed_steps(w1, a, b, w2, c, e, subtract)
        L = common_denominator(b, e)
        x, y = a * (L // b), c * (L // e)
        sign = MINUS if subtract else "+"
        if subtract:
            whole = w1 - w2
            mistakes = [
                _mixed_text(whole, abs(x - y), L),  # took the smaller fraction from the bigger one
                _mixed_text(whole, x + L - y, L),  # traded a whole but did not take it away
                _mixed_text(whole, abs(a - c), abs(b - e)) if unlike else None,  # subtracted across
                _mixed_text(whole - 1, x - y, L),
            ]
        else:
            whole, total = w1 + w2, x + y
            mistakes = [
                _mixed_text(whole, total - L, L),  # forgot to carry the whole
                _mixed_text(whole, a + c, b + e)
                if unlike
                else _mixed_text(whole, total, 2 * L),  # added across
                _mixed_text(whole + 1, total, L),
                _mixed_text(whole + 2, total - L, L),
            ]
        near = [fmt_mixed(result + 1), fmt_mixed(result + Fraction(1, L))]
        yield Draft(
            slug=f"{w1}-{a}-{b}{'-' if subtract else '+'}{w2}-{c}-{e}",
            prompt=f"What is {w1} {a}/{b} {sign} {w2} {c}/{e}?",
            answer=choice_answer(
                fmt_mixed(result), [m for m in mistakes if m] + near, f"{seed}/{w1}-{a}-{b}-{w2}-{c}-{e}"
            ),
            hints=(
                f"{'Subtract' if subtract else 'Add'} the whole numbers and the fraction parts separately"
                + (f", using the common denominator {L}." if unlike else "."),
                (
                    f"{x}/{L} is smaller than {y}/{L}: trade 1 whole for {L}/{L} first."
                    if subtract and x < y
                    else f"{x}/{L} + {y}/{L} is 1 whole or more: carry 1 whole."
                    if not subtract and x + y >= L
                    else "No trading or carrying is needed here."
                ),
            ),
            solution=steps,
            difficulty=_mixed_difficulty(w1, a, b, c, e, subtract) - 0.2,
        )


_MIXED_STORIES = (
    ("A recipe uses {x} cups of flour for bread and {y} cups for muffins.",
     "How many cups of flour is that in all?", False),
    ("{name} has a rope {x} m long and cuts off {y} m.", "How long is the rope now, in meters?", True),
    ("{name} hikes {x} km in the morning and {y} km in the afternoon.",
     "How many kilometers does {name} hike in all?", False),
    ("A jug holds {x} L of juice. The class drinks {y} L.", "How many liters of juice are left?", True),
)  # fmt: skip


def _mixed_like_word() -> Iterator[Draft]:
    adds = mixed_cases("mixed-like-word+", 12, unlike=False, subtract=False)
    subs = mixed_cases("mixed-like-word-", 12, unlike=False, subtract=True)
    for index, case in enumerate([c for pair in zip(adds, subs, strict=True) for c in pair]):
        w1, a, b, w2, c, e = case
        story, question, subtract = _MIXED_STORIES[index % len(_MIXED_STORIES)]  # add and subtract alternate
        name = rng_for(f"mixed-like-word/{index}").choice(NAMES)
        steps, result = mixed_steps(w1, a, b, w2, c, e, subtract)
        yield Draft(
            slug=f"{index % len(_MIXED_STORIES)}-{w1}-{a}-{b}{'-' if subtract else '+'}{w2}-{c}-{e}",
            prompt=(
                story.format(name=name, x=f"{w1} {a}/{b}", y=f"{w2} {c}/{e}")
                + "\n"
                + question.format(name=name)
            ),
            answer=fraction_answer(fmt_mixed(result)),
            hints=(
                f"Is this an addition or a subtraction problem? Then work out {w1} {a}/{b} "
                f"{MINUS if subtract else '+'} {w2} {c}/{e}.",
                f"{'Subtract' if subtract else 'Add'} the whole numbers and the fraction parts separately.",
            ),
            solution=steps,
            difficulty=_mixed_difficulty(w1, a, b, c, e, subtract) + 0.3,
        )


def _unlike_cases(
    seed: str, count: int, *, subtract: bool, max_sum: int | None = None
) -> list[tuple[int, ...]]:
    """(a, b, c, e): b != e, common denominator at most 24; for subtraction a/b > c/e."""
    parts = proper(10)
    cases: list[tuple[int, ...]] = []
    for a, b in parts:
        for c, e in parts:
            if b == e or common_denominator(b, e) > 24:
                continue
            if subtract and Fraction(a, b) <= Fraction(c, e):
                continue
            if max_sum is not None and Fraction(a, b) + Fraction(c, e) > max_sum:
                continue
            cases.append((a, b, c, e))
    return pick(seed, cases, count)


def _unlike_steps(a: int, b: int, c: int, e: int, subtract: bool) -> tuple[list[str], Fraction]:
    L = common_denominator(b, e)
    x, y = a * (L // b), c * (L // e)
    sign = MINUS if subtract else "+"
    z = x - y if subtract else x + y
    result = Fraction(z, L)
    rewrite = [
        f"{a}/{b} = {x}/{L}" if b != L else f"{a}/{b} stays {a}/{b}",
        f"{c}/{e} = {y}/{L}" if e != L else f"{c}/{e} stays {c}/{e}",
    ]
    steps = [
        f"A common denominator of {b} and {e} is {L}.",
        f"{rewrite[0]} and {rewrite[1]}.",
        f"{x}/{L} {sign} {y}/{L} = {z}/{L}.",
    ]
    if gcd(z, L) > 1:
        steps.append(f"{z}/{L} = {fmt(result)} in simplest form.")
    tail = f" (or {fmt_mixed(result)})" if result > 1 and result.denominator != 1 else ""
    steps.append(f"So {a}/{b} {sign} {c}/{e} = {fmt(result)}{tail}.")
    return steps, result


def _unlike_hints(b: int, e: int, subtract: bool) -> tuple[str, str]:
    L = common_denominator(b, e)
    return (
        f"You can only {'subtract' if subtract else 'add'} parts of the same size. "
        "Find a common denominator first.",
        f"{L} is a multiple of both {b} and {e}. Rewrite both fractions as {unit_word(L, 2)}.",
    )


def _unlike_difficulty(a: int, b: int, c: int, e: int, subtract: bool) -> float:
    L = common_denominator(b, e)
    x, y = a * (L // b), c * (L // e)
    z = x - y if subtract else x + y
    related = L in (b, e)
    return (
        -0.5
        + 0.04 * L
        + (0.0 if related else 0.4)
        + (0.2 if gcd(z, L) > 1 else 0.0)
        + (0.2 if z > L else 0.0)
    )


def _unlike_template(seed: str, *, subtract: bool) -> Iterator[Draft]:
    sign = MINUS if subtract else "+"
    for a, b, c, e in _unlike_cases(seed, 28, subtract=subtract):
        steps, result = _unlike_steps(a, b, c, e, subtract)
        yield Draft(
            slug=f"{a}-{b}{'-' if subtract else '+'}{c}-{e}",
            prompt=f"{a}/{b} {sign} {c}/{e} = ?",
            answer=fraction_answer(result),
            hints=_unlike_hints(b, e, subtract),
            solution=steps,
            difficulty=_unlike_difficulty(a, b, c, e, subtract),
        )


def _unlike_choice(seed: str, *, subtract: bool) -> Iterator[Draft]:
    sign = MINUS if subtract else "+"
    for a, b, c, e in _unlike_cases(seed, 24, subtract=subtract, max_sum=1):
        steps, result = _unlike_steps(a, b, c, e, subtract)
        L = common_denominator(b, e)
        x, y = a * (L // b), c * (L // e)
        z = x - y if subtract else x + y
        if subtract:
            distractors = [f"{a - c}/{b - e}", f"{a - c}/{L}", f"{x + y}/{L}", f"{z}/{b * e}"]
        else:
            distractors = [f"{a + c}/{b + e}", f"{a + c}/{L}", f"{a * c}/{b * e}", f"{z}/{b * e}"]
        distractors += [f"{z + 1}/{L}", f"{z - 1}/{L}"]  # near misses, if the others coincide
        yield Draft(
            slug=f"{a}-{b}{'-' if subtract else '+'}{c}-{e}",
            prompt=f"What is {a}/{b} {sign} {c}/{e}?",
            answer=choice_answer(fmt(result), distractors, f"{seed}/{a}-{b}-{c}-{e}"),
            hints=(
                f"Be careful: you cannot {'subtract' if subtract else 'add'} the denominators. "
                "The parts must be the same size first.",
                _unlike_hints(b, e, subtract)[1],
            ),
            solution=steps,
            difficulty=_unlike_difficulty(a, b, c, e, subtract) - 0.2,
        )


_UNLIKE_STORIES = (
    ("{name} ate {x} of a pizza and {other} ate {y} of the same pizza.",
     "What fraction of the pizza did they eat together?", False),
    ("{name} walked {x} km to school and then {y} km to a friend's house.",
     "How many kilometers did {name} walk in all?", False),
    ("A jug has {x} L of water. {name} pours out {y} L.", "How many liters of water are left in the jug?", True),
    ("{name} has {x} m of string and uses {y} m for a kite.", "How many meters of string are left?", True),
    ("{name} spent {x} of an hour reading and {y} of an hour drawing.",
     "What fraction of an hour is that in all?", False),
    ("{name}'s plant grew {x} cm in May and {y} cm in June.", "How many centimeters more did it grow in May?", True),
)  # fmt: skip


def _unlike_word(seed: str, *, subtract: bool) -> Iterator[Draft]:
    stories = [s for s in _UNLIKE_STORIES if s[2] == subtract]
    for index, (a, b, c, e) in enumerate(_unlike_cases(seed, 24, subtract=subtract, max_sum=1)):
        story, question, _ = stories[index % len(stories)]
        name, other = rng_for(f"{seed}/{a}-{b}-{c}-{e}").sample(NAMES, 2)
        steps, result = _unlike_steps(a, b, c, e, subtract)
        yield Draft(
            slug=f"{index % len(stories)}-{a}-{b}{'-' if subtract else '+'}{c}-{e}",
            prompt=(
                story.format(name=name, other=other, x=f"{a}/{b}", y=f"{c}/{e}")
                + "\n"
                + question.format(name=name)
            ),
            answer=fraction_answer(result),
            hints=(
                f"This is {'a subtraction' if subtract else 'an addition'} problem: "
                f"{a}/{b} {MINUS if subtract else '+'} {c}/{e}.",
                _unlike_hints(b, e, subtract)[1],
            ),
            solution=steps,
            difficulty=_unlike_difficulty(a, b, c, e, subtract) + 0.3,
        )


TEMPLATES: tuple[TemplateSpec, ...] = (
    template("add-like", "add-like-denominators", "fraction", "Add two fractions with the same denominator.",
             _add_like),
    template("add-like-choice", "add-like-denominators", "multiple_choice",
             "Choose the sum of two fractions with the same denominator.", _add_like_choice),
    template("add-like-word", "add-like-denominators", "fraction",
             "Word problems adding fractions with the same denominator.", _add_like_word),
    template("sub-like", "subtract-like-denominators", "fraction",
             "Subtract two fractions with the same denominator.", _subtract_like),
    template("sub-like-choice", "subtract-like-denominators", "multiple_choice",
             "Choose the difference of two fractions with the same denominator.", _subtract_like_choice),
    template("from-whole", "subtract-like-denominators", "fraction", "Take a fraction away from one whole.",
             _subtract_from_whole),
    template("add-mixed-like", "add-subtract-mixed-like", "fraction",
             "Add mixed numbers with the same denominator.",
             lambda: _mixed_template("add-mixed-like", unlike=False, subtract=False, count=24)),
    template("sub-mixed-like", "add-subtract-mixed-like", "fraction",
             "Subtract mixed numbers with the same denominator.",
             lambda: _mixed_template("sub-mixed-like", unlike=False, subtract=True, count=24)),
    template("mixed-like-word", "add-subtract-mixed-like", "fraction",
             "Word problems with mixed numbers that have the same denominator.", _mixed_like_word),
    template("mixed-like-choice", "add-subtract-mixed-like", "multiple_choice",
             "Choose the sum or difference of mixed numbers with the same denominator.",
             lambda: _mixed_choice("mixed-like-choice", unlike=False)),
    template("add-unlike", "add-unlike-denominators", "fraction",
             "Add fractions with different denominators.", lambda: _unlike_template("add-unlike", subtract=False)),
    template("add-unlike-choice", "add-unlike-denominators", "multiple_choice",
             "Choose the sum of fractions with different denominators.",
             lambda: _unlike_choice("add-unlike-choice", subtract=False)),
    template("add-unlike-word", "add-unlike-denominators", "fraction",
             "Word problems adding fractions with different denominators.",
             lambda: _unlike_word("add-unlike-word", subtract=False)),
    template("sub-unlike", "subtract-unlike-denominators", "fraction",
             "Subtract fractions with different denominators.", lambda: _unlike_template("sub-unlike", subtract=True)),
    template("sub-unlike-choice", "subtract-unlike-denominators", "multiple_choice",
             "Choose the difference of fractions with different denominators.",
             lambda: _unlike_choice("sub-unlike-choice", subtract=True)),
    template("sub-unlike-word", "subtract-unlike-denominators", "fraction",
             "Word problems subtracting fractions with different denominators.",
             lambda: _unlike_word("sub-unlike-word", subtract=True)),
    template("add-mixed-unlike", "add-subtract-mixed-unlike", "fraction",
             "Add mixed numbers with different denominators.",
             lambda: _mixed_template("add-mixed-unlike", unlike=True, subtract=False, count=24)),
    template("sub-mixed-unlike", "add-subtract-mixed-unlike", "fraction",
             "Subtract mixed numbers with different denominators.",
             lambda: _mixed_template("sub-mixed-unlike", unlike=True, subtract=True, count=24)),
    template("mixed-unlike-choice", "add-subtract-mixed-unlike", "multiple_choice",
             "Choose the sum or difference of mixed numbers with different denominators.",
             lambda: _mixed_choice("mixed-unlike-choice", unlike=True)),
)  # fmt: skip
