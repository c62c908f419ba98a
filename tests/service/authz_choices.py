"""Choice boards and projects in the authorization matrix.

Boards: the class's staff create, edit, see picks and assess; the class's students see the board, pick and
hand in. Projects: the student whose project it is proposes, revises and hands in; the class's staff
decide, comment and assess. Everyone else of the school is refused (403); another school's rows are
missing (404). Within one case the actors go one after the other on the same rows: the teacher assesses or
decides first, so the admin's second try passes the access check and is refused as a conflict (409)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.service.authz import CLASS_DATA, STUDENT_DATA, Case, everyone
from tests.service.conftest import RollbackDatabase, World

STUDENTS_ONLY = {**everyone(403), "student": 200, "classmate": 200, "foreign_student": 200}
BOARD_READ = {**CLASS_DATA, "student": 200, "classmate": 200}
BOARD_STUDENT = {
    **everyone(403),
    "student": 200,
    "classmate": 200,
    "foreign_teacher": 404,
    "foreign_student": 404,
}
OWN_PROJECT = {**STUDENT_DATA, "teacher": 403, "admin": 403}
ONCE_BY_STAFF = {**CLASS_DATA, "teacher": 201, "admin": 409}
ONCE_BY_STAFF_PAGE = {**CLASS_DATA, "teacher": 303, "admin": 409}
PROPOSE = {**everyone(403), "student": 201, "classmate": 201, "foreign_student": 201}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    from atpace.services.assignments import Upload
    from atpace.services.choices import boards, projects
    from atpace.services.files import FileStore
    from tests.service.choice_fixtures import make_board, make_rubric, option_of, proposal
    from tests.service.conftest import actor_of
    from tests.service.web import TEST_SETTINGS

    store = FileStore(Path(str(TEST_SETTINGS["files_dir"])))
    with database.transaction() as session:
        rubric = make_rubric(session, world)
        student, classmate = actor_of(session, world.student_id), actor_of(session, world.classmate_id)
        teacher = actor_of(session, world.teacher_id)
        board = make_board(session, world, rubric)
        talk = boards.pick_option(session, student, board.id, option_of(board, "conference"))
        pick_board = make_board(session, world, rubric, title="Pick here")
        work_board = make_board(session, world, rubric, title="Hand in here")
        for who in (student, classmate):
            boards.pick_option(session, who, work_board.id, option_of(work_board, "explanation"))
        file_board = make_board(session, world, rubric, title="With a file")
        boards.pick_option(session, student, file_board.id, option_of(file_board, "product"))
        handed = boards.submit_work(
            session, student, store, file_board.id, "", [Upload("poster.txt", b"a poster")]
        )

        proposed = projects.propose(session, student, proposal(rubric.skill_key))
        approved = projects.propose(session, student, proposal(rubric.skill_key, title="Approved one"))
        projects.decide(session, teacher, approved.id, "approve")
        with_file = projects.submit_checkpoint(
            session, student, store, approved.id, 1, "notes", [Upload("notes.txt", b"some notes")]
        )
        finished = projects.propose(session, student, proposal(rubric.skill_key, title="Finished one"))
        projects.decide(session, teacher, finished.id, "approve")
        projects.submit_checkpoint(session, student, store, finished.id, 0, "The final work")
        return {
            "choice_rubric": rubric.rubric_id, "choice_skill": rubric.skill_key,
            "choice_criteria": [rubric.aligned_id, rubric.plain_id], "board": board.id,
            "board_options": [o.id for o in board.options], "conference_pick": talk.id,
            "pick_board": pick_board.id, "pick_option": option_of(pick_board, "product"),
            "work_board": work_board.id, "file_pick": handed.id, "pick_file": handed.files[0].id,
            "proposed_project": proposed.id, "approved_project": approved.id, "finished_project": finished.id,
            "project_file": with_file.checkpoints[0].files[0].id,
        }  # fmt: skip


def board_body(w: World, i: dict[str, object], actor: str) -> dict[str, object]:
    options = i["board_options"]
    assert isinstance(options, list)
    kinds = ("check", "explanation", "product", "conference")
    return {
        "title": f"Board of {actor}", "skill_keys": [i["choice_skill"]], "rubric_id": i["choice_rubric"],
        "options": [{"id": o, "kind": k} for o, k in zip(options, kinds, strict=True)],
    }  # fmt: skip


def new_board_body(w: World, i: dict[str, object], actor: str) -> dict[str, object]:
    body = board_body(w, i, actor)
    return {**body, "options": [{"kind": "check"}, {"kind": "explanation"}]}


def board_form(w: World, i: dict[str, object], actor: str) -> dict[str, object]:
    form: dict[str, object] = {
        "title": f"Board of {actor}", "skill_keys": i["choice_skill"], "rubric_id": str(i["choice_rubric"]),
    }  # fmt: skip
    options = i.get("board_options") if actor != "new" else None
    kinds = ("check", "explanation", "product", "conference")
    for n, kind in enumerate(kinds):
        form[f"option_{n}_kind"] = kind
        if isinstance(options, list):
            form[f"option_{n}_id"] = str(options[n])
    return form


def new_board_form(w: World, i: dict[str, object], actor: str) -> dict[str, object]:
    return {k: v for k, v in board_form(w, i, "new").items() if not k.endswith("_id") or k == "rubric_id"}


def scores(i: dict[str, object]) -> list[dict[str, object]]:
    criteria = i["choice_criteria"]
    assert isinstance(criteria, list)
    return [{"criterion_id": criteria[0], "level": 2}, {"criterion_id": criteria[1], "level": 1}]


def scores_form(i: dict[str, object]) -> dict[str, object]:
    return {f"level_{s['criterion_id']}": str(s["level"]) for s in scores(i)}


def proposal_body(w: World, i: dict[str, object], actor: str) -> dict[str, object]:
    from atpace.store.tables import utcnow

    day = (utcnow().date() + timedelta(days=3)).isoformat()
    return {
        "title": f"Project of {actor}", "question": "Why?", "skill_keys": [i["choice_skill"]],
        "checkpoints": [{"title": "Start", "due_on": day}],
    }  # fmt: skip


def proposal_form(w: World, i: dict[str, object], actor: str) -> dict[str, object]:
    body = proposal_body(w, i, actor)
    checkpoints = body.pop("checkpoints")
    assert isinstance(checkpoints, list)
    return {**body, "skill_keys": i["choice_skill"], "checkpoint_0_title": "Start",
            "checkpoint_0_due_on": checkpoints[0]["due_on"]}  # fmt: skip


def _work(w: World, i: dict[str, object], a: str) -> dict[str, object]:
    return {"body": f"Work of {a}"}


CASES = [
    Case("GET", "/api/classes/{class_id}/choice-boards", lambda w, i: f"/api/classes/{w.class_id}/choice-boards",
         CLASS_DATA),
    Case("POST", "/api/classes/{class_id}/choice-boards", lambda w, i: f"/api/classes/{w.class_id}/choice-boards",
         {**CLASS_DATA, "teacher": 201, "admin": 201}, body=new_board_body),
    Case("GET", "/api/my/choice-boards", lambda w, i: "/api/my/choice-boards", STUDENTS_ONLY),
    Case("GET", "/api/choice-boards/{board_id}", lambda w, i: f"/api/choice-boards/{i['board']}", BOARD_READ),
    Case("PUT", "/api/choice-boards/{board_id}", lambda w, i: f"/api/choice-boards/{i['board']}", CLASS_DATA,
         body=board_body),
    Case("PUT", "/api/choice-boards/{board_id}/pick", lambda w, i: f"/api/choice-boards/{i['pick_board']}/pick",
         BOARD_STUDENT, body=lambda w, i, a: {"option_id": i["pick_option"]}),
    Case("POST", "/api/choice-boards/{board_id}/work", lambda w, i: f"/api/choice-boards/{i['work_board']}/work",
         {**BOARD_STUDENT, "student": 201, "classmate": 201}, body=_work, form=True),
    Case("POST", "/api/choice-picks/{pick_id}/assessment",
         lambda w, i: f"/api/choice-picks/{i['conference_pick']}/assessment", ONCE_BY_STAFF,
         body=lambda w, i, a: {"scores": scores(i)}),
    Case("GET", "/api/choice-picks/{pick_id}/files/{file_id}",
         lambda w, i: f"/api/choice-picks/{i['file_pick']}/files/{i['pick_file']}", STUDENT_DATA),
    Case("GET", "/api/my/projects", lambda w, i: "/api/my/projects", STUDENTS_ONLY),
    Case("POST", "/api/projects", lambda w, i: "/api/projects", PROPOSE, body=proposal_body),
    Case("GET", "/api/classes/{class_id}/projects", lambda w, i: f"/api/classes/{w.class_id}/projects", CLASS_DATA),
    Case("GET", "/api/projects/{project_id}", lambda w, i: f"/api/projects/{i['proposed_project']}", STUDENT_DATA),
    Case("PUT", "/api/projects/{project_id}/proposal",
         lambda w, i: f"/api/projects/{i['proposed_project']}/proposal", OWN_PROJECT, body=proposal_body),
    Case("POST", "/api/projects/{project_id}/decision",
         lambda w, i: f"/api/projects/{i['proposed_project']}/decision", {**ONCE_BY_STAFF, "teacher": 200},
         body=lambda w, i, a: {"decision": "approve"}),
    Case("POST", "/api/projects/{project_id}/checkpoints/{position}/work",
         lambda w, i: f"/api/projects/{i['approved_project']}/checkpoints/2/work",
         {**OWN_PROJECT, "student": 201}, body=_work, form=True),
    Case("POST", "/api/projects/{project_id}/checkpoints/{position}/comment",
         lambda w, i: f"/api/projects/{i['approved_project']}/checkpoints/1/comment", CLASS_DATA,
         body=lambda w, i, a: {"comment": f"From {a}"}),
    Case("POST", "/api/projects/{project_id}/assessment",
         lambda w, i: f"/api/projects/{i['finished_project']}/assessment", ONCE_BY_STAFF,
         body=lambda w, i, a: {"rubric_id": i["choice_rubric"], "scores": scores(i)}),
    Case("GET", "/api/projects/{project_id}/files/{file_id}",
         lambda w, i: f"/api/projects/{i['approved_project']}/files/{i['project_file']}", STUDENT_DATA),
    # Pages
    Case("GET", "/choices", lambda w, i: "/choices", everyone(200)),
    Case("GET", "/classes/{class_id}/choices/new", lambda w, i: f"/classes/{w.class_id}/choices/new", CLASS_DATA),
    Case("POST", "/classes/{class_id}/choices", lambda w, i: f"/classes/{w.class_id}/choices",
         {**CLASS_DATA, "teacher": 303, "admin": 303}, body=new_board_form, form=True),
    Case("GET", "/choices/{board_id}", lambda w, i: f"/choices/{i['board']}", BOARD_READ),
    Case("GET", "/choices/{board_id}/edit", lambda w, i: f"/choices/{i['board']}/edit", CLASS_DATA),
    Case("POST", "/choices/{board_id}", lambda w, i: f"/choices/{i['board']}",
         {**CLASS_DATA, "teacher": 303, "admin": 303}, body=board_form, form=True),
    Case("POST", "/choices/{board_id}/pick", lambda w, i: f"/choices/{i['pick_board']}/pick",
         {**BOARD_STUDENT, "student": 303, "classmate": 303}, body=lambda w, i, a: {"option_id": str(i["pick_option"])},
         form=True),
    Case("POST", "/choices/{board_id}/work", lambda w, i: f"/choices/{i['work_board']}/work",
         {**BOARD_STUDENT, "student": 303, "classmate": 303}, body=_work, form=True),
    Case("GET", "/choices/picks/{pick_id}", lambda w, i: f"/choices/picks/{i['conference_pick']}", CLASS_DATA),
    Case("POST", "/choices/picks/{pick_id}/assess", lambda w, i: f"/choices/picks/{i['conference_pick']}/assess",
         ONCE_BY_STAFF_PAGE, body=lambda w, i, a: scores_form(i), form=True),
    Case("GET", "/choices/picks/{pick_id}/files/{file_id}",
         lambda w, i: f"/choices/picks/{i['file_pick']}/files/{i['pick_file']}", STUDENT_DATA),
    Case("GET", "/projects/new", lambda w, i: "/projects/new", STUDENTS_ONLY),
    Case("POST", "/projects", lambda w, i: "/projects", {k: 303 if v == 201 else v for k, v in PROPOSE.items()},
         body=proposal_form, form=True),
    Case("GET", "/projects/{project_id}", lambda w, i: f"/projects/{i['finished_project']}", STUDENT_DATA),
    Case("POST", "/projects/{project_id}/proposal", lambda w, i: f"/projects/{i['proposed_project']}/proposal",
         {**OWN_PROJECT, "student": 303}, body=proposal_form, form=True),
    Case("POST", "/projects/{project_id}/decision", lambda w, i: f"/projects/{i['proposed_project']}/decision",
         ONCE_BY_STAFF_PAGE, body=lambda w, i, a: {"decision": "approve"}, form=True),
    Case("POST", "/projects/{project_id}/checkpoints/{position}/work",
         lambda w, i: f"/projects/{i['approved_project']}/checkpoints/2/work", {**OWN_PROJECT, "student": 303},
         body=_work, form=True),
    Case("POST", "/projects/{project_id}/checkpoints/{position}/comment",
         lambda w, i: f"/projects/{i['approved_project']}/checkpoints/1/comment",
         {**CLASS_DATA, "teacher": 303, "admin": 303}, body=lambda w, i, a: {"comment": f"From {a}"}, form=True),
    Case("POST", "/projects/{project_id}/assess", lambda w, i: f"/projects/{i['finished_project']}/assess",
         ONCE_BY_STAFF_PAGE, body=lambda w, i, a: {"rubric_id": str(i["choice_rubric"]), **scores_form(i)}, form=True),
    Case("GET", "/projects/{project_id}/files/{file_id}",
         lambda w, i: f"/projects/{i['approved_project']}/files/{i['project_file']}", STUDENT_DATA),
]  # fmt: skip
