"""The subgroup categories a school may choose to record, and how a OneRoster demographics row maps to them.

Every category is optional and none is recorded by default. Two come from OneRoster ``demographics.csv`` (an
administrator may still set or correct a student's value); the others are set by an administrator only.
Pure data and functions: no database here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

NOT_RECORDED = "not_recorded"
NOT_RECORDED_LABEL = "Not recorded"


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    values: tuple[tuple[str, str], ...]  # (code, label) in the order tables show them
    from_oneroster: bool  # filled from demographics.csv when no administrator set a value
    help: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.values)

    def value_label(self, code: str) -> str:
        return dict(self.values).get(code, NOT_RECORDED_LABEL if code == NOT_RECORDED else code)


YES_NO = (("yes", "Yes"), ("no", "No"))
RACES = (
    ("americanIndianOrAlaskaNative", "american_indian_or_alaska_native", "American Indian or Alaska Native"),
    ("asian", "asian", "Asian"),
    ("blackOrAfricanAmerican", "black_or_african_american", "Black or African American"),
    ("nativeHawaiianOrOtherPacificIslander", "native_hawaiian_or_pacific_islander",
     "Native Hawaiian or Other Pacific Islander"),
    ("white", "white", "White"),
)  # fmt: skip

CATEGORIES: tuple[Category, ...] = (
    Category(
        "sex", "Sex (OneRoster)",
        (("female", "Female"), ("male", "Male"), ("other", "Other"), ("unspecified", "Unspecified")),
        True, "From the sex column of demographics.csv (vendor terms such as ext:... count as other).",
    ),
    Category(
        "race_ethnicity", "Race and ethnicity (OneRoster)",
        (("hispanic_or_latino", "Hispanic or Latino (any race)"), *((code, label) for _, code, label in RACES),
         ("two_or_more_races", "Two or more races")),
        True,
        "From the race and ethnicity columns of demographics.csv: Hispanic or Latino first (of any race), "
        "then two or more races, then the one race marked true.",
    ),
    Category("english_learner", "English learner", YES_NO, False, "Set by an administrator."),
    Category("special_education", "Special education (IEP or similar plan)", YES_NO, False,
             "Set by an administrator."),
    Category(
        "gender", "Gender",
        (("female", "Female"), ("male", "Male"), ("nonbinary", "Non-binary"), ("other", "Another gender")),
        False, "Set by an administrator (as the student or family reports it).",
    ),
)  # fmt: skip
BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}

_SYNONYMS = {
    "y": "yes", "true": "yes", "1": "yes", "n": "no", "false": "no", "0": "no",
    "f": "female", "m": "male", "non-binary": "nonbinary", "non binary": "nonbinary",
}  # fmt: skip


def category(key: str) -> Category:
    """The category, or KeyError."""
    return BY_KEY[key]


def normalise_value(found: Category, typed: str) -> str | None:
    """A typed value as the category's code (code or label, any case; yes/no synonyms), or None if unknown."""
    text = " ".join(typed.strip().lower().split())
    for code, label in found.values:
        if text in (code, label.lower()):
            return code
    guess = _SYNONYMS.get(text)
    return guess if guess in found.codes else None


def from_demographics(key: str, data: Mapping[str, Any]) -> str | None:
    """The value of a OneRoster category in one ``demographics`` row as imported (None: not recorded).

    Race and ethnicity follow the usual reporting rollup: ``hispanicOrLatinoEthnicity`` true gives Hispanic
    or Latino whatever the race; else ``demographicRaceTwoOrMoreRaces`` true, or more than one race true,
    gives two or more races; else the one race marked true. All false or empty: not recorded.
    """
    if key == "sex":
        sex = str(data.get("sex", "")).strip().lower()
        if not sex:
            return None
        return sex if sex in ("female", "male", "other", "unspecified") else "other"
    if key == "race_ethnicity":

        def true(column: str) -> bool:
            return str(data.get(column, "")).strip().lower() == "true"

        if true("hispanicOrLatinoEthnicity"):
            return "hispanic_or_latino"
        races = [code for column, code, _ in RACES if true(column)]
        if true("demographicRaceTwoOrMoreRaces") or len(races) > 1:
            return "two_or_more_races"
        return races[0] if races else None
    return None
