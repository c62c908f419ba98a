"""Leveled texts in the authorization matrix (test_authorization.py).

A student reads and answers the readings of their own classes' courses (staff are refused: 403); the school's
teachers and administrators see, add and edit readings (students: 403); a class's reading levels are its
teachers' and the school's administrators'. Another school's users do not see a reading or class (404).
"""

from __future__ import annotations

from tests.service.authz import CLASS_DATA, DECIDE, DECIDE_PAGE, PRACTICE, Case, everyone
from tests.service.conftest import RollbackDatabase, World

STAFF = {**everyone(200), "student": 403, "classmate": 403, "foreign_student": 403}  # their own school's
ROW = {**STAFF, "foreign_teacher": 404, "foreign_student": 404}  # a reading of the school
EASY = "The cat sat on a mat. It was warm. The cat was glad. It had a nap."
HARD = (
    "Domesticated felines frequently select elevated, insulated surfaces for prolonged relaxation, particularly "
    "when ambient temperatures decrease considerably during extended winter evenings."
)


def reading_body(w: World, i: dict[str, object], actor: str) -> dict[str, object]:
    return {
        "title": f"Cats at rest ({actor})",
        "questions": [
            {"skill": i["reading_skill"], "kind": "short_text", "prompt": "Who had a nap?", "correct": "the cat",
             "alternatives": ["cat"]},
        ],
        "versions": [{"body": EASY}, {"body": HARD}],
    }  # fmt: skip


def reading_form(w: World, i: dict[str, object], actor: str) -> dict[str, object]:
    return {
        "course_id": str(w.course_id), "title": f"Cats at rest, form ({actor})",
        "v0_body": EASY, "v0_q0_prompt": "Who had a nap?", "v0_q0_kind": "short_text",
        "v0_q0_skill": i["reading_skill"], "v0_q0_correct": "the cat",
        "v1_body": HARD, "v1_q0_prompt": "Who rests?", "v1_q0_kind": "multiple_choice",
        "v1_q0_skill": i["reading_skill"], "v1_q0_choices": "Felines\nDogs", "v1_q0_correct": "Felines",
    }  # fmt: skip


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    """A reading of two versions in the main class's course."""
    from sqlalchemy import select

    from atpace.services.readings.authoring import QuestionInput, ReadingInput, VersionInput, save
    from atpace.store.tables import Course, Skill
    from atpace.store.tables_readings import ReadingQuestion

    with database.transaction() as session:
        course = session.get(Course, world.course_id)
        assert course is not None
        skill = session.scalars(
            select(Skill.key).where(Skill.course_id == course.id).order_by(Skill.id)
        ).first()
        assert skill is not None
        question = QuestionInput(skill, "short_text", "Who had a nap?", "the cat", alternatives=("cat",))
        reading_id = save(
            session, course,
            ReadingInput("Cats at rest", (VersionInput(EASY), VersionInput(HARD)), shared_questions=(question,)),
        )  # fmt: skip
        question_id = session.scalars(
            select(ReadingQuestion.id)
            .where(ReadingQuestion.reading_id == reading_id)
            .order_by(ReadingQuestion.id)
        ).first()
    return {"reading": reading_id, "reading_question": question_id, "reading_skill": skill}


def answer_body(w: World, i: dict[str, object], actor: str) -> dict[str, object]:
    return {"question_id": i["reading_question"], "response": "the cat"}


STUDENT_ONLY = {**PRACTICE, "foreign_student": 200}  # a student's own list (another school: their own)

CASES = [
    Case("GET", "/readings", lambda w, i: "/readings", everyone(200)),
    Case("GET", "/api/readings", lambda w, i: "/api/readings", STUDENT_ONLY),
    Case("GET", "/api/readings/library", lambda w, i: "/api/readings/library", STAFF),
    Case("GET", "/readings/{reading_id}", lambda w, i: f"/readings/{i['reading']}", PRACTICE),
    Case("GET", "/api/readings/{reading_id}", lambda w, i: f"/api/readings/{i['reading']}?version=1", PRACTICE),
    Case("POST", "/api/readings/{reading_id}/answers", lambda w, i: f"/api/readings/{i['reading']}/answers",
         PRACTICE, body=answer_body),
    Case("POST", "/readings/{reading_id}/answer", lambda w, i: f"/readings/{i['reading']}/answer",
         {**PRACTICE, "student": 303, "classmate": 303},
         body=lambda w, i, a: {**answer_body(w, i, a), "version": "0"}, form=True),
    Case("GET", "/readings/{reading_id}/versions", lambda w, i: f"/readings/{i['reading']}/versions", ROW),
    Case("GET", "/api/readings/{reading_id}/versions", lambda w, i: f"/api/readings/{i['reading']}/versions", ROW),
    Case("GET", "/readings/new", lambda w, i: "/readings/new", STAFF),
    Case("POST", "/api/readings", lambda w, i: "/api/readings",
         {**ROW, "teacher": 201, "other_teacher": 201, "admin": 201},
         body=lambda w, i, a: {**reading_body(w, i, a), "course_id": w.course_id}),
    Case("POST", "/readings", lambda w, i: "/readings",
         {**ROW, "teacher": 303, "other_teacher": 303, "admin": 303},
         body=reading_form, form=True),
    Case("GET", "/readings/{reading_id}/edit", lambda w, i: f"/readings/{i['reading']}/edit", ROW),
    Case("POST", "/readings/{reading_id}/edit", lambda w, i: f"/readings/{i['reading']}/edit",
         {**ROW, "teacher": 303, "other_teacher": 303, "admin": 303}, body=reading_form, form=True),
    Case("PUT", "/api/readings/{reading_id}", lambda w, i: f"/api/readings/{i['reading']}", ROW,
         body=reading_body),
    Case("GET", "/classes/{class_id}/readings", lambda w, i: f"/classes/{w.class_id}/readings", CLASS_DATA),
    Case("GET", "/api/classes/{class_id}/reading-levels", lambda w, i: f"/api/classes/{w.class_id}/reading-levels",
         CLASS_DATA),
    Case("PUT", "/api/classes/{class_id}/students/{student_id}/reading-level",
         lambda w, i: f"/api/classes/{w.class_id}/students/{w.classmate_id}/reading-level",
         {**DECIDE, "teacher": 200, "admin": 200}, body=lambda w, i, a: {"level": 5, "locked": True}),
    Case("POST", "/classes/{class_id}/students/{student_id}/reading-level",
         lambda w, i: f"/classes/{w.class_id}/students/{w.classmate_id}/reading-level", DECIDE_PAGE,
         body=lambda w, i, a: {"level": "5", "locked": "1"}, form=True),
]  # fmt: skip
