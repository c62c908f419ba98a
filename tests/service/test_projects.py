"""Passion projects (SQLite and PostgreSQL): propose, ask for changes, revise (history kept), approve,
checkpoints handed in and commented, the final rubric assessment as evidence, validation, access, messages,
and two teachers deciding at once."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services.assignments import Upload
from atpace.services.choices import projects
from atpace.services.files import FileStore
from atpace.store.db import Database
from atpace.store.tables import ClassTeacher, Evidence, Message, utcnow
from atpace.store.tables_choices import ProjectProposal
from tests.service.choice_fixtures import make_project, make_rubric, proposal, skills_of
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.school import Api
from tests.service.test_choices import live_database  # noqa: F401  (the module's live databases)


def _count(session: Session, model: type, *where: object) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


@pytest.fixture
def files(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


def test_propose_revise_approve_checkpoints_and_final_assessment(
    session: Session, world: World, files: FileStore
) -> None:
    rubric = make_rubric(session, world)
    student, teacher = actor_of(session, world.student_id), actor_of(session, world.teacher_id)
    project = make_project(session, world, rubric.skill_key)
    assert project.status == "proposed" and project.revision == 1 and project.checkpoints == ()
    waiting = projects.class_projects(session, teacher, world.class_id)
    assert [p.id for p in waiting if p.waiting] == [project.id]

    with pytest.raises(InvalidInput) as no_comment:
        projects.decide(session, teacher, project.id, "changes", "  ")
    assert no_comment.value.field == "comment"
    asked = projects.decide(session, teacher, project.id, "changes", "Add a checkpoint where you test it")
    assert asked.status == "changes_requested"
    told = session.scalars(select(Message).where(Message.recipient_id == world.student_id)).all()
    assert [m.subject for m in told] == ["Changes asked on your project: Fractions in music"]
    with pytest.raises(Conflict, match="no longer waiting"):
        projects.decide(session, teacher, project.id, "approve")

    revised = projects.revise(
        session, student, project.id, proposal(rubric.skill_key, title="Fractions in rhythm")
    )
    assert revised.status == "proposed" and revised.revision == 2 and revised.title == "Fractions in rhythm"
    assert [(p.version, p.decision) for p in revised.proposals] == [(2, None), (1, "changes")]
    assert revised.proposals[1].comment == "Add a checkpoint where you test it"

    approved = projects.decide(session, teacher, project.id, "approve", "Go for it")
    assert approved.status == "approved" and approved.proposals[0].decision == "approved"
    assert [(c.position, c.title) for c in approved.checkpoints] == [
        (1, "Research notes"), (2, "First draft"), (0, "Final work")
    ]  # fmt: skip
    with pytest.raises(Conflict, match="settled"):
        projects.revise(session, student, project.id, proposal(rubric.skill_key))

    with pytest.raises(Conflict, match="not been handed in"):
        projects.comment_checkpoint(session, teacher, project.id, 1, "Nice")
    projects.submit_checkpoint(
        session, student, files, project.id, 1, "", [Upload("notes.txt", b"crotchets")]
    )
    with pytest.raises(Conflict, match="handed in already"):
        projects.submit_checkpoint(session, student, files, project.id, 1, "again")
    commented = projects.comment_checkpoint(session, teacher, project.id, 1, "Good sources")
    assert (
        commented.checkpoints[0].comment == "Good sources"
        and commented.checkpoints[0].files[0].name == "notes.txt"
    )
    with pytest.raises(NotFound):
        projects.submit_checkpoint(session, student, files, project.id, 7, "no such step")
    with pytest.raises(Conflict, match="not been handed in yet"):
        projects.assess_project(session, teacher, project.id, rubric.rubric_id, [])
    handed = projects.submit_checkpoint(session, student, files, project.id, 0, "My final piece")
    assert handed.status == "submitted"

    with pytest.raises(InvalidInput) as missing:
        projects.assess_project(session, teacher, project.id, rubric.rubric_id, [(rubric.aligned_id, 3, "")])
    assert missing.value.field == f"scores.{rubric.plain_id}"
    with pytest.raises(InvalidInput) as bad_rubric:
        projects.assess_project(session, teacher, project.id, 10**12, [])
    assert bad_rubric.value.field == "rubric_id"
    result = projects.assess_project(
        session,
        teacher,
        project.id,
        rubric.rubric_id,
        [(rubric.aligned_id, 2, ""), (rubric.plain_id, 1, "")],
        "Bravo",
    )
    assert [e.skill_key for e in result.effects] == [rubric.skill_key]
    rows = session.scalars(select(Evidence).where(Evidence.student_id == world.student_id)).all()
    assert [(r.kind, r.skill_id, round(r.credit or 0, 4)) for r in rows] == [
        ("rubric", rubric.skill_id, 0.6667)
    ]
    final = projects.project_view(session, student, project.id)
    assert final.status == "assessed" and final.assessment is not None and final.assessment.comment == "Bravo"
    assert final.effects[0].after == pytest.approx(result.effects[0].after)
    with pytest.raises(Conflict, match="already been assessed"):
        projects.assess_project(session, teacher, project.id, rubric.rubric_id, [])
    subjects = [
        m.subject for m in session.scalars(select(Message).where(Message.recipient_id == world.student_id))
    ]
    assert subjects[-1] == "Project assessed: Fractions in rhythm" and len(subjects) == 4


def test_proposal_validation_names_the_field_and_refuses_past_dates(session: Session, world: World) -> None:
    key = skills_of(session, world.course_id)[0].key
    student = actor_of(session, world.student_id)
    today = utcnow().date()
    good = proposal(key)
    cases = {
        "title": projects.ProposalInput(" ", good.question, good.skill_keys, good.checkpoints),
        "question": projects.ProposalInput("T", "", good.skill_keys, good.checkpoints),
        "skill_keys": projects.ProposalInput("T", "Q", [], good.checkpoints),
        "checkpoints": projects.ProposalInput("T", "Q", [key], []),
        "checkpoints.0.due_on": projects.ProposalInput(
            "T", "Q", [key], [projects.CheckpointInput("Start", today - timedelta(days=1))]
        ),
        "checkpoints.1.due_on": projects.ProposalInput(
            "T",
            "Q",
            [key],
            [
                projects.CheckpointInput("A", today + timedelta(5)),
                projects.CheckpointInput("B", today + timedelta(2)),
            ],
        ),
        "checkpoints.0.title": projects.ProposalInput("T", "Q", [key], [projects.CheckpointInput("", today)]),
        "class_id": None,
    }
    for field, data in cases.items():
        with pytest.raises(InvalidInput) as error:
            if data is None:
                projects.propose(session, student, good, world.other_class_id)
            else:
                projects.propose(session, student, data)
        assert error.value.field == field, field
    today_is_fine = projects.propose(
        session, student, projects.ProposalInput("T", "Q", [key], [projects.CheckpointInput("Now", today)])
    )
    assert today_is_fine.status == "proposed"


def test_access_rules(session: Session, world: World, files: FileStore) -> None:
    key = skills_of(session, world.course_id)[0].key
    project = make_project(session, world, key)
    for outsider in (world.foreign_teacher_id, world.foreign_student_id):
        with pytest.raises(NotFound):
            projects.project_view(session, actor_of(session, outsider), project.id)
        with pytest.raises(NotFound):
            projects.decide(session, actor_of(session, outsider), project.id, "approve")
    for other in (world.classmate_id, world.other_teacher_id):
        with pytest.raises(Forbidden):
            projects.project_view(session, actor_of(session, other), project.id)
    with pytest.raises(Forbidden):
        projects.decide(session, actor_of(session, world.student_id), project.id, "approve")
    with pytest.raises(Forbidden):
        projects.revise(session, actor_of(session, world.teacher_id), project.id, proposal(key))
    with pytest.raises(Forbidden):
        projects.propose(session, actor_of(session, world.teacher_id), proposal(key))
    with pytest.raises(Forbidden):
        projects.class_projects(session, actor_of(session, world.other_teacher_id), world.class_id)
    session.add(ClassTeacher(class_id=world.class_id, user_id=world.other_teacher_id))
    session.flush()
    approved = projects.decide(session, actor_of(session, world.other_teacher_id), project.id, "approve")
    assert approved.status == "approved"
    admin = actor_of(session, world.admin_id)
    assert [p.id for p in projects.staff_projects(session, admin)] == [project.id]
    assert [p.id for p in projects.my_projects(session, actor_of(session, world.student_id))] == [project.id]
    assert projects.my_projects(session, actor_of(session, world.classmate_id)) == []


def test_api_round_trip(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        rubric = make_rubric(session, world)
    teacher, student = Api(database, world.teacher_id), Api(database, world.student_id)
    day = (utcnow().date() + timedelta(days=2)).isoformat()
    body = {
        "title": "Bake a cake", "question": "How do fractions scale a recipe?", "skill_keys": [rubric.skill_key],
        "checkpoints": [{"title": "Recipe maths", "due_on": day}],
    }  # fmt: skip
    past = student.post("/api/projects", {**body, "checkpoints": [{"title": "Old", "due_on": "2001-01-01"}]})
    assert past.status_code == 422 and past.json()["field"] == "checkpoints.0.due_on"
    created = student.post("/api/projects", body)
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]
    queue = teacher.get(f"/api/classes/{world.class_id}/projects").json()
    assert [(p["id"], p["waiting"]) for p in queue] == [(project_id, True)]
    changes = teacher.post(f"/api/projects/{project_id}/decision", {"decision": "changes"})
    assert changes.status_code == 422 and changes.json()["field"] == "comment"
    assert (
        teacher.post(
            f"/api/projects/{project_id}/decision", {"decision": "changes", "comment": "More"}
        ).status_code
        == 200
    )
    revised = student.put(f"/api/projects/{project_id}/proposal", {**body, "title": "Bake two cakes"})
    assert revised.status_code == 200 and [p["version"] for p in revised.json()["proposals"]] == [2, 1]
    assert teacher.post(f"/api/projects/{project_id}/decision", {"decision": "approve"}).status_code == 200
    handed = student.post(
        f"/api/projects/{project_id}/checkpoints/1/work", None, data={"body": "3/4 cup times 2"},
        files=[("files", ("maths.txt", io.BytesIO(b"6/4"), "text/plain"))],
    )  # fmt: skip
    assert handed.status_code == 201, handed.text
    file_id = handed.json()["checkpoints"][0]["files"][0]["id"]
    assert teacher.get(f"/api/projects/{project_id}/files/{file_id}").content == b"6/4"
    commented = teacher.post(f"/api/projects/{project_id}/checkpoints/1/comment", {"comment": "Right!"})
    assert commented.status_code == 200 and commented.json()["checkpoints"][0]["comment"] == "Right!"
    assert (
        student.post(
            f"/api/projects/{project_id}/checkpoints/0/work", None, data={"body": "Cakes"}
        ).status_code
        == 201
    )
    scores = [{"criterion_id": rubric.aligned_id, "level": 3}, {"criterion_id": rubric.plain_id, "level": 1}]
    assessed = teacher.post(
        f"/api/projects/{project_id}/assessment", {"rubric_id": rubric.rubric_id, "scores": scores}
    )
    assert assessed.status_code == 201, assessed.text
    mine = student.get(f"/api/projects/{project_id}").json()
    assert mine["status"] == "assessed" and mine["effects"][0]["mastered_after"] in (True, False)
    assert student.get("/api/my/projects").json()[0]["status"] == "assessed"


def test_two_teachers_deciding_at_once_one_wins(live_database: Database) -> None:  # noqa: F811
    from tests.service.test_grading import _at_once, _small_world

    world = _small_world(live_database)
    with live_database.transaction() as session:
        key = skills_of(session, world.course_id)[0].key
        project = make_project(session, world, key)

    def decide(n: int) -> object:
        with live_database.transaction() as session:
            teacher = actor_of(session, (world.teacher_id, world.admin_id)[n])
            return projects.decide(session, teacher, project.id, ("approve", "changes")[n], "Because")

    results = _at_once(2, decide)
    assert sum(isinstance(r, projects.ProjectView) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    with live_database.transaction() as session:
        decided = session.scalars(
            select(ProjectProposal).where(ProjectProposal.project_id == project.id)
        ).all()
        assert len(decided) == 1 and decided[0].decision in ("approved", "changes")
        assert _count(session, Message, Message.recipient_id == world.student_id) == 1
