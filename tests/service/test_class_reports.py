"""Class reports on SQLite and PostgreSQL: weekly mastery growth, stuck skills, CSV exports and their pages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, NotFound
from atpace.services import class_reports, practice, reports
from atpace.services.class_reports import GRADES_HEADER, MAX_WEEKS, class_report, grades_csv, heatmap_csv
from atpace.services.courses import load_graph
from atpace.services.practice import AnswerInput
from atpace.services.today import stuck_by_student
from atpace.store.tables import (
    Assignment,
    AssignmentCompletion,
    AssignmentExtension,
    AssignmentRecipient,
    Classroom,
    ClassTeacher,
    Course,
    Enrollment,
    Evidence,
    Feedback,
    LearnerState,
    Role,
    Rubric,
    RubricCriterion,
    Submission,
    User,
    utcnow,
)
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.test_practice import wrong_response
from tests.service.web import bearer, client_for

NOW = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)  # a Wednesday; its week starts on Monday 10 March


def at(day: int, hour: int = 12, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


def new_class(
    session: Session, world: World, name: str, students: list[tuple[str, bool]]
) -> tuple[int, list[int]]:
    """A class of the main teacher with the given (name, active) students; returns its id and the students'."""
    classroom = Classroom(school_id=world.school_id, course_id=world.course_id, name=name)
    session.add(classroom)
    session.flush()
    session.add(ClassTeacher(class_id=classroom.id, user_id=world.teacher_id))
    ids = []
    for n, (display_name, active) in enumerate(students):
        user = User(
            school_id=world.school_id, email=f"report-{classroom.id}-{n}@riverside.example",
            display_name=display_name, role=Role.STUDENT, password_hash="", is_active=active,
        )  # fmt: skip
        session.add(user)
        session.flush()
        session.add(Enrollment(class_id=classroom.id, user_id=user.id))
        ids.append(user.id)
    session.flush()
    return classroom.id, ids


def skill_ids(session: Session, world: World) -> list[int]:
    course = session.get(Course, world.course_id)
    assert course is not None
    return [skill.id for skill in load_graph(session, course).skills.values()]


def evidence(
    session: Session, world: World, student_id: int, skill_id: int, p: float, when: datetime
) -> None:
    session.add(
        Evidence(
            school_id=world.school_id, student_id=student_id, skill_id=skill_id, kind="practice",
            p_before=0.3, p_after=p, created_at=when,
        )
    )  # fmt: skip


def threshold(session: Session, world: World) -> float:
    course = session.get(Course, world.course_id)
    assert course is not None
    return course.mastery_threshold


def test_weekly_counts_carry_forward_and_a_lost_skill_stops_counting(session: Session, world: World) -> None:
    class_id, (ann, _ben, gone) = new_class(
        session, world, "Room 9", [("Ann", True), ("Ben", True), ("Gone", False)]
    )
    s1, s2, s3 = skill_ids(session, world)[:3]
    high, low = max(0.99, threshold(session, world)), 0.4
    evidence(session, world, ann, s1, high, at(25, month=2))  # week 0 (24 Feb): mastered
    evidence(session, world, ann, s2, high, at(4))  # week 1 (3 Mar): mastered ...
    evidence(session, world, ann, s2, low, at(5))  # ... and lost the next day: the newest of the week counts
    evidence(session, world, ann, s3, high, at(9, 23, 59))  # the last minute of week 1
    evidence(session, world, ann, s3, low, at(10, 0, 0))  # Monday 00:00: week 2 (10 Mar), lost again
    evidence(session, world, ann, s1, low, at(11))  # week 2: skill 1 lost
    evidence(session, world, ann, s2, high, at(13))  # after "now": not counted
    evidence(session, world, gone, s1, high, at(2, month=1))  # a deactivated student: left out entirely
    session.flush()

    report = class_report(session, actor_of(session, world.teacher_id), class_id, now=NOW)
    assert [w.start for w in report.weeks] == [at(24, 0, month=2), at(3, 0), at(10, 0)]
    assert all(w.end - w.start == timedelta(days=7) for w in report.weeks)
    growth = {s.name: s for s in report.students}
    assert set(growth) == {"Ann", "Ben"} and report.student_count == 2
    assert growth["Ann"].counts == [1, 2, 0]
    assert growth["Ben"].counts == [0, 0, 0]
    assert report.class_mean == [0.5, 1.0, 0.0]
    assert growth["Ann"].current == 0 and growth["Ann"].growth == 0  # fewer than 4 weeks: from the start
    assert report.skill_count == len(skill_ids(session, world))


