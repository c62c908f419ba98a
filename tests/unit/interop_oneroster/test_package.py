"""Opening a folder or a zip: layout tolerance and zip safety."""

from __future__ import annotations

import zipfile
from pathlib import Path

from atpace.interop.oneroster import read_roster

from .packages import FIXTURES, ORGS, ROLES, USERS, package


def zip_folder(folder: Path, target: Path, prefix: str = "", extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.writestr(prefix + path.name, path.read_bytes())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return target


def test_a_zip_reads_like_its_folder(tmp_path: Path) -> None:
    folder = read_roster(FIXTURES / "v12_bulk")
    zipped = read_roster(zip_folder(FIXTURES / "v12_bulk", tmp_path / "roster.zip"))
    assert zipped.problems == []
    assert zipped.users == folder.users and zipped.classes == folder.classes
    assert zipped.enrollments == folder.enrollments and zipped.warnings == folder.warnings


def test_files_inside_one_folder_of_the_zip_are_read_with_a_warning(tmp_path: Path) -> None:
    target = zip_folder(
        FIXTURES / "v11_bulk",
        tmp_path / "nested.zip",
        "export/",
        {"__MACOSX/export/._users.csv": b"\x00\x05"},
    )
    roster = read_roster(target)
    assert roster.problems == [] and len(roster.users) == 3
    assert any("inside the folder export/" in w.message and w.file == "nested.zip" for w in roster.warnings)


def test_unsafe_member_names_refuse_the_zip(tmp_path: Path) -> None:
    for name in (
        "../manifest.csv",
        "/etc/manifest.csv",
        "a/../../users.csv",
        "C:/roster/users.csv",
        "..\\x.csv",
    ):
        target = zip_folder(FIXTURES / "v11_bulk", tmp_path / "evil.zip", extra={name: b"x"})
        roster = read_roster(target)
        assert [p.message for p in roster.problems] == [f"the zip names an unsafe path: {name!r}"]
        assert roster.users == [] and roster.problems[0].file == "evil.zip"


def test_size_limits(tmp_path: Path) -> None:
    target = zip_folder(FIXTURES / "v12_bulk", tmp_path / "big.zip")
    roster = read_roster(target, max_bytes=2000)
    assert [p.message for p in roster.problems] == [
        "the zip is larger than the limit of 2000 bytes once uncompressed"
    ]
    roster = read_roster(FIXTURES / "v12_bulk", max_bytes=2000)
    assert [p.message for p in roster.problems] == ["the CSV files are larger than the limit of 2000 bytes"]


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    target = tmp_path / "bomb.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.csv", "propertyName,value\noneroster.version,1.2\nfile.users,bulk\n")
        archive.writestr("users.csv", b"0" * (40 * 1024 * 1024))  # 40 MiB of zeros, 40 KiB compressed
    assert target.stat().st_size < 100 * 1024
    roster = read_roster(target, max_bytes=10 * 1024 * 1024)
    assert len(roster.problems) == 1 and "larger than the limit" in roster.problems[0].message


def test_too_many_members(tmp_path: Path) -> None:
    target = tmp_path / "many.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for index in range(1001):
            archive.writestr(f"f{index}.csv", "")
    roster = read_roster(target)
    assert [p.message for p in roster.problems] == [
        "the zip has 1001 members; a OneRoster package has at most a few dozen"
    ]


def test_not_a_package(tmp_path: Path) -> None:
    (tmp_path / "notes.zip").write_bytes(b"PK but not really")
    roster = read_roster(tmp_path / "notes.zip")
    assert (
        len(roster.problems) == 1 and "neither a folder nor a readable zip file" in roster.problems[0].message
    )
    roster = read_roster(tmp_path / "nowhere")
    assert [p.message for p in roster.problems] == ["nowhere: no such file or folder"]
    (tmp_path / "empty").mkdir()
    roster = read_roster(tmp_path / "empty")
    assert roster.problems[0].message.startswith("no manifest.csv")


def test_a_folder_holding_the_package_in_a_subfolder(tmp_path: Path) -> None:
    package(tmp_path / "outer" / "inner", {"orgs": ORGS, "users": USERS, "roles": ROLES})
    roster = read_roster(tmp_path / "outer")
    assert roster.problems == [] and [u.role for u in roster.users] == ["student"]
    assert any("inside the folder inner/" in w.message for w in roster.warnings)


def test_file_names_in_another_case(tmp_path: Path) -> None:
    folder = package(tmp_path / "p", {"orgs": ORGS, "roles": ROLES})
    (folder / "Users.csv").write_text(USERS)
    (folder / "manifest.csv").write_text(
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.orgs,bulk\nfile.roles,bulk\nfile.users,bulk\n"
    )
    roster = read_roster(folder)
    assert roster.problems == [] and len(roster.users) == 1
    assert any(w.file == "Users.csv" and "read as users.csv" in w.message for w in roster.warnings)
