"""Setting work: targets, validation, extensions, editing and archiving, the status contract and
practice that completes itself; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from atpace.content.spec import AnswerSpec
from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import assignments
from atpace.services.assignments import AssignmentInput, CheckpointInput
from atpace.services.assignments.completion import complete_mastered
from atpace.services.assignments.status import class_work, recipients, student_work
from atpace.services.auth import create_user
from atpace.store.tables import (
    Assignment,
    AssignmentCompletion,
    AssignmentExtension,
    AssignmentRecipient,
    Enrollment,
    Item,
    ItemSkill,
    LearnerState,
    Message,
    Role,
    Rubric,
    School,
    Skill,
    StudentGroup,
    StudentGroupMember,
    User,
)
from tests.service.conftest import World, actor_of

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def task(title: str = "Explain equivalent fractions", **changes: object) -> AssignmentInput:
    fields: dict[str, object] = {"kind": "task", "title": title, "instructions": "Use a drawing.", **changes}
    return AssignmentInput(**fields)  # type: ignore[arg-type]


def make(
    session: Session, world: World, data: AssignmentInput, now: datetime = NOW
) -> assignments.AssignmentView:
    return assignments.create_assignment(
        session, actor_of(session, world.teacher_id), world.class_id, data, now=now
    )


def enrolled(session: Session, class_id: int) -> set[int]:
    return set(
        session.scalars(
            select(User.id)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.class_id == class_id, User.role == Role.STUDENT, User.is_active.is_(True))
        )
    )


def first_skill(session: Session, world: World) -> Skill:
    skill = session.scalar(
        select(Skill).where(Skill.course_id == world.course_id).order_by(Skill.position).limit(1)
    )
    assert skill is not None
    return skill


def group_of(session: Session, world: World, members: list[int], dissolved: bool = False) -> int:
    group = StudentGroup(
        school_id=world.school_id, class_id=world.class_id, name="needs: Equivalent fractions",
        dissolved_at=NOW if dissolved else None,
    )  # fmt: skip
    session.add(group)
    session.flush()
    session.add_all(StudentGroupMember(group_id=group.id, student_id=m) for m in members)
    session.flush()
    return group.id


def test_work_for_the_class_reaches_every_student_and_those_who_join_later(
    session: Session, world: World
) -> None:
    view = make(session, world, task(due_at=NOW + timedelta(days=7)))
    students = enrolled(session, world.class_id)
    assignment = session.get(Assignment, view.id)
    assert assignment is not None and assignment.target == "class"
    assert set(recipients(session, assignment)) == students and view.recipient_count == len(students) > 20
    notes = session.scalars(select(Message).where(Message.assignment_id == view.id)).all()
    assert {m.recipient_id for m in notes} == students
    assert {(m.kind, m.link) for m in notes} == {("assigned", f"/work/{view.id}")}
    # Nobody is copied for a class target: a student who joins later has the work too.
    assert session.scalar(select(func.count()).where(AssignmentRecipient.assignment_id == view.id)) == 0
    school = session.get(School, world.school_id)
    assert school is not None
    late_joiner = create_user(
        session, school=school, email="newcomer@riverside.example", display_name="Nina Newcomer",
        role=Role.STUDENT, password="password-7",
    )  # fmt: skip
    session.add(Enrollment(class_id=world.class_id, user_id=late_joiner.id))
    session.flush()
    assert late_joiner.id in recipients(session, assignment)
    mine = student_work(session, late_joiner.id, NOW)
    assert [(line.assignment_id, line.state, line.state_label) for line in mine] == [
        (view.id, "to-do", "To do")
    ]


def test_work_for_a_group_copies_its_members_when_assigned(session: Session, world: World) -> None:
    group_id = group_of(session, world, [world.student_id, world.classmate_id])
    view = make(session, world, task(target="group", group_id=group_id))
    assert view.recipient_count == 2 and view.target == "group"
    assignment = session.get(Assignment, view.id)
    assert assignment is not None
    # The group changes afterwards; the work stays with the students it was given to.
    third = next(iter(enrolled(session, world.class_id) - {world.student_id, world.classmate_id}))
    session.add(StudentGroupMember(group_id=group_id, student_id=third))
    session.flush()
    assert sorted(recipients(session, assignment)) == sorted([world.student_id, world.classmate_id])
    assert {line.student_id for line in class_work(session, world.class_id, NOW)} == {
        world.student_id, world.classmate_id,
    }  # fmt: skip
    assert student_work(session, third, NOW) == []
    dissolved = group_of(session, world, [world.student_id], dissolved=True)
    with pytest.raises(InvalidInput) as refused:
        make(session, world, task(target="group", group_id=dissolved))
    assert refused.value.field == "group_id" and "dissolved" in refused.value.message


def test_work_for_named_students_of_the_class_only(session: Session, world: World) -> None:
    view = make(session, world, task(target="students", student_ids=(world.student_id,)))
    assert view.recipient_count == 1
    assert [line.assignment_id for line in student_work(session, world.student_id, NOW)] == [view.id]
    assert student_work(session, world.classmate_id, NOW) == []
    with pytest.raises(InvalidInput) as refused:
        make(
            session,
            world,
            task(target="students", student_ids=(world.student_id, world.other_class_student_id)),
        )
    assert refused.value.field == "student_ids"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"kind": "quiz"}, "kind"),
        ({"target": "everyone"}, "target"),
        ({"open_at": NOW, "due_at": NOW - timedelta(hours=1)}, "due_at"),
        ({"open_at": datetime(2025, 3, 1, 9, 0)}, "open_at"),  # naive: refused
        ({"kind": "practice"}, "skill_keys"),
        ({"kind": "practice", "skill_keys": ("no-such-skill",)}, "skill_keys"),
        ({"accepts_text": False, "accepts_files": False}, "accepts_text"),
        ({"rubric_id": 10**12}, "rubric_id"),
        ({"kind": "project"}, "checkpoints"),
        ({"kind": "project", "checkpoints": (CheckpointInput(" "),)}, "checkpoints.0.title"),
        (
            {"kind": "project", "due_at": NOW + timedelta(days=3),
             "checkpoints": (CheckpointInput("Plan", due_at=NOW + timedelta(days=1)),
                             CheckpointInput("Draft", due_at=NOW + timedelta(days=4)))},
            "checkpoints.1.due_at",
        ),
        ({"target": "group"}, "group_id"),
        ({"target": "students"}, "student_ids"),
    ],
)  # fmt: skip
def test_refused_work_names_the_field_and_stores_nothing(
    session: Session, world: World, changes: dict[str, object], field: str
) -> None:
    before = session.scalar(select(func.count(Assignment.id)))
    with pytest.raises(InvalidInput) as refused:
        make(session, world, task(**changes))
    assert refused.value.field == field, refused.value.message
    assert session.scalar(select(func.count(Assignment.id))) == before


def test_a_rubric_must_be_the_schools_and_not_archived(session: Session, world: World) -> None:
    foreign_school = session.scalar(select(School).where(School.slug == "hillside"))
    assert foreign_school is not None
    theirs = Rubric(school_id=foreign_school.id, title="Their rubric")
    archived = Rubric(school_id=world.school_id, title="Old rubric", archived_at=NOW)
    ours = Rubric(school_id=world.school_id, title="Explaining")
    session.add_all([theirs, archived, ours])
    session.flush()
    for rubric in (theirs, archived):
        with pytest.raises(InvalidInput) as refused:
            make(session, world, task(rubric_id=rubric.id))
        assert refused.value.field == "rubric_id"
    view = make(session, world, task(rubric_id=ours.id))
    assert (view.rubric_id, view.rubric_title) == (ours.id, "Explaining")
    options = assignments.form_options(session, actor_of(session, world.teacher_id), world.class_id)
    assert [r.name for r in options.rubrics] == ["Explaining"]


def test_a_project_keeps_its_checkpoints_in_order(session: Session, world: World) -> None:
    view = make(
        session, world,
        task(kind="project", title="Fraction poster", due_at=NOW + timedelta(days=10), accepts_files=True,
             checkpoints=(CheckpointInput("Plan", "One paragraph", NOW + timedelta(days=2)),
                          CheckpointInput("Draft", "", NOW + timedelta(days=6)))),
    )  # fmt: skip
    assert [(c.position, c.title) for c in view.checkpoints] == [(1, "Plan"), (2, "Draft")]
    assert view.checkpoints[0].description == "One paragraph"


def test_only_the_classs_staff_set_work(session: Session, world: World) -> None:
    for who, error in (
        (world.other_teacher_id, Forbidden), (world.student_id, Forbidden), (world.foreign_teacher_id, NotFound),
    ):  # fmt: skip
        with pytest.raises(error):
            assignments.create_assignment(session, actor_of(session, who), world.class_id, task(), now=NOW)
    admin = assignments.create_assignment(
        session, actor_of(session, world.admin_id), world.class_id, task(), now=NOW
    )
    with pytest.raises(Forbidden):
        assignments.assignment_detail(session, actor_of(session, world.other_teacher_id), admin.id)
    with pytest.raises(NotFound):
        assignments.assignment_detail(session, actor_of(session, world.foreign_teacher_id), admin.id)


def test_extensions_are_later_one_per_student_and_reach_the_student(session: Session, world: World) -> None:
    due = NOW + timedelta(days=2)
    view = make(session, world, task(due_at=due))
    teacher = actor_of(session, world.teacher_id)
    with pytest.raises(InvalidInput) as refused:
        assignments.set_extension(
            session, teacher, view.id, world.student_id, due - timedelta(hours=1), "ill"
        )
    assert refused.value.field == "due_at"
    with pytest.raises(InvalidInput) as no_reason:
        assignments.set_extension(session, teacher, view.id, world.student_id, due + timedelta(days=1), " ")
    assert no_reason.value.field == "reason"
    with pytest.raises(NotFound):
        assignments.set_extension(
            session, teacher, view.id, world.other_class_student_id, due + timedelta(days=1), "x"
        )
    assignments.set_extension(session, teacher, view.id, world.student_id, due + timedelta(days=1), "was ill")
    assignments.set_extension(
        session, teacher, view.id, world.student_id, due + timedelta(days=3), "still ill"
    )
    rows = session.scalars(
        select(AssignmentExtension).where(AssignmentExtension.assignment_id == view.id)
    ).all()
    assert [(r.student_id, r.due_at, r.reason) for r in rows] == [
        (world.student_id, due + timedelta(days=3), "still ill")
    ]
    line = next(
        line for line in student_work(session, world.student_id, NOW) if line.assignment_id == view.id
    )
    assert line.due == due + timedelta(days=3) and line.extended
    other = next(
        line for line in student_work(session, world.classmate_id, NOW) if line.assignment_id == view.id
    )
    assert other.due == due and not other.extended
    notes = session.scalars(
        select(Message).where(Message.recipient_id == world.student_id, Message.kind == "extension")
    ).all()
    assert len(notes) == 2 and notes[-1].link == f"/work/{view.id}"
    detail = assignments.assignment_detail(session, teacher, view.id, now=NOW)
    mine = next(s for s in detail.students if s.line.student_id == world.student_id)
    assert mine.extension is not None and mine.extension.reason == "still ill"


def test_editing_dates_keeps_the_rules_and_archiving_hides_the_work(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    view = make(
        session, world,
        task(kind="project", due_at=NOW + timedelta(days=10),
             checkpoints=(CheckpointInput("Plan", due_at=NOW + timedelta(days=5)),)),
    )  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        assignments.update_assignment(
            session, teacher, view.id, assignments.AssignmentChanges(due_at=NOW + timedelta(days=4))
        )
    assert refused.value.field == "due_at"
    changed = assignments.update_assignment(
        session, teacher, view.id,
        assignments.AssignmentChanges(title="Fraction poster", instructions="A3 paper", due_at=NOW + timedelta(days=12)),
    )  # fmt: skip
    assert (changed.title, changed.instructions, changed.due_at) == (
        "Fraction poster", "A3 paper", NOW + timedelta(days=12),
    )  # fmt: skip
    cleared = assignments.update_assignment(
        session, teacher, view.id, assignments.AssignmentChanges(clear_due=True)
    )
    assert cleared.due_at is None
    assert any(line.assignment_id == view.id for line in class_work(session, world.class_id, NOW))
    assignments.archive_assignment(session, teacher, view.id)
    assert not any(line.assignment_id == view.id for line in class_work(session, world.class_id, NOW))
    assert not any(line.assignment_id == view.id for line in student_work(session, world.student_id, NOW))
    overview = assignments.class_assignments(session, teacher, world.class_id, now=NOW)
    assert [a.id for a in overview.archived] == [view.id]
    with pytest.raises(Conflict):
        assignments.update_assignment(session, teacher, view.id, assignments.AssignmentChanges(title="Again"))


def test_my_work_is_ordered_by_due_date_with_undated_last(session: Session, world: World) -> None:
    undated = make(session, world, task("Undated"))
    later = make(session, world, task("Later", due_at=NOW + timedelta(days=9)))
    sooner = make(session, world, task("Sooner", due_at=NOW + timedelta(days=1)))
    past = make(session, world, task("Past", open_at=NOW - timedelta(days=5), due_at=NOW - timedelta(days=1)))
    future = make(session, world, task("Not yet", open_at=NOW + timedelta(days=3)))
    lines = student_work(session, world.student_id, NOW)
    # Undated work comes last, by title.
    assert [line.assignment_id for line in lines] == [past.id, sooner.id, later.id, future.id, undated.id]
    assert [line.state for line in lines] == ["overdue", "due-soon", "to-do", "not-open", "to-do"]


def count_queries(session: Session, run: object) -> int:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        run()  # type: ignore[operator]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_class_work_uses_a_bounded_number_of_queries(session: Session, world: World) -> None:
    group_id = group_of(session, world, [world.student_id])
    make(session, world, task("Group", target="group", group_id=group_id))
    session.flush()
    few = count_queries(session, lambda: class_work(session, world.class_id, NOW))
    for number in range(7):
        make(session, world, task(f"More {number}", due_at=NOW + timedelta(days=number)))
    session.flush()
    lines: list[object] = []
    many = count_queries(session, lambda: lines.extend(class_work(session, world.class_id, NOW)))
    assert many == few <= 8
    assert len(lines) == 7 * len(enrolled(session, world.class_id)) + 1


def item_of(session: Session, skill: Skill) -> Item:
    item = session.scalar(
        select(Item)
        .join(ItemSkill, ItemSkill.item_id == Item.id)
        .where(ItemSkill.skill_id == skill.id, Item.is_current.is_(True), Item.kind != "open_response")
        .order_by(Item.id)
        .limit(1)
    )
    assert item is not None
    return item


def test_practice_completes_itself_when_the_skills_are_mastered_through_practice(
    session: Session, world: World
) -> None:
    from atpace.services import practice
    from atpace.services.practice import AnswerInput

    skill = first_skill(session, world)
    view = make(
        session, world, task("Master the first skill", kind="practice", skill_keys=(skill.key,), target="students",
                             student_ids=(world.student_id,)),
    )  # fmt: skip
    assert [line.state for line in student_work(session, world.student_id, NOW)] == ["to-do"]
    item = item_of(session, skill)
    answer = AnswerSpec.from_dict(item.answer).correct
    student = actor_of(session, world.student_id)
    mastered = False
    for number in range(40):
        outcome = practice.submit_answer(
            session,
            student,
            AnswerInput(item.id, answer, f"complete-{number}", skill_key=skill.key),
        )
        done = session.scalar(
            select(AssignmentCompletion).where(
                AssignmentCompletion.assignment_id == view.id,
                AssignmentCompletion.student_id == world.student_id,
            )
        )
        if outcome.mastered_now:
            mastered = True
            assert done is not None  # recorded by the same answer that mastered the skill
            break
        assert done is None
    assert mastered
    lines = student_work(session, world.student_id, NOW)
    assert [(line.state, line.state_label) for line in lines] == [("complete", "Complete")]
    detail = assignments.work_detail(session, student, view.id, now=NOW)
    assert [(s.key, s.mastered) for s in detail.skills] == [(skill.key, True)]
    # Recorded once: a later check completes nothing more.
    student_row = session.get(User, world.student_id)
    assert student_row is not None
    from atpace.services.courses import load_graph

    course = session.get(Skill, skill.id).course_id  # type: ignore[union-attr]
    from atpace.store.tables import Course

    graph = load_graph(session, session.get(Course, course))  # type: ignore[arg-type]
    assert complete_mastered(session, student_row, graph) == []


def test_practice_on_skills_already_mastered_is_complete_from_the_start(
    session: Session, world: World
) -> None:
    from atpace.store.tables import Course

    course = session.get(Course, world.course_id)
    assert course is not None
    mastered = session.scalars(
        select(Skill.key)
        .join(LearnerState, LearnerState.skill_id == Skill.id)
        .where(
            LearnerState.student_id == world.classmate_id, LearnerState.p_learned >= course.mastery_threshold
        )
        .order_by(Skill.position)
        .limit(2)
    ).all()
    assert mastered, "the classmate has mastered skills in the demo history"
    view = make(session, world, task("Already there", kind="practice", skill_keys=tuple(mastered)))
    states = {
        line.student_id: line.state
        for line in class_work(session, world.class_id, NOW)
        if line.assignment_id == view.id
    }
    assert states[world.classmate_id] == "complete" and states[world.student_id] == "to-do"
