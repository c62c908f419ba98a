"""Exports of attempts, mastery and grades (docs/exports.md): the content of each kind in CSV and Parquet
(typed columns read back with pyarrow), progress noted chunk by chunk, who may ask and download, a failure
marked failed with its reason, expired files cleaned, the JSON API, the page and ``atpace export``."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from atpace.config import Settings
from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import exports, grading
from atpace.services.grading import ScoreInput
from atpace.store.tables import Attempt, ClassTeacher, Enrollment, LearnerState, Skill, User, utcnow
from atpace.store.tables_audit import AuditEntry
from atpace.store.tables_exports import Export
from tests.service.authz_grading import make_work
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.web import TEST_SETTINGS, bearer, client_for

ARROW_TYPES = {
    "int": pa.int64(), "str": pa.string(), "bool": pa.bool_(), "float": pa.float64(),
    "time": pa.timestamp("us", tz="UTC"),
}  # fmt: skip


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(environment="test", secret_key="t" * 40, files_dir=tmp_path / "files")


def ask(database: RollbackDatabase, user_id: int, kind: str, fmt: str, class_id: int | None) -> int:
    with database.transaction() as session:
        return exports.request_export(
            session, actor_of(session, user_id), kind=kind, fmt=fmt, class_id=class_id
        ).id


def export_row(database: RollbackDatabase, export_id: int) -> Export:
    with database.transaction() as session:
        export = session.get(Export, export_id)
        assert export is not None
        session.expunge(export)
        return export


def read_rows(path: Path, fmt: str) -> list[dict[str, Any]]:
    if fmt == "csv":
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
        return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def run_and_read(
    database: RollbackDatabase, settings: Settings, export_id: int, fmt: str, chunk_rows: int = 7
) -> list[dict[str, Any]]:
    exports.run_export(database, settings, export_id, chunk_rows=chunk_rows)
    export = export_row(database, export_id)
    assert export.status == "done", export.error
    assert export.file_path is not None
    path = exports.exports_dir(settings) / export.file_path
    assert export.size == path.stat().st_size
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".part")] == []  # no temporary file left
    if fmt == "parquet":
        table = pq.read_table(path)
        kind = exports.KINDS[export.kind]
        assert table.schema.names == [c.name for c in kind.columns]
        for column in kind.columns:
            assert table.schema.field(column.name).type == ARROW_TYPES[column.type], column.name
        if export.rows_done > chunk_rows:  # written a chunk at a time
            assert pq.ParquetFile(path).metadata.num_row_groups > 1
    rows = read_rows(path, fmt)
    assert export.rows_done == export.rows_total == len(rows)
    return rows


def class_attempts(session: Session, world: World) -> list[Attempt]:
    return list(
        session.scalars(
            select(Attempt)
            .join(
                Enrollment,
                (Enrollment.user_id == Attempt.student_id) & (Enrollment.class_id == world.class_id),
            )
            .join(Skill, Skill.id == Attempt.skill_id)
            .where(Skill.course_id == world.course_id)
            .order_by(Attempt.id)
        )
    )


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_attempts_of_a_class(database: RollbackDatabase, world: World, settings: Settings, fmt: str) -> None:
    export_id = ask(database, world.teacher_id, "attempts", fmt, world.class_id)
    rows = run_and_read(database, settings, export_id, fmt)
    with database.transaction() as session:
        expected = class_attempts(session, world)
        assert len(expected) > 20  # the demo class has history
        first = expected[0]
        skill = session.get(Skill, first.skill_id)
        student = session.get(User, first.student_id)
        assert skill is not None and student is not None
        item_key = first.item.key
    header = [c.name for c in exports.KINDS["attempts"].columns]
    assert list(rows[0]) == header  # stable column order
    ids = [int(r["attempt_id"]) for r in rows]
    assert ids == [a.id for a in expected]  # every answer once, in order
    top = rows[0]
    if fmt == "csv":
        assert top["correct"] in ("true", "false") and top["answered_at"].endswith("Z")
        assert top["student_sourced_id"] == (student.sourced_id or "")
        assert (top["correct"] == "true") is first.correct
        assert top["duration_ms"] == ("" if first.duration_ms is None else str(first.duration_ms))
    else:
        assert top["correct"] is first.correct and top["answered_at"] == first.created_at
        assert top["student_sourced_id"] == student.sourced_id
        assert top["duration_ms"] == first.duration_ms and top["mastery_after"] == first.mastery_after
    assert str(top["student_id"]) == str(first.student_id) and str(top["class_id"]) == str(world.class_id)
    assert top["skill_key"] == skill.key and top["item_key"] == item_key and top["course_key"] == "fractions"
    assert top["response"] == first.response and top["source"] in (
        "practice",
        "history",
        "check",
        "placement",
    )


def test_a_response_that_looks_like_a_formula_is_defused_in_csv_only(
    database: RollbackDatabase, world: World, settings: Settings
) -> None:
    with database.transaction() as session:
        first = class_attempts(session, world)[0]
        session.add(
            Attempt(
                school_id=world.school_id,
                student_id=first.student_id,
                item_id=first.item_id,
                skill_id=first.skill_id,
                client_attempt_id="formula",
                response="=1+1",
                correct=False,
                mastery_before=0.1,
                mastery_after=0.1,
            )
        )
    csv_rows = run_and_read(database, settings, ask(database, world.admin_id, "attempts", "csv", None), "csv")
    assert csv_rows[-1]["response"] == "'=1+1"
    parquet = run_and_read(
        database, settings, ask(database, world.admin_id, "attempts", "parquet", None), "parquet"
    )
    assert parquet[-1]["response"] == "=1+1"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_mastery_per_student_and_skill(
    database: RollbackDatabase, world: World, settings: Settings, fmt: str
) -> None:
    rows = run_and_read(
        database, settings, ask(database, world.teacher_id, "mastery", fmt, world.class_id), fmt
    )
    with database.transaction() as session:
        states = {
            (s.student_id, s.skill_id): s
            for s in session.scalars(
                select(LearnerState)
                .join(Enrollment, Enrollment.user_id == LearnerState.student_id)
                .where(Enrollment.class_id == world.class_id)
            )
        }
        keys = dict(
            session.execute(select(Skill.key, Skill.id).where(Skill.course_id == world.course_id)).all()
        )
    assert len(rows) == len(states) > 0
    mastered = 0
    for row in rows:
        state = states[(int(row["student_id"]), keys[row["skill_key"]])]
        p = float(row["p_learned"])
        assert p == pytest.approx(state.p_learned)
        is_mastered = row["mastered"] if fmt == "parquet" else row["mastered"] == "true"
        assert is_mastered is (state.p_learned >= float(row["mastery_threshold"]))
        mastered += is_mastered
        assert int(row["attempts"]) == state.attempts and int(row["correct"]) == state.correct
        assert int(row["evidence_count"]) >= 0
    assert mastered > 0  # the demo's classmate has mastered skills
    if fmt == "parquet":
        with_practice = [r for r in rows if r["last_practice_at"] is not None]
        assert with_practice and all(r["last_practice_at"].tzinfo is not None for r in with_practice)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_grades_with_rubric_levels(
    database: RollbackDatabase, world: World, settings: Settings, fmt: str
) -> None:
    with database.transaction() as session:
        work = make_work(session, world)
        teacher = actor_of(session, world.teacher_id)
        grading.save_feedback(
            session, teacher, work.submission_id, [ScoreInput(work.aligned_id, 2), ScoreInput(work.plain_id, 1)],
            "Good.", "graded",
        )  # fmt: skip
        ungraded = make_work(session, world, student_id=world.classmate_id, title="Second task", rubric=False)
    rows = run_and_read(
        database, settings, ask(database, world.teacher_id, "grades", fmt, world.class_id), fmt
    )
    by_submission = {int(r["submission_id"]): r for r in rows}
    graded, plain = by_submission[work.submission_id], by_submission[ungraded.submission_id]
    assert float(graded["score"]) == 3 + 2 and float(graded["max_score"]) == 4 + 2
    assert graded["decision"] == "graded" and graded["status"] == "graded"
    levels = json.loads(graded["criterion_levels"])
    assert [(c["criterion"], c["level"], c["level_title"], c["points"]) for c in levels] == [
        ("Explains equivalence", 2, "Proficient", 3.0), ("Neat presentation", 1, "Developing", 2.0),
    ]  # fmt: skip
    assert graded["assignment"] == "Explain equivalent fractions" and str(graded["class_id"]) == str(
        world.class_id
    )
    if fmt == "csv":
        assert plain["score"] == plain["max_score"] == plain["criterion_levels"] == plain["decision"] == ""
        assert graded["late"] == "false" and graded["graded_at"].endswith("Z")
    else:
        assert plain["score"] is None and plain["criterion_levels"] is None and plain["decision"] is None
        assert graded["late"] is False and graded["graded_at"] is not None


def test_a_resubmission_exports_only_the_newest_version(
    database: RollbackDatabase, world: World, settings: Settings
) -> None:
    from tests.service.authz_grading import add_version

    with database.transaction() as session:
        work = make_work(session, world)
        newest = add_version(session, work.submission_id)
    rows = run_and_read(database, settings, ask(database, world.admin_id, "grades", "csv", None), "csv")
    ids = [int(r["submission_id"]) for r in rows]
    assert newest in ids and work.submission_id not in ids
    assert next(r for r in rows if int(r["submission_id"]) == newest)["version"] == "2"


def test_the_whole_school_names_each_answer_s_class(
    database: RollbackDatabase, world: World, settings: Settings
) -> None:
    rows = run_and_read(
        database, settings, ask(database, world.admin_id, "attempts", "parquet", None), "parquet"
    )
    with database.transaction() as session:
        total = session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.school_id == world.school_id)
        )
    assert len(rows) == total
    assert {r["class_id"] for r in rows} <= {world.class_id, world.other_class_id, None}


def test_progress_moves_chunk_by_chunk(database: RollbackDatabase, world: World, settings: Settings) -> None:
    export_id = ask(database, world.teacher_id, "attempts", "csv", world.class_id)
    assert export_row(database, export_id).status == "queued"
    seen: list[tuple[int, int, int, str]] = []

    def moved(done: int, total: int) -> None:
        export = export_row(database, export_id)  # what a page polling now would show
        seen.append((done, total, export.rows_done, export.status))

    exports.run_export(database, settings, export_id, progress=moved, chunk_rows=10)
    total = seen[0][1]
    assert seen[0] == (0, total, 0, "running") and total > 20
    done = [s[0] for s in seen]
    assert done == sorted(done) and len(done) == 1 + -(-total // 10) and done[-1] == total
    assert all(shown == d for d, _t, shown, _s in seen)  # committed before the callback: visible at once
    finished = export_row(database, export_id)
    assert finished.status == "done" and finished.finished_at is not None and finished.started_at is not None
    # a second delivery of the same job finds the export taken and does nothing
    exports.run_export(database, settings, export_id, progress=moved)
    assert len(seen) == len(done) and export_row(database, export_id).finished_at == finished.finished_at


def test_who_may_ask_see_and_download(database: RollbackDatabase, world: World, settings: Settings) -> None:
    for user, class_id, error in (
        (world.student_id, world.class_id, Forbidden),  # students never
        (world.teacher_id, None, Forbidden),  # the whole school: administrators only
        (world.teacher_id, world.other_class_id, Forbidden),  # a class they do not teach
        (world.foreign_teacher_id, world.class_id, NotFound),  # another school's class
    ):
        with pytest.raises(error), database.transaction() as session:
            exports.request_export(
                session, actor_of(session, user), kind="attempts", fmt="csv", class_id=class_id
            )
    with pytest.raises(InvalidInput) as bad, database.transaction() as session:
        exports.request_export(session, actor_of(session, world.admin_id), kind="users", fmt="csv")
    assert bad.value.field == "kind"
    with database.transaction() as session:  # a co-teacher exports the class too
        session.add(ClassTeacher(class_id=world.class_id, user_id=world.other_teacher_id, role="co-teacher"))
    co_taught = ask(database, world.other_teacher_id, "mastery", "parquet", world.class_id)
    mine = ask(database, world.teacher_id, "mastery", "csv", world.class_id)
    exports.run_export(database, settings, mine)
    with database.transaction() as session:
        colleague, admin = actor_of(session, world.other_teacher_id), actor_of(session, world.admin_id)
        foreign, teacher = actor_of(session, world.foreign_teacher_id), actor_of(session, world.teacher_id)
        with pytest.raises(Forbidden):
            exports.get_export(session, colleague, mine)
        with pytest.raises(Forbidden):
            exports.export_file(session, colleague, settings, mine)
        with pytest.raises(NotFound):
            exports.export_file(session, foreign, settings, mine)
        with pytest.raises(Conflict):  # not run yet: no file
            exports.export_file(session, colleague, settings, co_taught)
        assert exports.export_file(session, admin, settings, mine).path.is_file()
        assert exports.export_file(session, teacher, settings, mine).filename.endswith(f"-{mine}.csv")
        assert {e.id for e in exports.list_exports(session, teacher)} >= {mine}
        assert co_taught not in {e.id for e in exports.list_exports(session, teacher)}
        assert {mine, co_taught} <= {e.id for e in exports.list_exports(session, admin)}
        assert exports.list_exports(session, foreign) == []
        downloads = session.scalars(select(AuditEntry).where(AuditEntry.action == "export.downloaded")).all()
        assert [(d.actor_id, d.detail["export_id"]) for d in downloads] == [
            (world.admin_id, mine), (world.teacher_id, mine),
        ]  # fmt: skip
        asked = session.scalars(select(AuditEntry).where(AuditEntry.action == "export.requested")).all()
        assert {(a.actor_id, a.subject_id, a.detail["kind"]) for a in asked} >= {
            (world.teacher_id, world.class_id, "mastery"), (world.other_teacher_id, world.class_id, "mastery"),
        }  # fmt: skip


def test_a_few_exports_at_a_time_per_person(database: RollbackDatabase, world: World) -> None:
    for _ in range(exports.ACTIVE_MAX):
        ask(database, world.teacher_id, "attempts", "csv", world.class_id)
    with pytest.raises(Conflict):
        ask(database, world.teacher_id, "attempts", "csv", world.class_id)
    ask(database, world.admin_id, "attempts", "csv", world.class_id)  # someone else's are theirs


def test_a_failing_export_is_marked_failed_with_the_reason(
    database: RollbackDatabase, world: World, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the exports folder should be")
    settings = Settings(environment="test", secret_key="t" * 40, files_dir=blocker)
    export_id = ask(database, world.teacher_id, "attempts", "parquet", world.class_id)
    exports.run_export(database, settings, export_id)
    export = export_row(database, export_id)
    assert export.status == "failed" and export.file_path is None and export.finished_at is not None
    assert "Error" in export.error and len(export.error) <= 500
    with database.transaction() as session, pytest.raises(Conflict, match="failed"):
        exports.export_file(session, actor_of(session, world.teacher_id), settings, export_id)


def test_expired_exports_are_deleted_with_their_files(
    database: RollbackDatabase, world: World, settings: Settings
) -> None:
    old, new = (ask(database, world.admin_id, "mastery", "csv", None) for _ in range(2))
    for export_id in (old, new):
        exports.run_export(database, settings, export_id)
    path = exports.exports_dir(settings) / (export_row(database, old).file_path or "")
    assert path.is_file()
    assert exports.clean_expired(database, settings, now=utcnow() + timedelta(days=1)) == 0
    with database.transaction() as session:
        row = session.get(Export, old)
        assert row is not None
        row.expires_at = utcnow() - timedelta(minutes=1)
    assert exports.clean_expired(database, settings) == 1
    assert not path.exists()
    with database.transaction() as session:
        assert session.get(Export, old) is None and session.get(Export, new) is not None


# The faces -------------------------------------------------------------------------------------------


def run_queued(database: RollbackDatabase) -> list[int]:
    """Run the queued export jobs as a worker would (exports.run calls run_export)."""
    from atpace.store.tables_jobs import Job

    settings = Settings(**TEST_SETTINGS)  # type: ignore[arg-type]  # the web app's own, files_dir included
    with database.transaction() as session:
        queued = session.scalars(
            select(Job).where(Job.task == "exports.run", Job.status == "queued").order_by(Job.id)
        ).all()
        ids = [int(job.args["export_id"]) for job in queued]
    for export_id in ids:
        exports.run_export(database, settings, export_id)
    return ids


def test_the_api_from_request_to_download(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    teacher, colleague = bearer(database, world.teacher_id), bearer(database, world.other_teacher_id)
    body = {"kind": "attempts", "format": "parquet", "class_id": world.class_id}
    started = client.post("/api/exports", json=body, headers=teacher)
    assert started.status_code == 202, started.text
    status_url = started.json()["status_url"]
    assert status_url == f"/api/exports/{started.json()['id']}" and started.json()["status"] == "queued"
    assert run_queued(database) == [started.json()["id"]]  # its job was queued with it
    status = client.get(status_url, headers=teacher).json()
    assert status["status"] == "done" and status["percent"] == 100 and status["rows_done"] > 20
    download = client.get(status["file_url"], headers=teacher)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/vnd.apache.parquet"
    assert "attachment" in download.headers["content-disposition"]
    assert pq.read_table(io.BytesIO(download.content)).num_rows == status["rows_done"]
    assert client.get(status["file_url"], headers=colleague).status_code == 403
    assert client.get(status_url, headers=colleague).status_code == 403
    assert client.get(status_url, headers=bearer(database, world.foreign_teacher_id)).status_code == 404
    listed = client.get("/api/exports", headers=teacher).json()
    assert [e["id"] for e in listed][:1] == [status["id"]]
    bad = client.post("/api/exports", json={**body, "format": "xlsx"}, headers=teacher)
    assert bad.status_code == 422 and bad.json()["field"] == "format"
    whole = client.post("/api/exports", json={"kind": "grades"}, headers=teacher)
    assert whole.status_code == 403


def test_the_page_asks_shows_progress_and_links_the_file(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    admin = bearer(database, world.admin_id)
    page = client.get("/exports", headers=admin)
    assert page.status_code == 200 and "The whole school" in page.text and 'name="csrf_token"' in page.text
    asked = client.post("/exports", data={"kind": "mastery", "format": "csv", "class_id": ""}, headers=admin)
    assert asked.status_code == 303 and asked.headers["location"].startswith("/exports?started=")
    export_id = int(asked.headers["location"].rsplit("=", 1)[1])
    assert run_queued(database) == [export_id]
    listed = client.get(asked.headers["location"], headers=admin).text
    assert f'href="/api/exports/{export_id}/file"' in listed and "Whole school" in listed
    assert 'hx-trigger="every 2s"' not in listed  # nothing under way: no polling
    with database.transaction() as session:  # one under way: the table polls itself
        session.add(
            Export(school_id=world.school_id, requested_by_id=world.admin_id, kind="grades", format="csv")
        )
    partial = client.get("/exports", headers={**admin, "HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.text
    assert 'hx-trigger="every 2s"' in partial.text and "Waiting to start" in partial.text
    class_page = client.get(f"/classes/{world.class_id}", headers=bearer(database, world.teacher_id))
    assert (
        'id="export-form"' in class_page.text
        and f'name="class_id" value="{world.class_id}"' in class_page.text
    )
    assert "Export the whole school" in client.get("/admin/classes", headers=admin).text
    assert "1 under way: grades 0%." in partial.text
    assert client.get("/exports", headers=bearer(database, world.student_id)).status_code == 403


def test_the_command_line(
    database: RollbackDatabase, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from atpace.cli import exports as cli_exports
    from atpace.cli.main import app

    monkeypatch.setattr(cli_exports, "opened_database", lambda url: database)
    monkeypatch.setenv("ATPACE_FILES_DIR", str(tmp_path / "files"))
    runner = CliRunner()
    out = tmp_path / "mastery.parquet"
    done = runner.invoke(
        app, ["export", "mastery", "--school", "riverside", "--class", str(world.class_id), "--format", "parquet",
              "--out", str(out)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Wrote" in done.output and out.is_file()
    table = pq.read_table(out)
    assert table.num_rows > 0 and table.schema.field("p_learned").type == pa.float64()
    csv_out = tmp_path / "attempts.csv"
    school = runner.invoke(app, ["export", "attempts", "--school", "riverside", "--out", str(csv_out)])
    assert school.exit_code == 0, school.output
    assert csv_out.read_text(encoding="utf-8-sig").startswith("attempt_id,student_id,")
    for args, message in (
        (["--school", "nowhere", "--out", str(out)], "no school has the slug"),
        (["--school", "riverside", "--class", "999999", "--out", str(out)], "has no class 999999"),
        (["--school", "riverside", "--out", str(tmp_path)], "is a folder"),
        (["--school", "riverside", "--format", "xlsx", "--out", str(out)], "xlsx"),
    ):
        refused = runner.invoke(app, ["export", "grades", *args])
        assert refused.exit_code == 2 and message in " ".join(refused.output.split()), refused.output
    with database.transaction() as session:
        cli_asked = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "export.requested", AuditEntry.actor_id.is_(None))
        ).all()
        assert len(cli_asked) == 2


def test_the_column_dictionary_documents_every_column() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text(encoding="utf-8")
    for kind in exports.KINDS.values():
        section = doc.split(f"### {kind.name}\n", 1)[1].split("###", 1)[0]
        documented = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]
        assert documented == [c.name for c in kind.columns], kind.name
