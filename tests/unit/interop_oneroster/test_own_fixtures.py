"""The hand-written packages of tests/fixtures/oneroster (see SOURCES.md for what each one exercises)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from atpace.interop.oneroster import Issue, RosterFile, read_roster

from .packages import FIXTURES


def where(issues: list[Issue]) -> set[tuple[str, int | None, str | None]]:
    return {(issue.file, issue.line, issue.column) for issue in issues}


def test_v12_bulk_reads_every_table() -> None:
    roster = read_roster(FIXTURES / "v12_bulk")
    assert roster.problems == []
    assert (roster.version, roster.manifest_version) == ("1.2", "1.0")
    assert (roster.source_system_name, roster.source_system_code) == ("Riverside SIS", "RSIS")
    assert {table for table, mode in roster.modes.items() if mode == "bulk"} == {
        "orgs",
        "academicSessions",
        "courses",
        "classes",
        "users",
        "roles",
        "enrollments",
        "demographics",
    }
    counts = [len(roster.orgs), len(roster.academic_sessions), len(roster.courses), len(roster.classes)]
    assert counts == [4, 3, 3, 3]
    assert [len(roster.users), len(roster.roles), len(roster.enrollments), len(roster.demographics)] == [
        7,
        10,
        8,
        2,
    ]
    assert roster.unresolved == []


def test_quoted_fields_with_commas_quotes_and_a_newline() -> None:
    roster = read_roster(FIXTURES / "v12_bulk")
    maths, science, history = roster.classes
    assert maths.title == 'Maths 7A, room "B"'
    assert maths.location == "Building B\nRoom 12"
    assert maths.term_sourced_ids == ("as-t1", "as-t2")
    assert maths.periods == ("1", "3")
    assert (maths.line, science.line, history.line) == (2, 4, 5)  # the quoted newline takes a line
    assert science.class_code == "" and science.grades == () and science.subjects == ()
    assert roster.courses[0].title == "Mathematics, grade 7"
    assert roster.courses[1].subjects == ("Science", "Physics")
    assert roster.courses[1].school_year_sourced_id is None


def test_bom_unknown_column_and_extensions() -> None:
    roster = read_roster(FIXTURES / "v12_bulk")
    teacher, student = roster.users[0], roster.users[1]
    assert teacher.sourced_id == "usr-t1"  # the BOM is not part of the first header
    assert teacher.user_ids == (("LDAP", "tkato"), ("SIS", "T-1"))
    assert student.family_name == "Okafor, Jr."
    assert (student.middle_name, student.preferred_given_name) == ("Chioma", "Addie")
    assert student.grades == ("07",) and student.agent_sourced_ids == ("usr-g1",)
    assert dict(student.extensions) == {"metadata.house": "Blue"} and dict(teacher.extensions) == {}
    assert Issue("users.csv", 1, "nickname", "unknown column ignored") in roster.warnings
    assert roster.users[5].enabled_user is False and teacher.enabled_user is True
    assert teacher.status is None and teacher.date_last_modified is None


def test_roles_map_to_one_atpace_role_per_user() -> None:
    roster = read_roster(FIXTURES / "v12_bulk")
    roles = {user.sourced_id: (user.role, user.oneroster_role, user.org_sourced_ids) for user in roster.users}
    assert roles == {
        "usr-t1": ("teacher", "teacher", ("org-s1",)),
        "usr-s1": ("student", "student", ("org-s1",)),
        "usr-s2": ("student", "student", ("org-s1",)),
        "usr-a1": ("admin", "siteAdministrator", ("org-s1",)),
        "usr-t2": ("teacher", "teacher", ("org-s2",)),
        "usr-s3": ("student", "student", ("org-s2",)),
        # primary parent and aide, secondary teacher: the one role atpace has wins
        "usr-x1": ("teacher", "teacher", ("org-s1", "org-s2")),
    }
    assert roster.skipped_users == {"usr-g1": "guardian"}
    assert any("skipped role guardian" in w.message and w.line == 6 for w in roster.warnings)
    teacher_role = roster.users[0].roles[0]
    assert (teacher_role.sourced_id, teacher_role.role_type, teacher_role.begin_date) == (
        "rol-t1",
        "primary",
        date(2025, 9, 1),
    )


def test_enrolments_and_demographics() -> None:
    roster = read_roster(FIXTURES / "v12_bulk")
    first = roster.enrollments[0]
    assert (first.class_sourced_id, first.user_sourced_id, first.role, first.primary) == (
        "cls-m7a",
        "usr-t1",
        "teacher",
        True,
    )
    assert roster.enrollments[1].primary is None and roster.enrollments[2].primary is False
    assert "enr-8" not in {e.sourced_id for e in roster.enrollments}  # proctor
    assert any("skipped role proctor" in w.message for w in roster.warnings)
    ada = roster.demographics[0]
    assert ada.sourced_id == "usr-s1"
    assert dict(ada.fields) == {
        "birthDate": "2013-04-17",
        "sex": "female",
        "americanIndianOrAlaskaNative": "false",
        "asian": "false",
        "blackOrAfricanAmerican": "true",
        "nativeHawaiianOrOtherPacificIslander": "false",
        "white": "false",
        "demographicRaceTwoOrMoreRaces": "false",
        "hispanicOrLatinoEthnicity": "false",
        "countryOfBirthCode": "NG",
        "cityOfBirth": "Lagos",
    }
    assert [d.sourced_id for d in roster.demographics] == ["usr-s1", "usr-s2"]  # the guardian's is dropped


def test_file_present_but_marked_absent_is_ignored() -> None:
    roster = read_roster(FIXTURES / "v12_bulk")
    assert (
        Issue("categories.csv", None, None, "present but marked absent in the manifest: ignored")
        in roster.warnings
    )


def test_rows_of_another_school_are_left_out_by_restricted_to() -> None:
    roster = read_roster(FIXTURES / "v12_bulk")
    school = roster.restricted_to({"org-s1"})
    assert [org.sourced_id for org in school.orgs] == ["org-s1", "org-s1-math"]  # with its department
    assert [c.sourced_id for c in school.courses] == ["crs-math7", "crs-sci7"]
    assert [c.sourced_id for c in school.classes] == ["cls-m7a", "cls-s7a"]
    assert [u.sourced_id for u in school.users] == ["usr-t1", "usr-s1", "usr-s2", "usr-a1", "usr-x1"]
    assert school.users[-1].org_sourced_ids == ("org-s1",)
    assert [e.sourced_id for e in school.enrollments] == [
        "enr-1",
        "enr-2",
        "enr-3",
        "enr-4",
        "enr-5",
        "enr-9",
    ]
    assert len(school.academic_sessions) == 3
    skipped = {w.file: w.message for w in school.warnings if "other orgs" in w.message}
    assert skipped == {
        "orgs.csv": "2 rows of other orgs skipped",
        "courses.csv": "1 rows of other orgs skipped",
        "classes.csv": "1 rows of other orgs skipped",
        "users.csv": "2 users of other orgs skipped",
        "enrollments.csv": "2 rows of other orgs skipped",
    }
    assert len(roster.users) == 7  # the original is unchanged
    hilltop = roster.restricted_to({"org-s2"})
    assert {u.sourced_id: u.role for u in hilltop.users} == {
        "usr-t2": "teacher",
        "usr-s3": "student",
    }  # x1 is an aide there


def test_v11_layout() -> None:
    roster = read_roster(FIXTURES / "v11_bulk")
    assert roster.problems == []
    assert roster.version == "1.1"
    assert roster.roles == []  # no roles.csv in 1.1: roles are on the users
    users = {u.sourced_id: u for u in roster.users}
    assert set(users) == {"u-teacher", "u-student", "u-admin"}
    assert users["u-admin"].role == "admin" and users["u-admin"].oneroster_role == "administrator"
    assert users["u-admin"].org_sourced_ids == ("org-d1", "org-s1")
    assert [r.sourced_id for r in users["u-admin"].roles] == [None, None]
    assert users["u-teacher"].user_ids == (("LDAP", "mjones"),)
    assert roster.skipped_users == {"u-parent": "parent"}
    assert any(w.column == "password" for w in roster.warnings)
    assert not hasattr(users["u-teacher"], "password")
    assert roster.modes["roles"] == "absent"


def test_v12_delta_leaves_rows_of_the_database_unresolved() -> None:
    roster = read_roster(FIXTURES / "v12_delta")
    assert roster.problems == [] and roster.warnings == []
    assert {t: m for t, m in roster.modes.items() if m != "absent"} == {
        "users": "delta",
        "roles": "delta",
        "enrollments": "delta",
    }
    updated, deleted, new = roster.users
    assert (updated.status, updated.family_name, updated.grades) == ("active", "Okafor-Smith", ("08",))
    assert updated.date_last_modified == datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
    assert updated.role is None and updated.roles == ()  # no role row in this delta: the role stays as it is
    assert (deleted.sourced_id, deleted.status, deleted.username, deleted.enabled_user) == (
        "usr-s2",
        "tobedeleted",
        "",
        None,
    )
    assert new.role == "student" and new.date_last_modified == datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
    gone, added = roster.enrollments
    assert (gone.status, gone.role, gone.class_sourced_id) == ("tobedeleted", None, "")
    assert (added.status, added.begin_date) == ("active", date(2025, 10, 1))
    assert roster.unresolved_ids() == {"classes": {"cls-m7a"}, "orgs": {"org-s1"}}
    problems = roster.missing_ref_problems({"classes": {"cls-m7a"}})
    assert where(problems) == {("enrollments.csv", 3, "classSourcedId")}


def test_each_problem_has_its_file_line_and_column() -> None:
    roster = read_roster(FIXTURES / "errors")
    assert not roster.ok
    assert where(roster.problems) == {
        ("academicSessions.csv", 1, "schoolYear"),  # missing required column
        ("classes.csv", 2, "classType"),  # 'lab'
        ("users.csv", 3, "enabledUser"),  # 'yes'
        ("users.csv", 5, "sourcedId"),  # duplicate, after a quoted newline on lines 3-4
        ("users.csv", 6, "givenName"),  # empty
        ("users.csv", 7, "status"),  # 'deleted'
        ("enrollments.csv", 3, "beginDate"),  # 15/09/2025
        ("enrollments.csv", 3, "classSourcedId"),  # a class not in classes.csv
        ("enrollments.csv", 4, None),  # 11 fields
        ("enrollments.csv", 5, "userSourcedId"),  # a user not in users.csv
    }
    messages = {(p.file, p.line): p.message for p in roster.problems}
    assert messages[("users.csv", 5)] == "duplicate sourcedId 'usr-1' (first on line 2)"
    assert messages[("academicSessions.csv", 1)] == "required column is missing"
    assert messages[("enrollments.csv", 5)] == "'usr-404' is not in users.csv"
    # the classes' terms are not checked against an academicSessions.csv that could not be read
    assert not any(p.column == "termSourcedIds" for p in roster.problems)
    assert (
        str(roster.problems[0])
        == "academicSessions.csv line 1, column schoolYear: required column is missing"
    )


def test_problems_are_sorted_by_file_then_line() -> None:
    roster: RosterFile = read_roster(FIXTURES / "errors")
    files = [p.file for p in roster.problems]
    assert files == sorted(
        files, key=["academicSessions.csv", "classes.csv", "users.csv", "enrollments.csv"].index
    )
    enrolment_lines = [p.line or 0 for p in roster.problems if p.file == "enrollments.csv"]
    assert enrolment_lines == sorted(enrolment_lines)
