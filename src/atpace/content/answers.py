"""Answer checking: exact arithmetic, equivalent forms, and malformed input that is not marked wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from atpace.content.numbers import MalformedAnswer, clean, read
from atpace.content.spec import AnswerSpec, choice_key

__all__ = ["CheckResult", "MalformedAnswer", "check_answer", "parse_rational"]

Status = Literal["correct", "incorrect", "malformed"]
_LETTER = re.compile(r"\(?([a-z])\s*[).:]?")


@dataclass(frozen=True)
class CheckResult:
    status: Status
    message: str  # student-facing
    normalized: str | None  # the response in standard notation; None when malformed

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def parse_rational(
    text: str, *, allow_decimal: bool, allow_mixed: bool, allow_fraction: bool = True
) -> Fraction:
    """Read ``3/4``, ``1 1/2``, ``0.75`` (when allowed) or ``12``; raise :class:`MalformedAnswer`."""
    return read(
        text, allow_decimal=allow_decimal, allow_mixed=allow_mixed, allow_fraction=allow_fraction
    ).value


def check_answer(answer: AnswerSpec, response: str) -> CheckResult:
    if not response.strip():
        return CheckResult("malformed", "Please enter an answer", None)
    if answer.kind == "multiple_choice":
        return _check_choice(answer, response)
    if answer.kind == "short_text":
        return _check_text(answer, response)
    return _check_number(answer, response)


def _letters(count: int) -> str:
    letters = [chr(ord("A") + i) for i in range(count)]
    return ", ".join(letters[:-1]) + " or " + letters[-1]


def _check_choice(answer: AnswerSpec, response: str) -> CheckResult:
    key = choice_key(response)
    chosen = next((choice for choice in answer.choices if choice_key(choice) == key), None)
    if chosen is None:
        letter = _LETTER.fullmatch(key)
        if letter is None:
            return CheckResult(
                "malformed", f"Please choose one of the answers: {_letters(len(answer.choices))}", None
            )
        index = ord(letter.group(1)) - ord("a")
        if index >= len(answer.choices):
            return CheckResult(
                "malformed",
                f"There is no answer {letter.group(1).upper()}: choose {_letters(len(answer.choices))}",
                None,
            )
        chosen = answer.choices[index]
    if chosen == answer.correct:
        return CheckResult("correct", "Correct!", chosen)
    return CheckResult("incorrect", f"Not quite: the answer is {answer.correct}, not {chosen}.", chosen)


COMPARISON_WORDS = {
    ">": ("greater than", "greater", "is greater than", "bigger than", "bigger", "more than", "larger than"),
    "<": ("less than", "less", "is less than", "smaller than", "smaller", "fewer than"),
    "=": ("equal", "equals", "equal to", "is equal to", "the same", "same", "=="),
}


def _text_key(text: str) -> str:
    return "".join(clean(text).casefold().split()).rstrip(".!")


# Every response that reads as a comparison, in _text_key form (built once).
_COMPARISON_KEYS = {_text_key(key) for symbol, words in COMPARISON_WORDS.items() for key in (symbol, *words)}


def _check_text(answer: AnswerSpec, response: str) -> CheckResult:
    normalized = " ".join(clean(response).split())
    is_comparison = any(sign in normalized for sign in "<>=") or _text_key(response) in _COMPARISON_KEYS
    if answer.correct in COMPARISON_WORDS and not is_comparison:  # e.g. "three quarters"
        return CheckResult("malformed", "Type <, > or = (or words such as 'less than')", None)
    accepted = {_text_key(text) for text in (answer.correct, *answer.alternatives)}
    if _text_key(response) in accepted:
        return CheckResult("correct", "Correct!", normalized)
    return CheckResult("incorrect", f"Not quite: the answer is {answer.correct}.", normalized)


def _check_number(answer: AnswerSpec, response: str) -> CheckResult:
    try:
        written = answer.read_number(response)
    except MalformedAnswer as error:
        return CheckResult("malformed", str(error), None)
    expected = read(answer.correct, allow_decimal=True, allow_mixed=True)
    if written.value != expected.value:
        return CheckResult(
            "incorrect", f"Not quite: {written.text} is not equal to {answer.correct}.", written.text
        )
    if answer.require_simplest and answer.kind != "numeric":
        if not written.in_simplest_form():
            return CheckResult(
                "incorrect", f"Correct value, but write it in simplest form: {answer.correct}", written.text
            )
        if expected.form == "mixed" and written.form == "fraction":
            return CheckResult(
                "incorrect", f"Correct value, but write it as a mixed number: {answer.correct}", written.text
            )
    if written.text == expected.text:
        return CheckResult("correct", "Correct!", written.text)
    return CheckResult("correct", f"Correct! {written.text} is equal to {answer.correct}.", written.text)
