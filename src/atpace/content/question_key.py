"""The question an item asks, whatever its wording: a key of the numbers in its prompt and its answer.

The fraction course states one problem in several formats ("What is 2/4 − 1/4?" as multiple choice,
"2/4 − 1/4 = ?" typed, a short story with the same numbers). A student who missed one of them should
not get another straight back, and a worked example should not solve the very problem on screen: both
rules compare these keys. Two items share a key when their prompts hold the same numbers in the same
order (as written, so 2/4 and 1/2 differ) and their correct answers have the same value.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

__all__ = ["answer_value", "prompt_numbers", "question_key"]

# A mixed number ("1 3/4"), a fraction ("3/4"), a decimal ("0.75") or a whole number, in prompt text.
_NUMBER = re.compile(r"(?<![\d.])(?:(\d+) (\d+)/(\d+)|(\d+)/(\d+)|(\d+\.\d+|\d+))(?![\d/])")
_SPACES = re.compile(r"\s+")
_MINUS = "\u2212"


def prompt_numbers(prompt: str) -> tuple[str, ...]:
    """The numbers written in a prompt, in order, in a standard notation ("1 3/4", "2/4", "0.5", "7")."""
    text = unicodedata.normalize("NFKC", prompt).replace("\u2044", "/")
    found = []
    for match in _NUMBER.finditer(text):
        whole, top, bottom, numerator, denominator, plain = match.groups()
        if whole is not None:
            found.append(f"{int(whole)} {int(top)}/{int(bottom)}")
        elif numerator is not None:
            found.append(f"{int(numerator)}/{int(denominator)}")
        else:
            found.append(plain.lstrip("0") or "0" if "." not in plain else plain)
    return tuple(found)


def answer_value(correct: str) -> str:
    """The correct answer's exact value when it is a number ("2/4" and "0.5" both read "1/2"), else its text."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", correct).replace(_MINUS, "-")).strip()
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("-").strip()
    match = _NUMBER.fullmatch(body)
    if match is None:
        return text.casefold()
    whole, top, bottom, numerator, denominator, plain = match.groups()
    if whole is not None and int(bottom):
        value = int(whole) + Fraction(int(top), int(bottom))
    elif numerator is not None and int(denominator):
        value = Fraction(int(numerator), int(denominator))
    elif plain is not None:
        value = Fraction(plain)
    else:  # a zero denominator: not a number after all
        return text.casefold()
    value *= sign
    return f"{value.numerator}/{value.denominator}"


def question_key(prompt: str, correct: str) -> str:
    """One key for every wording of the same question (see the module's note)."""
    numbers = prompt_numbers(prompt)
    if not numbers:  # nothing to compare but the words: the prompt itself, spacing and case aside
        return "text:" + _SPACES.sub(" ", prompt).strip().casefold() + "|" + answer_value(correct)
    return " ".join(numbers) + " => " + answer_value(correct)
