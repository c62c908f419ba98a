"""Grading in the authorization matrix: only the teachers of the assignment's class and the school's admins
grade or preview; students (the author too) 403, another class's teacher 403, another school 404.

Within one case every actor works on the same submission, one after the other: the teacher's feedback
comes first, so the admin's is refused as the second (409) after passing the access check."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.store.tables import Assignment, Rubric, RubricCriterion, Skill, Submission, utcnow
from tests.service.authz import CLASS_DATA, Case
from tests.service.conftest import RollbackDatabase, World

LEVELS = [
    {"title": "Beginning", "description": "Not yet", "points": 1},
    {"title": "Developing", "description": "Partly", "points": 2},
    {"title": "Proficient", "description": "Yes", "points": 3},
    {"title": "Exemplary", "description": "Teaches it", "points": 4},
]


@dataclass(frozen=True)
class Work:
    rubric_id: int | None
    aligned_id: int  # criterion aligned to skill_key (0 without a rubric)
    plain_id: int  # criterion aligned to no skill
    assignment_id: int
    submission_id: int
    student_id: int
    skill_key: str
    skill_id: int


def first_skill(session: Session, course_id: int, position: int = 0) -> Skill:
    skills = session.scalars(select(Skill).where(Skill.course_id == course_id).order_by(Skill.position)).all()
    return skills[position]


def make_work(
    session: Session,
    world: World,
    *,
    student_id: int | None = None,
    rubric: bool = True,
    title: str = "Explain equivalent fractions",
    skill_position: int = 0,
) -> Work:
    """A task with a rubric (one criterion aligned to a skill of the class's course, one not) in the main
    class, and version 1 of a student's work on it, made directly with the ORM."""
    skill = first_skill(session, world.course_id, skill_position)
    rubric_id, aligned_id, plain_id = None, 0, 0
    if rubric:
        row = Rubric(school_id=world.school_id, title="Fraction explanation", created_by_id=world.teacher_id)
        session.add(row)
        session.flush()
        aligned = RubricCriterion(
            rubric_id=row.id, position=0, title="Explains equivalence", skill_id=skill.id, levels=LEVELS
        )
        plain = RubricCriterion(rubric_id=row.id, position=1, title="Neat presentation", levels=LEVELS[:2])
        session.add_all([aligned, plain])
        session.flush()
        rubric_id, aligned_id, plain_id = row.id, aligned.id, plain.id
    assignment = Assignment(
        school_id=world.school_id, class_id=world.class_id, kind="task", title=title, rubric_id=rubric_id,
        open_at=utcnow(), created_by_id=world.teacher_id,
    )  # fmt: skip
    session.add(assignment)
    session.flush()
    student = student_id or world.student_id
    submission = Submission(
        school_id=world.school_id, assignment_id=assignment.id, student_id=student, step=0, version=1,
        body="1/2 = 2/4 because both halves are the same size.", submitted_at=utcnow(),
    )  # fmt: skip
    session.add(submission)
    session.flush()
    return Work(rubric_id, aligned_id, plain_id, assignment.id, submission.id, student, skill.key, skill.id)


def add_version(session: Session, submission_id: int, body: str = "A revised answer.") -> int:
    """The student's next version of the same work (as the assignments' submit would add it)."""
    old = session.get(Submission, submission_id)
    assert old is not None
    new = Submission(
        school_id=old.school_id, assignment_id=old.assignment_id, student_id=old.student_id, step=old.step,
        version=old.version + 1, body=body, submitted_at=utcnow(),
    )  # fmt: skip
    session.add(new)
    session.flush()
    return new.id


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    with database.transaction() as session:
        work = make_work(session, world)
        return {
            "grading_submission": work.submission_id, "grading_assignment": work.assignment_id,
            "grading_aligned": work.aligned_id, "grading_plain": work.plain_id,
        }  # fmt: skip


def feedback_body(w: World, i: dict[str, int], actor: str) -> dict[str, object]:
    return {
        "decision": "graded", "comment": "Clear explanation.",
        "scores": [
            {"criterion_id": i["grading_aligned"], "level": 3, "comment": "Spot on"},
            {"criterion_id": i["grading_plain"], "level": 1},
        ],
    }  # fmt: skip


def feedback_form(w: World, i: dict[str, int], actor: str) -> dict[str, object]:
    return {
        "decision": "graded", "comment": "Clear explanation.",
        f"level_{i['grading_aligned']}": "3", f"level_{i['grading_plain']}": "1",
    }  # fmt: skip


GRADE = {**CLASS_DATA, "teacher": 201, "admin": 409}
GRADE_PAGE = {**CLASS_DATA, "teacher": 303, "admin": 409}

CASES = [
    Case("POST", "/api/submissions/{submission_id}/feedback",
         lambda w, i: f"/api/submissions/{i['grading_submission']}/feedback", GRADE, body=feedback_body),
    Case("POST", "/api/submissions/{submission_id}/feedback/preview",
         lambda w, i: f"/api/submissions/{i['grading_submission']}/feedback/preview", CLASS_DATA,
         body=lambda w, i, a: {"scores": [{"criterion_id": i["grading_aligned"], "level": 2}]}),
    Case("GET", "/api/assignments/{assignment_id}/grading",
         lambda w, i: f"/api/assignments/{i['grading_assignment']}/grading", CLASS_DATA),
    Case("GET", "/assignments/{assignment_id}/grade",
         lambda w, i: f"/assignments/{i['grading_assignment']}/grade", CLASS_DATA),
    Case("POST", "/assignments/{assignment_id}/grade/preview",
         lambda w, i: f"/assignments/{i['grading_assignment']}/grade/preview", CLASS_DATA,
         body=lambda w, i, a: {"submission_id": str(i["grading_submission"]), f"level_{i['grading_aligned']}": "2"},
         form=True),
    Case("POST", "/submissions/{submission_id}/feedback",
         lambda w, i: f"/submissions/{i['grading_submission']}/feedback", GRADE_PAGE, body=feedback_form, form=True),
]  # fmt: skip
