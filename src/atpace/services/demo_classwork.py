"""The demo class's week of work, so that a visitor's Today, Assignments, grading and My work pages show a
real week: a rubric with a skill-aligned criterion, an open task (some handed in, some late, one returned
for revision, the rest overdue), practice to mastery due next week and a project with checkpoints.

Added once, by ``atpace demo`` (``ensure_demo_school(classwork=True)``), through the same services a teacher
uses; the students' hand-ins are dated in the past, as the demo's practice history is.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.services.assignments.authoring import AssignmentInput, CheckpointInput, create_assignment
from atpace.services.auth import Actor
from atpace.services.grading import ScoreInput, save_feedback
from atpace.services.rubrics import CriterionInput, LevelInput, RubricInput, create_rubric
from atpace.store.tables import Assignment, Classroom, Enrollment, Rubric, Submission, User

TASK_TITLE = "Show two equivalent fractions with a drawing"


def seed_demo_classwork(session: Session, teacher: User, classroom: Classroom, now: datetime) -> bool:
    """Add the demo week's work unless it is there; True when it was added."""
    if session.scalar(select(Assignment.id).where(Assignment.class_id == classroom.id).limit(1)) is not None:
        return False
    actor = Actor.of(teacher)
    rubric = create_rubric(session, actor, _rubric())
    task = create_assignment(
        session, actor, classroom.id,
        AssignmentInput(
            kind="task", title=TASK_TITLE, rubric_id=rubric.id, accepts_text=True, accepts_files=True,
            instructions="Draw a fraction strip or a number line that shows two equivalent fractions, "
            "then explain in two or three sentences why they are equal.",
            open_at=now - timedelta(days=6), due_at=now - timedelta(days=1),
        ),
        now=now - timedelta(days=6),
    )  # fmt: skip
    create_assignment(
        session, actor, classroom.id,
        AssignmentInput(
            kind="practice", title="Master adding fractions with like denominators",
            skill_keys=("add-like-denominators",), open_at=now - timedelta(days=2), due_at=now + timedelta(days=5),
        ),
        now=now - timedelta(days=2),
    )  # fmt: skip
    create_assignment(
        session, actor, classroom.id,
        AssignmentInput(
            kind="project", title="Our class fraction recipe book", rubric_id=rubric.id, accepts_files=True,
            instructions="Choose a recipe, scale it for half and for double the servings, and explain each "
            "change with fractions.",
            open_at=now - timedelta(days=1), due_at=now + timedelta(days=14),
            checkpoints=(
                CheckpointInput("Choose a recipe", "Hand in the recipe you chose.", now + timedelta(days=4)),
                CheckpointInput("Half the servings", "Show the halved amounts.", now + timedelta(days=9)),
            ),
        ),
        now=now - timedelta(days=1),
    )  # fmt: skip
    _hand_in(session, classroom, task.id, now)
    return True


def _rubric() -> RubricInput:
    return RubricInput(
        title="Explaining fraction thinking",
        description="For written explanations with a drawing.",
        criteria=(
            CriterionInput(
                "Equivalent fractions in the model", course_key="fractions", skill_key="equivalent-fractions",
                description="The drawing shows the two fractions cover the same part of the whole.",
                levels=(
                    LevelInput("Beginning", "The parts are not equal or the fractions differ.", 1),
                    LevelInput("Developing", "Equal parts, but the two fractions are not matched.", 2),
                    LevelInput("Secure", "Both fractions shown on equal wholes and matched.", 3),
                    LevelInput("Extending", "Also shows a third equivalent fraction or the rule.", 4),
                ),
            ),
            CriterionInput(
                "Explanation",
                levels=(
                    LevelInput("Unclear", "", 1),
                    LevelInput("Partly clear", "", 2),
                    LevelInput("Clear and complete", "", 3),
                ),
            ),
        ),
    )  # fmt: skip


ANSWERS = (
    "I drew two strips the same length. 1/2 covers the same part as 2/4, so they are equal.",
    "On the number line 3/4 and 6/8 land on the same point.",
    "I split each half into two pieces, so 1/2 becomes 2/4. Same amount, more pieces.",
    "2/3 and 4/6 because I doubled the top and the bottom.",
)


def _hand_in(session: Session, classroom: Classroom, assignment_id: int, now: datetime) -> None:
    """Eight students handed the task in (three after the due date); one was returned for revision."""
    rng = random.Random(10)
    students = session.scalars(
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.class_id == classroom.id)
        .order_by(User.email)
    ).all()[1:9]  # the first student starts fresh
    rows = []
    for number, student in enumerate(students):
        late = number >= 5
        at = now - timedelta(hours=rng.randint(2, 20)) if late else now - timedelta(days=rng.randint(2, 5))
        rows.append(
            Submission(
                school_id=classroom.school_id, assignment_id=assignment_id, student_id=student.id,
                body=ANSWERS[number % len(ANSWERS)], submitted_at=at, late=late, status="submitted",
            )
        )  # fmt: skip
    session.add_all(rows)
    session.flush()
    rubric_id = session.scalar(select(Assignment.rubric_id).where(Assignment.id == assignment_id))
    rubric = session.get(Rubric, rubric_id)
    assert rubric is not None
    teacher = session.scalars(
        select(User).where(User.school_id == classroom.school_id, User.email == "teacher@riverside.example")
    ).one()
    criteria = _criterion_ids(session, rubric.id)
    save_feedback(
        session, Actor.of(teacher), rows[3].id,
        [ScoreInput(criteria[0], 1, "Your strips are equal, now match 2/3 to 4/6 part by part."),
         ScoreInput(criteria[1], 1, "Say why doubling top and bottom keeps the amount.")],
        "Good start: redraw so both strips are the same length and try again.", "returned",
    )  # fmt: skip


def _criterion_ids(session: Session, rubric_id: int) -> list[int]:
    from atpace.store.tables import RubricCriterion

    return list(
        session.scalars(
            select(RubricCriterion.id)
            .where(RubricCriterion.rubric_id == rubric_id)
            .order_by(RubricCriterion.position, RubricCriterion.id)
        )
    )
