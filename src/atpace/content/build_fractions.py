"""Build the fractions course package (``courses/fractions/``) from the Python item templates.

Run ``python -m atpace.content.build_fractions`` after changing a template or a skill; a unit test fails
while the package on disk differs from what this writes. At run time atpace reads the package only, so
nothing but this build step imports the template modules.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from atpace.content.package import BUILTIN_COURSES_DIR, ItemsFormat, package_files, write_package
from atpace.content.spec import CourseSpec, Standard

__all__ = ["CCSS", "SKILL_STANDARDS", "VERSION", "build_course", "main"]

VERSION = "1.0"
ITEMS_FORMAT: ItemsFormat = "json"  # generated, not edited by hand: JSON reads ~30 times faster than YAML
FRAMEWORK = "Common Core State Standards for Mathematics"
# The official statements of the Common Core fraction standards this course practises.
CCSS = {
    "3.NF.A.1": (
        "Understand a fraction 1/b as the quantity formed by 1 part when a whole is partitioned into b "
        "equal parts; understand a fraction a/b as the quantity formed by a parts of size 1/b."
    ),
    "3.NF.A.2": (
        "Understand a fraction as a number on the number line; represent fractions on a number line diagram."
    ),
    "3.NF.A.2a": (
        "Represent a fraction 1/b on a number line diagram by defining the interval from 0 to 1 as the "
        "whole and partitioning it into b equal parts. Recognize that each part has size 1/b and that the"
        " endpoint of the part based at 0 locates the number 1/b on the number line."
    ),
    "3.NF.A.2b": (
        "Represent a fraction a/b on a number line diagram by marking off a lengths 1/b from 0. Recognize"
        " that the resulting interval has size a/b and that its endpoint locates the number a/b on the "
        "number line."
    ),
    "3.NF.A.3a": (
        "Understand two fractions as equivalent (equal) if they are the same size, or the same point on a"
        " number line."
    ),
    "3.NF.A.3b": (
        "Recognize and generate simple equivalent fractions, e.g., 1/2 = 2/4, 4/6 = 2/3. Explain why the "
        "fractions are equivalent, e.g., by using a visual fraction model."
    ),
    "3.NF.A.3c": (
        "Express whole numbers as fractions, and recognize fractions that are equivalent to whole "
        "numbers. Examples: Express 3 in the form 3 = 3/1; recognize that 6/1 = 6; locate 4/4 and 1 at "
        "the same point of a number line diagram."
    ),
    "3.NF.A.3d": (
        "Compare two fractions with the same numerator or the same denominator by reasoning about their "
        "size. Recognize that comparisons are valid only when the two fractions refer to the same whole. "
        "Record the results of comparisons with the symbols >, =, or <, and justify the conclusions, "
        "e.g., by using a visual fraction model."
    ),
    "4.NF.A.1": (
        "Explain why a fraction a/b is equivalent to a fraction (n × a)/(n × b) by using visual fraction "
        "models, with attention to how the number and size of the parts differ even though the two "
        "fractions themselves are the same size. Use this principle to recognize and generate equivalent "
        "fractions."
    ),
    "4.NF.A.2": (
        "Compare two fractions with different numerators and different denominators, e.g., by creating "
        "common denominators or numerators, or by comparing to a benchmark fraction such as 1/2. "
        "Recognize that comparisons are valid only when the two fractions refer to the same whole. Record"
        " the results of comparisons with symbols >, =, or <, and justify the conclusions, e.g., by using"
        " a visual fraction model."
    ),
    "4.NF.B.3a": (
        "Understand addition and subtraction of fractions as joining and separating parts referring to "
        "the same whole."
    ),
    "4.NF.B.3b": (
        "Decompose a fraction into a sum of fractions with the same denominator in more than one way, "
        "recording each decomposition by an equation. Justify decompositions, e.g., by using a visual "
        "fraction model. Examples: 3/8 = 1/8 + 1/8 + 1/8 ; 3/8 = 1/8 + 2/8 ; 2 1/8 = 1 + 1 + 1/8 = 8/8 + "
        "8/8 + 1/8."
    ),
    "4.NF.B.3c": (
        "Add and subtract mixed numbers with like denominators, e.g., by replacing each mixed number with"
        " an equivalent fraction, and/or by using properties of operations and the relationship between "
        "addition and subtraction."
    ),
    "4.NF.B.3d": (
        "Solve word problems involving addition and subtraction of fractions referring to the same whole "
        "and having like denominators, e.g., by using visual fraction models and equations to represent "
        "the problem."
    ),
    "4.NF.B.4a": (
        "Understand a fraction a/b as a multiple of 1/b. For example, use a visual fraction model to "
        "represent 5/4 as the product 5 × (1/4), recording the conclusion by the equation 5/4 = 5 × "
        "(1/4)."
    ),
    "4.NF.B.4b": (
        "Understand a multiple of a/b as a multiple of 1/b, and use this understanding to multiply a "
        "fraction by a whole number. For example, use a visual fraction model to express 3 × (2/5) as 6 ×"
        " (1/5), recognizing this product as 6/5. (In general, n × (a/b) = (n × a)/b.)"
    ),
    "4.NF.B.4c": (
        "Solve word problems involving multiplication of a fraction by a whole number, e.g., by using "
        "visual fraction models and equations to represent the problem. For example, if each person at a "
        "party will eat 3/8 of a pound of roast beef, and there will be 5 people at the party, how many "
        "pounds of roast beef will be needed? Between what two whole numbers does your answer lie?"
    ),
    "4.NF.C.5": (
        "Express a fraction with denominator 10 as an equivalent fraction with denominator 100, and use "
        "this technique to add two fractions with respective denominators 10 and 100. For example, "
        "express 3/10 as 30/100, and add 3/10 + 4/100 = 34/100."
    ),
    "4.NF.C.6": (
        "Use decimal notation for fractions with denominators 10 or 100. For example, rewrite 0.62 as "
        "62/100; describe a length as 0.62 meters; locate 0.62 on a number line diagram."
    ),
    "4.NF.C.7": (
        "Compare two decimals to hundredths by reasoning about their size. Recognize that comparisons are"
        " valid only when the two decimals refer to the same whole. Record the results of comparisons "
        "with the symbols >, =, or <, and justify the conclusions, e.g., by using a visual model."
    ),
    "5.NF.A.1": (
        "Add and subtract fractions with unlike denominators (including mixed numbers) by replacing given"
        " fractions with equivalent fractions in such a way as to produce an equivalent sum or difference"
        " of fractions with like denominators. For example, 2/3 + 5/4 = 8/12 + 15/12 = 23/12. (In "
        "general, a/b + c/d = (ad + bc)/bd.)"
    ),
    "5.NF.A.2": (
        "Solve word problems involving addition and subtraction of fractions referring to the same whole,"
        " including cases of unlike denominators, e.g., by using visual fraction models or equations to "
        "represent the problem. Use benchmark fractions and number sense of fractions to estimate "
        "mentally and assess the reasonableness of answers. For example, recognize an incorrect result "
        "2/5 + 1/2 = 3/7, by observing that 3/7 < 1/2."
    ),
    "5.NF.B.3": (
        "Interpret a fraction as division of the numerator by the denominator (a/b = a ÷ b). Solve word "
        "problems involving division of whole numbers leading to answers in the form of fractions or "
        "mixed numbers, e.g., by using visual fraction models or equations to represent the problem. For "
        "example, interpret 3/4 as the result of dividing 3 by 4, noting that 3/4 multiplied by 4 equals "
        "3, and that when 3 wholes are shared equally among 4 people each person has a share of size 3/4."
        " If 9 people want to share a 50-pound sack of rice equally by weight, how many pounds of rice "
        "should each person get? Between what two whole numbers does your answer lie?"
    ),
    "5.NF.B.4a": (
        "Interpret the product (a/b) × q as a parts of a partition of q into b equal parts; equivalently,"
        " as the result of a sequence of operations a × q ÷ b. For example, use a visual fraction model "
        "to show (2/3) × 4 = 8/3, and create a story context for this equation. Do the same with (2/3) × "
        "(4/5) = 8/15. (In general, (a/b) × (c/d) = ac/bd.)"
    ),
    "5.NF.B.5a": (
        "Interpret multiplication as scaling (resizing), by comparing the size of a product to the size "
        "of one factor on the basis of the size of the other factor, without performing the indicated "
        "multiplication."
    ),
    "5.NF.B.6": (
        "Solve real world problems involving multiplication of fractions and mixed numbers, e.g., by "
        "using visual fraction models or equations to represent the problem."
    ),
    "5.NF.B.7a": (
        "Interpret division of a unit fraction by a non-zero whole number, and compute such quotients. "
        "For example, create a story context for (1/3) ÷ 4, and use a visual fraction model to show the "
        "quotient. Use the relationship between multiplication and division to explain that (1/3) ÷ 4 = "
        "1/12 because (1/12) × 4 = 1/3."
    ),
    "5.NF.B.7b": (
        "Interpret division of a whole number by a unit fraction, and compute such quotients. For "
        "example, create a story context for 4 ÷ (1/5), and use a visual fraction model to show the "
        "quotient. Use the relationship between multiplication and division to explain that 4 ÷ (1/5) = "
        "20 because 20 × (1/5) = 4."
    ),
    "5.NF.B.7c": (
        "Solve real world problems involving division of unit fractions by non-zero whole numbers and "
        "division of whole numbers by unit fractions, e.g., by using visual fraction models and equations"
        " to represent the problem. For example, how much chocolate will each person get if 3 people "
        "share 1/2 lb of chocolate equally? How many 1/3-cup servings are in 2 cups of raisins?"
    ),
    "6.NS.A.1": (
        "Interpret and compute quotients of fractions, and solve word problems involving division of "
        "fractions by fractions, e.g., by using visual fraction models and equations to represent the "
        "problem. For example, create a story context for (2/3) ÷ (3/4) and use a visual fraction model "
        "to show the quotient; use the relationship between multiplication and division to explain that "
        "(2/3) ÷ (3/4) = 8/9 because 3/4 of 8/9 is 2/3. (In general, (a/b) ÷ (c/d) = ad/bc.)"
    ),
}
SKILL_STANDARDS: dict[str, tuple[str, ...]] = {
    "unit-fractions": ("3.NF.A.1",),
    "fractions-of-a-whole": ("3.NF.A.1",),
    "fractions-on-number-line": ("3.NF.A.2", "3.NF.A.2a", "3.NF.A.2b"),
    "whole-numbers-as-fractions": ("3.NF.A.3c",),
    "compare-same-denominator": ("3.NF.A.3d",),
    "compare-same-numerator": ("3.NF.A.3d",),
    "equivalent-fractions": ("3.NF.A.3a", "3.NF.A.3b", "4.NF.A.1"),
    "simplify-fractions": ("4.NF.A.1",),
    "compare-unlike-fractions": ("4.NF.A.2",),
    "fraction-of-a-set": ("5.NF.B.4a",),
    "mixed-to-improper": ("4.NF.B.3b", "4.NF.B.3c"),
    "improper-to-mixed": ("4.NF.B.3b",),
    "add-like-denominators": ("4.NF.B.3a", "4.NF.B.3d"),
    "subtract-like-denominators": ("4.NF.B.3a", "4.NF.B.3d"),
    "add-subtract-mixed-like": ("4.NF.B.3c",),
    "multiply-fraction-by-whole": ("4.NF.B.4a", "4.NF.B.4b", "4.NF.B.4c"),
    "tenths-and-hundredths": ("4.NF.C.6",),
    "add-tenths-and-hundredths": ("4.NF.C.5",),
    "compare-decimals-and-fractions": ("4.NF.C.7",),
    "fractions-as-division": ("5.NF.B.3",),
    "add-unlike-denominators": ("5.NF.A.1",),
    "subtract-unlike-denominators": ("5.NF.A.1",),
    "add-subtract-mixed-unlike": ("5.NF.A.1",),
    "multiply-fractions": ("5.NF.B.4a", "5.NF.B.5a", "5.NF.B.6"),
    "divide-unit-fraction-by-whole": ("5.NF.B.7a", "5.NF.B.7c"),
    "divide-whole-by-unit-fraction": ("5.NF.B.7b", "5.NF.B.7c"),
    "divide-fractions": ("6.NS.A.1",),
    "fraction-word-problems": ("5.NF.A.2", "5.NF.B.6"),
}


def build_course() -> CourseSpec:
    """The fractions course from the Python templates, with its standards and content version."""
    from atpace.content.fractions import FRACTIONS_COURSE  # the templates: imported at build time only

    missing = [skill.key for skill in FRACTIONS_COURSE.skills if skill.key not in SKILL_STANDARDS]
    if missing:
        raise ValueError(f"skills without standards: {', '.join(missing)}")
    skills = tuple(
        dataclasses.replace(
            skill,
            standards=tuple(Standard(code, CCSS[code], FRAMEWORK) for code in SKILL_STANDARDS[skill.key]),
        )
        for skill in FRACTIONS_COURSE.skills
    )
    return dataclasses.replace(FRACTIONS_COURSE, skills=skills, version=VERSION, mastery_threshold=0.95)


def built_files() -> dict[str, bytes]:
    """The package's files as this build writes them (the drift test compares them with the disk)."""
    return package_files(build_course(), items_format=ITEMS_FORMAT)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else BUILTIN_COURSES_DIR / "fractions"
    write_package(build_course(), target, items_format=ITEMS_FORMAT)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
