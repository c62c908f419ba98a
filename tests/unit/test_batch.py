"""Batch refit and report over a Parquet attempts log: one process and a Dask LocalCluster agree exactly."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from atpace.batch import RefitOptions, connect, refit_parquet
from atpace.batch.refit import plan
from atpace.batch.synthetic import skill_parameters, write_attempts
from atpace.cli import app
from atpace.engine.bkt_online import SkillParameters


@pytest.fixture(scope="module")
def log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "attempts.parquet"
    write_attempts(path, 12_000, n_skills=8, n_courses=2, skills_per_student=4, row_group_rows=1_500, seed=3)
    return path


def test_synthetic_log_has_the_export_layout(log_path: Path) -> None:
    table = pq.read_table(log_path)
    assert table.num_rows == 12_000
    assert table.schema.field("answered_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("correct").type == pa.bool_()
    assert len(set(table["attempt_id"].to_pylist())) == 12_000
    assert len(plan([log_path], 4_000)) == 3  # 8 row groups of 1,500 rows, cut at 4,000 rows or more


def test_in_process_result_does_not_depend_on_the_partitioning(log_path: Path) -> None:
    one = refit_parquet(log_path)
    other = refit_parquet(log_path, buckets=5, rows_per_task=1_000)
    assert one.to_json() == other.to_json()
    assert one.attempts == 12_000
    assert [(s.course_key, s.skill_key) for s in one.skills] == sorted(
        (f"course-{i % 2}", f"skill-{i:03d}") for i in range(8)
    )


def test_one_process_and_a_two_worker_local_cluster_give_identical_results(log_path: Path) -> None:
    here = refit_parquet(log_path, rows_per_task=4_000)
    with connect("local:2") as client:
        assert client is not None
        assert len(client.scheduler_info()["workers"]) == 2
        there = refit_parquet(log_path, client=client, rows_per_task=4_000)
        again = refit_parquet(log_path, client=client, buckets=3, rows_per_task=1_000)
        # the same cluster reached by its address, as a multi-node cluster's scheduler is
        address = client.scheduler_info()["address"]
        assert address.startswith("tcp://")
        with connect(address) as remote:
            far = refit_parquet(log_path, client=remote)
    assert there.to_json() == here.to_json()
    assert again.to_json() == here.to_json()
    assert far.to_json() == here.to_json()


def test_report_counts_and_fitted_parameters(log_path: Path) -> None:
    result = refit_parquet(log_path)
    table = pq.read_table(log_path)
    skill_keys = np.array(table["skill_key"].to_pylist())
    correct = np.array(table["correct"].to_pylist())
    students = np.array(table["student_id"].to_pylist())
    truth = skill_parameters(8, seed=3)
    for line in result.skills:
        rows = skill_keys == line.skill_key
        assert line.attempts == int(rows.sum())
        assert line.correct == int(correct[rows].sum())
        assert line.students == len(set(students[rows].tolist()))
        assert line.accuracy == pytest.approx(line.correct / line.attempts)
        assert line.params is not None and line.mastered_students is not None
        assert 0 <= line.mastered_students <= line.students
        # about 1,500 answers per skill: the fit lands near the generating guess and slip
        index = int(line.skill_key.split("-")[1])
        assert abs(line.params["guess"] - truth[index, 2]) < 0.1
        assert abs(line.params["slip"] - truth[index, 3]) < 0.1
    params = result.parameters()
    assert sorted(params) == ["course-0", "course-1"]
    loaded = SkillParameters.from_json(params["course-0"].to_json())
    assert sorted(loaded.by_skill) == ["skill-000", "skill-002", "skill-004", "skill-006"]


def test_small_skills_are_reported_not_fitted(log_path: Path) -> None:
    result = refit_parquet(log_path, RefitOptions(min_attempts=100_000))
    assert all(s.params is None and s.mastered_students is None for s in result.skills)
    assert result.parameters()["course-0"].by_skill == {}
    assert result.attempts == 12_000


def test_bad_input_is_refused(tmp_path: Path, log_path: Path) -> None:
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"student_id": [1], "correct": [True]}), other)
    with pytest.raises(ValueError, match="missing columns attempt_id, course_key, skill_key, answered_at"):
        refit_parquet(other)
    with pytest.raises(FileNotFoundError):
        refit_parquet(tmp_path / "absent.parquet")
    with pytest.raises(FileNotFoundError):
        refit_parquet(tmp_path / "empty")
    with pytest.raises(ValueError, match="buckets"):
        refit_parquet(log_path, buckets=0)
    with pytest.raises(ValueError, match="mastery_threshold"):
        refit_parquet(log_path, RefitOptions(mastery_threshold=1.0))
    for spec in ("local:0", "local:x", "somewhere"):
        with pytest.raises(ValueError, match="expected"), connect(spec):
            pass


def test_rows_with_missing_values_are_left_out(tmp_path: Path, log_path: Path) -> None:
    table = pq.read_table(log_path)
    skill = table["skill_key"].to_pylist()
    skill[0] = None
    holed = table.set_column(table.schema.get_field_index("skill_key"), "skill_key", pa.array(skill))
    folder = tmp_path / "export"
    folder.mkdir()
    pq.write_table(holed, folder / "part-0.parquet", row_group_size=5_000)
    assert refit_parquet(folder).attempts == 11_999


def test_cli_refit_parquet(tmp_path: Path, log_path: Path) -> None:
    out = tmp_path / "params.json"
    result = CliRunner().invoke(
        app, ["kt", "refit-parquet", str(log_path), "--scheduler", "none", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 8 fitted skills of 8 (12000 attempts)" in result.output
    data = json.loads(out.read_text())
    assert data["format"] == "atpace.batch-refit"
    assert data["courses"]["course-1"]["format"] == "atpace.bkt-params"
    assert len(data["report"]) == 8
    bad = CliRunner().invoke(app, ["kt", "refit-parquet", str(log_path), "--scheduler", "nowhere"])
    assert bad.exit_code == 2
