"""Assignments in the authorization matrix: teachers see and change their own classes' work, students their
own work and files; another school's rows are missing (404)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.service.authz import CLASS_DATA, DECIDE_PAGE, STUDENT_DATA, Case, everyone
from tests.service.conftest import RollbackDatabase, World

PDF = b"%PDF-1.7\n%%EOF\n"
STUDENTS_ONLY = {**everyone(403), "student": 200, "classmate": 200, "foreign_student": 200}
OWN_WORK = {**everyone(403), "student": 200, "classmate": 200, "foreign_teacher": 404, "foreign_student": 404}
HAND_IN = {**OWN_WORK, "student": 201, "classmate": 201}
HAND_IN_PAGE = {**OWN_WORK, "student": 303, "classmate": 303}
SUBMISSIONS = {**CLASS_DATA, "student": 200, "classmate": 200}
CREATE = {**CLASS_DATA, "teacher": 201, "admin": 201}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    from atpace.services import assignments
    from atpace.services.auth import Actor
    from atpace.services.files import FileStore
    from atpace.store.tables import SubmissionFile, User
    from tests.service.web import TEST_SETTINGS

    with database.transaction() as session:
        teacher, student = session.get(User, world.teacher_id), session.get(User, world.student_id)
        assert teacher is not None and student is not None
        now = datetime.now(UTC)
        view = assignments.create_assignment(
            session, Actor.of(teacher), world.class_id,
            assignments.AssignmentInput(
                kind="task", title="Explain your poster", accepts_files=True, open_at=now - timedelta(days=2),
                due_at=now + timedelta(days=2),
            ),
        )  # fmt: skip
        store = FileStore(Path(str(TEST_SETTINGS["files_dir"])))
        handed_in = assignments.submit(
            session, Actor.of(student), store, view.id, "My poster", [assignments.Upload("poster.pdf", PDF)]
        )
        file_id = session.get(SubmissionFile, (handed_in.id, handed_in.files[0].id))
        assert file_id is not None
        return {"assignment": view.id, "assignment_file": file_id.file_id}


def _due(w: World, i: dict[str, int], a: str) -> dict[str, object]:
    return {"due_at": (datetime.now(UTC) + timedelta(days=9)).isoformat(), "reason": "authz"}


CASES = [
    Case("GET", "/api/classes/{class_id}/assignments", lambda w, i: f"/api/classes/{w.class_id}/assignments",
         CLASS_DATA),
    Case("POST", "/api/classes/{class_id}/assignments", lambda w, i: f"/api/classes/{w.class_id}/assignments",
         CREATE, body=lambda w, i, a: {"kind": "task", "title": f"Authz {a}"}),
    Case("GET", "/api/assignments/{assignment_id}", lambda w, i: f"/api/assignments/{i['assignment']}", CLASS_DATA),
    Case("PATCH", "/api/assignments/{assignment_id}", lambda w, i: f"/api/assignments/{i['assignment']}",
         CLASS_DATA, body=lambda w, i, a: {"title": f"Renamed by {a}"}),
    Case("POST", "/api/assignments/{assignment_id}/archive",
         lambda w, i: f"/api/assignments/{i['assignment']}/archive", CLASS_DATA),
    Case("PUT", "/api/assignments/{assignment_id}/extensions/{student_id}",
         lambda w, i: f"/api/assignments/{i['assignment']}/extensions/{w.student_id}", CLASS_DATA, body=_due),
    Case("GET", "/api/me/work", lambda w, i: "/api/me/work", STUDENTS_ONLY),
    Case("GET", "/api/me/work/{assignment_id}", lambda w, i: f"/api/me/work/{i['assignment']}", OWN_WORK),
    Case("GET", "/api/assignments/{assignment_id}/submissions",
         lambda w, i: f"/api/assignments/{i['assignment']}/submissions", SUBMISSIONS),
    Case("POST", "/api/assignments/{assignment_id}/submissions",
         lambda w, i: f"/api/assignments/{i['assignment']}/submissions", HAND_IN,
         body=lambda w, i, a: {"body": f"answer of {a}"}, form=True),
    Case("GET", "/api/files/{file_id}", lambda w, i: f"/api/files/{i['assignment_file']}", STUDENT_DATA),
    Case("GET", "/classes/{class_id}/assignments", lambda w, i: f"/classes/{w.class_id}/assignments", CLASS_DATA),
    Case("POST", "/classes/{class_id}/assignments", lambda w, i: f"/classes/{w.class_id}/assignments",
         DECIDE_PAGE, body=lambda w, i, a: {"kind": "task", "title": f"Authz {a}", "accepts_text": "on"}, form=True),
    Case("GET", "/assignments/{assignment_id}", lambda w, i: f"/assignments/{i['assignment']}", CLASS_DATA),
    Case("POST", "/assignments/{assignment_id}/edit", lambda w, i: f"/assignments/{i['assignment']}/edit",
         DECIDE_PAGE, body=lambda w, i, a: {"title": f"Renamed by {a}", "due_at": "2099-01-01T10:00"}, form=True),
    Case("POST", "/assignments/{assignment_id}/archive", lambda w, i: f"/assignments/{i['assignment']}/archive",
         DECIDE_PAGE, body=lambda w, i, a: {}, form=True),
    Case("POST", "/assignments/{assignment_id}/extensions",
         lambda w, i: f"/assignments/{i['assignment']}/extensions", DECIDE_PAGE,
         body=lambda w, i, a: {"student_id": w.student_id, "due_at": "2099-01-01T10:00", "reason": "authz"},
         form=True),
    Case("GET", "/work", lambda w, i: "/work", STUDENTS_ONLY),
    Case("GET", "/work/{assignment_id}", lambda w, i: f"/work/{i['assignment']}", OWN_WORK),
    Case("POST", "/work/{assignment_id}/submissions", lambda w, i: f"/work/{i['assignment']}/submissions",
         HAND_IN_PAGE, body=lambda w, i, a: {"body": f"answer of {a}", "step": "0"}, form=True),
    Case("GET", "/files/{file_id}", lambda w, i: f"/files/{i['assignment_file']}", STUDENT_DATA),
]  # fmt: skip
