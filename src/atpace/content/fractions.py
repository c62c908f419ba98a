"""The fractions course as Python item templates: the source that build_fractions turns into the package
courses/fractions/ at build time (atpace reads the package at run time, never this module)."""

from __future__ import annotations

from atpace.content import (
    templates_add,
    templates_basics,
    templates_decimals,
    templates_multiply,
    templates_parts,
    templates_word,
)
from atpace.content.spec import CourseSpec, SkillSpec

__all__ = ["FRACTIONS_COURSE", "SKILLS"]


def _skill(key: str, name: str, grade: int, description: str, *prerequisites: str) -> SkillSpec:
    return SkillSpec(key=key, name=name, description=description, grade=grade, prerequisites=prerequisites)


SKILLS: tuple[SkillSpec, ...] = (
    _skill("unit-fractions", "Unit fractions", 3,
           "Name one equal part of a whole, like 1/4 of a pizza."),
    _skill("fractions-of-a-whole", "Fractions of a whole", 3,
           "Name several equal parts of a whole, like 3/4 of a chocolate bar.", "unit-fractions"),
    _skill("fractions-on-number-line", "Fractions on a number line", 3,
           "Find fractions like 2/3 and 5/4 as points on a number line.", "fractions-of-a-whole"),
    _skill("whole-numbers-as-fractions", "Whole numbers as fractions", 3,
           "See that 4/4 is 1 and that a whole number like 3 can be written as 6/2.", "fractions-on-number-line"),
    _skill("compare-same-denominator", "Compare: same denominator", 3,
           "Compare fractions like 3/8 and 5/8 that have parts of the same size.", "fractions-of-a-whole"),
    _skill("compare-same-numerator", "Compare: same numerator", 3,
           "Compare fractions like 2/3 and 2/5 by thinking about the size of the parts.",
           "compare-same-denominator"),
    _skill("equivalent-fractions", "Equivalent fractions", 4,
           "Make equal fractions by multiplying the top and the bottom by the same number.",
           "fractions-on-number-line"),
    _skill("simplify-fractions", "Simplest form", 4,
           "Write a fraction like 6/8 in simplest form by dividing by a common factor.", "equivalent-fractions"),
    _skill("compare-unlike-fractions", "Compare unlike fractions", 4,
           "Compare fractions like 2/3 and 3/5 using a common denominator or 1/2.",
           "equivalent-fractions", "compare-same-numerator"),
    _skill("fraction-of-a-set", "Fraction of a set", 4,
           "Find a fraction of a group of objects, like 2/3 of 12 eggs.", "fractions-of-a-whole"),
    _skill("mixed-to-improper", "Mixed numbers to improper fractions", 4,
           "Rewrite a mixed number like 2 1/3 as an improper fraction like 7/3.", "whole-numbers-as-fractions"),
    _skill("improper-to-mixed", "Improper fractions to mixed numbers", 4,
           "Rewrite an improper fraction like 11/4 as a mixed number like 2 3/4.", "whole-numbers-as-fractions"),
    _skill("add-like-denominators", "Add: same denominator", 4,
           "Add fractions that have the same denominator, like 2/5 + 1/5.",
           "fractions-on-number-line", "compare-same-denominator"),
    _skill("subtract-like-denominators", "Subtract: same denominator", 4,
           "Subtract fractions that have the same denominator, like 7/8 − 3/8.", "add-like-denominators"),
    _skill("add-subtract-mixed-like", "Mixed numbers: same denominator", 4,
           "Add and subtract mixed numbers like 2 3/4 + 1 2/4, regrouping when needed.",
           "subtract-like-denominators", "mixed-to-improper", "improper-to-mixed"),
    _skill("multiply-fraction-by-whole", "Multiply a fraction by a whole number", 4,
           "Multiply a whole number by a fraction, like 3 × 2/5, as repeated addition.", "add-like-denominators"),
    _skill("tenths-and-hundredths", "Tenths and hundredths", 4,
           "Write tenths and hundredths as fractions and decimals, like 3/10 = 0.3 and 45/100 = 0.45.",
           "equivalent-fractions"),
    _skill("add-tenths-and-hundredths", "Add tenths and hundredths", 4,
           "Add fractions like 3/10 + 25/100 by changing tenths into hundredths.",
           "tenths-and-hundredths", "add-like-denominators"),
    _skill("compare-decimals-and-fractions", "Compare decimals and fractions", 4,
           "Compare decimals like 0.5 and 0.45, and decimals with fractions like 0.6 and 3/4.",
           "tenths-and-hundredths", "compare-unlike-fractions"),
    _skill("fractions-as-division", "Fractions as division", 5,
           "See that a fraction is a division: 3 pizzas shared by 4 friends is 3/4 of a pizza each.",
           "fraction-of-a-set", "improper-to-mixed"),
    _skill("add-unlike-denominators", "Add: unlike denominators", 5,
           "Add fractions with different denominators, like 1/2 + 1/3, using a common denominator.",
           "add-like-denominators", "equivalent-fractions"),
    _skill("subtract-unlike-denominators", "Subtract: unlike denominators", 5,
           "Subtract fractions with different denominators, like 3/4 − 1/6.",
           "add-unlike-denominators", "subtract-like-denominators"),
    _skill("add-subtract-mixed-unlike", "Mixed numbers: unlike denominators", 5,
           "Add and subtract mixed numbers with different denominators, like 3 1/2 − 1 2/3.",
           "subtract-unlike-denominators", "add-subtract-mixed-like"),
    _skill("multiply-fractions", "Multiply fractions", 5,
           "Multiply two fractions, like 2/3 × 3/4, and find a fraction of a fraction.",
           "multiply-fraction-by-whole", "fraction-of-a-set", "simplify-fractions"),
    _skill("divide-unit-fraction-by-whole", "Divide a unit fraction by a whole number", 5,
           "Share a unit fraction equally, like 1/3 ÷ 4.", "multiply-fractions", "fractions-as-division"),
    _skill("divide-whole-by-unit-fraction", "Divide a whole number by a unit fraction", 5,
           "Find how many unit fractions fit into a whole number, like 3 ÷ 1/4.",
           "multiply-fraction-by-whole", "fractions-as-division"),
    _skill("divide-fractions", "Divide fractions", 6,
           "Divide a fraction by a fraction, like 2/3 ÷ 3/4, by multiplying by the reciprocal.",
           "divide-unit-fraction-by-whole", "divide-whole-by-unit-fraction"),
    _skill("fraction-word-problems", "Fraction word problems", 6,
           "Solve word problems with several steps that add, subtract and multiply fractions.",
           "add-subtract-mixed-unlike", "multiply-fractions"),
)  # fmt: skip

FRACTIONS_COURSE = CourseSpec(
    key="fractions",
    title="Fractions",
    description=(
        "Fractions from unit fractions to dividing fractions: equal parts, the number line, equivalence, "
        "comparing, adding and subtracting, multiplying and dividing, and tenths and hundredths."
    ),
    grades="3-6",
    skills=SKILLS,
    templates=(
        *templates_basics.TEMPLATES,
        *templates_parts.TEMPLATES,
        *templates_add.TEMPLATES,
        *templates_decimals.TEMPLATES,
        *templates_multiply.TEMPLATES,
        *templates_word.TEMPLATES,
    ),
)
