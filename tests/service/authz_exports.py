"""Exports in the authorization matrix: teachers and administrators only (students 403). A teacher exports a
class they teach (another class 403, another school's 404); an export and its file are for whoever asked and
the school's administrators (another teacher 403, another school 404)."""

from __future__ import annotations

from pathlib import Path

from atpace.store.tables import utcnow
from atpace.store.tables_exports import Export
from tests.service.authz import Case, everyone
from tests.service.conftest import RollbackDatabase, World
from tests.service.web import TEST_SETTINGS

STAFF = {**everyone(200), "student": 403, "classmate": 403, "foreign_student": 403}
ASK = {
    "student": 403, "classmate": 403, "teacher": 202, "other_teacher": 403, "admin": 202,
    "foreign_teacher": 404, "foreign_student": 403,
}  # fmt: skip
ASK_PAGE = {**ASK, "teacher": 303, "admin": 303}
OWN = {**ASK, "teacher": 200, "admin": 200}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    """A finished export of the main class asked for by its teacher, with its file."""
    relative = f"{world.school_id}/authz-export.csv"
    path = Path(str(TEST_SETTINGS["files_dir"])) / "exports" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("attempt_id\r\n", encoding="utf-8")
    with database.transaction() as session:
        export = Export(
            school_id=world.school_id, requested_by_id=world.teacher_id, class_id=world.class_id,
            kind="attempts", format="csv", status="done", rows_done=0, rows_total=0, file_path=relative,
            size=path.stat().st_size, error="", created_at=utcnow(), finished_at=utcnow(),
        )  # fmt: skip
        session.add(export)
        session.flush()
        return {"export": export.id}


CASES = [
    Case("GET", "/exports", lambda w, i: "/exports", STAFF),
    Case("POST", "/exports", lambda w, i: "/exports", ASK_PAGE,
         body=lambda w, i, a: {"kind": "mastery", "format": "csv", "class_id": str(w.class_id)}, form=True),
    Case("GET", "/api/exports", lambda w, i: "/api/exports", STAFF),
    Case("POST", "/api/exports", lambda w, i: "/api/exports", ASK,
         body=lambda w, i, a: {"kind": "attempts", "format": "parquet", "class_id": w.class_id}),
    Case("GET", "/api/exports/{export_id}", lambda w, i: f"/api/exports/{i['export']}", OWN),
    Case("GET", "/api/exports/{export_id}/file", lambda w, i: f"/api/exports/{i['export']}/file", OWN),
]  # fmt: skip
