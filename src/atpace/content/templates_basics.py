"""Grade 3: unit fractions, parts of a whole, the number line, whole numbers, simple comparisons."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from atpace.content.build import (
    MINUS,
    NAMES,
    Draft,
    article,
    choice_answer,
    count_word,
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

# (whole, part, parts) for things cut into equal parts
WHOLES = (
    ("pizza", "slice", "slices"),
    ("chocolate bar", "piece", "pieces"),
    ("pie", "slice", "slices"),
    ("pan of brownies", "piece", "pieces"),
    ("sandwich", "piece", "pieces"),
    ("cake", "slice", "slices"),
    ("sheet of paper", "strip", "strips"),
    ("orange", "section", "sections"),
)
COMPARE_PROMPT = "Compare the fractions. Type <, > or =.\n"


def _unit_fraction_part() -> Iterator[Draft]:
    for d in range(2, 13):
        for j in (0, 3):
            whole, part, parts = WHOLES[(d + j) % len(WHOLES)]
            name = rng_for(f"unit-part/{d}/{j}").choice(NAMES)
            yield Draft(
                slug=f"{d}-{whole.replace(' ', '-')}",
                prompt=(
                    f"{article(whole).capitalize()} {whole} is cut into {d} equal {parts}. {name} eats 1 {part}.\n"
                    f"What fraction of the {whole} does {name} eat?"
                ),
                answer=fraction_answer(Fraction(1, d)),
                hints=(
                    "The bottom number of a fraction (the denominator) tells how many equal parts the whole "
                    "is cut into.",
                    f"The top number (the numerator) tells how many of those parts you take. "
                    f"How many {parts} does {name} eat?",
                ),
                solution=(
                    f"The {whole} is cut into {d} equal {parts}, so the denominator is {d}.",
                    f"{name} eats 1 {part}, so the numerator is 1.",
                    f"{name} eats 1/{d} of the {whole}.",
                ),
                difficulty=-0.8 + 0.12 * (d - 2),
            )


def _unit_fractions_in_whole() -> Iterator[Draft]:
    for d in range(2, 13):
        cup = (
            f"A jug holds 1 liter. A small cup holds 1/{d} liter.\nHow many small cups of water fill the jug?"
        )
        strip = (
            f"A paper strip is cut into pieces that are each 1/{d} of the strip. All the pieces are the "
            f"same size.\nHow many pieces are there?"
        )
        for variant, prompt in (("cup", cup), ("strip", strip)):
            yield Draft(
                slug=f"{variant}-{d}",
                prompt=prompt,
                answer=numeric_answer(d),
                hints=(
                    "A unit fraction like 1/5 is one of the equal parts that make a whole.",
                    f"1/{d} is one {unit_word(d)}. How many {unit_word(d, 2)} make one whole?",
                ),
                solution=(
                    f"1/{d} is one of {d} equal parts of a whole.",
                    f"{d} parts of 1/{d} make {d}/{d}, which is 1 whole.",
                    f"The answer is {d}.",
                ),
                difficulty=-1.0 + 0.1 * (d - 2),
            )


def _bar(shaded: int, total: int) -> str:
    return " ".join(["■"] * shaded + ["□"] * (total - shaded))


def _shaded_bar() -> Iterator[Draft]:
    for d in range(3, 10):
        for n in range(2, d):
            yield Draft(
                slug=f"{n}-{d}",
                prompt=(
                    f"This bar is split into equal parts. The shaded parts are black.\n{_bar(n, d)}\n"
                    "What fraction of the bar is shaded?"
                ),
                answer=fraction_answer(f"{n}/{d}"),
                hints=(
                    "First count all the equal parts. That number is the denominator (the bottom number).",
                    "Then count only the shaded parts. That number is the numerator (the top number).",
                ),
                solution=(
                    f"There are {d} equal parts in all, so the denominator is {d}.",
                    f"{n} parts are shaded, so the numerator is {n}.",
                    f"The shaded fraction is {n}/{d}.",
                ),
                difficulty=-0.6 + 0.12 * (d - 3) + (0.2 if 2 * n > d else 0.0),
            )


def _parts_left() -> Iterator[Draft]:
    for d in range(4, 13):
        for eaten in sorted({1, 2, d - 3}):
            whole, part, parts = WHOLES[(d + eaten) % len(WHOLES)]
            name = rng_for(f"parts-left/{d}/{eaten}").choice(NAMES)
            left = d - eaten
            yield Draft(
                slug=f"{eaten}-of-{d}",
                prompt=(
                    f"{name} cuts {article(whole)} {whole} into {d} equal {parts} and eats {plural(eaten, part, parts)}.\n"
                    f"What fraction of the {whole} is left?"
                ),
                answer=fraction_answer(f"{left}/{d}"),
                hints=(
                    f"The whole {whole} has {d} equal {parts}. How many of them are not eaten?",
                    f"Work out {d} − {eaten}. That many {parts} out of {d} are left.",
                ),
                solution=(
                    f"The whole {whole} is {d}/{d}.",
                    f"{d} − {eaten} = {left}, so {plural(left, part, parts)} out of {d} are left.",
                    f"{left}/{d} of the {whole} is left.",
                ),
                difficulty=-0.2 + 0.1 * (d - 4),
            )


# (setup with {d} and {n}, question, what the counted parts are called)
_GROUPS = (
    ("A pan of brownies is cut into {d} equal pieces, and {n} of the pieces have nuts.",
     "What fraction of the pan of brownies has nuts?", "pieces"),
    ("A pizza is cut into {d} equal slices, and {n} of the slices have mushrooms.",
     "What fraction of the pizza has mushrooms?", "slices"),
    ("A chocolate bar is made of {d} equal pieces, and {n} of the pieces have caramel inside.",
     "What fraction of the chocolate bar has caramel inside?", "pieces"),
    ("A garden is split into {d} equal beds, and {n} of the beds grow tomatoes.",
     "What fraction of the garden grows tomatoes?", "beds"),
    ("A flag is made of {d} stripes of equal size, and {n} of the stripes are red.",
     "What fraction of the flag is red?", "stripes"),
)  # fmt: skip


def _part_of_group_choice() -> Iterator[Draft]:
    pairs = [(d, n) for d in range(4, 11) for n in range(2, d - 1)][:24]
    for d, n in pairs:
        setup, question, parts = _GROUPS[(d * n) % len(_GROUPS)]
        yield Draft(
            slug=f"{n}-{d}",
            prompt=setup.format(d=d, n=n) + "\n" + question,
            answer=choice_answer(
                f"{n}/{d}", [f"{n}/{d - n}", f"{d - n}/{d}", f"{d}/{n}", f"1/{d}"], f"part-of-group/{n}-{d}"
            ),
            hints=(
                "The denominator counts all the equal parts of the whole, not only the ones the question "
                "asks about.",
                f"There are {d} {parts} in all. How many of them does the question ask about?",
            ),
            solution=(
                f"There are {d} equal {parts} in all, so the denominator is {d}.",
                f"{n} of them are the ones asked about, so the numerator is {n}.",
                f"The fraction is {n}/{d}.",
            ),
            difficulty=-0.6 + 0.08 * (d - 4),
        )


def _number_line_point() -> Iterator[Draft]:
    for d in range(2, 9):
        for k in range(1, d):
            yield Draft(
                slug=f"{k}-{d}",
                prompt=(
                    f"On a number line, the space from 0 to 1 is split into {d} equal jumps.\n"
                    f"Point P is {plural(k, 'jump')} to the right of 0. What fraction is at P?"
                ),
                answer=fraction_answer(f"{k}/{d}"),
                hints=(
                    "All the jumps are the same length. How many jumps does it take to get from 0 to 1? "
                    "That tells you the size of one jump.",
                    f"One jump is 1/{d}. Count how many jumps P is from 0.",
                ),
                solution=(
                    f"0 to 1 is split into {d} equal jumps, so each jump is 1/{d}.",
                    f"P is {plural(k, 'jump')} from 0, so P is at {count_word(k)} {unit_word(d, k)}.",
                    f"P is at {k}/{d}.",
                ),
                difficulty=-0.6 + 0.12 * (d - 2),
            )


def _number_line_beyond_one() -> Iterator[Draft]:
    for d in range(2, 6):
        for k in range(d + 1, 3 * d):
            if k % d == 0:
                continue
            whole, rest = divmod(k, d)
            mixed = f"{whole} {Fraction(rest, d)}"
            yield Draft(
                slug=f"{k}-{d}",
                prompt=(
                    f"A number line goes from 0 to 3. Each whole (0 to 1, 1 to 2 and 2 to 3) is split into "
                    f"{d} equal jumps.\nPoint P is {k} jumps to the right of 0. What number is at P? "
                    "You may write a fraction or a mixed number."
                ),
                answer=fraction_answer(f"{k}/{d}"),
                hints=(
                    "How many jumps make one whole? That tells you the size of one jump.",
                    f"Each jump is 1/{d}. After {d} jumps you reach 1, and after {2 * d} jumps you reach 2.",
                ),
                solution=(
                    f"Each jump is 1/{d}.",
                    f"P is {k} jumps from 0, so P is at {k}/{d}.",
                    f"{whole * d} jumps reach {whole}; {plural(rest, 'more jump')} {'adds' if rest == 1 else 'add'} {rest}/{d}, "
                    f"so P is at {k}/{d}, which is also {mixed}.",
                ),
                difficulty=0.3 + 0.15 * (d - 2),
            )


def _number_line_jumps() -> Iterator[Draft]:
    cases = [(d, a, b) for d in range(3, 11) for a in range(1, d) for b in range(a + 2, d + 1)]
    for d, a, b in pick("line-jumps", cases, 24):
        start = f"{a}/{d}"
        end = "1" if b == d else f"{b}/{d}"
        yield Draft(
            slug=f"{a}-{d}-to-{b}-{d}",
            prompt=(
                f"On a number line, the space from 0 to 1 is split into {d} equal jumps of 1/{d}.\n"
                f"How many jumps does it take to go from {start} to {end}?"
            ),
            answer=numeric_answer(b - a),
            hints=(
                f"Each jump is 1/{d}. Think of both points as a number of jumps from 0.",
                f"{start} is {plural(a, 'jump')} from 0. How many jumps from 0 is {end}?",
            ),
            solution=(
                f"{start} is {plural(a, 'jump')} from 0.",
                f"{end} is {b} jumps from 0" + (f", because 1 = {d}/{d}." if b == d else "."),
                f"{b} {MINUS} {a} = {b - a}, so it takes {b - a} jumps.",
            ),
            difficulty=-0.4 + 0.08 * (d - 3) + (0.2 if b == d else 0.0) + 0.05 * (b - a),
        )


def _fraction_to_whole() -> Iterator[Draft]:
    for d in range(2, 7):
        for w in range(1, 6):
            n = w * d
            yield Draft(
                slug=f"{n}-{d}",
                prompt=f"{n}/{d} is equal to which whole number?",
                answer=numeric_answer(w),
                hints=(
                    f"The denominator says the whole is cut into {d} equal parts, so {d}/{d} makes one whole.",
                    f"How many groups of {d} parts are there in {n} parts?",
                ),
                solution=(
                    f"{d}/{d} is one whole.",
                    f"{n} ÷ {d} = {w}, so {n}/{d} is {plural(w, 'group')} of {d}/{d}.",
                    f"{n}/{d} = {w}.",
                ),
                difficulty=-0.6 + 0.1 * (d - 2) + 0.15 * (w - 1),
            )


def _whole_to_fraction() -> Iterator[Draft]:
    for d in range(2, 7):
        for w in range(1, 6):
            yield Draft(
                slug=f"{w}-{d}",
                prompt=f"Fill in the missing number:\n{w} = ?/{d}",
                answer=numeric_answer(w * d),
                hints=(
                    f"One whole cut into {d} equal parts is {d}/{d}.",
                    f"Each whole has {d} parts, so {plural(w, 'whole')} {'has' if w == 1 else 'have'} "
                    f"{w} × {d} parts.",
                ),
                solution=(
                    f"1 = {d}/{d}.",
                    f"{plural(w, 'whole')} {'has' if w == 1 else 'have'} {w} × {d} = {w * d} parts of size 1/{d}.",
                    f"{w} = {w * d}/{d}, so the missing number is {w * d}.",
                ),
                difficulty=-0.3 + 0.1 * (d - 2) + 0.15 * (w - 1),
            )


def _whole_as_fraction_choice() -> Iterator[Draft]:
    for w in range(2, 6):
        for d in range(2, 8):
            name = rng_for(f"whole-choice/{w}/{d}").choice(NAMES)
            yield Draft(
                slug=f"{w}-{d}",
                prompt=(
                    f"{name} has {w} pizzas, and each pizza is cut into {d} equal slices.\n"
                    f"Which fraction is equal to {w} whole pizzas?"
                ),
                answer=choice_answer(
                    f"{w * d}/{d}",
                    [f"{w}/{d}", f"{d}/{w}", f"{w + d}/{d}", f"{w}/{w * d}", f"{w * d}/{d * d}"],
                    f"whole-choice/{w}-{d}",
                ),
                hints=(
                    f"Each slice is 1/{d} of a pizza. How many slices make one whole pizza?",
                    f"One pizza is {d}/{d}. Count the slices in all {w} pizzas.",
                ),
                solution=(
                    f"One whole pizza is {d} slices, or {d}/{d}.",
                    f"{w} pizzas are {w} × {d} = {w * d} slices.",
                    f"So {w} = {w * d}/{d}.",
                ),
                difficulty=-0.4 + 0.1 * (d - 2) + 0.1 * (w - 2),
            )


def _compare_pairs(seed: str, low: int, high: int, per: int) -> Iterator[tuple[int, int, int]]:
    """(d, a, b) with a != b drawn deterministically for each denominator."""
    for d in range(low, high + 1):
        pairs = [(a, b) for a in range(1, d) for b in range(1, d) if a != b]
        rng_for(f"{seed}/{d}").shuffle(pairs)
        for a, b in pairs[:per]:
            yield d, a, b


def _compare_same_den_symbol() -> Iterator[Draft]:
    for d, a, b in _compare_pairs("same-den", 3, 12, 2):
        bigger = max(a, b)
        yield Draft(
            slug=f"{a}-{d}-vs-{b}-{d}",
            prompt=f"{COMPARE_PROMPT}{a}/{d} ___ {b}/{d}",
            answer=symbol_answer(f"{a}/{d}", f"{b}/{d}", Fraction(a, d), Fraction(b, d)),
            hints=(
                f"Both fractions have the denominator {d}, so all the parts are the same size.",
                "When the parts are the same size, the fraction with more parts (the bigger numerator) "
                "is greater.",
            ),
            solution=(
                f"Both fractions count {unit_word(d, 2)}, so the parts are the same size.",
                f"{bigger} {unit_word(d, bigger)} is more than {min(a, b)} {unit_word(d, min(a, b))}.",
                f"So {a}/{d} {'>' if a > b else '<'} {b}/{d}.",
            ),
            difficulty=-0.7 + 0.05 * (d - 3) - 0.1 * abs(a - b),
        )


def _compare_same_den_who() -> Iterator[Draft]:
    pairs = list(_compare_pairs("same-den-who", 4, 12, 2))
    pairs[3:3] = [(6, 2, 2), (10, 7, 7)]
    for d, a, b in pairs:
        rng = rng_for(f"same-den-who/{d}/{a}/{b}")
        first, second = rng.sample(NAMES, 2)
        whole = rng.choice(("pizza", "pie", "cake", "pan of lasagna"))
        same = "They ate the same amount"
        correct = first if a > b else second if b > a else same
        if a == b:
            reason = f"{a}/{d} and {b}/{d} are the same amount."
        else:
            reason = f"{max(a, b)}/{d} is more than {min(a, b)}/{d}, because {max(a, b)} parts are more than {min(a, b)}."
        yield Draft(
            slug=f"{a}-{b}-{d}",
            prompt=(
                f"{first} ate {a}/{d} of a {whole}. {second} ate {b}/{d} of another {whole} of the same size.\n"
                "Who ate more?"
            ),
            answer=choice_answer(correct, [first, second, same], f"same-den-who/{a}-{b}-{d}", shuffle=False),
            hints=(
                f"Both {whole}s are cut into {d} equal parts, so the parts are the same size.",
                "Compare the numerators: who ate more of those equal parts?",
            ),
            solution=(
                f"Both fractions are in {unit_word(d, 2)}.",
                reason,
                f"The answer is: {correct}.",
            ),
            difficulty=-0.8 + 0.05 * (d - 4),
        )


def _same_numerator_pairs(seed: str) -> Iterator[tuple[int, int, int]]:
    """(a, d1, d2) with d1 != d2, both bigger than a."""
    count = 0
    for a in (1, 2, 3, 1, 2):
        options = [(d1, d2) for d1 in range(a + 1, 13) for d2 in range(a + 1, 13) if d1 != d2]
        rng_for(f"{seed}/{a}/{count}").shuffle(options)
        for d1, d2 in options[:5]:
            count += 1
            yield a, d1, d2


def _compare_same_num_symbol() -> Iterator[Draft]:
    seen: set[tuple[int, int, int]] = set()
    for a, d1, d2 in _same_numerator_pairs("same-num"):
        if (a, d1, d2) in seen:
            continue
        seen.add((a, d1, d2))
        small, big = min(d1, d2), max(d1, d2)
        yield Draft(
            slug=f"{a}-{d1}-vs-{a}-{d2}",
            prompt=f"{COMPARE_PROMPT}{a}/{d1} ___ {a}/{d2}",
            answer=symbol_answer(f"{a}/{d1}", f"{a}/{d2}", Fraction(a, d1), Fraction(a, d2)),
            hints=(
                "Both fractions have the same numerator, so they have the same number of parts. "
                "Which parts are bigger?",
                f"The more equal parts a whole is cut into, the smaller each part is: 1/{small} is bigger "
                f"than 1/{big}.",
            ),
            solution=(
                f"Both fractions have {plural(a, 'part')}.",
                f"{article(unit_word(small)).capitalize()} {unit_word(small)} is bigger than "
                f"{article(unit_word(big))} {unit_word(big)}, because a whole cut into {small} parts "
                f"has bigger parts than a whole cut into {big} parts.",
                f"So {a}/{d1} {'>' if d1 < d2 else '<'} {a}/{d2}.",
            ),
            difficulty=-0.2 + 0.1 * a - 0.04 * abs(d1 - d2),
        )


def _bigger_piece_choice() -> Iterator[Draft]:
    seen: set[tuple[int, int, int]] = set()
    for a, d1, d2 in _same_numerator_pairs("bigger-piece"):
        if (a, d1, d2) in seen:
            continue
        seen.add((a, d1, d2))
        rng = rng_for(f"bigger-piece/{a}/{d1}/{d2}")
        first, second = rng.sample(NAMES, 2)
        thing, unit = rng.choice((("ribbons", "ribbon"), ("loaves of bread", "bread"), ("ropes", "rope")))
        correct = first if d1 < d2 else second
        keeps = plural(a, "piece")
        yield Draft(
            slug=f"{a}-{d1}-{d2}",
            prompt=(
                f"Two {thing} are the same size. {first} cuts one into {d1} equal pieces and {second} cuts "
                f"the other into {d2} equal pieces. Each of them keeps {keeps}.\nWho has more {unit}?"
            ),
            answer=choice_answer(
                correct,
                [first, second, "They have the same amount"],
                f"bigger-piece/{a}-{d1}-{d2}",
                shuffle=False,
            ),
            hints=(
                "Think about the size of one piece. Is a piece bigger when the same thing is cut into more "
                "pieces or into fewer pieces?",
                f"{first} has {a}/{d1} and {second} has {a}/{d2}. They have the same number of pieces, so "
                "whose pieces are bigger?",
            ),
            solution=(
                f"{first} has {a}/{d1} and {second} has {a}/{d2}.",
                f"Cutting into {min(d1, d2)} pieces makes bigger pieces than cutting into {max(d1, d2)} pieces.",
                f"Both keep {keeps}, so the answer is: {correct}.",
            ),
            difficulty=-0.1 + 0.1 * a - 0.04 * abs(d1 - d2),
        )


TEMPLATES: tuple[TemplateSpec, ...] = (
    template("unit-part", "unit-fractions", "fraction", "Name the unit fraction for one equal part.",
             _unit_fraction_part),
    template("unit-count", "unit-fractions", "numeric", "How many unit fractions make a whole.",
             _unit_fractions_in_whole),
    template("shaded-bar", "fractions-of-a-whole", "fraction", "Fraction of a bar that is shaded.", _shaded_bar),
    template("parts-left", "fractions-of-a-whole", "fraction", "Fraction of a whole left after some is eaten.",
             _parts_left),
    template("part-of-group", "fractions-of-a-whole", "multiple_choice",
             "Choose the fraction of equal parts with a property.", _part_of_group_choice),
    template("line-point", "fractions-on-number-line", "fraction", "Fraction at a point between 0 and 1.",
             _number_line_point),
    template("line-beyond-one", "fractions-on-number-line", "fraction", "Fraction at a point between 1 and 3.",
             _number_line_beyond_one),
    template("line-jumps", "fractions-on-number-line", "numeric", "Count jumps between two points.",
             _number_line_jumps),
    template("fraction-to-whole", "whole-numbers-as-fractions", "numeric",
             "Whole number equal to a fraction like 12/4.", _fraction_to_whole),
    template("whole-to-fraction", "whole-numbers-as-fractions", "numeric",
             "Missing numerator when writing a whole number as a fraction.", _whole_to_fraction),
    template("whole-choice", "whole-numbers-as-fractions", "multiple_choice",
             "Choose the fraction equal to a number of whole pizzas.", _whole_as_fraction_choice),
    template("same-den-symbol", "compare-same-denominator", "short_text",
             "Compare two fractions with the same denominator using <, > or =.", _compare_same_den_symbol),
    template("same-den-who", "compare-same-denominator", "multiple_choice",
             "Who ate more: fractions with the same denominator.", _compare_same_den_who),
    template("same-num-symbol", "compare-same-numerator", "short_text",
             "Compare two fractions with the same numerator using <, > or =.", _compare_same_num_symbol),
    template("bigger-piece", "compare-same-numerator", "multiple_choice",
             "Who has more: same number of pieces, different piece sizes.", _bigger_piece_choice),
)  # fmt: skip
