"""Packages published by others (tests/fixtures/oneroster/SOURCES.md): Moodle's OneRoster plugin test data."""

from __future__ import annotations

from datetime import UTC, date, datetime

from atpace.interop.oneroster import read_roster

from .packages import FIXTURES

MOODLE = FIXTURES / "moodle-enrol_oneroster"


def test_moodle_11_full_data_set() -> None:
    roster = read_roster(MOODLE / "Test_full_data_set.zip")
    assert roster.problems == []
    assert roster.version == "1.1"
    assert [
        len(roster.orgs),
        len(roster.academic_sessions),
        len(roster.classes),
        len(roster.enrollments),
    ] == [1, 5, 2, 6]
    assert [u.sourced_id for u in roster.users] == [
        "usr-222-123456",
        "usr-222-66778899",
        "usr-222-987654",
        "usr-222-1234561232",
        "usr-222-567891",
    ]
    assert roster.skipped_users == {"usr-222-1234561": "parent"}
    john = roster.users[0]
    assert (john.role, john.username, john.email, john.org_sourced_ids) == (
        "teacher",
        "john.doe",
        "john.doe@myschool.com",
        ("org-sch-222-456",),
    )
    assert roster.users[2].user_ids == (("LDAP", "12"), ("LTI", "15"))
    assert john.date_last_modified == datetime(2023, 5, 1, tzinfo=UTC)  # a date where a date-time is due
    # the 1.0 status 'inactive' is read as tobedeleted, with a warning; 'Scheduled' and 'TRUE' as spec values
    statuses = [s.status for s in roster.academic_sessions]
    assert statuses == ["tobedeleted", "active", "tobedeleted", "active", "active"]
    assert roster.classes[0].class_type == "scheduled" and john.enabled_user is True
    assert roster.classes[0].subjects == ("Science", "Physics", "Biology")
    assert roster.classes[1].term_sourced_ids == ("as-trm-222-1234", "as-trm-222-1235")
    assert roster.academic_sessions[0].start_date == date(2022, 10, 2)
    messages = " | ".join(w.message for w in roster.warnings)
    assert "'inactive' (OneRoster 1.0) read as 'tobedeleted'" in messages
    assert "('Scheduled' as 'scheduled')" in messages and "('TRUE' as 'true')" in messages
    assert "6 passwords not imported" in messages
    # courses.csv is absent from this package: the classes' courses are for the database to find
    assert roster.unresolved_ids() == {"courses": {"crs-222-2023-456-12345", "crs-222-2023-456-23456"}}


def test_moodle_11_minimal_data_set() -> None:
    roster = read_roster(MOODLE / "Test_minimal_data_set.zip")
    assert roster.problems == []
    assert [u.status for u in roster.users] == [None] * 5
    assert {u.role for u in roster.users} == {"teacher", "student"}
    assert [e.role for e in roster.enrollments] == [
        "teacher",
        "student",
        "student",
        "teacher",
        "student",
        "student",
    ]
    assert all(e.primary is None and e.begin_date is None for e in roster.enrollments)


def test_moodle_12_delta_one_row_each() -> None:
    roster = read_roster(MOODLE / "oneroster_test_data.zip")
    assert roster.problems == []
    assert roster.version == "1.2" and set(roster.modes.values()) == {"delta"}
    assert (roster.source_system_name, roster.source_system_code) == ("DataGen", "DataGen")
    (bruce,) = roster.users
    assert (bruce.sourced_id, bruce.given_name, bruce.family_name, bruce.role, bruce.org_sourced_ids) == (
        "USER_0",
        "Bruce",
        "Wayne",
        "student",
        ("ORG_1",),
    )
    assert roster.orgs[0].name == "Gotham High School"
    assert roster.courses[0].title == "Crime Fighting 101"
    assert dict(roster.demographics[0].fields) == {"birthDate": "2010-04-17"}
    assert roster.unresolved == []
    assert any("userProfiles.csv is delta but atpace does not use it" in w.message for w in roster.warnings)


def test_moodle_12_full_data_set_is_refused_for_its_dates() -> None:
    roster = read_roster(MOODLE / "v1p2_full_dataset.zip")
    assert {(p.file, p.line, p.column) for p in roster.problems} == {
        ("users.csv", line, "dateLastModified") for line in (2, 4, 5, 6, 7)
    }
    assert roster.problems[0].message.startswith("'1/05/2023' is not an ISO 8601 date-time")
    # the rest is read: roles from roles.csv, a site administrator with a secondary role only
    roles = {u.sourced_id: u.role for u in roster.users}
    assert roles == {
        "usr-222-123456": "teacher",
        "usr-222-66778899": "student",
        "usr-222-1234561": "admin",
        "usr-222-987654": "teacher",
        "usr-222-1234561232": "student",
        "usr-222-567891": "student",
    }
    warned = {(w.file, w.column) for w in roster.warnings}
    assert ("roles.csv", "dataLastModified") in warned  # the typo is an unknown column
    assert ("users.csv", "prefferedGivenName") in warned
    assert ("userprofiles.csv", None) in warned  # present, lower case, and marked absent
    assert any(w.message == "2 columns without a name ignored" for w in roster.warnings)
