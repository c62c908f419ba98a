"""Grade 4: tenths and hundredths as fractions and decimals, and comparing decimals with fractions."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from atpace.content.build import (
    NAMES,
    Draft,
    choice_answer,
    count_word,
    fmt_decimal,
    fraction_answer,
    numeric_answer,
    pick,
    plural,
    rng_for,
    symbol_answer,
    template,
)
from atpace.content.numbers import read
from atpace.content.spec import TemplateSpec

HUNDREDTHS = (3, 5, 7, 9, 12, 25, 40, 45, 50, 60, 75, 8, 99, 37, 64, 20, 1, 18)


def _two_places(value: Fraction) -> str:
    """0.5 -> "0.50": the same number written with hundredths."""
    text = fmt_decimal(value)
    whole, _, digits = text.partition(".")
    return f"{whole}.{digits.ljust(2, '0')}"


def _to_decimal() -> Iterator[Draft]:
    for a in range(1, 10):
        yield Draft(
            slug=f"{a}-10",
            prompt=f"Write {a}/10 as a decimal.",
            answer=numeric_answer(Fraction(a, 10)),
            hints=(
                "The first place after the decimal point is the tenths place.",
                f"{a}/10 is {count_word(a)} {'tenth' if a == 1 else 'tenths'}. Which digit goes in the tenths place?",
            ),
            solution=(
                "Tenths are written in the first place after the decimal point.",
                f"{a}/10 is {count_word(a)} {'tenth' if a == 1 else 'tenths'}, so write {a} in the tenths place.",
                f"{a}/10 = 0.{a}.",
            ),
            difficulty=-0.7,
        )
    for a in HUNDREDTHS:
        tens, ones = divmod(a, 10)
        value = Fraction(a, 100)
        written = f"0.{a:02d}"
        yield Draft(
            slug=f"{a}-100",
            prompt=f"Write {a}/100 as a decimal.",
            answer=numeric_answer(value),
            hints=(
                "The first place after the decimal point is tenths and the second place is hundredths.",
                f"{a}/100 is {count_word(a)} hundredths, which is {plural(tens, 'tenth')} and "
                f"{plural(ones, 'hundredth')}.",
            ),
            solution=(
                "Two places after the decimal point are the tenths and the hundredths.",
                f"{a}/100 = {plural(tens, 'tenth')} and {plural(ones, 'hundredth')}.",
                f"{a}/100 = {written}"
                + (f" = {fmt_decimal(value)}." if written != fmt_decimal(value) else "."),
            ),
            difficulty=-0.2 + (0.5 if a < 10 else 0.0) + (0.2 if ones == 0 else 0.0),
        )


def _decimal_cases() -> list[tuple[int, int]]:
    """(numerator, 10 or 100) for decimals to write as fractions."""
    return [(a, 10) for a in (1, 3, 4, 6, 7, 9)] + [(a, 100) for a in HUNDREDTHS if a % 10]


def _to_fraction() -> Iterator[Draft]:
    for a, den in _decimal_cases():
        value = Fraction(a, den)
        decimal = fmt_decimal(value)
        unit = "tenths" if den == 10 else "hundredths"
        places = "one digit" if den == 10 else "two digits"
        words = f"{count_word(a)} {unit if a != 1 else unit[:-1]}"
        yield Draft(
            slug=f"{a}-{den}",
            prompt=f"Write {decimal} as a fraction.",
            answer=fraction_answer(f"{a}/{den}"),
            hints=(
                f"How many digits are after the decimal point in {decimal}? One digit means tenths; two digits "
                "mean hundredths.",
                f"{decimal} is read as \u201c{words}\u201d.",
            ),
            solution=(
                f"{decimal} has {places} after the decimal point, so it counts {unit}.",
                f"{decimal} is {words}.",
                f"So {decimal} = {a}/{den}.",
            ),
            difficulty=-0.4 + (0.3 if den == 100 else 0.0) + (0.4 if a < 10 and den == 100 else 0.0),
        )


def _tenths_hundredths() -> Iterator[Draft]:
    yield Draft(
        slug="1-10ths",
        prompt="Fill in the missing number:\n1 = ?/10",
        answer=numeric_answer(10),
        hints=("One whole cut into tenths has how many parts?", "Ten tenths make one whole."),
        solution=(
            "A whole cut into tenths has 10 equal parts.",
            "So 1 = 10/10, and the missing number is 10.",
        ),
        difficulty=-0.8,
    )
    yield Draft(
        slug="1-100ths",
        prompt="Fill in the missing number:\n1 = ?/100",
        answer=numeric_answer(100),
        hints=("One whole cut into hundredths has how many parts?", "Each tenth is 10 hundredths."),
        solution=(
            "A whole cut into hundredths has 100 equal parts.",
            "So 1 = 100/100, and the missing number is 100.",
        ),
        difficulty=-0.6,
    )
    for a in range(1, 10):
        yield Draft(
            slug=f"{a}-10-to-100",
            prompt=f"Fill in the missing number:\n{a}/10 = ?/100",
            answer=numeric_answer(10 * a),
            hints=(
                "One tenth is the same as 10 hundredths.",
                f"Multiply the top and the bottom of {a}/10 by 10.",
            ),
            solution=(
                "1/10 = 10/100, because each tenth is cut into 10 hundredths.",
                f"{plural(a, 'tenth')} = {a} × 10 = {10 * a} hundredths.",
                f"So {a}/10 = {10 * a}/100, and the missing number is {10 * a}.",
            ),
            difficulty=-0.2,
        )
        yield Draft(
            slug=f"{10 * a}-100-to-10",
            prompt=f"Fill in the missing number:\n{10 * a}/100 = ?/10",
            answer=numeric_answer(a),
            hints=(
                "Ten hundredths make one tenth.",
                f"Divide the top and the bottom of {10 * a}/100 by 10.",
            ),
            solution=(
                "10/100 = 1/10, because 10 hundredths make 1 tenth.",
                f"{10 * a} hundredths = {10 * a} ÷ 10 = {plural(a, 'tenth')}.",
                f"So {10 * a}/100 = {a}/10, and the missing number is {a}.",
            ),
            difficulty=0.1,
        )


def _add_cases(seed: str, count: int) -> list[tuple[int, int]]:
    cases = [(a, b) for a in range(1, 10) for b in range(1, 100) if b % 10]
    return pick(seed, cases, count)


def _add_steps(a: int, b: int) -> tuple[str, ...]:
    total = 10 * a + b
    return (
        f"Change the tenths into hundredths: {a}/10 = {10 * a}/100.",
        f"{10 * a}/100 + {b}/100 = {total}/100.",
        f"So the answer is {total}/100, which is {fmt_decimal(Fraction(total, 100))} as a decimal.",
    )


def _add_difficulty(a: int, b: int) -> float:
    return -0.3 + (0.5 if 10 * a + b >= 100 else 0.0) + (0.2 if b < 10 else 0.0)


def _add_tenths_hundredths() -> Iterator[Draft]:
    for index, (a, b) in enumerate(_add_cases("add-10-100", 26)):
        problem = f"{a}/10 + {b}/100" if index % 2 == 0 else f"{b}/100 + {a}/10"
        yield Draft(
            slug=f"{a}-10+{b}-100" if index % 2 == 0 else f"{b}-100+{a}-10",
            prompt=f"{problem} = ?\nWrite your answer as a fraction or a decimal.",
            answer=fraction_answer(f"{10 * a + b}/100", decimal=True),
            hints=(
                "Tenths and hundredths are different sizes. Change the tenths into hundredths first.",
                f"{a}/10 = {10 * a}/100. Now add the hundredths.",
            ),
            solution=_add_steps(a, b),
            difficulty=_add_difficulty(a, b),
        )


def _add_tenths_hundredths_choice() -> Iterator[Draft]:
    for a, b in _add_cases("add-10-100-choice", 24):
        yield Draft(
            slug=f"{a}-10+{b}-100",
            prompt=f"Which is equal to {a}/10 + {b}/100?",
            answer=choice_answer(
                f"{10 * a + b}/100",
                [f"{a + b}/110", f"{a + b}/100", f"{10 * a + b}/110", f"{a + b}/10"],
                f"add-10-100-choice/{a}-{b}",
            ),
            hints=(
                "You cannot add tenths and hundredths as they are: the parts are different sizes, and adding "
                "the denominators does not work.",
                f"Write {a}/10 as hundredths first.",
            ),
            solution=_add_steps(a, b),
            difficulty=_add_difficulty(a, b) - 0.2,
        )


def _add_tenths_hundredths_word() -> Iterator[Draft]:
    for a, b in _add_cases("add-10-100-word", 22):
        name = rng_for(f"add-10-100-word/{a}/{b}").choice(NAMES)
        yield Draft(
            slug=f"{a}-10+{b}-100",
            prompt=(
                f"{name} pours {a}/10 L of orange juice and {b}/100 L of water into a jug.\n"
                "How many liters are in the jug? Write a fraction or a decimal."
            ),
            answer=fraction_answer(f"{10 * a + b}/100", decimal=True),
            hints=(
                f"Add {a}/10 + {b}/100. The parts are different sizes, so change the tenths into hundredths.",
                f"{a}/10 = {10 * a}/100.",
            ),
            solution=_add_steps(a, b),
            difficulty=_add_difficulty(a, b) + 0.3,
        )


def _compare_cases() -> list[tuple[str, int, int]]:
    """(decimal text, a, b): compare the decimal with a/b."""
    fractions = [(1, 2), (1, 4), (3, 4), (1, 5), (2, 5), (3, 5), (4, 5), (3, 10), (7, 10), (9, 20), (11, 20),
                 (3, 25), (17, 100), (1, 2), (3, 4), (2, 5)]  # fmt: skip
    shifts = [Fraction(5, 100), Fraction(-1, 10), Fraction(1, 100), Fraction(0), Fraction(-3, 100),
              Fraction(1, 10), Fraction(-5, 100), Fraction(2, 100)]  # fmt: skip
    cases: list[tuple[str, int, int]] = []
    for index, (a, b) in enumerate(fractions):
        value = Fraction(a, b) + shifts[index % len(shifts)]
        if not 0 < value < 2:
            value = Fraction(a, b) + Fraction(3, 100)
        cases.append((fmt_decimal(value), a, b))
    for text, a, b in (("0.6", 3, 4), ("0.3", 1, 4), ("0.8", 4, 5), ("0.09", 9, 10), ("0.25", 1, 4),
                       ("0.7", 7, 100), ("1.2", 5, 4), ("0.5", 5, 10)):  # fmt: skip
        cases.append((text, a, b))
    return list(dict.fromkeys(cases))


def _decimal_vs_fraction() -> Iterator[Draft]:
    for text, a, b in _compare_cases():
        value = read(text, allow_decimal=True, allow_mixed=False).value
        fraction = Fraction(a, b)
        as_decimal = fmt_decimal(fraction)
        symbol = ">" if value > fraction else "<" if value < fraction else "="
        if b in (10, 100):
            steps = [f"Change the fraction into a decimal: {a}/{b} = {as_decimal}."]
        else:
            steps = [f"Change the fraction into a decimal: {a}/{b} = {fraction * 100}/100 = {as_decimal}."]
        steps.append(
            f"Compare {_two_places(value)} with {_two_places(fraction)}: look at the tenths, then the hundredths."
        )
        steps.append(f"So {text} {symbol} {a}/{b}.")
        yield Draft(
            slug=f"{text}-vs-{a}-{b}",
            prompt=f"Compare the numbers. Type <, > or =.\n{text} ___ {a}/{b}",
            answer=symbol_answer(text, f"{a}/{b}", value, fraction),
            hints=(
                "Write both numbers in the same form. It often helps to change the fraction into a decimal.",
                f"{a}/{b} = {as_decimal}. Now compare {text} with {as_decimal}.",
            ),
            solution=steps,
            difficulty=-0.1
            + (0.3 if b not in (10, 100) else 0.0)
            - (0.3 if symbol == "=" else 0.0)
            + (0.4 if abs(value - fraction) <= Fraction(2, 100) and symbol != "=" else 0.0),
        )


_DECIMAL_PAIRS = (
    ("0.5", "0.45"), ("0.3", "0.28"), ("0.7", "0.09"), ("0.61", "0.6"), ("0.08", "0.8"), ("0.4", "0.40"),
    ("0.35", "0.5"), ("0.9", "0.89"), ("0.12", "0.2"), ("0.6", "0.06"), ("0.75", "0.8"), ("0.1", "0.01"),
    ("0.25", "0.3"), ("0.70", "0.7"), ("0.19", "0.91"), ("0.5", "0.55"), ("0.04", "0.4"), ("0.66", "0.7"),
    ("0.2", "0.18"), ("0.99", "1"), ("1.2", "0.95"), ("1.05", "1.5"), ("2.4", "2.38"), ("0.3", "0.30"),
)  # fmt: skip


def _decimals_choice() -> Iterator[Draft]:
    equal = "They are equal"
    for first, second in _DECIMAL_PAIRS:
        v1 = read(first, allow_decimal=True, allow_mixed=False).value
        v2 = read(second, allow_decimal=True, allow_mixed=False).value
        correct = first if v1 > v2 else second if v2 > v1 else equal
        h1, h2 = _two_places(v1), _two_places(v2)
        relation = "is greater than" if v1 > v2 else "is less than" if v1 < v2 else "is equal to"
        yield Draft(
            slug=f"{first}-or-{second}",
            prompt=f"Which number is greater: {first} or {second}?",
            answer=choice_answer(
                correct,
                [first, second, equal],
                f"decimals-choice/{first}-{second}",
                shuffle=False,
                same_values=True,
            ),
            hints=(
                "More digits does not mean a bigger number. Compare the whole numbers first, then the tenths "
                "digit, then the hundredths digit.",
                f"Write both with two decimal places: {first} = {h1} and {second} = {h2}.",
            ),
            solution=(
                f"Write both with two decimal places: {h1} and {h2}.",
                f"{h1} {relation} {h2}.",
                f"The answer is: {correct}.",
            ),
            difficulty=-0.2 + (0.4 if len(first) != len(second) else 0.0) - (0.2 if v1 == v2 else 0.0),
        )


_AS_DECIMAL = ((1, 2), (1, 4), (3, 4), (1, 5), (2, 5), (3, 5), (4, 5), (1, 20), (3, 20), (7, 20), (9, 20),
               (11, 20), (13, 20), (17, 20), (1, 25), (2, 25), (6, 25), (12, 25), (3, 2), (5, 4), (7, 4),
               (7, 5), (3, 50), (9, 50))  # fmt: skip


def _fraction_as_decimal_choice() -> Iterator[Draft]:
    for a, b in _AS_DECIMAL:
        value = Fraction(a, b)
        den = 10 if (value * 10).denominator == 1 else 100
        top = value * den
        yield Draft(
            slug=f"{a}-{b}",
            prompt=f"Which decimal is equal to {a}/{b}?",
            answer=choice_answer(
                fmt_decimal(value),
                [f"{a}.{b}", f"0.{a}{b}", f"0.{a}", f"0.{b}", f"{b}.{a}"],
                f"as-decimal/{a}-{b}",
            ),
            hints=(
                "A fraction bar does not turn into a decimal point: 3/4 is not 3.4. Try writing the fraction "
                "with the denominator 10 or 100.",
                f"What do you multiply {b} by to get {den}? Multiply the top by the same number.",
            ),
            solution=(
                f"{a}/{b} = {top}/{den}, by multiplying the top and the bottom by {den // b}.",
                f"{top}/{den} = {fmt_decimal(value)}, because "
                f"{'tenths use one place' if den == 10 else 'hundredths use two places'} after the decimal point.",
                f"So {a}/{b} = {fmt_decimal(value)}.",
            ),
            difficulty=-0.3 + (0.3 if b in (20, 25, 50) else 0.0) + (0.3 if value > 1 else 0.0),
        )


TEMPLATES: tuple[TemplateSpec, ...] = (
    template("to-decimal", "tenths-and-hundredths", "numeric", "Write tenths or hundredths as a decimal.",
             _to_decimal),
    template("to-fraction", "tenths-and-hundredths", "fraction", "Write a decimal as a fraction.", _to_fraction),
    template("tenths-hundredths", "tenths-and-hundredths", "numeric",
             "Rename tenths as hundredths and back.", _tenths_hundredths),
    template("add-10-100", "add-tenths-and-hundredths", "fraction", "Add tenths and hundredths.",
             _add_tenths_hundredths),
    template("add-10-100-choice", "add-tenths-and-hundredths", "multiple_choice",
             "Choose the sum of tenths and hundredths.", _add_tenths_hundredths_choice),
    template("add-10-100-word", "add-tenths-and-hundredths", "fraction",
             "Word problems adding tenths and hundredths.", _add_tenths_hundredths_word),
    template("decimal-vs-fraction", "compare-decimals-and-fractions", "short_text",
             "Compare a decimal with a fraction using <, > or =.", _decimal_vs_fraction),
    template("decimals-choice", "compare-decimals-and-fractions", "multiple_choice",
             "Choose the greater of two decimals.", _decimals_choice),
    template("as-decimal", "compare-decimals-and-fractions", "multiple_choice",
             "Choose the decimal equal to a fraction.", _fraction_as_decimal_choice),
)  # fmt: skip
