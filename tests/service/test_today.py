"""The teacher's "Today" page, its API, comments to a student and the heatmap's stuck marks (SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.services import practice, reports, today
from atpace.services.courses import load_graph
from atpace.services.practice import AnswerInput
from atpace.store.tables import (
    Assignment,
    Attempt,
    Classroom,
    Course,
    Enrollment,
    ItemSkill,
    LearnerState,
    Message,
    Role,
    Submission,
    User,
    utcnow,
)
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.school import browser, csrf_of
from tests.service.test_practice import wrong_response
from tests.service.web import bearer, client_for

MISSED_FOUR = "missed the last 4 answers in a row"


def root_skill(session: Session, world: World) -> tuple[str, str]:
    """The first skill of the course, where a fresh student starts: (key, name)."""
    course = session.get(Course, world.course_id)
    assert course is not None
    skill = next(iter(load_graph(session, course).skills.values()))
    return skill.key, skill.name


def miss(session: Session, student_id: int, skill_key: str, times: int, tag: str = "m") -> None:
    """Wrong answers through the real practice service."""
    actor = actor_of(session, student_id)
    for n in range(times):
        item = practice.next_item(session, actor, skill_key)
        outcome = practice.submit_answer(
            session,
            actor,
            AnswerInput(item.item_id, wrong_response(session, item.item_id), f"{tag}{n}", skill_key),
        )
        assert not outcome.correct


def section(view: today.Today, key: str) -> today.TodaySection | None:
    return next((s for s in view.sections if s.key == key), None)


def line_of(view: today.Today, student_id: int) -> tuple[str, today.TodayLine] | None:
    """The section and line of a student (outside the teacher's grading queue)."""
    for part in view.sections:
        for line in part.lines:
            if line.student_id == student_id and part.key != "grade":
                return part.key, line
    return None


def test_a_student_who_missed_four_in_a_row_is_stuck_on_today_and_on_the_heatmap(
    session: Session, world: World
) -> None:
    teacher = actor_of(session, world.teacher_id)
    key, name = root_skill(session, world)
    before = line_of(today.class_today(session, teacher, world.class_id), world.student_id)
    assert before is not None and before[0] == "inactive"
    assert [r.text for r in before[1].reasons] == ["Has not practised yet"]

    miss(session, world.student_id, key, 4)
    view = today.class_today(session, teacher, world.class_id)
    found = line_of(view, world.student_id)
    assert found is not None
    kind, line = found
    assert kind == "stuck"
    assert line.reasons[0].text == f"Stuck on {name}: {MISSED_FOUR}"
    assert line.reasons[0].skill_key == key
    assert all(r.kind != "inactive" for r in line.reasons)  # practised just now
    urls = {a.url: a.label for a in line.actions}
    assert urls[f"/classes/{world.class_id}/students/{world.student_id}"].startswith("Open ")
    assert urls[f"/classes/{world.class_id}/groups?skills={key}"] == f"Form a group on {name}"
    assign = f"/classes/{world.class_id}/assignments?student={world.student_id}&skill={key}#new"
    assert urls[assign] == f"Assign practice on {name}"
    assert view.sections[0].key == "stuck"  # the most urgent section first

    heatmap = reports.class_heatmap(session, teacher, world.class_id)
    row = next(r for r in heatmap.rows if r.student_id == world.student_id)
    assert row.stuck == {key: MISSED_FOUR}


def test_three_misses_are_not_stuck(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    key, _ = root_skill(session, world)
    miss(session, world.student_id, key, 3)
    found = line_of(today.class_today(session, teacher, world.class_id), world.student_id)
    assert found is None or found[0] != "stuck"
    row = next(
        r
        for r in reports.class_heatmap(session, teacher, world.class_id).rows
        if r.student_id == world.student_id
    )
    assert row.stuck == {}


def test_stuck_answers_older_than_the_horizon_make_the_student_inactive_instead(
    session: Session, world: World
) -> None:
    teacher = actor_of(session, world.teacher_id)
    key, _ = root_skill(session, world)
    miss(session, world.student_id, key, 4)
    later = utcnow() + timedelta(days=15)
    found = line_of(today.class_today(session, teacher, world.class_id, now=later), world.student_id)
    assert found is not None
    kind, line = found
    assert kind == "inactive"
    assert [r.text for r in line.reasons] == ["No practice for 15 days"]
    course = session.get(Course, world.course_id)
    assert course is not None
    assert today.stuck_by_student(session, [world.student_id], load_graph(session, course), later) == {}
    assert (
        key
        in today.stuck_by_student(session, [world.student_id], load_graph(session, course), utcnow())[
            world.student_id
        ]
    )


def test_only_the_class_teachers_and_admins_see_today(session: Session, world: World) -> None:
    assert (
        today.class_today(session, actor_of(session, world.admin_id), world.class_id).class_id
        == world.class_id
    )
    for user, error in (
        (world.other_teacher_id, Forbidden),
        (world.classmate_id, Forbidden),
        (world.foreign_teacher_id, NotFound),
    ):
        with pytest.raises(error):
            today.class_today(session, actor_of(session, user), world.class_id)


def add_work(session: Session, world: World, title: str, due: datetime | None) -> Assignment:
    assignment = Assignment(
        school_id=world.school_id, class_id=world.class_id, kind="task", title=title, target="class",
        open_at=utcnow() - timedelta(days=10), due_at=due, created_by_id=world.teacher_id,
    )  # fmt: skip
    session.add(assignment)
    session.flush()
    return assignment


def submit(
    session: Session, world: World, assignment: Assignment, student_id: int, status: str
) -> Submission:
    row = Submission(
        school_id=world.school_id, assignment_id=assignment.id, student_id=student_id, body="my work", status=status
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def test_work_waiting_for_the_student_and_for_the_teacher(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    key, _ = root_skill(session, world)
    poster = add_work(session, world, "Fraction poster", utcnow() - timedelta(days=1))
    essay = add_work(session, world, "Explain equivalence", None)
    submit(session, world, poster, world.classmate_id, "submitted")
    submit(session, world, essay, world.classmate_id, "returned")
    miss(session, world.student_id, key, 4)
    view = today.class_today(session, teacher, world.class_id)

    grading = section(view, "grade")
    assert grading is not None
    waiting = next(line for line in grading.lines if line.student_id == world.classmate_id)
    assert [r.text for r in waiting.reasons] == ["Fraction poster: submitted"]
    assert waiting.actions[0].url == f"/assignments/{poster.id}/grade?student={world.classmate_id}"

    found = line_of(view, world.classmate_id)
    assert found is not None
    texts = [r.text for r in found[1].reasons]
    assert "Explain equivalence: returned for revision, not resubmitted yet" in texts
    assert not any(t.startswith("Fraction poster") for t in texts)  # submitted: not overdue

    # The stuck student also has overdue work: one line, under "Stuck", with both reasons.
    stuck = line_of(view, world.student_id)
    assert stuck is not None and stuck[0] == "stuck"
    assert [r.kind for r in stuck[1].reasons][:2] == ["stuck", "work"]
    assert stuck[1].reasons[1].text.startswith("Fraction poster: overdue, was due ")
    listed = [line.student_id for part in view.sections if part.key != "grade" for line in part.lines]
    assert len(listed) == len(set(listed))  # nobody twice
    assert any(a.kind == "comment" for a in stuck[1].actions)


def test_a_comment_reaches_the_student_in_messages(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    message = today.comment_student(
        session, teacher, world.class_id, world.student_id, "  See you at break!  "
    )
    stored = session.get(Message, message.id)
    assert stored is not None
    assert (stored.recipient_id, stored.kind, stored.link, stored.body) == (
        world.student_id, "comment", "/learn", "See you at break!",
    )  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        today.comment_student(session, teacher, world.class_id, world.student_id, "   ")
    assert refused.value.field == "text"
    with pytest.raises(NotFound):  # a student of another class
        today.comment_student(session, teacher, world.class_id, world.other_class_student_id, "hello")
    with pytest.raises(Forbidden):
        today.comment_student(
            session, actor_of(session, world.other_teacher_id), world.class_id, world.student_id, "x"
        )


@contextmanager
def counting(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def enrol_practising_students(session: Session, world: World, count: int) -> None:
    """More students in the class, each with answers on every skill of a few items."""
    classroom = session.get(Classroom, world.class_id)
    assert classroom is not None
    course = session.get(Course, world.course_id)
    assert course is not None
    graph = load_graph(session, course)
    items = dict(
        session.execute(
            select(ItemSkill.skill_id, ItemSkill.item_id).where(
                ItemSkill.skill_id.in_([s.id for s in graph.skills.values()])
            )
        ).all()
    )
    moment = utcnow() - timedelta(days=1)
    for n in range(count):
        user = User(
            school_id=world.school_id, email=f"extra{n}@riverside.example", display_name=f"Extra {n:02d}",
            role=Role.STUDENT, password_hash="",
        )  # fmt: skip
        session.add(user)
        session.flush()
        session.add(Enrollment(class_id=classroom.id, user_id=user.id))
        for skill_id, item_id in items.items():
            session.add(
                LearnerState(
                    school_id=world.school_id, student_id=user.id, skill_id=skill_id, p_learned=0.3,
                    attempts=5, last_attempt_at=moment + timedelta(minutes=4),
                )
            )  # fmt: skip
            for k in range(5):
                session.add(
                    Attempt(
                        school_id=world.school_id, student_id=user.id, item_id=item_id, skill_id=skill_id,
                        client_attempt_id=f"x{n}-{skill_id}-{k}", response="0", correct=False,
                        created_at=moment + timedelta(minutes=k), mastery_before=0.3, mastery_after=0.3,
                    )
                )  # fmt: skip
    session.flush()


# access, course and skills, students, answers, last practice; the work (about 5) and the groups (about 8)
QUERY_BOUND = 30


def test_today_and_the_heatmap_use_a_bounded_number_of_queries(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    session.expire_all()
    with counting(session) as small:
        view = today.class_today(session, teacher, world.class_id)
    session.expire_all()
    with counting(session) as small_map:
        reports.class_heatmap(session, teacher, world.class_id)
    enrol_practising_students(session, world, 8)
    session.expire_all()
    with counting(session) as large:
        bigger = today.class_today(session, teacher, world.class_id)
    session.expire_all()
    with counting(session) as large_map:
        reports.class_heatmap(session, teacher, world.class_id)
    assert bigger.student_count == view.student_count + 8
    stuck = section(bigger, "stuck")
    assert stuck is not None and sum(line.student_name.startswith("Extra") for line in stuck.lines) == 8
    assert len(large) == len(small) <= QUERY_BOUND, large
    assert len(large_map) == len(small_map)


def test_today_page_lists_reasons_and_actions(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        key, name = root_skill(session, world)
        miss(session, world.student_id, key, 4)
    client = browser(database, "teacher@riverside.example")
    page = client.get(f"/classes/{world.class_id}/today")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Today in" in html and html.count("<h1") == 1
    assert f"Stuck on {name}: {MISSED_FOUR}" in html
    assert f'href="/classes/{world.class_id}/students/{world.student_id}"' in html
    assert f'href="/classes/{world.class_id}/groups?skills={key}"' in html
    assert (
        "Has not practised yet" not in html.split(f'data-student="{world.student_id}"')[1].split("</li>\n")[0]
    )
    assert f'action="/classes/{world.class_id}/students/' in html  # a comment form
    assert 'aria-current="page"' in html and f'href="/classes/{world.class_id}/report"' in html

    heatmap = client.get(f"/classes/{world.class_id}")
    assert "⚠" in heatmap.text and f"stuck: {MISSED_FOUR}" in heatmap.text
    assert f'href="/classes/{world.class_id}/today"' in heatmap.text
    assert f'href="/classes/{world.class_id}/today"' in client.get("/teach").text


def test_comment_form_sends_and_refuses_an_empty_comment(database: RollbackDatabase, world: World) -> None:
    client = browser(database, "teacher@riverside.example")
    page = client.get(f"/classes/{world.class_id}/today")
    url = f"/classes/{world.class_id}/students/{world.student_id}/comment"
    empty = client.post(url, data={"text": "   ", "csrf_token": csrf_of(page.text)})
    assert empty.status_code == 422
    assert "Write a comment first" in empty.text and 'aria-invalid="true"' in empty.text
    sent = client.post(
        url, data={"text": "Let's practise together tomorrow.", "csrf_token": csrf_of(page.text)}
    )
    assert sent.status_code == 303
    assert sent.headers["location"].startswith(f"/classes/{world.class_id}/today?sent=comment")
    assert "Comment sent" in client.get(sent.headers["location"]).text
    with database.transaction() as session:
        bodies = session.scalars(
            select(Message.body).where(Message.recipient_id == world.student_id, Message.kind == "comment")
        ).all()
    assert bodies == ["Let's practise together tomorrow."]


def test_today_and_comment_api(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        key, _ = root_skill(session, world)
        miss(session, world.student_id, key, 4)
    client = client_for(database)
    headers = bearer(database, world.teacher_id)
    data = client.get(f"/api/classes/{world.class_id}/today", headers=headers).json()
    assert data["class_id"] == world.class_id and data["rule"]["wrong_in_a_row"] == 4
    stuck = next(s for s in data["sections"] if s["key"] == "stuck")
    line = next(line for line in stuck["lines"] if line["student_id"] == world.student_id)
    assert line["reasons"][0]["skill_key"] == key and MISSED_FOUR in line["reasons"][0]["text"]
    assert {"label", "url", "kind"} <= set(line["actions"][0])
    heatmap = client.get(f"/api/classes/{world.class_id}/heatmap", headers=headers).json()
    row = next(r for r in heatmap["rows"] if r["student_id"] == world.student_id)
    assert row["stuck"] == {key: MISSED_FOUR}

    url = f"/api/classes/{world.class_id}/students/{world.student_id}/comments"
    created = client.post(url, json={"text": "Nice work today"}, headers=headers)
    assert created.status_code == 201 and created.json()["body"] == "Nice work today"
    assert client.post(url, json={"text": ""}, headers=headers).status_code == 422
    assert client.post(url, json={"text": "x", "extra": 1}, headers=headers).status_code == 422
    inbox = client.get("/api/messages", headers=bearer(database, world.student_id)).json()
    assert inbox["unread"] >= 1
    assert any(m["body"] == "Nice work today" and m["kind"] == "comment" for m in inbox["messages"])


def test_nobody_is_stuck_without_answers(session: Session, world: World) -> None:
    course = session.get(Course, world.course_id)
    assert course is not None
    graph = load_graph(session, course)
    assert today.stuck_by_student(session, [], graph, utcnow()) == {}
    assert today.stuck_by_student(session, [world.student_id], graph, utcnow()) == {}  # a fresh student


def test_recent_answers_are_the_newest_per_skill_within_the_horizon_oldest_first(
    session: Session, world: World
) -> None:
    """The stuck rule's input: the newest ``answers_needed()`` answers of each skill, none older than the
    horizon and none after ``now`` (PostgreSQL reads them through a LATERAL join, SQLite through a window
    function: the same answers on both)."""
    course = session.get(Course, world.course_id)
    assert course is not None
    graph = load_graph(session, course)
    first, second = list(graph.skills.values())[:2]
    items = dict(
        session.execute(
            select(ItemSkill.skill_id, ItemSkill.item_id).where(ItemSkill.skill_id.in_([first.id, second.id]))
        ).all()
    )
    now = utcnow()
    rule = today.AttentionRule()
    # first skill: 14 answers an hour apart ending 2 hours ago, one "from the future", one past the horizon
    moments = {
        first.id: [now - rule.horizon - timedelta(hours=1)]
        + [now - timedelta(hours=16 - k) for k in range(14)]
        + [now + timedelta(hours=1)],
        second.id: [now - timedelta(days=3, minutes=k) for k in range(3)],
    }
    for skill_id, times in moments.items():
        for n, moment in enumerate(times):
            session.add(
                Attempt(
                    school_id=world.school_id, student_id=world.student_id, item_id=items[skill_id],
                    skill_id=skill_id, client_attempt_id=f"r{skill_id}-{n}", response="0", correct=n % 2 == 0,
                    created_at=moment, mastery_before=n / 100, mastery_after=(n + 1) / 100,
                )
            )  # fmt: skip
        session.add(
            LearnerState(
                school_id=world.school_id, student_id=world.student_id, skill_id=skill_id, p_learned=0.4,
                attempts=len(times), last_attempt_at=max(times),
            )
        )  # fmt: skip
    session.flush()

    recent = today.recent_answers(session, [world.student_id], graph, now, rule)[world.student_id]
    newest = recent[first.key]
    assert len(newest.answers) == rule.answers_needed() == 10
    # attempts 5..14 of the first skill (0 is past the horizon, 15 after now), oldest first
    assert [a.p_before for a in newest.answers] == [n / 100 for n in range(5, 15)]
    assert [a.at for a in newest.answers] == sorted(a.at for a in newest.answers)
    assert newest.p_learned == pytest.approx(0.4)
    assert [a.p_before for a in recent[second.key].answers] == [0.02, 0.01, 0.0]  # by time, not id
    earlier = today.recent_answers(session, [world.student_id], graph, now - timedelta(days=2), rule)
    assert set(earlier[world.student_id]) == {first.key, second.key}
    assert [a.p_before for a in earlier[world.student_id][first.key].answers] == [0.0]


def test_today_suggests_the_same_groups_as_the_groups_page(session: Session, world: World) -> None:
    from atpace.services.groups import suggest_groups

    teacher = actor_of(session, world.teacher_id)
    on_today = today.class_today(session, teacher, world.class_id).groups
    on_groups_page = suggest_groups(session, teacher, world.class_id).groups
    assert on_today and [(g.name, g.student_ids) for g in on_today] == [
        (g.name, tuple(g.student_ids)) for g in on_groups_page
    ]
