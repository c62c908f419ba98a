"""Who may see what. Another school's rows are reported as missing (404), never as forbidden."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, Forbidden, NotFound
from atpace.services.auth import Actor
from atpace.store.tables import Classroom, ClassTeacher, Course, Enrollment, Role, User


def get_student(session: Session, actor: Actor, student_id: int) -> User:
    """The student, if the actor may see their data: themself, their teacher, or their school's admin."""
    student = session.get(User, student_id)
    if student is None or student.school_id != actor.school_id or student.role != Role.STUDENT:
        raise NotFound(f"student {student_id} not found")
    if actor.role == Role.ADMIN or actor.user_id == student.id:
        return student
    if actor.role == Role.TEACHER and teaches_student(session, actor.user_id, student.id):
        return student
    raise Forbidden("you may only see your own students' data")


def teaches_student(session: Session, teacher_id: int, student_id: int) -> bool:
    query = select(
        exists()
        .where(ClassTeacher.user_id == teacher_id)
        .where(Enrollment.class_id == ClassTeacher.class_id)
        .where(Enrollment.user_id == student_id)
    )
    return bool(session.scalar(query))


def get_class(session: Session, actor: Actor, class_id: int) -> Classroom:
    """A class the actor may see as a teacher: one they teach, or any in their school for an admin."""
    classroom = session.get(Classroom, class_id)
    if classroom is None or classroom.school_id != actor.school_id:
        raise NotFound(f"class {class_id} not found")
    if actor.role == Role.ADMIN:
        return classroom
    if actor.role == Role.TEACHER and session.get(ClassTeacher, (class_id, actor.user_id)) is not None:
        return classroom
    raise Forbidden("only the class's teachers and the school's administrators may see this class")


def get_class_student(
    session: Session, actor: Actor, class_id: int, student_id: int
) -> tuple[Classroom, User]:
    """A class the actor may see and a student enrolled in it; a student of another class is missing (404)."""
    classroom = get_class(session, actor, class_id)
    if session.get(Enrollment, (class_id, student_id)) is None:
        raise NotFound(f"student {student_id} is not in class {class_id}")
    return classroom, get_student(session, actor, student_id)


def class_course(classroom: Classroom) -> Course:
    """The course a class uses; a class imported from a roster may not have one chosen yet."""
    if classroom.course is None:
        raise Conflict(
            f"{classroom.name} has no course yet: a school administrator chooses one on the class page"
        )
    return classroom.course


def get_course(session: Session, actor: Actor, course_id: int) -> Course:
    course = session.get(Course, course_id)
    if course is None or course.school_id != actor.school_id:
        raise NotFound(f"course {course_id} not found")
    return course


def require_staff(actor: Actor) -> None:
    if actor.role not in (Role.TEACHER, Role.ADMIN):
        raise Forbidden("only teachers and administrators may do this")


def require_student(session: Session, actor: Actor, doing: str) -> User:
    """The acting student; anyone else may not do this (practice and placement are the student's own)."""
    if actor.role != Role.STUDENT:
        raise Forbidden(f"only students {doing}")
    student = session.get(User, actor.user_id)
    if student is None:
        raise NotFound("student not found")
    return student


class NoCourseYet(Conflict):
    """A student who has no open class with a course yet; the message says what to do next and ``reason``
    is "no-class", "archived" (only archived classes) or "no-course" (the class waits for its course)."""

    def __init__(self, message: str, reason: str, class_name: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.class_name = class_name


def student_course(session: Session, student: User, seen_by: Actor | None = None) -> Course:
    """The course of the student's (first) open class; practice happens there. Archived classes are read-only
    and do not count.

    Seen by a teacher, the first of the student's classes that this teacher teaches: a teacher never
    sees or changes the student's standing in a course of a colleague's class. The student themself,
    without such a class, gets :class:`NoCourseYet` saying what to do next.
    """
    query = (
        select(Course)
        .join(Classroom, Classroom.course_id == Course.id)
        .join(Enrollment, Enrollment.class_id == Classroom.id)
        .where(Enrollment.user_id == student.id, Classroom.archived_at.is_(None))
        .order_by(Classroom.id)
        .limit(1)
    )
    if seen_by is not None and seen_by.role == Role.TEACHER:
        query = query.join(ClassTeacher, ClassTeacher.class_id == Classroom.id).where(
            ClassTeacher.user_id == seen_by.user_id
        )
    course = session.scalar(query)
    if course is None:
        if seen_by is None or seen_by.user_id == student.id:
            raise _no_course_yet(session, student)
        raise NotFound(f"{student.display_name} is not enrolled in any class yet")
    return course


def _no_course_yet(session: Session, student: User) -> NoCourseYet:
    classes = session.scalars(
        select(Classroom)
        .join(Enrollment, Enrollment.class_id == Classroom.id)
        .where(Enrollment.user_id == student.id)
        .order_by(Classroom.id)
    ).all()
    waiting = next((c for c in classes if c.archived_at is None), None)
    if waiting is not None:
        return NoCourseYet(
            f"your class {waiting.name} has no course yet: your teacher or the school's administrator "
            "chooses one, then your practice starts here",
            "no-course",
            waiting.name,
        )
    if classes:
        return NoCourseYet(
            f"your class {classes[-1].name} has been archived: enter the join code of your new class, "
            "or ask your teacher to add you",
            "archived",
            classes[-1].name,
        )
    return NoCourseYet(
        "you are not in a class yet: enter the join code your teacher gave you, or ask your teacher to add you",
        "no-class",
    )


def require_course_editor(session: Session, actor: Actor, course: Course) -> None:
    """Changing a course changes it for every class that uses it: admins, and teachers of such a class."""
    if actor.role == Role.ADMIN:
        return
    teaches_it = session.scalar(
        select(
            exists()
            .where(ClassTeacher.user_id == actor.user_id)
            .where(Classroom.id == ClassTeacher.class_id)
            .where(Classroom.course_id == course.id)
        )
    )
    if actor.role != Role.TEACHER or not teaches_it:
        raise Forbidden("only administrators and teachers of a class using this course may change it")
