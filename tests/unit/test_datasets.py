from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from atpace.datasets import (
    DatasetFormatError,
    log_from_rows,
    read_akt,
    read_any,
    read_log,
    read_pybkt_csv,
    resolve_dataset,
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_akt_four_line_blocks_group_duplicated_multi_skill_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path, "x_pid.csv",
        "0,1001\n7,7,8,9\n3,4,3,3\n1,1,0,1\n1,1002\n8,\n4,\n0,\n",
    )  # fmt: skip
    log = read_akt(path)
    assert log.student_ids == ("0", "1") and len(log) == 5
    assert [log.item_ids[i] for i in log.item] == ["7", "7", "8", "9", "8"]
    assert [log.skill_ids[s] for s in log.skill] == ["3", "4", "3", "3", "4"]
    assert log.correct.tolist() == [1, 1, 0, 1, 0]
    # rows 0 and 1 are one attempt at problem 7 tagged with skills 3 and 4
    assert log.attempt.tolist() == [0, 0, 1, 2, 3]
    assert log.shares_attempt_with_previous().tolist() == [False, True, False, False, False]
    assert log.one_attempt_per_row().attempt.tolist() == [0, 1, 2, 3, 4]


def test_akt_same_problem_and_skill_again_is_a_second_attempt(tmp_path: Path) -> None:
    # problem 7 with skills 3 and 4 (one attempt), then problem 7 / skill 3 again with the same answer
    log = read_akt(write(tmp_path, "r_pid.csv", "0,1001\n7,7,7,7\n3,4,3,4\n1,1,1,1\n"))
    assert log.attempt.tolist() == [0, 0, 1, 1]


def test_akt_three_line_blocks_with_trailing_commas(tmp_path: Path) -> None:
    log = read_akt(write(tmp_path, "y.csv", "3\n5,5,6,\n1,0,1,\n2\n6,6,\n0,1,\n"))
    assert not log.has_items and len(log) == 5 and log.attempt.tolist() == [0, 1, 2, 3, 4]
    assert log.student_ids == ("y:0", "y:1")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0,1\n7,7\n3,4\n1,x\n", r"y\.csv:4: expected comma-separated integers, found 'x'"),
        ("0,1\n7,7\n3,4\n1,1\n1,2\n7\n3,4\n1\n", r"y\.csv:7: expected 1 values as on line 6, found 2"),
        ("0,1\n7,7\n3,4\n1,2\n", r"y\.csv:4: expected responses 0 or 1 only"),
        ("0,1\n7,7\n3,4\n1,1\n1,2\n", r"y\.csv:5: the file ends inside a block"),
        ("a,b,c\n1\n1\n", r"y\.csv:1: expected blocks of 3 lines"),
        ("", r"y\.csv: the file is empty"),
    ],
)
def test_akt_malformed_files_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DatasetFormatError, match=message):
        read_akt(
            write(tmp_path, "y.csv", text), lines_per_student=4 if "x" in text or "1,2" in text else None
        )


def test_pybkt_csv_splits_multi_skill_cells_and_orders_by_order_id(tmp_path: Path) -> None:
    path = write(
        tmp_path, "p.csv",
        "order_id,user_id,skill_name,correct,problem_id\n"
        "3,u1,A,1,p1\n1,u1,A~~B,0,p2\n2,u2,B,1,p3\n",
    )  # fmt: skip
    log = read_pybkt_csv(path)
    assert log.student_ids == ("u1", "u2")
    assert [log.skill_ids[s] for s in log.skill] == ["A", "B", "A", "B"]
    assert log.correct.tolist() == [0, 0, 1, 1]
    assert log.attempt.tolist() == [0, 0, 1, 2]
    assert read_any(path).correct.tolist() == log.correct.tolist()


def test_pybkt_csv_malformed_values_and_columns(tmp_path: Path) -> None:
    bad = write(tmp_path, "b.csv", "user_id,skill_name,correct\nu,A,1\nu,A,yes\n")
    with pytest.raises(
        DatasetFormatError, match=r"b\.csv:3: expected 0 or 1 in column 'correct', found 'yes'"
    ):
        read_pybkt_csv(bad)
    missing = write(tmp_path, "m.csv", "user_id,correct\nu,1\n")
    with pytest.raises(
        DatasetFormatError, match=r"m\.csv:1: expected columns 'skill_name' or 'KC\(Default\)'"
    ):
        read_pybkt_csv(missing)