def test_the_series_is_cut_to_the_last_weeks_and_carries_earlier_mastery_in(
    session: Session, world: World
) -> None:
    class_id, (ann,) = new_class(session, world, "Room 10", [("Ann", True)])
    s1, s2 = skill_ids(session, world)[:2]
    evidence(session, world, ann, s1, 0.99, NOW - timedelta(weeks=40))  # long before the window
    evidence(session, world, ann, s2, 0.99, NOW - timedelta(weeks=2))
    session.flush()
    report = class_report(session, actor_of(session, world.teacher_id), class_id, now=NOW)
    assert len(report.weeks) == MAX_WEEKS
    assert report.weeks[-1].start == at(10, 0)
    (line,) = report.students
    assert line.baseline == 1 and line.counts[0] == 1 and line.counts[-1] == 2
    assert line.counts == [1] * (MAX_WEEKS - 3) + [2, 2, 2]  # from the week of 24 February
    assert line.growth == 1  # 4 weeks before the current one: 1 skill; now 2


def test_a_class_without_evidence_has_no_weeks(session: Session, world: World) -> None:
    class_id, _ = new_class(session, world, "Room 11", [("Ann", True)])
    report = class_report(session, actor_of(session, world.teacher_id), class_id, now=NOW)
    assert report.weeks == [] and report.class_mean == [] and report.stuck == []
    assert report.students[0].counts == [] and report.students[0].current == 0


def test_the_demo_class_has_a_growing_series_that_ends_at_the_learner_states(
    session: Session, world: World
) -> None:
    report = class_report(session, actor_of(session, world.teacher_id), world.class_id)
    assert 3 <= len(report.weeks) <= 5  # three weeks of simulated practice
    assert report.student_count == 24
    assert report.class_mean[-1] > report.class_mean[0] >= 0 and report.class_mean[-1] > 1
    assert any(s.growth > 0 for s in report.students)
    mean = sum(s.counts[-1] for s in report.students) / report.student_count
    assert report.class_mean[-1] == pytest.approx(mean)
    # The newest evidence is the learner state: the last week's count is the skills mastered now.
    limit = threshold(session, world)
    for line in report.students:
        mastered = session.scalars(
            select(LearnerState.skill_id).where(
                LearnerState.student_id == line.student_id, LearnerState.p_learned >= limit
            )
        ).all()
        assert line.current == len(mastered), line.name


@pytest.fixture
def statements(database: RollbackDatabase) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    yield seen
    event.remove(database.engine, "before_cursor_execute", count)


def test_the_report_takes_a_bounded_number_of_queries(
    session: Session, world: World, statements: list[str]
) -> None:
    class_id, students = new_class(session, world, "Room 12", [("Ann", True), ("Ben", True)])
    now = utcnow()
    evidence(session, world, students[0], skill_ids(session, world)[0], 0.99, now - timedelta(weeks=20))
    session.flush()
    teacher = actor_of(session, world.teacher_id)
    statements.clear()
    small = class_report(session, teacher, class_id, now=now)
    small_count = len(statements)
    statements.clear()
    demo = class_report(session, teacher, world.class_id, now=now)
    assert len(small.weeks) == 21 and len(demo.weeks) >= 3 and demo.student_count == 24
    assert len(statements) == small_count <= 10  # not one per student or per week
    assert sum("evidence" in s.lower() for s in statements) == 2  # the first week, then the weekly values


