"""Reading and writing numbers the way students type them: 3/4, 1 1/2, 0.75, 12.

Everything is exact (``fractions.Fraction``). Reading keeps the written form too, so a checker can
tell ``2/4`` from ``1/2`` (same value, not in simplest form) and ``7/4`` from ``1 3/4``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from math import gcd
from typing import Literal

__all__ = [
    "MalformedAnswer",
    "Written",
    "clean",
    "fmt",
    "fmt_decimal",
    "fmt_mixed",
    "read",
]

Form = Literal["integer", "decimal", "fraction", "mixed"]

MAX_LENGTH = 40
_SLASHES = {"\u2044": "/", "\u2215": "/", "\uff0f": "/", "÷": "/"}
_MINUSES = {"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"}
_DIGITS = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"([0-9]*)\.([0-9]*)")
_COMMA_DECIMAL = re.compile(r"[0-9]*,[0-9]+")


class MalformedAnswer(ValueError):
    """A response that cannot be read as an answer; the message tells the student why."""


@dataclass(frozen=True)
class Written:
    """A number as the student wrote it: its exact value and its form."""

    value: Fraction
    form: Form
    text: str  # standard notation of what was written, e.g. "2/4", "1 1/2", "0.5"
    whole: int = 0  # mixed numbers: the whole part (without sign)
    numerator: int = 0  # fractions and mixed numbers: as written (without sign)
    denominator: int = 1

    def in_simplest_form(self) -> bool:
        """Integers and decimals count as simplest; fractions need lowest terms and no /1."""
        if self.form in ("integer", "decimal"):
            return True
        if self.denominator == 1 or gcd(self.numerator, self.denominator) != 1:
            return False
        return not (self.form == "mixed" and self.numerator >= self.denominator)


def clean(text: str) -> str:
    """Tidy typing variants: unicode slashes and minus signs, ÷, vulgar fractions, spacing."""
    out: list[str] = []
    for ch in text:
        if ch in _SLASHES:
            out.append("/")
        elif ch in _MINUSES:
            out.append("-")
        elif ch.isspace():
            out.append(" ")
        else:
            decomposition = unicodedata.decomposition(ch)
            if decomposition.startswith("<fraction>"):
                parts = "".join(chr(int(code, 16)) for code in decomposition.split()[1:])
                out.append(" " + parts.replace("\u2044", "/") + " ")
            else:
                out.append(ch)
    result = re.sub(r"\s*/\s*", "/", "".join(out))
    result = " ".join(result.split())
    result = re.sub(r"^([+-]) ", r"\1", result)
    return re.sub(r"(?<=[0-9]) and (?=[0-9]+/)", " ", result, flags=re.IGNORECASE)


def _example(*, allow_fraction: bool, allow_decimal: bool, allow_mixed: bool) -> str:
    if not allow_fraction:
        return "Please enter a number, like 0.75"
    forms = ["a fraction, like 3/4"]
    if allow_mixed:
        forms.append("a mixed number, like 1 1/2")
    if allow_decimal:
        forms.append("a decimal, like 0.75")
    if len(forms) == 1:
        return "Please enter " + forms[0]
    return "Please enter " + ", ".join(forms[:-1]) + " or " + forms[-1]


def read(text: str, *, allow_decimal: bool, allow_mixed: bool, allow_fraction: bool = True) -> Written:
    """Read a typed number or raise :class:`MalformedAnswer` with a student-facing reason."""
    raw = text.strip()
    if not raw:
        raise MalformedAnswer("Please enter an answer")
    if len(raw) > MAX_LENGTH:
        raise MalformedAnswer("That answer is too long: please enter a short answer, like 3/4")
    shown = raw
    s = clean(raw)
    generic = _example(allow_fraction=allow_fraction, allow_decimal=allow_decimal, allow_mixed=allow_mixed)
    sign = -1 if s.startswith("-") else 1
    body = s[1:] if s[:1] in "+-" else s
    prefix = "-" if sign < 0 else ""

    if "/" in body:
        if not allow_fraction:
            if body.count("/") == 1 and all(_DIGITS.fullmatch(part) for part in body.split("/")):
                raise MalformedAnswer(
                    f"{shown} is a fraction: please enter a whole number or a decimal, like 0.75"
                )
            raise MalformedAnswer(
                f"{shown} is not a number: please enter a whole number or a decimal, like 0.75"
            )
        if body.count("/") > 1:
            raise MalformedAnswer(f"{shown} is not a fraction: use one slash, like 3/4")
        top, _, bottom = body.partition("/")
        if not bottom:
            raise MalformedAnswer(
                f"{shown} is missing the bottom number (the denominator), like the 4 in 3/4"
            )
        if not top:
            raise MalformedAnswer(f"{shown} is missing the top number (the numerator), like the 3 in 3/4")
        whole_text = ""
        if " " in top:
            whole_text, _, top = top.rpartition(" ")
            if not allow_mixed and _DIGITS.fullmatch(whole_text) and _DIGITS.fullmatch(top):
                raise MalformedAnswer("Please write one fraction, like 7/4, not a mixed number")
            if not _DIGITS.fullmatch(whole_text):
                raise MalformedAnswer(generic)
        if "." in top or "." in bottom:
            raise MalformedAnswer("Use whole numbers above and below the slash, like 3/4")
        if not (_DIGITS.fullmatch(top) and _DIGITS.fullmatch(bottom)):
            raise MalformedAnswer(generic)
        numerator, denominator = int(top), int(bottom)
        if denominator == 0:
            raise MalformedAnswer("Denominator cannot be 0: the bottom number of a fraction must not be 0")
        if whole_text:
            whole = int(whole_text)
            value = sign * (whole + Fraction(numerator, denominator))
            return Written(
                value, "mixed", f"{prefix}{whole} {numerator}/{denominator}", whole, numerator, denominator
            )
        value = sign * Fraction(numerator, denominator)
        return Written(value, "fraction", f"{prefix}{numerator}/{denominator}", 0, numerator, denominator)

    if _DIGITS.fullmatch(body):
        value = Fraction(sign * int(body))
        return Written(value, "integer", fmt(value))
    decimal = _DECIMAL.fullmatch(body)
    if decimal and (decimal.group(1) or decimal.group(2)):
        if not allow_decimal:
            raise MalformedAnswer("Please write your answer as a fraction, like 3/4, not as a decimal")
        digits = decimal.group(2)
        value = sign * (int(decimal.group(1) or "0") + Fraction(int(digits or "0"), 10 ** len(digits)))
        return Written(value, "decimal", fmt_decimal(value))
    if _COMMA_DECIMAL.fullmatch(body):
        if not allow_decimal:
            raise MalformedAnswer("Please write your answer as a fraction, like 3/4, not as a decimal")
        raise MalformedAnswer(f"Use a point for decimals: write {s.replace(',', '.')}, not {shown}")
    raise MalformedAnswer(generic)


def fmt(value: Fraction) -> str:
    """Lowest terms: ``"3/4"``, ``"7/4"`` or ``"2"``."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def fmt_mixed(value: Fraction) -> str:
    """Lowest terms, as a mixed number when above 1: ``"1 3/4"``, ``"3/4"``, ``"2"``."""
    if value.denominator == 1 or abs(value) < 1:
        return fmt(value)
    sign = "-" if value < 0 else ""
    whole, rest = divmod(abs(value.numerator), value.denominator)
    return f"{sign}{whole} {rest}/{value.denominator}"


def fmt_decimal(value: Fraction) -> str:
    """An exact terminating decimal without trailing zeros: ``"0.75"``, ``"12"``."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
        if places > 30:
            raise ValueError(f"{value} is not a terminating decimal")
    digits = str((value * 10**places).numerator)
    if places == 0:
        return sign + digits
    digits = digits.rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"