def test_ids_are_text_and_a_row_without_its_order_is_refused(tmp_path: Path) -> None:
    log = read_log(write(tmp_path, "ids.csv", "student,skill,correct\n007,1,1\n7,1,0\n"))
    assert log.student_ids == ("007", "7")  # two students, not one number
    no_order = write(tmp_path, "o.csv", "user_id,skill_name,correct,order_id\na,s,1,1\na,s,0,\na,s,1,3\n")
    with pytest.raises(DatasetFormatError, match=r"o\.csv:3: expected a value in column 'order_id'"):
        read_pybkt_csv(no_order)
    bad_order = write(tmp_path, "b.csv", "user_id,skill_name,correct,order_id\na,s,1,first\n")
    with pytest.raises(DatasetFormatError, match=r"b\.csv:2: .*'order_id'"):
        read_pybkt_csv(bad_order)
    no_time = write(tmp_path, "t.csv", "student,skill,correct,timestamp\na,s,1,2024-01-01T10:00:00\na,s,0,\n")
    with pytest.raises(DatasetFormatError, match=r"t\.csv:3: expected a value in column 'timestamp'"):
        read_log(no_time)


def test_generic_csv_and_parquet_logs(tmp_path: Path) -> None:
    path = write(
        tmp_path, "g.csv",
        "student,item,skills,correct,timestamp\n"
        "s1,q2,add;sub,1,2026-01-02T10:00:00Z\ns1,q1,add,0,2026-01-01T10:00:00+00:00\ns2,q1,add,true,5\n",
    )  # fmt: skip
    log = read_log(path)
    assert [log.item_ids[i] for i in log.item] == ["q1", "q2", "q2", "q1"]  # s1 sorted by time
    assert log.attempt.tolist() == [0, 1, 1, 2]
    assert log.correct.tolist() == [0, 1, 1, 1]
    table = pa.table({"student": ["a", "a"], "skills": [["x", "y"], ["x"]], "correct": [1, 0]})
    pq.write_table(table, tmp_path / "g.parquet")
    parquet = read_any(tmp_path / "g.parquet")
    assert len(parquet) == 3 and parquet.attempt.tolist() == [0, 0, 1]
    trailing = read_log(write(tmp_path, "s.csv", "student,skills,correct\na,x;,1\na,x;;y,0\n"))
    assert [trailing.skill_ids[k] for k in trailing.skill] == ["x", "x", "y"]  # no skill-less rows
    bad = write(tmp_path, "t.csv", "student,skill,correct,timestamp\na,x,1,yesterday\n")

    with pytest.raises(DatasetFormatError, match=r"t\.csv:2: expected an ISO 8601 time"):
        read_log(bad)
    empty = write(tmp_path, "e.csv", "student,skill,correct\n,x,1\n")
    with pytest.raises(DatasetFormatError, match=r"e\.csv:2: expected a value in column 'student'"):
        read_log(empty)


def test_platform_rows_become_a_log() -> None:
    t0 = datetime(2026, 11, 1, 9, tzinfo=UTC)
    rows = [
        (2, 10, ["frac"], True, t0 + timedelta(minutes=5)),
        (1, 11, ["add", "frac"], False, t0),
        (2, 12, [], True, t0),
    ]
    log = log_from_rows(rows)
    assert log.student_ids == ("1", "2")
    assert [log.student_ids[s] for s in log.student] == ["2", "2", "1", "1"]
    assert [log.item_ids[i] for i in log.item] == ["12", "10", "11", "11"]  # student 2 by time
    assert log.skill[0] == -1 and log.attempt.tolist() == [0, 1, 2, 2]
    with pytest.raises(ValueError, match="row 0: expected a datetime"):
        log_from_rows([(1, 1, ["a"], True, "today")])  # type: ignore[list-item]
    no_item = log_from_rows([(1, None, ["a"], True, t0), (1, None, ["a"], False, t0 + timedelta(minutes=1))])
    assert no_item.item.tolist() == [-1, -1] and no_item.item_ids == ()  # not one shared item "None"


def test_dataset_names_resolve_through_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "toy").mkdir()
    monkeypatch.setenv("ATPACE_DATASETS_DIR", str(tmp_path))
    assert resolve_dataset("toy") == tmp_path / "toy"
    with pytest.raises(FileNotFoundError, match="no dataset folder 'absent'"):
        resolve_dataset("absent")