def test_stuck_skills_count_students_and_sort_by_count(session: Session, world: World) -> None:
    student = actor_of(session, world.student_id)
    for n in range(4):
        item = practice.next_item(session, student)
        practice.submit_answer(
            session, student,
            AnswerInput(item.item_id, wrong_response(session, item.item_id), f"stuck-{n}", item.skill_key),
        )  # fmt: skip
    report = class_report(session, actor_of(session, world.teacher_id), world.class_id)
    by_key = {s.skill_key: s for s in report.stuck}
    stuck_on = [s for s in report.stuck if world.student_id in {p.student_id for p in s.students}]
    assert stuck_on, "four wrong answers in a row make the student stuck"
    reason = next(p for p in stuck_on[0].students if p.student_id == world.student_id)
    assert reason.kind == "wrong-streak" and "in a row" in reason.text and reason.since is not None
    # The same students as the Today rule, per skill, with their share of the class.
    course = session.get(Course, world.course_id)
    assert course is not None
    students = session.scalars(select(Enrollment.user_id).where(Enrollment.class_id == world.class_id)).all()
    expected: dict[str, set[int]] = {}
    for student_id, skills in stuck_by_student(
        session, students, load_graph(session, course), utcnow()
    ).items():
        for key in skills:
            expected.setdefault(key, set()).add(student_id)
    assert {k: {p.student_id for p in s.students} for k, s in by_key.items()} == expected
    for skill in report.stuck:
        assert skill.count == len(skill.students) and skill.share == pytest.approx(skill.count / 24)
    counts = [s.count for s in report.stuck]
    assert counts == sorted(counts, reverse=True)


def test_reports_are_for_the_class_teachers_and_admins(session: Session, world: World) -> None:
    for check in (class_report, heatmap_csv, grades_csv):
        assert check(session, actor_of(session, world.admin_id), world.class_id)
        with pytest.raises(Forbidden):
            check(session, actor_of(session, world.other_teacher_id), world.class_id)
        with pytest.raises(Forbidden):
            check(session, actor_of(session, world.classmate_id), world.class_id)
        with pytest.raises(NotFound):
            check(session, actor_of(session, world.foreign_teacher_id), world.class_id)
    session.add(ClassTeacher(class_id=world.other_class_id, user_id=world.teacher_id, role="co-teacher"))
    session.flush()
    assert class_report(session, actor_of(session, world.teacher_id), world.other_class_id).student_count == 1


def parse(export: class_reports.CsvExport) -> list[dict[str, str]]:
    assert export.text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"), newline="")))


