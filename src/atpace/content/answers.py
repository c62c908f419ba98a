"""Answer checking: exact arithmetic, equivalent forms, and malformed input that is not marked wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from atpace.content.numbers import MalformedAnswer, clean, read
from atpace.content.spec import SELECTION_SEPARATOR, AnswerSpec, choice_key

__all__ = ["CheckResult", "MalformedAnswer", "check_answer", "parse_rational"]

Status = Literal["correct", "incorrect", "malformed"]
_LETTER = re.compile(r"\(?([a-z])\s*[).:]?")
MAX_TEXT_LENGTH = 200  # short text responses; also bounds the work of an author's regular expression


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
    """Mark ``response``; malformed input (not an answer at all) is not marked wrong.

    Raises ``ValueError`` for an item that is not scored automatically (``answer.auto_scored``).
    """
    if not answer.auto_scored:
        raise ValueError(f"{answer.kind} items are not scored automatically")
    if not response.strip():
        return CheckResult("malformed", "Please enter an answer", None)
    if answer.kind == "multiple_choice":
        return _check_choice(answer, response)
    if answer.kind in ("multiple_select", "ordering"):
        return _check_selection(answer, response)
    if answer.kind == "short_text":
        return _check_text(answer, response)
    return _check_number(answer, response)


def _letters(count: int) -> str:
    letters = [chr(ord("A") + i) for i in range(count)]
    return ", ".join(letters[:-1]) + " or " + letters[-1]


def _find_choice(choices: tuple[str, ...], text: str) -> str | CheckResult:
    """The choice that ``text`` names by its text or its letter, else why it names none."""
    key = choice_key(text)
    chosen = next((choice for choice in choices if choice_key(choice) == key), None)
    if chosen is not None:
        return chosen
    letter = _LETTER.fullmatch(key)
    if letter is None:
        return CheckResult("malformed", f"Please choose one of the answers: {_letters(len(choices))}", None)
    index = ord(letter.group(1)) - ord("a")
    if index >= len(choices):
        return CheckResult(
            "malformed",
            f"There is no answer {letter.group(1).upper()}: choose {_letters(len(choices))}",
            None,
        )
    return choices[index]


def _check_choice(answer: AnswerSpec, response: str) -> CheckResult:
    chosen = _find_choice(answer.choices, response)
    if isinstance(chosen, CheckResult):
        return chosen
    if chosen == answer.correct:
        return CheckResult("correct", "Correct!", chosen)
    return CheckResult("incorrect", f"Not quite: the answer is {answer.correct}, not {chosen}.", chosen)


_LETTER_RUN = re.compile(r"[a-z](?:\s*[a-z])+")


def _split(answer: AnswerSpec, response: str) -> list[str]:
    """The parts of a response naming several choices: split at line breaks, else at semicolons, else at
    commas (so a choice like "1,000" can be named in a list separated by semicolons); a run of letters
    such as "ACD" or "a c d" names choices by letter."""
    text = response.strip()
    if any(choice_key(choice) == choice_key(text) for choice in answer.choices):
        return [text]
    for separator in ("\n", ";", ","):
        if separator in text:
            return [part.strip() for part in text.split(separator) if part.strip()]
    key = choice_key(text)
    if _LETTER_RUN.fullmatch(key):
        letters = key.replace(" ", "")
        if all(ord(letter) - ord("a") < len(answer.choices) for letter in letters):
            return list(letters)
    return [text]


def _check_selection(answer: AnswerSpec, response: str) -> CheckResult:
    """Multiple select and ordering: the response names choices by text or letter, in order."""
    chosen: list[str] = []
    for part in _split(answer, response):
        found = _find_choice(answer.choices, part)
        if isinstance(found, CheckResult):
            return CheckResult(
                "malformed",
                f"{part} is not one of the answers: name them by letter ({_letters(len(answer.choices))}) "
                "or by text, separated by commas, semicolons or new lines",
                None,
            )
        if found in chosen:
            return CheckResult("malformed", f"You named {found} twice: name each answer once", None)
        chosen.append(found)
    if not chosen:  # only separators
        return CheckResult("malformed", "Please enter an answer", None)
    if answer.kind == "ordering":
        if len(chosen) != len(answer.choices):
            return CheckResult(
                "malformed",
                f"Put all {len(answer.choices)} answers in order, each once, like "
                + ", ".join(letter for letter, _ in answer.lettered_choices),
                None,
            )
        normalized = SELECTION_SEPARATOR.join(chosen)
        if tuple(chosen) == answer.correct_choices:
            return CheckResult("correct", "Correct!", normalized)
        return CheckResult("incorrect", f"Not quite: the right order is {answer.correct}.", normalized)
    normalized = SELECTION_SEPARATOR.join(choice for choice in answer.choices if choice in chosen)
    if set(chosen) == set(answer.correct_choices):
        return CheckResult("correct", "Correct!", normalized)
    return CheckResult("incorrect", f"Not quite: the right choices are {answer.correct}.", normalized)


COMPARISON_WORDS = {
    ">": ("greater than", "greater", "is greater than", "bigger than", "bigger", "more than", "larger than"),
    "<": ("less than", "less", "is less than", "smaller than", "smaller", "fewer than"),
    "=": ("equal", "equals", "equal to", "is equal to", "the same", "same", "=="),
}


def _text_key(text: str, *, case_sensitive: bool = False) -> str:
    cleaned = clean(text) if case_sensitive else clean(text).casefold()
    return "".join(cleaned.split()).rstrip(".!")


# Every response that reads as a comparison, in _text_key form (built once).
_COMPARISON_KEYS = {_text_key(key) for symbol, words in COMPARISON_WORDS.items() for key in (symbol, *words)}


def _check_text(answer: AnswerSpec, response: str) -> CheckResult:
    normalized = " ".join(clean(response).split())
    if len(normalized) > MAX_TEXT_LENGTH:
        return CheckResult(
            "malformed", f"That answer is too long: use at most {MAX_TEXT_LENGTH} characters", None
        )
    is_comparison = any(sign in normalized for sign in "<>=") or _text_key(response) in _COMPARISON_KEYS
    if answer.correct in COMPARISON_WORDS and not is_comparison:  # e.g. "three quarters"
        return CheckResult("malformed", "Type <, > or = (or words such as 'less than')", None)
    sensitive = answer.case_sensitive
    accepted = {_text_key(text, case_sensitive=sensitive) for text in (answer.correct, *answer.alternatives)}
    if _text_key(response, case_sensitive=sensitive) in accepted:
        return CheckResult("correct", "Correct!", normalized)
    candidates = {normalized, normalized.rstrip(".!").rstrip()}
    if any(p.fullmatch(text) for p in answer.compiled_patterns() for text in candidates):
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
