"""The manifest, the CSV layer and the row checks, on packages written for each case."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from atpace.interop.oneroster import read_roster

from .packages import ORGS, ROLES, USERS, package

ENROLMENTS = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role\n"
CLASSES = (
    "sourcedId,status,dateLastModified,title,courseSourcedId,classType,schoolSourcedId,termSourcedIds\n"
    "c-1,,,Class,k-1,scheduled,org-1,t-1\n"
)


def problems(roster_path: Path) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.file, p.line, p.column, p.message) for p in read_roster(roster_path).problems]


def warnings(roster_path: Path) -> list[str]:
    return [w.message for w in read_roster(roster_path).warnings]


def test_manifest_versions(tmp_path: Path) -> None:
    for version, expected in (("1.1", "1.1"), ("1.2", "1.2"), ("1.2.1", "1.2")):
        folder = package(tmp_path / version, {"orgs": ORGS}, version=version)
        roster = read_roster(folder)
        assert (roster.version, roster.problems) == (expected, [])
    roster = read_roster(package(tmp_path / "v10", {"orgs": ORGS}, version="1.0"))
    assert roster.version == "1.1" and "oneroster.version 1.0 with a manifest: read as 1.1" in [
        w.message for w in roster.warnings
    ]
    assert problems(package(tmp_path / "v2", {"orgs": ORGS}, version="2.0")) == [
        ("manifest.csv", 3, "value", "oneroster.version '2.0' is not supported (1.1 or 1.2)")
    ]
    folder = package(tmp_path / "none", {"orgs": ORGS, "manifest": "propertyName,value\nfile.orgs,bulk\n"})
    assert problems(folder) == [("manifest.csv", None, None, "oneroster.version is missing (1.1 or 1.2)")]


def test_manifest_file_modes(tmp_path: Path) -> None:
    folder = package(
        tmp_path / "p", {"orgs": ORGS}, {"users": "bulk", "classes": "sometimes", "results": "bulk"}
    )
    (folder / "notes.csv").write_text("a\n1\n")
    roster = read_roster(folder)
    assert [(p.line, p.column, p.message) for p in roster.problems] == [
        (5, "value", "users.csv is listed as bulk but missing"),
        (6, "value", "file.classes is 'sometimes', not absent, bulk or delta"),
    ]
    messages = [w.message for w in roster.warnings]
    assert "results.csv is bulk but atpace does not use it: ignored" in messages
    assert "not listed in the manifest: ignored" in messages
    assert roster.mode("classes") == "absent" and roster.mode("orgs") == "bulk"


def test_missing_required_column_is_one_problem_and_stops_that_file(tmp_path: Path) -> None:
    users = "sourcedId,status,dateLastModified,enabledUser,username,givenName\nu-1,,,true,ann,Ann\nu-2,,,true,bo,Bo\n"
    folder = package(tmp_path / "p", {"orgs": ORGS, "users": users, "roles": ROLES})
    assert problems(folder) == [("users.csv", 1, "familyName", "required column is missing")]


def test_delta_rows_need_status_and_date(tmp_path: Path) -> None:
    users = (
        "sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName\n"
        "u-1,,,true,ann,Ann,Lee\n"
        "u-2,Active,2025-01-02T03:04:05Z,true,bo,Bo,Li\n"
        "u-3,inactive,2025-01-02,,,,\n"
    )
    folder = package(tmp_path / "p", {"users": users}, {"users": "delta"})
    roster = read_roster(folder)
    assert [(p.line, p.column) for p in roster.problems] == [(2, "status"), (2, "dateLastModified")]
    assert [u.status for u in roster.users] == [None, "active", "tobedeleted"]
    assert roster.users[1].date_last_modified == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert roster.users[2].date_last_modified == datetime(2025, 1, 2, tzinfo=UTC)
    messages = " | ".join(w.message for w in roster.warnings)
    assert "'inactive' (OneRoster 1.0) read as 'tobedeleted'" in messages
    assert "date-times without a time zone read as UTC" in messages
    no_status = package(
        tmp_path / "q", {"users": "sourcedId,enabledUser,username,givenName,familyName\n"}, {"users": "delta"}
    )
    assert {p.column for p in read_roster(no_status).problems} == {"status", "dateLastModified"}


def test_malformed_csv_and_encoding(tmp_path: Path) -> None:
    bad_quote = ORGS + 'org-2,,,"Two" and more,school,,\n'
    assert problems(package(tmp_path / "a", {"orgs": bad_quote}))[0][:2] == ("orgs.csv", 3)
    unterminated = ORGS + 'org-2,,,"Two,school,,\norg-3,,,Three,school,,\n'
    found = problems(package(tmp_path / "b", {"orgs": unterminated}))
    assert found[0][:2] == ("orgs.csv", 3) and "malformed CSV" in found[0][3]
    latin1 = (ORGS + "org-2,,,Écol,school,,\n").encode("latin-1")
    assert problems(package(tmp_path / "c", {"orgs": latin1})) == [
        ("orgs.csv", 3, None, "not UTF-8 text (OneRoster files are UTF-8)")
    ]


def test_empty_files(tmp_path: Path) -> None:
    header_only = ORGS.splitlines()[0] + "\n"
    assert problems(package(tmp_path / "a", {"orgs": header_only})) == [
        ("orgs.csv", None, None, "a bulk file must have data rows (an empty one would deactivate everything)")
    ]
    assert "no data rows" in warnings(package(tmp_path / "b", {"orgs": header_only}, {"orgs": "delta"}))
    assert problems(package(tmp_path / "c", {"orgs": ""})) == [
        ("orgs.csv", None, None, "the file is empty (no header)")
    ]


def test_header_tolerance(tmp_path: Path) -> None:
    orgs = "SourcedId,status,dateLastModified,name,type,identifier,parentSourcedId,,metadata.ncesId\n"
    orgs += "org-1,,,One,school,,,,0123\n\n,,,,,,,,\norg-2,,,Two,school\n"
    roster = read_roster(package(tmp_path / "a", {"orgs": orgs}))
    assert roster.problems == []
    assert [(o.sourced_id, dict(o.extensions)) for o in roster.orgs] == [
        ("org-1", {"metadata.ncesId": "0123"}),
        ("org-2", {}),
    ]
    messages = [w.message for w in roster.warnings]
    assert "read as sourcedId (OneRoster column names are case-sensitive)" in messages
    assert "1 columns without a name ignored" in messages
    assert "blank rows skipped (2 rows from this one)" in messages
    assert "rows with fewer fields than the header: the missing ones read as empty" in messages
    twice = "sourcedId,status,dateLastModified,name,type,name\norg-1,,,One,school,Uno\n"
    assert problems(package(tmp_path / "b", {"orgs": twice})) == [
        ("orgs.csv", 1, "name", "the column appears twice")
    ]


def test_values(tmp_path: Path) -> None:
    sessions = (
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n"
        "t-1,,,Term,term,2025-09-01,2025-08-01,,26\n"
        "t-2,,,Term,ext:trimester,2025-09-01T00:00:00Z,2026-01-01,,2026\n"
        "t-3,,,Term,Semester,2025-09-01,2026-01-01,,2026\n"
    )
    roster = read_roster(package(tmp_path / "a", {"academicSessions": sessions}))
    assert {(p.line, p.column, p.message) for p in roster.problems} == {
        (2, "endDate", "endDate is before startDate"),
        (2, "schoolYear", "'26' is not a year (YYYY)"),
    }
    assert [s.type for s in roster.academic_sessions] == ["term", "ext:trimester", "semester"]
    assert roster.academic_sessions[1].start_date == date(2025, 9, 1)
    assert roster.academic_sessions[1].school_year == 2026


def test_identifiers(tmp_path: Path) -> None:
    orgs = ORGS + "org 2,,,Two,school,,\n" + "x" * 256 + ",,,Long,school,,\n"
    roster = read_roster(package(tmp_path / "a", {"orgs": orgs}))
    assert [(p.line, p.message) for p in roster.problems] == [(4, "longer than 255 characters")]
    assert any(w.message.startswith("ids with characters outside") for w in roster.warnings)


def test_problems_per_file_are_capped(tmp_path: Path) -> None:
    orgs = ORGS + "".join(f"org-{i},,,Org,campus,,\n" for i in range(1100))
    found = problems(package(tmp_path / "a", {"orgs": orgs}))
    assert len(found) == 1001 and found[0][1] == 3
    assert found[-1] == ("orgs.csv", 1003, None, "100 more problems in this file not listed")


def test_12_users_without_roles_csv(tmp_path: Path) -> None:
    roster = read_roster(package(tmp_path / "a", {"orgs": ORGS, "users": USERS}))
    assert roster.problems == [] and [u.role for u in roster.users] == [None]
    assert "roles.csv is absent: users keep the roles they have" in [w.message for w in roster.warnings]
    hybrid = (
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,givenName,familyName\n"
    )
    hybrid += "u-1,,,true,org-1,teacher,ann,Ann,Lee\n"
    roster = read_roster(package(tmp_path / "b", {"orgs": ORGS, "users": hybrid}))
    assert roster.problems == [] and [(u.role, u.org_sourced_ids) for u in roster.users] == [
        ("teacher", ("org-1",))
    ]


def test_users_and_enrolments_skipped(tmp_path: Path) -> None:
    users = USERS + "u-2,,,true,bo,,Bo,Li\nu-3,,,true,cy,,Cy,Ng\n"
    roles = ROLES + "r-3,,,u-3,primary,ext:mentor,,,org-1\n"
    enrolments = (
        ENROLMENTS + "e-1,,,c-1,org-1,u-1,student\ne-2,,,c-1,org-1,u-2,student\ne-3,,,c-1,org-1,u-3,student\n"
    )
    enrolments += "e-4,,,c-1,org-1,u-1,administrator\ne-5,,,c-1,org-2,u-1,teacher\n"
    folder = package(
        tmp_path / "a",
        {"orgs": ORGS, "users": users, "roles": roles, "enrollments": enrolments, "classes": CLASSES},
    )
    roster = read_roster(folder)
    assert roster.skipped_users == {"u-2": "", "u-3": "ext:mentor"}
    assert [e.sourced_id for e in roster.enrollments] == ["e-1", "e-5"]
    messages = [w.message for w in roster.warnings]
    assert "users without a role in roles.csv not imported" in messages
    assert "enrolments of users not imported skipped (2 rows from this one)" in messages
    assert any(m.startswith("skipped role administrator: enrolments") for m in messages)
    assert "enrolments whose school is not their class's ('org-2', not 'org-1')" in messages
    # classes.csv's course and term are in files this package marks absent: left to the database
    assert roster.unresolved_ids() == {"courses": {"k-1"}, "academicSessions": {"t-1"}}
    assert [(p.line, p.column) for p in roster.problems] == [
        (6, "schoolSourcedId")
    ]  # org-2 is not in orgs.csv


def test_role_choice_prefers_the_primary_org(tmp_path: Path) -> None:
    orgs = ORGS + "org-2,,,School Two,school,,\n"
    users = (
        "sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,primaryOrgSourcedId\n"
    )
    users += "u-1,,,true,ann,Ann,Lee,org-2\n"
    roles = ROLES.splitlines()[0] + "\nr-1,,,u-1,primary,student,,,org-1\nr-2,,,u-1,primary,teacher,,,org-2\n"
    roster = read_roster(package(tmp_path / "a", {"orgs": orgs, "users": users, "roles": roles}))
    assert roster.problems == []
    (user,) = roster.users
    assert (user.role, user.org_sourced_ids, user.primary_org_sourced_id) == (
        "teacher",
        ("org-2", "org-1"),
        "org-2",
    )


def test_delta_role_removal_and_unknown_user(tmp_path: Path) -> None:
    roles = ROLES.splitlines()[0] + "\nr-1,tobedeleted,2025-01-01T00:00:00Z,u-1,primary,teacher,,,org-1\n"
    roles += "r-2,active,2025-01-01T00:00:00Z,u-9,primary,student,,,org-1\n"
    users = USERS.replace("u-1,,,", "u-1,active,2025-01-01T00:00:00Z,")
    folder = package(tmp_path / "a", {"users": users, "roles": roles}, {"users": "delta", "roles": "delta"})
    roster = read_roster(folder)
    assert roster.problems == []
    assert [(u.sourced_id, u.role) for u in roster.users] == [("u-1", None)]  # its only role is being removed
    assert len(roster.roles) == 2 and roster.unresolved_ids() == {"orgs": {"org-1"}, "users": {"u-9"}}
    assert [(u.sourced_id, u.role) for u in roster.restricted_to({"org-1"}).users] == [("u-1", None)]
    assert roster.restricted_to({"org-2"}).users == []
