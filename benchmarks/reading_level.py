"""How many texts the reading-level rule needs to settle on the right version, with simulated readers.

    .venv/bin/python benchmarks/reading_level.py [--readers 300] [--seeds 5] [--texts 16]

Readers: a true reading level T drawn uniformly from grade 2 to grade 11; their starting level (the grade of
their class, as atpace starts) is round(T) plus an error of -3 to +3 grades, the same number of readers for
each error. Texts: the demo's eight leveled texts (their versions' estimated grades as atpace works them out),
read in turn, again from the first after the eighth. Response model: each of a text's 4 questions is answered
right with probability 1 / (1 + exp(-(b + a (T - g)))) for a version of estimated grade g: with atpace's own
model (b = 1.1, a = 1.2: 75% at the reader's own level, 91% a grade below, 48% a grade above), and with
flatter readers that atpace's rule does not know (b = 0.6, a = 0.8: 65% at their level). The level moves by
atpace's rule (atpace.engine.reading_level, docs/readings.md); the version read is the one the level picks.

A reader is *on the right version* after n texts when the level picks, for the next text, the version their
true level picks. A group has *settled* after n texts when at least 80% of its readers are on the right
version after n texts and after every later text up to the horizon. The table gives, per starting error,
the median over seeds of the texts needed to settle and of the share on the right version after 8 and after
all texts.
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
from datetime import UTC, datetime

import numpy as np

from atpace.engine import readability, reading_level
from atpace.services.readings.demo import demo_texts

QUESTIONS = 4
SETTLED_SHARE = 0.8
ERRORS = (-3, -2, -1, 0, 1, 2, 3)


def text_grades() -> list[list[float]]:
    return [[readability.measure(v.body).estimated_grade for v in text.versions] for _, text in demo_texts()]


# (bias, slope) of the readers' true response: atpace's own model, and a flatter one that atpace does not know
MODELS = {"atpace's model": (1.1, 1.2), "flatter readers": (0.6, 0.8)}


def p_right(true_level: float, grade: float, model: tuple[float, float]) -> float:
    bias, slope = model
    return 1.0 / (1.0 + math.exp(-(bias + slope * (true_level - grade))))


def run(
    seed: int, readers: int, horizon: int, texts: list[list[float]], model: tuple[float, float]
) -> dict[int, np.ndarray]:
    """Per starting error: readers x texts, True where the level picks the right version after the text."""
    rng = np.random.default_rng(seed)
    right: dict[int, np.ndarray] = {}
    for error in ERRORS:
        on_right = np.zeros((readers, horizon), dtype=bool)
        for r in range(readers):
            truth = float(rng.uniform(2.0, 11.0))
            start = reading_level.clamp(round(truth) + error)
            level, results = start, []
            for n in range(horizon):
                grades = texts[n % len(texts)]
                grade = grades[reading_level.pick_version(grades, level)]
                correct = int((rng.random(QUESTIONS) < p_right(truth, grade, model)).sum())
                results.append(reading_level.TextResult(correct, QUESTIONS, grade))
                level = reading_level.estimate(start, results)
                upcoming = texts[(n + 1) % len(texts)]
                on_right[r, n] = reading_level.pick_version(upcoming, level) == reading_level.pick_version(
                    upcoming, truth
                )
        right[error] = on_right
    return right


def texts_to_settle(on_right: np.ndarray) -> int | None:
    """Fewest texts after which >= 80% are on the right version, then and after every later text."""
    share = on_right.mean(axis=0)
    for n in range(len(share)):
        if (share[n:] >= SETTLED_SHARE).all():
            return n + 1
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=300, help="readers per starting error and seed")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--texts", type=int, default=16, help="texts each reader reads (the horizon)")
    args = parser.parse_args()
    texts = text_grades()
    print(f"# reading level: {args.readers} readers per row and seed, {args.seeds} seeds, {args.texts} texts")
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, Python {platform.python_version()}"
    )
    print(
        "| readers answer by | starting level minus true level | texts to settle (80% on the right version) "
        "| on the right version after 1 text | after 8 texts | after all texts |"
    )
    print("|---|---|---|---|---|---|")
    for name, model in MODELS.items():
        runs = [run(seed, args.readers, args.texts, texts, model) for seed in range(args.seeds)]
        for error in ERRORS:
            settled = [texts_to_settle(r[error]) for r in runs]
            needed = [s for s in settled if s is not None]
            median = (
                f"{statistics.median(needed):g}"
                if len(needed) == len(settled)
                else f"not within {args.texts}"
            )
            shares = [
                statistics.median(float(r[error][:, n].mean()) for r in runs)
                for n in (0, min(7, args.texts - 1), -1)
            ]
            print(
                f"| {name} | {error:+d} grades | {median} | "
                + " | ".join(f"{share:.0%}" for share in shares)
                + " |"
            )


if __name__ == "__main__":
    main()
