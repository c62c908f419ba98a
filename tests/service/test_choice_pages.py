"""The choice board and project pages (SQLite and PostgreSQL): forms that save and forms that are refused
with the field named and what was typed kept; the same services as the API."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from atpace.store.tables import Evidence, utcnow
from atpace.store.tables_choices import ChoiceBoard, ChoiceOption, ChoicePick, Project
from tests.service.choice_fixtures import make_rubric
from tests.service.conftest import RollbackDatabase, World
from tests.service.school import Api


def test_board_pages_create_pick_hand_in_and_assess(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        rubric = make_rubric(session, world)
    teacher, student = Api(database, world.teacher_id), Api(database, world.student_id)
    assert teacher.get(f"/classes/{world.class_id}/choices/new").status_code == 200
    form = {
        "title": "Pick your way", "skill_keys": rubric.skill_key, "rubric_id": str(rubric.rubric_id),
        "option_0_kind": "check", "option_1_kind": "explanation", "option_1_title": "Write it",
        "due_on": (utcnow().date() - timedelta(days=2)).isoformat(),
    }  # fmt: skip
    refused = teacher.post(f"/classes/{world.class_id}/choices", data=form)
    assert refused.status_code == 422 and "in the past" in refused.text.lower()
    assert 'value="Pick your way"' in refused.text and 'name="due_on"' in refused.text
    created = teacher.post(f"/classes/{world.class_id}/choices", data={**form, "due_on": ""})
    assert created.status_code == 303, created.text
    board_url = created.headers["location"].split("?")[0]
    with database.transaction() as session:
        board = session.scalars(select(ChoiceBoard).where(ChoiceBoard.title == "Pick your way")).one()
    assert board_url == f"/choices/{board.id}"
    page = teacher.get(board_url).text
    assert f'href="/checks/{rubric.skill_key}"' in page and "Not picked yet" in page

    student_page = student.get(board_url).text
    assert 'id="pick-form"' in student_page and "Write it" in student_page
    with database.transaction() as session:
        write_it = session.scalars(
            select(ChoiceOption).where(ChoiceOption.board_id == board.id, ChoiceOption.kind == "explanation")
        ).one()
    nothing = student.post(f"{board_url}/pick", data={})
    assert nothing.status_code == 422 and "choose one of the ways" in nothing.text.lower()
    picked = student.post(f"{board_url}/pick", data={"option_id": str(write_it.id)})
    assert picked.status_code == 303
    empty = student.post(f"{board_url}/work", data={"body": "  "})
    assert empty.status_code == 422 and "nothing to hand in" in empty.text.lower()
    handed = student.post(
        f"{board_url}/work",
        data={"body": "Quarters"},
        files=[("files", ("q.txt", io.BytesIO(b"1/4"), "text/plain"))],
    )
    assert handed.status_code == 303
    with database.transaction() as session:
        pick = session.scalars(select(ChoicePick).where(ChoicePick.board_id == board.id)).one()
    assert f'href="/choices/picks/{pick.id}"' in teacher.get(board_url).text
    assess_page = teacher.get(f"/choices/picks/{pick.id}").text
    assert "Quarters" in assess_page and f'name="level_{rubric.aligned_id}"' in assess_page
    half = teacher.post(f"/choices/picks/{pick.id}/assess", data={f"level_{rubric.aligned_id}": "3"})
    assert half.status_code == 422 and "Presentation" in half.text and "checked" in half.text
    done = teacher.post(
        f"/choices/picks/{pick.id}/assess",
        data={f"level_{rubric.aligned_id}": "3", f"level_{rubric.plain_id}": "1", "comment": "Lovely"},
    )
    assert done.status_code == 303 and done.headers["location"] == f"{board_url}?saved=assessed"
    with database.transaction() as session:
        kinds = session.scalars(select(Evidence.kind).where(Evidence.student_id == world.student_id)).all()
    assert list(kinds) == ["rubric"]
    mine = student.get(board_url).text
    assert "Assessed" in mine and "Lovely" in mine and "Exemplary" in mine
    assert "Pick your way" in student.get("/choices").text


def test_project_pages_propose_decide_revise_and_assess(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        rubric = make_rubric(session, world)
    teacher, student = Api(database, world.teacher_id), Api(database, world.student_id)
    day = (utcnow().date() + timedelta(days=4)).isoformat()
    assert 'name="checkpoint_7_due_on"' in student.get("/projects/new").text
    form = {"title": "Pizza maths", "question": "How do we share pizzas fairly?", "skill_keys": rubric.skill_key,
            "checkpoint_0_title": "Plan", "checkpoint_0_due_on": day}  # fmt: skip
    no_skill = student.post("/projects", data={k: v for k, v in form.items() if k != "skill_keys"})
    assert (
        no_skill.status_code == 422
        and "choose at least one skill" in no_skill.text.lower()
        and "Pizza maths" in no_skill.text
    )
    created = student.post("/projects", data=form)
    assert created.status_code == 303
    path = created.headers["location"].split("?")[0]
    queue = teacher.get("/choices").text
    assert "Pizza maths" in queue and "1 waiting for you" in queue
    refused = teacher.post(f"{path}/decision", data={"decision": "changes"})
    assert refused.status_code == 422 and "comment" in refused.text.lower()
    assert (
        teacher.post(f"{path}/decision", data={"decision": "changes", "comment": "Add a tasting"}).status_code
        == 303
    )
    page = student.get(path).text
    assert "Add a tasting" in page and 'id="proposal-form"' in page
    revised = student.post(
        f"{path}/proposal", data={**form, "checkpoint_1_title": "Tasting", "checkpoint_1_due_on": day}
    )
    assert revised.status_code == 303
    assert teacher.post(f"{path}/decision", data={"decision": "approve"}).status_code == 303
    page = student.get(path).text
    assert "Proposal history" in page and "Version 1" in page and 'id="work-form-1"' in page
    assert student.post(f"{path}/checkpoints/1/work", data={"body": "Plan done"}).status_code == 303
    assert teacher.post(f"{path}/checkpoints/1/comment", data={"comment": "Good plan"}).status_code == 303
    assert student.post(f"{path}/checkpoints/0/work", data={"body": "All shared"}).status_code == 303
    teacher_page = teacher.get(f"{path}?rubric={rubric.rubric_id}").text
    assert f'name="level_{rubric.aligned_id}"' in teacher_page and "Good plan" in teacher_page
    assessed = teacher.post(
        f"{path}/assess",
        data={
            "rubric_id": str(rubric.rubric_id),
            f"level_{rubric.aligned_id}": "2",
            f"level_{rubric.plain_id}": "0",
        },
    )
    assert assessed.status_code == 303
    with database.transaction() as session:
        project = session.scalars(select(Project).where(Project.title == "Pizza maths")).one()
    assert project.status == "assessed" and "Final assessment" in student.get(path).text
