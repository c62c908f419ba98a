"""Grading with a rubric: feedback, the evidence it gives (exactly as previewed), notices, the rules of
versions and decisions, who may grade, the pages and API, and two teachers saving at once."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.errors import AtpaceError, Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import grading
from atpace.services.grading import ScoreInput
from atpace.store.db import Database
from atpace.store.tables import (
    Classroom,
    ClassTeacher,
    Course,
    Enrollment,
    Evidence,
    Feedback,
    LearnerState,
    Message,
    Role,
    School,
    Skill,
    StoredFile,
    Submission,
    SubmissionFile,
    User,
)
from tests.service.authz_grading import add_version, make_work
from tests.service.conftest import POSTGRES_ENV, RollbackDatabase, World, actor_of
from tests.service.school import Api, browser, csrf_of


def _count(session: Session, model: type, *where: object) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def _state(session: Session, student_id: int, skill_id: int) -> LearnerState | None:
    return session.scalar(
        select(LearnerState).where(LearnerState.student_id == student_id, LearnerState.skill_id == skill_id)
    )


def test_the_top_level_moves_mastery_exactly_as_the_preview_said(session: Session, world: World) -> None:
    work = make_work(session, world)
    teacher = actor_of(session, world.teacher_id)
    scores = [ScoreInput(work.aligned_id, 3, "Spot on"), ScoreInput(work.plain_id, 1)]
    preview = grading.preview_feedback(session, teacher, work.submission_id, scores)
    assert [e.skill_key for e in preview.skills] == [work.skill_key]  # the unaligned criterion is no evidence
    effect = preview.skills[0]
    assert effect.after > effect.before
    assert effect.label.startswith(f"{effect.skill_name}: {round(100 * effect.before)}% → ")
    assert _count(session, Evidence, Evidence.feedback_id.is_not(None)) == 0  # the preview wrote nothing
    assert _state(session, work.student_id, work.skill_id) is None

    saved = grading.save_feedback(session, teacher, work.submission_id, scores, "Well argued.", "graded")

    state = _state(session, work.student_id, work.skill_id)
    assert state is not None and state.p_learned == effect.after
    assert state.attempts == 0  # a rubric level is not a practice attempt
    assert [(e.before, e.after) for e in saved.effects] == [(effect.before, effect.after)]
    row = session.scalar(select(Evidence).where(Evidence.feedback_id == saved.feedback_id))
    assert row is not None
    assert (row.kind, row.credit, row.correct, row.skill_id) == ("rubric", 1.0, True, work.skill_id)
    assert (row.p_before, row.p_after) == (effect.before, effect.after)
    submission = session.get(Submission, work.submission_id)
    assert submission is not None and submission.status == "graded"
    message = session.scalar(select(Message).where(Message.recipient_id == work.student_id))
    assert message is not None
    assert (message.kind, message.link) == ("feedback", f"/work/{work.assignment_id}")
    assert "Explain equivalent fractions" in message.subject
    view = grading.feedback_views(session, [work.submission_id])[work.submission_id]
    assert view.decision == "graded" and view.comment == "Well argued."
    assert view.teacher_name == teacher.display_name
    assert [
        (c.title, c.level_title, c.points, c.max_points, c.comment, c.skill_name) for c in view.criteria
    ] == [
        ("Explains equivalence", "Exemplary", 4.0, 4.0, "Spot on", effect.skill_name),
        ("Neat presentation", "Developing", 2.0, 2.0, "", None),
    ]
    assert (view.points, view.max_points) == (6.0, 6.0)


def test_a_middle_level_is_partial_credit_and_the_lowest_lowers_mastery(
    session: Session, world: World
) -> None:
    teacher = actor_of(session, world.teacher_id)
    middle = make_work(session, world, student_id=world.classmate_id)
    low = make_work(session, world, student_id=world.classmate_id, title="Second task", skill_position=1)
    before_middle = grading.preview_feedback(
        session, teacher, middle.submission_id, [(middle.aligned_id, 1, "")]
    )
    saved = grading.save_feedback(
        session,
        teacher,
        middle.submission_id,
        [(middle.aligned_id, 1, ""), (middle.plain_id, 0, "")],
        "",
        "graded",
    )
    row = session.scalar(select(Evidence).where(Evidence.feedback_id == saved.feedback_id))
    assert row is not None and row.credit == pytest.approx(1 / 3) and row.correct is False
    assert row.p_after == before_middle.skills[0].after
    top = grading.preview_feedback(session, teacher, low.submission_id, [(low.aligned_id, 3, "")]).skills[0]
    bottom = grading.preview_feedback(session, teacher, low.submission_id, [(low.aligned_id, 0, "")]).skills[
        0
    ]
    assert bottom.after < top.after and bottom.before == top.before


def test_returned_work_can_be_revised_and_the_new_version_graded(session: Session, world: World) -> None:
    work = make_work(session, world)
    teacher = actor_of(session, world.teacher_id)
    with pytest.raises(InvalidInput) as refused:
        grading.save_feedback(session, teacher, work.submission_id, [], "", "returned")
    assert refused.value.field == "comment"
    grading.save_feedback(session, teacher, work.submission_id, [], "Explain why with a picture.", "returned")
    first = session.get(Submission, work.submission_id)
    assert first is not None and first.status == "returned"
    notice = session.scalar(
        select(Message).where(Message.recipient_id == work.student_id, Message.kind == "returned")
    )
    assert notice is not None and notice.body == "Explain why with a picture."
    second = add_version(session, work.submission_id)
    queue = grading.grading_queue(session, teacher, work.assignment_id)
    assert [(e.submission_id, e.version, e.waiting) for e in queue] == [(second, 2, True)]
    with pytest.raises(Conflict, match="already has feedback"):
        grading.save_feedback(session, teacher, work.submission_id, [(work.aligned_id, 3, ""), (work.plain_id, 1, "")],
                              "", "graded")  # fmt: skip
    saved = grading.save_feedback(
        session, teacher, second, [(work.aligned_id, 3, ""), (work.plain_id, 1, "")], "Much better.", "graded"
    )
    assert saved.decision == "graded" and saved.next_submission_id is None
    views = grading.feedback_views(session, [work.submission_id, second])
    assert (views[work.submission_id].decision, views[second].decision) == ("returned", "graded")


def test_an_older_version_or_a_second_feedback_is_a_conflict(session: Session, world: World) -> None:
    work = make_work(session, world)
    teacher = actor_of(session, world.teacher_id)
    admin = actor_of(session, world.admin_id)
    newer = add_version(session, work.submission_id)
    full = [(work.aligned_id, 2, ""), (work.plain_id, 1, "")]
    with pytest.raises(Conflict, match="since submitted version 2"):
        grading.save_feedback(session, teacher, work.submission_id, full, "", "graded")
    grading.save_feedback(session, teacher, newer, full, "", "graded")
    with pytest.raises(Conflict, match="already has feedback from"):
        grading.save_feedback(session, admin, newer, full, "", "graded")
    assert _count(session, Feedback, Feedback.submission_id.in_([work.submission_id, newer])) == 1
    assert _count(session, Evidence, Evidence.kind == "rubric", Evidence.student_id == work.student_id) == 1


def test_graded_needs_a_level_on_every_criterion(session: Session, world: World) -> None:
    work = make_work(session, world)
    teacher = actor_of(session, world.teacher_id)
    with pytest.raises(InvalidInput) as refused:
        grading.save_feedback(
            session, teacher, work.submission_id, [(work.aligned_id, 3, "")], "Good", "graded"
        )
    assert refused.value.field == f"scores.{work.plain_id}"
    assert "“Neat presentation”" in refused.value.message
    with pytest.raises(InvalidInput, match="levels 0 to 3"):
        grading.save_feedback(session, teacher, work.submission_id, [(work.aligned_id, 4, ""), (work.plain_id, 0, "")],
                              "", "graded")  # fmt: skip
    with pytest.raises(InvalidInput) as wrong:
        grading.save_feedback(session, teacher, work.submission_id, [], "", "maybe")
    assert wrong.value.field == "decision"
    assert _count(session, Feedback, Feedback.submission_id == work.submission_id) == 0


def test_an_assignment_without_a_rubric_gets_comment_only_feedback(session: Session, world: World) -> None:
    work = make_work(session, world, rubric=False)
    teacher = actor_of(session, world.teacher_id)
    with pytest.raises(InvalidInput) as no_comment:
        grading.save_feedback(session, teacher, work.submission_id, [], "  ", "graded")
    assert no_comment.value.field == "comment"
    with pytest.raises(InvalidInput, match="no rubric"):
        grading.save_feedback(session, teacher, work.submission_id, [(1, 0, "")], "ok", "graded")
    saved = grading.save_feedback(session, teacher, work.submission_id, [], "Nicely explained.", "graded")
    assert saved.effects == ()
    assert grading.feedback_views(session, [work.submission_id])[work.submission_id].criteria == ()


def test_only_the_class_teachers_and_admins_grade(session: Session, world: World) -> None:
    work = make_work(session, world)
    full = [(work.aligned_id, 2, ""), (work.plain_id, 1, "")]
    for user_id, error in (
        (world.other_teacher_id, Forbidden), (world.student_id, Forbidden), (world.classmate_id, Forbidden),
        (world.foreign_teacher_id, NotFound), (world.foreign_student_id, NotFound),
    ):  # fmt: skip
        actor = actor_of(session, user_id)
        with pytest.raises(error):
            grading.save_feedback(session, actor, work.submission_id, full, "", "graded")
        with pytest.raises(error):
            grading.preview_feedback(session, actor, work.submission_id, full)
        with pytest.raises(error):
            grading.grading_queue(session, actor, work.assignment_id)
    assert _count(session, Feedback, Feedback.submission_id == work.submission_id) == 0
    session.add(ClassTeacher(class_id=world.class_id, user_id=world.other_teacher_id))  # now a co-teacher
    session.flush()
    saved = grading.save_feedback(
        session, actor_of(session, world.other_teacher_id), work.submission_id, full, "", "graded"
    )
    assert saved.feedback_id > 0


def test_the_queue_puts_work_waiting_for_feedback_first(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    work = make_work(session, world)
    other = Submission(school_id=world.school_id, assignment_id=work.assignment_id, student_id=world.classmate_id,
                       version=1, body="mine")  # fmt: skip
    session.add(other)
    session.flush()
    grading.save_feedback(session, teacher, work.submission_id, [(work.aligned_id, 2, ""), (work.plain_id, 1, "")],
                          "", "graded")  # fmt: skip
    queue = grading.grading_queue(session, teacher, work.assignment_id)
    assert [(e.submission_id, e.waiting) for e in queue] == [(other.id, True), (work.submission_id, False)]
    view = grading.grading_view(session, teacher, work.assignment_id)
    assert view.current is not None and view.current.student_id == world.classmate_id and view.gradable
    assert view.next is not None and view.next.student_id == work.student_id and view.previous is None


# Through HTTP: the API and the page


def test_api_saves_previews_and_lists(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        work = make_work(session, world)
    api = Api(database, world.teacher_id)
    scores = [{"criterion_id": work.aligned_id, "level": 3}, {"criterion_id": work.plain_id, "level": 0}]
    queue = api.get(f"/api/assignments/{work.assignment_id}/grading")
    assert queue.status_code == 200 and queue.json()["waiting"] == 1
    assert queue.json()["entries"][0]["student_name"]
    preview = api.post(f"/api/submissions/{work.submission_id}/feedback/preview", {"scores": scores})
    assert preview.status_code == 200, preview.text
    expected = preview.json()["skills"][0]
    again = api.post(f"/api/submissions/{work.submission_id}/feedback/preview", {"scores": scores})
    assert again.json()["skills"][0]["before"] == expected["before"]  # nothing was written
    missing = api.post(f"/api/submissions/{work.submission_id}/feedback",
                       {"decision": "graded", "scores": scores[:1]})  # fmt: skip
    assert missing.status_code == 422 and missing.json()["field"] == f"scores.{work.plain_id}"
    assert "Neat presentation" in missing.json()["detail"]
    saved = api.post(
        f"/api/submissions/{work.submission_id}/feedback", {"decision": "graded", "scores": scores}
    )
    assert saved.status_code == 201, saved.text
    assert saved.json()["effects"][0]["after"] == expected["after"]
    twice = api.post(
        f"/api/submissions/{work.submission_id}/feedback", {"decision": "graded", "scores": scores}
    )
    assert twice.status_code == 409 and "already has feedback" in twice.json()["detail"]


def test_the_grading_page_moves_through_the_work(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        work = make_work(session, world)
        other = Submission(school_id=world.school_id, assignment_id=work.assignment_id,
                           student_id=world.classmate_id, version=1, body="Second student's answer")  # fmt: skip
        session.add(other)
        session.flush()
        other_id = other.id
        classmate = session.get(User, world.classmate_id)
        assert classmate is not None
        classmate_name = classmate.display_name
    client = browser(database, "teacher@riverside.example")
    page = client.get(f"/assignments/{work.assignment_id}/grade")
    assert page.status_code == 200
    text = page.text
    assert "1/2 = 2/4 because" in text and 'rel="next"' in text and "<kbd>j</kbd>" in text
    assert "<legend>Explains equivalence" in text and 'name="level_' in text
    assert "Save feedback" in text and "Return for revision" in text and "Effect on mastery" in text
    token = csrf_of(text)
    preview = client.post(f"/assignments/{work.assignment_id}/grade/preview", headers={"HX-Request": "true"},
                          data={"csrf_token": token, "submission_id": str(work.submission_id),
                                f"level_{work.aligned_id}": "3"})  # fmt: skip
    assert preview.status_code == 200 and "→" in preview.text and "<html" not in preview.text
    refused = client.post(f"/submissions/{work.submission_id}/feedback",
                          data={"csrf_token": token, "decision": "graded", f"level_{work.aligned_id}": "3",
                                "comment": "kept text"})  # fmt: skip
    assert refused.status_code == 422
    assert "Neat presentation" in refused.text and "kept text" in refused.text
    saved = client.post(f"/submissions/{work.submission_id}/feedback",
                        data={"csrf_token": token, "decision": "graded", f"level_{work.aligned_id}": "3",
                              f"level_{work.plain_id}": "1", "comment": "Lovely"})  # fmt: skip
    assert saved.status_code == 303
    assert (
        saved.headers["location"]
        == f"/assignments/{work.assignment_id}/grade?student={world.classmate_id}&saved=graded"
    )
    following = client.get(saved.headers["location"])
    assert classmate_name in following.text and "Second student" in following.text
    assert f'action="/submissions/{other_id}/feedback"' in following.text
    done = client.get(f"/assignments/{work.assignment_id}/grade?student={work.student_id}")
    assert "Exemplary" in done.text and "Lovely" in done.text and 'id="feedback-form"' not in done.text
    with database.transaction() as session:
        stored = StoredFile(school_id=world.school_id, uploaded_by_id=work.student_id, name="drawing.png",
                            path="ab/cd/drawing-test", media_type="image/png", size=2048, sha256="0" * 64)  # fmt: skip
        session.add(stored)
        session.flush()
        second = add_version(session, work.submission_id, "Version two, with a drawing")
        session.add(SubmissionFile(submission_id=second, file_id=stored.id))
        file_id = stored.id
    revised = client.get(f"/assignments/{work.assignment_id}/grade?student={work.student_id}")
    assert (
        "Version two, with a drawing" in revised.text
        and f'href="/files/{file_id}">drawing.png</a>' in revised.text
    )
    assert "Earlier versions" in revised.text and "Lovely" in revised.text  # version 1 and its feedback
    assert f'action="/submissions/{second}/feedback"' in revised.text


# Two teachers at once (real transactions on their own database)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    from tests.service.test_concurrency import _postgres_database

    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('grading')) / 'grading.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        url = _postgres_database(server, "atpace_grading_concurrency_test")
    database = Database(url)
    database.upgrade()
    yield database
    database.engine.dispose()


def _small_world(database: Database) -> World:
    """A school with one course of one skill, one class with two teachers and one student."""
    with database.transaction() as session:
        school = School(slug="grading", name="Grading School")
        session.add(school)
        session.flush()
        course = Course(school_id=school.id, key="c", title="Course")
        session.add(course)
        session.flush()
        session.add(Skill(school_id=school.id, course_id=course.id, key="s1", name="Skill one"))
        classroom = Classroom(school_id=school.id, course_id=course.id, name="Class")
        users = [User(school_id=school.id, email=f"{n}@grading.example", display_name=n.title(), role=role,
                      password_hash="") for n, role in (("first", Role.TEACHER), ("second", Role.TEACHER),
                                                        ("pupil", Role.STUDENT))]  # fmt: skip
        session.add_all([classroom, *users])
        session.flush()
        session.add_all([ClassTeacher(class_id=classroom.id, user_id=users[0].id),
                         ClassTeacher(class_id=classroom.id, user_id=users[1].id),
                         Enrollment(class_id=classroom.id, user_id=users[2].id)])  # fmt: skip
        session.flush()
        return World(school.id, course.id, classroom.id, users[1].id, users[0].id, users[2].id, users[2].id,
                     0, 0, 0, 0, 0)  # fmt: skip


def _at_once(count: int, work: Callable[[int], object]) -> list[object]:
    gate = threading.Barrier(count)

    def run(n: int) -> object:
        gate.wait(timeout=30)
        try:
            return work(n)
        except AtpaceError as error:
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_two_teachers_saving_at_once_one_wins_the_other_is_told(live_database: Database) -> None:
    world = _small_world(live_database)
    with live_database.transaction() as session:
        work = make_work(session, world)

    def save(n: int) -> object:
        with live_database.transaction() as session:
            teacher = actor_of(session, (world.teacher_id, world.admin_id)[n])
            scores = [(work.aligned_id, 3, ""), (work.plain_id, 1, "")]
            return grading.save_feedback(session, teacher, work.submission_id, scores, f"From {n}", "graded")

    results = _at_once(2, save)
    winners = [r for r in results if isinstance(r, grading.SavedFeedback)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "already has feedback" in losers[0].message
    with live_database.transaction() as session:
        assert _count(session, Feedback, Feedback.submission_id == work.submission_id) == 1
        assert (
            _count(session, Evidence, Evidence.student_id == work.student_id, Evidence.kind == "rubric") == 1
        )
        assert _count(session, Message, Message.recipient_id == work.student_id) == 1
