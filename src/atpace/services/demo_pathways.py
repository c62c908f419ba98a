"""The demo school's playlists: a few learning resources per skill of the fractions course (docs/pathways.md).

Every skill gets a worked example built from one of its own items and that item's worked solution; the
skills a class meets first also get a short reading, a classmate's explanation or an interactive (PhET's
free fraction simulations). The texts are written for atpace's demo."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from atpace.services.courses import servable
from atpace.store.tables import Course, Item, ItemSkill, School, Skill
from atpace.store.tables_pathways import LearningResource

PHET = "https://phet.colorado.edu/en/simulations/"

# skill key -> (kind, title, url, body), in playlist order after the worked example
WRITTEN: dict[str, list[tuple[str, str, str, str]]] = {
    "unit-fractions": [
        (
            "reading",
            "What the bottom number tells you",
            "",
            "A unit fraction has 1 on top. The bottom number says into how many equal parts the whole is cut.\n\n"
            "1/4 is one part of a whole cut into 4 equal parts. The more parts, the smaller each part: 1/8 is "
            "smaller than 1/4.",
        ),
        (
            "interactive",
            "Build fractions with shapes",
            PHET + "fractions-intro",
            "Cut circles and bars into equal parts and pick one part. Try 1/2, 1/3 and 1/6.",
        ),
        (
            "peer_explanation",
            "How Maya thinks about it",
            "",
            "I imagine sharing a pizza with friends. If there are 4 of us, everybody gets 1/4. If 8 friends come, "
            "the slices get smaller, so 1/8 is less than 1/4.",
        ),
    ],
    "fractions-of-a-whole": [
        (
            "reading",
            "Counting equal parts",
            "",
            "3/4 means 3 parts of a whole that is cut into 4 equal parts. The top number counts the parts you "
            "take; the bottom number says how many equal parts make the whole.",
        ),
        (
            "interactive",
            "Match shapes and fractions",
            PHET + "fraction-matcher",
            "Drag a picture to the fraction it shows, and check your match.",
        ),
    ],
    "fractions-on-number-line": [
        (
            "reading",
            "Jumps on a number line",
            "",
            "Cut the space from 0 to 1 into as many equal jumps as the bottom number says. Then count as many "
            "jumps from 0 as the top number says. 2/3: three equal jumps to reach 1, stop after two.",
        ),
        (
            "peer_explanation",
            "Jonas's trick for fractions past 1",
            "",
            "For 5/4 I keep jumping past 1 with quarter jumps: 4/4 is exactly 1, so 5/4 is one more jump.",
        ),
    ],
    "whole-numbers-as-fractions": [
        (
            "reading",
            "When the top equals the bottom",
            "",
            "4/4 means all 4 parts of a whole: that is 1 whole. 6/2 means six halves, and two halves make one "
            "whole, so 6/2 is 3.",
        ),
    ],
    "compare-same-denominator": [
        (
            "reading",
            "Same size parts: count them",
            "",
            "When the bottom numbers are the same, the parts have the same size. Then the fraction with more "
            "parts is bigger: 5/8 > 3/8.",
        ),
    ],
    "compare-same-numerator": [
        (
            "reading",
            "Same number of parts: look at their size",
            "",
            "When the top numbers are the same you take as many parts, so compare the size of the parts. "
            "Fifths are smaller than thirds, so 2/5 < 2/3.",
        ),
        (
            "peer_explanation",
            "Kiara's chocolate bar",
            "",
            "Two pieces of a bar cut into 3 is more chocolate than two pieces of a bar cut into 5. Fewer cuts, "
            "bigger pieces.",
        ),
    ],
    "equivalent-fractions": [
        (
            "reading",
            "Same amount, different names",
            "",
            "Cut every part of 1/2 into 3 equal pieces: you now have 3 pieces out of 6, and 3/6 is the same "
            "amount as 1/2. Multiplying the top and the bottom by the same number never changes the amount.",
        ),
        (
            "interactive",
            "Equality lab",
            PHET + "fractions-equality",
            "Make the same fraction with different pieces and see which ones balance.",
        ),
    ],
    "simplify-fractions": [
        (
            "reading",
            "Dividing top and bottom",
            "",
            "To simplify 6/8, find a number that divides both 6 and 8 (here 2): 6/8 = 3/4. When only 1 divides "
            "both, the fraction is in simplest form.",
        ),
    ],
    "mixed-to-improper": [
        (
            "interactive",
            "Mixed numbers with shapes",
            PHET + "fractions-mixed-numbers",
            "Build 2 1/3 from whole shapes and thirds, then count all the thirds.",
        ),
        (
            "peer_explanation",
            "Samir counts the thirds",
            "",
            "In 2 1/3 each whole is 3 thirds, so 2 wholes are 6 thirds, plus 1 more third: 7/3.",
        ),
    ],
    "add-like-denominators": [
        (
            "reading",
            "Adding parts of the same size",
            "",
            "2/5 + 1/5: both count fifths, so add the counts: 3 fifths, 3/5. The bottom number stays, because "
            "the size of the parts does not change.",
        ),
    ],
}


def seed_demo_resources(session: Session, school: School) -> int:
    """Give the school's fractions course its demo playlists, once; returns how many were added."""
    course = session.scalar(select(Course).where(Course.school_id == school.id, Course.key == "fractions"))
    if course is None:
        return 0
    if session.scalar(select(exists().where(LearningResource.course_id == course.id))):
        return 0  # already seeded (or edited by a teacher): never touched again
    added = 0
    for skill in session.scalars(select(Skill).where(Skill.course_id == course.id).order_by(Skill.position)):
        entries = [*_worked_example(session, skill), *WRITTEN.get(skill.key, [])]
        for position, (kind, title, url, body) in enumerate(entries):
            session.add(
                LearningResource(
                    school_id=school.id,
                    course_id=course.id,
                    skill_id=skill.id,
                    kind=kind,
                    title=title,
                    url=url,
                    body=body,
                    position=position,
                )
            )
            added += 1
    session.flush()
    return added


def _worked_example(session: Session, skill: Skill) -> list[tuple[str, str, str, str]]:
    """The easiest item of the skill with a worked solution, written out step by step."""
    item = session.scalar(
        select(Item)
        .join(ItemSkill, ItemSkill.item_id == Item.id)
        .where(ItemSkill.skill_id == skill.id, servable(), Item.kind != "open_response")
        .order_by(Item.difficulty, Item.id)
        .limit(1)
    )
    if item is None or not item.worked_solution:
        return []
    steps = "\n\n".join(str(step) for step in item.worked_solution)
    return [("worked_example", f"Worked example: {skill.name}", "", f"{item.prompt}\n\n{steps}")]
