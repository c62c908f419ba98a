"""Choice boards (SQLite and PostgreSQL): creating and editing, picking and changing the pick, handing in,
assessment as rubric evidence on the board's skills, validation, access, and two teachers at once."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services.assignments import Upload
from atpace.services.choices import boards
from atpace.services.files import FileStore
from atpace.store.db import Database
from atpace.store.tables import ClassTeacher, Enrollment, Evidence, LearnerState, Message, utcnow
from atpace.store.tables_choices import ChoiceAssessment, ChoicePick
from tests.service.choice_fixtures import make_board, make_rubric, option_of, skills_of
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.school import Api


def _count(session: Session, model: type, *where: object) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


@pytest.fixture
def files(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


def test_board_lifecycle_pick_change_submit_assess_gives_rubric_evidence(
    session: Session, world: World, files: FileStore
) -> None:
    rubric = make_rubric(session, world)
    board = make_board(session, world, rubric)
    assert [o.kind for o in board.options] == ["check", "explanation", "product", "conference"]
    assert board.options[0].title == "Mastery check" and board.options[1].title == "Explain it in writing"
    assert boards.check_link(rubric.skill_key) == f"/checks/{rubric.skill_key}"
    student = actor_of(session, world.student_id)
    teacher = actor_of(session, world.teacher_id)

    first = boards.pick_option(session, student, board.id, option_of(board, "check"))
    changed = boards.pick_option(session, student, board.id, option_of(board, "explanation"))
    assert changed.id == first.id and changed.kind == "explanation" and changed.status == "picked"
    assert _count(session, ChoicePick, ChoicePick.board_id == board.id) == 1

    handed = boards.submit_work(
        session, student, files, board.id, "1/2 = 2/4: cut each half in two.",
        [Upload("drawing.txt", b"two halves, four quarters")],
    )  # fmt: skip
    assert (
        handed.status == "submitted" and handed.waiting and [f.name for f in handed.files] == ["drawing.txt"]
    )
    with pytest.raises(Conflict, match="pick is final"):
        boards.pick_option(session, student, board.id, option_of(board, "product"))

    seen = boards.board_view(session, teacher, board.id)
    assert [p.student_name for p in seen.waiting] == [handed.student_name]
    assert handed.student_name not in seen.not_picked and seen.not_picked  # the classmate has not picked
    assert next(o for o in seen.options if o.kind == "explanation").pick_count == 1

    before = session.scalar(
        select(LearnerState.p_learned).where(
            LearnerState.student_id == world.student_id, LearnerState.skill_id == rubric.skill_id
        )
    )
    result = boards.assess_pick(
        session, teacher, handed.id, [(rubric.aligned_id, 3, "Clear"), (rubric.plain_id, 1, "")], "Well done"
    )
    assert [e.skill_key for e in result.effects] == [rubric.skill_key]
    assert result.effects[0].after > result.effects[0].before
    if before is not None:
        assert result.effects[0].before == pytest.approx(before)
    evidence = session.scalars(
        select(Evidence).where(Evidence.student_id == world.student_id, Evidence.kind == "rubric")
    ).all()
    assert [(e.skill_id, e.credit) for e in evidence] == [(rubric.skill_id, 1.0)]
    state = session.scalar(
        select(LearnerState).where(
            LearnerState.student_id == world.student_id, LearnerState.skill_id == rubric.skill_id
        )
    )
    assert state is not None and state.p_learned == pytest.approx(result.effects[0].after)
    mine = boards.board_view(session, student, board.id)
    assert mine.mine is not None and mine.mine.status == "assessed"
    assert mine.mine.assessment is not None and mine.mine.assessment.criteria[0].level_title == "Exemplary"
    assert mine.mine.effects[0].after == pytest.approx(result.effects[0].after)
    note = session.scalar(select(Message).where(Message.recipient_id == world.student_id))
    assert note is not None and note.link == f"/choices/{board.id}" and note.kind == "feedback"
    with pytest.raises(Conflict, match="already been assessed"):
        boards.assess_pick(
            session, teacher, handed.id, [(rubric.aligned_id, 0, ""), (rubric.plain_id, 0, "")]
        )


def test_a_conference_is_assessed_without_work_and_a_check_is_not_assessed(
    session: Session, world: World, files: FileStore
) -> None:
    rubric = make_rubric(session, world)
    board = make_board(session, world, rubric)
    teacher = actor_of(session, world.teacher_id)
    talk = boards.pick_option(
        session, actor_of(session, world.student_id), board.id, option_of(board, "conference")
    )
    assert talk.waiting
    with pytest.raises(Conflict, match="nothing to hand in"):
        boards.submit_work(session, actor_of(session, world.student_id), files, board.id, "hello")
    result = boards.assess_pick(
        session, teacher, talk.id, [(rubric.aligned_id, 1, ""), (rubric.plain_id, 0, "")]
    )
    assert result.effects and result.effects[0].after < 0.5
    check = boards.pick_option(
        session, actor_of(session, world.classmate_id), board.id, option_of(board, "check")
    )
    assert not check.waiting
    with pytest.raises(Conflict, match="mastery check"):
        boards.assess_pick(session, teacher, check.id, [(rubric.aligned_id, 1, ""), (rubric.plain_id, 0, "")])
    with pytest.raises(Conflict, match="own page"):
        boards.submit_work(session, actor_of(session, world.classmate_id), files, board.id, "hello")


def test_levels_on_skills_outside_the_board_are_not_counted(
    session: Session, world: World, files: FileStore
) -> None:
    rubric = make_rubric(session, world)
    other_key = skills_of(session, world.course_id)[1].key
    teacher = actor_of(session, world.teacher_id)
    data = boards.BoardInput(
        "Another skill", [other_key], [boards.OptionInput("explanation"), boards.OptionInput("conference")],
        rubric_id=rubric.rubric_id,
    )  # fmt: skip
    board = boards.create_board(session, teacher, world.class_id, data)
    talk = boards.pick_option(
        session, actor_of(session, world.student_id), board.id, option_of(board, "conference")
    )
    result = boards.assess_pick(
        session, teacher, talk.id, [(rubric.aligned_id, 3, ""), (rubric.plain_id, 1, "")]
    )
    assert result.effects == () and "not one this work shows" in result.not_counted[0]
    assert _count(session, Evidence, Evidence.student_id == world.student_id, Evidence.kind == "rubric") == 0


def test_assessment_needs_a_level_on_every_criterion_and_work_first(
    session: Session, world: World, files: FileStore
) -> None:
    rubric = make_rubric(session, world)
    board = make_board(session, world, rubric)
    teacher = actor_of(session, world.teacher_id)
    pick = boards.pick_option(
        session, actor_of(session, world.student_id), board.id, option_of(board, "product")
    )
    with pytest.raises(Conflict, match="nothing handed in"):
        boards.assess_pick(session, teacher, pick.id, [(rubric.aligned_id, 1, ""), (rubric.plain_id, 0, "")])
    boards.submit_work(session, actor_of(session, world.student_id), files, board.id, "A poster")
    with pytest.raises(InvalidInput) as missing:
        boards.assess_pick(session, teacher, pick.id, [(rubric.aligned_id, 1, "")])
    assert missing.value.field == f"scores.{rubric.plain_id}"
    with pytest.raises(InvalidInput) as too_high:
        boards.assess_pick(session, teacher, pick.id, [(rubric.aligned_id, 9, ""), (rubric.plain_id, 0, "")])
    assert too_high.value.field == f"scores.{rubric.aligned_id}"
    assert _count(session, ChoiceAssessment) == 0


def test_board_validation_names_the_field(session: Session, world: World) -> None:
    rubric = make_rubric(session, world)
    teacher = actor_of(session, world.teacher_id)
    good = boards.BoardInput(
        "Board", [rubric.skill_key], [boards.OptionInput("check"), boards.OptionInput("explanation")],
        rubric_id=rubric.rubric_id,
    )  # fmt: skip
    cases = {
        "title": {"title": "  "},
        "skill_keys": {"skill_keys": ["no-such-skill"]},
        "options": {"options": [boards.OptionInput("check")]},
        "options.1.kind": {"options": [boards.OptionInput("check"), boards.OptionInput("essay")]},
        "rubric_id": {"rubric_id": None},
        "due_on": {"due_on": utcnow().date() - timedelta(days=1)},
    }
    for field, change in cases.items():
        with pytest.raises(InvalidInput) as error:
            boards.create_board(
                session, teacher, world.class_id, boards.BoardInput(**{**good.__dict__, **change})
            )
        assert error.value.field == field, field
    only_checks = boards.BoardInput(
        "Checks only",
        [rubric.skill_key],
        [boards.OptionInput("check"), boards.OptionInput("check", "Second try")],
    )
    assert boards.create_board(session, teacher, world.class_id, only_checks).rubric is None


def test_editing_keeps_picked_options(session: Session, world: World) -> None:
    rubric = make_rubric(session, world)
    board = make_board(session, world, rubric)
    teacher = actor_of(session, world.teacher_id)
    boards.pick_option(session, actor_of(session, world.student_id), board.id, option_of(board, "product"))
    keep = [boards.OptionInput(o.kind, o.title, o.description, o.id) for o in board.options]
    base = {"title": "Renamed", "skill_keys": [rubric.skill_key], "rubric_id": rubric.rubric_id}
    without_product = [o for o in keep if o.kind != "product"]
    with pytest.raises(Conflict, match="cannot be removed"):
        boards.update_board(session, teacher, board.id, boards.BoardInput(**base, options=without_product))
    without_check = [o for o in keep if o.kind != "check"]
    edited = boards.update_board(session, teacher, board.id, boards.BoardInput(**base, options=without_check))
    assert edited.title == "Renamed" and [o.kind for o in edited.options] == [
        "explanation",
        "product",
        "conference",
    ]
    renamed_kind = [
        boards.OptionInput("explanation" if o.kind == "product" else o.kind, o.title, "", o.id)
        for o in without_check
    ]
    with pytest.raises(Conflict, match="kind cannot change"):
        boards.update_board(session, teacher, board.id, boards.BoardInput(**base, options=renamed_kind))


def test_access_rules(session: Session, world: World, files: FileStore) -> None:
    rubric = make_rubric(session, world)
    board = make_board(session, world, rubric)
    pick = boards.pick_option(
        session, actor_of(session, world.student_id), board.id, option_of(board, "conference")
    )
    for outsider in (world.foreign_teacher_id, world.foreign_student_id):
        with pytest.raises(NotFound):
            boards.board_view(session, actor_of(session, outsider), board.id)
        with pytest.raises(NotFound):
            boards.assess_pick(session, actor_of(session, outsider), pick.id, [])
    with pytest.raises(Forbidden):
        boards.board_view(session, actor_of(session, world.other_teacher_id), board.id)
    with pytest.raises(Forbidden):
        boards.pick_option(
            session, actor_of(session, world.other_class_student_id), board.id, option_of(board, "check")
        )
    with pytest.raises(Forbidden):
        boards.pick_option(session, actor_of(session, world.teacher_id), board.id, option_of(board, "check"))
    with pytest.raises(Forbidden):
        boards.assess_pick(session, actor_of(session, world.student_id), pick.id, [])
    with pytest.raises(Forbidden):
        boards.create_board(
            session, actor_of(session, world.other_teacher_id), world.class_id, boards.BoardInput("x", [], [])
        )
    # A co-teacher assesses like the teacher.
    session.add(ClassTeacher(class_id=world.class_id, user_id=world.other_teacher_id))
    session.flush()
    done = boards.assess_pick(
        session,
        actor_of(session, world.other_teacher_id),
        pick.id,
        [(rubric.aligned_id, 2, ""), (rubric.plain_id, 1, "")],
    )
    assert done.student_id == world.student_id
    assert [b.id for b in boards.my_boards(session, actor_of(session, world.student_id))] == [board.id]
    assert boards.my_boards(session, actor_of(session, world.other_class_student_id)) == []


def test_api_round_trip(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        rubric = make_rubric(session, world)
    teacher, student = Api(database, world.teacher_id), Api(database, world.student_id)
    body = {
        "title": "Show fractions", "skill_keys": [rubric.skill_key], "rubric_id": rubric.rubric_id,
        "options": [{"kind": "check"}, {"kind": "explanation"}],
    }  # fmt: skip
    created = teacher.post(f"/api/classes/{world.class_id}/choice-boards", body)
    assert created.status_code == 201, created.text
    board = created.json()
    assert board["options"][0]["check_links"] == [f"/checks/{rubric.skill_key}"]
    bad = teacher.post(f"/api/classes/{world.class_id}/choice-boards", {**body, "due_on": "2000-01-01"})
    assert bad.status_code == 422 and bad.json()["field"] == "due_on"
    explanation = board["options"][1]["id"]
    picked = student.put(f"/api/choice-boards/{board['id']}/pick", {"option_id": explanation})
    assert picked.status_code == 200 and picked.json()["status"] == "picked"
    handed = student.post(
        f"/api/choice-boards/{board['id']}/work", None, data={"body": "Half of a half is a quarter."},
        files=[("files", ("notes.txt", io.BytesIO(b"quarters"), "text/plain"))],
    )  # fmt: skip
    assert handed.status_code == 201, handed.text
    pick = handed.json()
    file_id = pick["files"][0]["id"]
    assert teacher.get(f"/api/choice-picks/{pick['id']}/files/{file_id}").content == b"quarters"
    assert (
        Api(database, world.classmate_id).get(f"/api/choice-picks/{pick['id']}/files/{file_id}").status_code
        == 403
    )
    listed = teacher.get(f"/api/classes/{world.class_id}/choice-boards").json()
    assert listed[0]["waiting_count"] == 1
    scores = [{"criterion_id": rubric.aligned_id, "level": 2}, {"criterion_id": rubric.plain_id, "level": 1}]
    assessed = teacher.post(
        f"/api/choice-picks/{pick['id']}/assessment", {"scores": scores, "comment": "Good"}
    )
    assert assessed.status_code == 201, assessed.text
    assert assessed.json()["effects"][0]["skill_key"] == rubric.skill_key
    again = teacher.post(f"/api/choice-picks/{pick['id']}/assessment", {"scores": scores})
    assert again.status_code == 409
    mine = student.get(f"/api/choice-boards/{board['id']}").json()
    assert [p["status"] for p in mine["picks"]] == ["assessed"] and mine["not_picked"] == []
    assert mine["picks"][0]["assessment"]["criteria"][0]["level_title"] == "Proficient"
    assert student.get("/api/my/choice-boards").json()[0]["my_status"] == "assessed"


# Two teachers at once, on real transactions


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    import os

    from tests.service.conftest import POSTGRES_ENV
    from tests.service.test_concurrency import _postgres_database

    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('choices')) / 'choices.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        url = _postgres_database(server, "atpace_choices_concurrency_test")
    database = Database(url)
    database.upgrade()
    yield database
    database.engine.dispose()


def test_two_teachers_assessing_at_once_one_wins(live_database: Database) -> None:
    from tests.service.test_grading import _at_once, _small_world

    world = _small_world(live_database)
    with live_database.transaction() as session:
        rubric = make_rubric(session, world)
        board = make_board(session, world, rubric)
        pick = boards.pick_option(
            session, actor_of(session, world.student_id), board.id, option_of(board, "conference")
        )

    def assess(n: int) -> object:
        with live_database.transaction() as session:
            teacher = actor_of(session, (world.teacher_id, world.admin_id)[n])
            return boards.assess_pick(
                session, teacher, pick.id, [(rubric.aligned_id, 3, ""), (rubric.plain_id, 1, "")]
            )

    results = _at_once(2, assess)
    assert sum(isinstance(r, boards.AssessmentResult) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    with live_database.transaction() as session:
        assert _count(session, ChoiceAssessment, ChoiceAssessment.pick_id == pick.id) == 1
        assert (
            _count(session, Evidence, Evidence.student_id == world.student_id, Evidence.kind == "rubric") == 1
        )
        assert _count(session, Message, Message.recipient_id == world.student_id) == 1
        assert session.get(Enrollment, (world.class_id, world.student_id)) is not None