def test_the_heatmap_csv_has_a_row_per_student_and_two_columns_per_skill(
    session: Session, world: World
) -> None:
    teacher = actor_of(session, world.teacher_id)
    export = heatmap_csv(session, teacher, world.class_id, now=NOW)
    assert re.fullmatch(r"[a-z0-9-]+-heatmap-2025-03-12\.csv", export.filename)
    heatmap = reports.class_heatmap(session, teacher, world.class_id)
    header = next(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert header[:4] == ["student_id", "student", "mastered", "average"]
    assert header[4:] == [c for key, _ in heatmap.skills for c in (key, f"{key} state")]
    rows = parse(export)
    assert len(rows) == len(heatmap.rows) == 24
    for row, expected in zip(rows, heatmap.rows, strict=True):
        assert int(row["student_id"]) == expected.student_id and row["student"] == expected.student_name
        assert int(row["mastered"]) == expected.mastered_count
        for key, _ in heatmap.skills:
            p = expected.mastery[key]
            assert row[key] == ("" if p is None else f"{p:.2f}")
            assert row[f"{key} state"] == expected.states[key]
    assert any(row[key] not in ("", "0.00") for row in rows for key, _ in heatmap.skills)


def test_a_formula_looking_name_is_neutralised(session: Session, world: World) -> None:
    class_id, (evil, dash, plain) = new_class(
        session, world, "=Rüm 7/b", [('=HYPERLINK("http://x","y")', True), ("-Dash", True), ("Ann", True)]
    )
    skill = skill_ids(session, world)[0]
    session.add(LearnerState(school_id=world.school_id, student_id=plain, skill_id=skill, p_learned=0.456))
    session.flush()
    export = heatmap_csv(session, actor_of(session, world.teacher_id), class_id, now=NOW)
    assert export.filename == "rum-7-b-heatmap-2025-03-12.csv"
    names = {int(r["student_id"]): r["student"] for r in parse(export)}
    assert names == {evil: '\'=HYPERLINK("http://x","y")', dash: "'-Dash", plain: "Ann"}
    (ann,) = [r for r in parse(export) if r["student"] == "Ann"]
    keys = [k for k in ann if k.endswith(" state")]
    first_key = keys[0].removesuffix(" state")
    assert (ann["mastered"], ann[first_key]) == ("0", "0.46")
    assert ann["average"] == f"{0.456 / len(keys):.2f}"  # unpractised skills count as 0
    assert all(ann[k.removesuffix(" state")] == "" for k in keys[1:])  # never practised: empty
    assert class_reports.safe_cell("@SUM(A1)") == "'@SUM(A1)" and class_reports.safe_cell("+1") == "'+1"
    assert class_reports.safe_cell(3) == "3" and class_reports.safe_cell("a=b") == "a=b"


def grading_setup(session: Session, world: World) -> tuple[int, list[int], dict[str, int]]:
    class_id, (ann, ben, cid) = new_class(
        session, world, "Room 14", [("Ann", True), ("Ben", True), ("Cid", True)]
    )
    teacher = world.teacher_id
    rubric = Rubric(school_id=world.school_id, title="Explain", created_by_id=teacher)
    session.add(rubric)
    session.flush()

    def levels(scale: int) -> list[dict[str, object]]:
        return [
            {"title": t, "description": "", "points": scale * p}
            for t, p in (("Start", 0), ("Good", 1), ("Great", 2))
        ]

    first = RubricCriterion(rubric_id=rubric.id, position=0, title="Reasoning", levels=levels(1))
    second = RubricCriterion(
        rubric_id=rubric.id,
        position=1,
        title="Answer",
        levels=levels(2),
    )
    session.add_all([first, second])
    due = at(10, 9)
    task = Assignment(
        school_id=world.school_id, class_id=class_id, kind="task", title="=Explain 3/4", rubric_id=rubric.id,
        target="class", open_at=at(3), due_at=due, created_by_id=teacher,
    )  # fmt: skip
    for_ann = Assignment(
        school_id=world.school_id, class_id=class_id, kind="practice", title="Practise halves",
        skill_keys=[], target="students", open_at=at(3), due_at=at(20), created_by_id=teacher,
    )  # fmt: skip
    session.add_all([task, for_ann])
    session.flush()
    session.add(AssignmentRecipient(assignment_id=for_ann.id, student_id=ann))
    session.add(AssignmentCompletion(assignment_id=for_ann.id, student_id=ann, completed_at=at(11)))
    session.add(AssignmentExtension(assignment_id=task.id, student_id=ben, due_at=at(14), reason="ill"))
    first_version = Submission(
        school_id=world.school_id, assignment_id=task.id, student_id=ann, version=1, body="v1",
        submitted_at=at(10, 10), late=True, status="returned",
    )  # fmt: skip
    newest = Submission(
        school_id=world.school_id, assignment_id=task.id, student_id=ann, version=2, body="v2",
        submitted_at=at(11, 8), late=True, status="graded",
    )  # fmt: skip
    on_time = Submission(
        school_id=world.school_id, assignment_id=task.id, student_id=ben, version=1, body="mine",
        submitted_at=at(11, 15), late=False, status="submitted",
    )  # fmt: skip
    session.add_all([first_version, newest, on_time])
    session.flush()
    session.add_all(
        [
            Feedback(school_id=world.school_id, submission_id=first_version.id, teacher_id=teacher,
                     decision="returned", scores=[{"criterion_id": first.id, "level": 0, "comment": ""}]),
            Feedback(school_id=world.school_id, submission_id=newest.id, teacher_id=teacher, decision="graded",
                     scores=[{"criterion_id": first.id, "level": 2, "comment": "clear"},
                             {"criterion_id": second.id, "level": 1, "comment": ""}]),
        ]
    )  # fmt: skip
    session.flush()
    return class_id, [ann, ben, cid], {"task": task.id, "practice": for_ann.id}


def test_the_grades_csv_has_a_row_per_student_and_assignment(session: Session, world: World) -> None:
    class_id, (ann, ben, cid), ids = grading_setup(session, world)
    export = grades_csv(session, actor_of(session, world.teacher_id), class_id, now=NOW)
    assert export.filename == "room-14-grades-2025-03-12.csv"
    header = next(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert tuple(header) == GRADES_HEADER
    rows = {(int(r["student_id"]), int(r["assignment_id"])): r for r in parse(export)}
    # The class task for all three, the practice only for its one recipient.
    assert set(rows) == {(s, ids["task"]) for s in (ann, ben, cid)} | {(ann, ids["practice"])}
    late = rows[ann, ids["task"]]
    assert late["assignment"] == "'=Explain 3/4" and late["kind"] == "task" and late["step"] == "0"
    assert late["late"] == "yes" and late["version"] == "2" and late["status"] == "graded"
    assert late["submitted_at"] == "2025-03-11T08:00:00Z" and late["due"] == "2025-03-10T09:00:00Z"
    assert (late["points_earned"], late["points_possible"], late["feedback"]) == ("4", "6", "graded")
    extended = rows[ben, ids["task"]]
    assert extended["effective_due"] == "2025-03-14T12:00:00Z" and extended["due"] == "2025-03-10T09:00:00Z"
    assert extended["late"] == "no" and extended["status"] == "submitted" and extended["points_earned"] == ""
    missing = rows[cid, ids["task"]]
    assert missing["status"] == "overdue" and missing["submitted_at"] == "" and missing["late"] == ""
    assert missing["points_possible"] == "6"
    done = rows[ann, ids["practice"]]
    assert done["status"] == "complete" and done["late"] == "no" and done["points_possible"] == ""


def test_pages_and_api_show_the_report_and_download_csv(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        student = actor_of(session, world.student_id)
        for n in range(4):
            item = practice.next_item(session, student)
            wrong = AnswerInput(
                item.item_id, wrong_response(session, item.item_id), f"page-{n}", item.skill_key
            )
            practice.submit_answer(session, student, wrong)
        name = student.display_name
    client = client_for(database)
    headers = bearer(database, world.teacher_id)
    page = client.get(f"/classes/{world.class_id}/report", headers=headers)
    assert page.status_code == 200
    html = page.text
    assert html.count("<h1") == 1 and 'role="img"' in html and "<desc" in html
    assert 'id="growth-table"' in html and 'id="student-growth"' in html
    assert f'href="/api/classes/{world.class_id}/heatmap.csv"' in html
    assert f'href="/api/classes/{world.class_id}/grades.csv"' in html
    assert html.count('class="sparkline"') == 24
    stuck_section = html[html.index('id="stuck"') :]
    assert name in stuck_section and "in a row" in stuck_section

    data = client.get(f"/api/classes/{world.class_id}/report", headers=headers).json()
    assert data["student_count"] == 24 and len(data["students"]) == 24
    assert len(data["weeks"]) >= 3 and all(len(s["counts"]) == len(data["weeks"]) for s in data["students"])
    assert data["weeks"][-1]["class_mean"] > 0
    stuck = {p["student_id"] for skill in data["stuck_skills"] for p in skill["students"]}
    assert world.student_id in stuck
    assert {"skill_key", "skill_name", "count", "share", "students"} <= set(data["stuck_skills"][0])
    for chart in data["weeks"]:
        assert chart["end"] > chart["start"]

    for what in ("heatmap", "grades"):
        response = client.get(f"/api/classes/{world.class_id}/{what}.csv", headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        disposition = response.headers["content-disposition"]
        assert re.fullmatch(rf'attachment; filename="[a-z0-9-]+-{what}-\d{{4}}-\d\d-\d\d\.csv"', disposition)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][0] == "student_id"
    refused = client.get(
        f"/api/classes/{world.class_id}/grades.csv", headers=bearer(database, world.other_teacher_id)
    )
    assert refused.status_code == 403 and "detail" in refused.json()
