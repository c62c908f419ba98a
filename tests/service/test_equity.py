"""The equity report (issue 12, section 7): subgroups a school chooses (none by default), values from a
OneRoster demographics.csv or set by an administrator (one at a time, by CSV), numbers per subgroup on a
built school with known growth, practice time and attention, small-group and complementary suppression,
and who sees what (the school's administrators the school, teachers their own classes)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.interop.oneroster import read_roster
from atpace.services import equity
from atpace.services.auth import Actor, create_user
from atpace.services.equity import subgroups
from atpace.services.equity.categories import from_demographics
from atpace.services.roster import import_roster
from atpace.services.school.user_csv import CsvRejected
from atpace.services.schools import create_school
from atpace.store.tables import (
    Attempt,
    Classroom,
    ClassTeacher,
    Course,
    Enrollment,
    Evidence,
    Item,
    ItemSkill,
    Message,
    Role,
    School,
    Skill,
    SkillOverride,
    StudentGroup,
    StudentGroupMember,
    User,
    utcnow,
)
from atpace.store.tables_audit import AuditEntry
from atpace.store.tables_equity import EquityCategory, SubgroupValue
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.web import bearer, client_for

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "oneroster"
TODAY = utcnow().date()
PERIOD = equity.period(TODAY - timedelta(days=55), TODAY)


# The suppression rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([10, 30], ["", ""]),  # 10 students: shown
        ([9, 30], ["small", "complement"]),  # 9: hidden, and the other too (total - 30 = the 9)
        ([9, 12, 30], ["small", "complement", ""]),  # the smallest shown group is hidden with it
        ([5, 6, 30], ["small", "small", ""]),  # two hidden groups of 11 together: enough
        ([3, 4, 30, 40], ["small", "small", "complement", ""]),  # 3 + 4 = 7 could be worked out: one more
        ([0, 30, 40], ["small", "", ""]),  # a value nobody has hides no student
        ([4, 5], ["small", "small"]),
        ([], []),
    ],
)
def test_suppression(sizes: list[int], expected: list[str]) -> None:
    assert equity.suppress(sizes) == expected


def test_categories_map_oneroster_demographics() -> None:
    assert from_demographics("sex", {"sex": "female"}) == "female"
    assert from_demographics("sex", {"sex": "ext:X-nonbinary"}) == "other"
    assert from_demographics("sex", {}) is None
    race = "race_ethnicity"
    assert from_demographics(race, {"asian": "true", "white": "false"}) == "asian"
    assert (
        from_demographics(race, {"asian": "true", "hispanicOrLatinoEthnicity": "true"})
        == "hispanic_or_latino"
    )
    assert from_demographics(race, {"asian": "true", "white": "true"}) == "two_or_more_races"
    assert from_demographics(race, {"demographicRaceTwoOrMoreRaces": "true"}) == "two_or_more_races"
    assert from_demographics(race, {"asian": "false", "white": "false"}) is None


# A built school with known numbers -----------------------------------------------------------------------


@dataclass
class Built:
    school_id: int
    admin: Actor
    teacher: Actor
    other_teacher: Actor
    class_id: int
    other_class_id: int
    yes: list[int]  # 10 English learners
    no: list[int]  # 10 who are not
    skills: list[int]


def build(session: Session, slug: str = "eqs") -> Built:
    """20 students in one class: the 10 English learners each master 2 skills in the period, answer 3 times
    for a minute each, get 2 comments and join 1 group; of the 10 others, 5 master 1 skill and get 1
    override, and each answers once for 30 seconds. Rows outside the period, or that do not cross the
    mastery threshold, or of another class, must not count."""
    school = create_school(session, slug, "Equity School")
    course = Course(school_id=school.id, key="c", title="C", mastery_threshold=0.9)
    session.add(course)
    session.flush()
    skills = [Skill(school_id=school.id, course_id=course.id, key=f"k{n}", name=f"K{n}") for n in range(3)]
    session.add_all(skills)
    session.flush()
    item = Item(school_id=school.id, course_id=course.id, key="i", kind="numeric", prompt="1+1",
                answer={"kind": "numeric", "correct": "2"})  # fmt: skip
    session.add(item)
    session.flush()
    session.add(ItemSkill(item_id=item.id, skill_id=skills[0].id))

    def person(name: str, role: Role) -> User:
        user = User(school_id=school.id, email=f"{name}@{slug}.example", display_name=name, role=role,
                    password_hash="")  # no password: hashing 23 of them would be slow  # fmt: skip
        session.add(user)
        session.flush()
        return user

    admin, teacher, other = (
        person("admin", Role.ADMIN),
        person("teacher", Role.TEACHER),
        person("t2", Role.TEACHER),
    )
    klass = Classroom(school_id=school.id, course_id=course.id, name="Room 1")
    other_class = Classroom(school_id=school.id, course_id=course.id, name="Room 2")
    session.add_all([klass, other_class])
    session.flush()
    session.add_all([ClassTeacher(class_id=klass.id, user_id=teacher.id),
                     ClassTeacher(class_id=other_class.id, user_id=other.id)])  # fmt: skip
    students = [person(f"s{n:02d}", Role.STUDENT) for n in range(20)]
    for s in students:
        session.add(Enrollment(class_id=klass.id, user_id=s.id))
    session.flush()
    now = utcnow() - timedelta(hours=1)
    long_ago = now - timedelta(days=70)
    numbered = iter(range(10_000))

    def crossed(
        student: User, skill: Skill, when: datetime, before: float = 0.5, after: float = 0.93
    ) -> None:
        session.add(Evidence(school_id=school.id, student_id=student.id, skill_id=skill.id, kind="answer",
                             p_before=before, p_after=after, created_at=when))  # fmt: skip

    def answered(student: User, ms: int | None, when: datetime) -> None:
        session.add(Attempt(school_id=school.id, student_id=student.id, item_id=item.id, skill_id=skills[0].id,
                            client_attempt_id=f"a{next(numbered)}", response="2", correct=True, created_at=when,
                            duration_ms=ms, mastery_before=0.5, mastery_after=0.6))  # fmt: skip

    group = StudentGroup(school_id=school.id, class_id=klass.id, name="G")
    other_group = StudentGroup(school_id=school.id, class_id=other_class.id, name="Elsewhere")
    session.add_all([group, other_group])
    session.flush()
    yes, no = students[:10], students[10:]
    for s in yes:
        crossed(s, skills[0], now)
        crossed(s, skills[1], now)
        crossed(s, skills[1], now)  # mastered again (after a loss): still one skill
        crossed(s, skills[2], now, before=0.92, after=0.97)  # already above the threshold: not growth
        crossed(s, skills[2], long_ago)  # before the period
        for _ in range(3):
            answered(s, 60_000, now)
        answered(s, 600_000, long_ago)
        for _ in range(2):
            session.add(Message(school_id=school.id, recipient_id=s.id, author_id=teacher.id, kind="comment",
                                subject="Well done", created_at=now))  # fmt: skip
        session.add(Message(school_id=school.id, recipient_id=s.id, author_id=teacher.id, kind="feedback",
                            subject="Graded", created_at=now))  # not a comment  # fmt: skip
        session.add(StudentGroupMember(group_id=group.id, student_id=s.id, added_at=now))
    for n, s in enumerate(no):
        answered(s, 30_000, now)
        answered(s, None, now)  # no duration recorded: counts nothing
        if n < 5:
            crossed(s, skills[0], now)
            session.add(SkillOverride(school_id=school.id, student_id=s.id, skill_id=skills[1].id, action="lock",
                                      reason="wait", decided_by_id=teacher.id, created_at=now))  # fmt: skip
    session.add(StudentGroupMember(group_id=other_group.id, student_id=no[0].id, added_at=now))  # other class
    session.add(Message(school_id=school.id, recipient_id=no[0].id, author_id=other.id, kind="comment",
                        subject="From another class's teacher", created_at=now))  # fmt: skip
    session.flush()
    return Built(
        school.id, Actor.of(admin), Actor.of(teacher), Actor.of(other), klass.id, other_class.id,
        [s.id for s in yes], [s.id for s in no], [k.id for k in skills],
    )  # fmt: skip


def flag(session: Session, built: Built) -> None:
    equity.set_categories(session, built.admin, ["english_learner"])
    for s in built.yes:
        equity.set_value(session, built.admin, s, "english_learner", "yes")
    for s in built.no:
        equity.set_value(session, built.admin, s, "english_learner", "No")


def groups_of(report: equity.EquityReport, key: str = "english_learner") -> dict[str, equity.GroupRow]:
    (found,) = [c for c in report.categories if c.category.key == key]
    return {g.value: g for g in found.groups}


def test_numbers_per_subgroup_on_a_built_school(session: Session) -> None:
    built = build(session)
    flag(session, built)
    for report in (
        equity.school_report(session, built.admin, PERIOD),
        equity.class_report(session, built.teacher, built.class_id, PERIOD),
    ):
        groups = groups_of(report)
        assert groups["yes"].measures == equity.Measures(
            students=10, mastered_median=2, mastered_mean=2, practice_minutes_median=3, practice_minutes_mean=3,
            overrides_mean=0, comments_mean=2, groups_mean=1,
        )  # fmt: skip
        no = groups["no"].measures
        assert no is not None and (no.students, no.mastered_median, no.mastered_mean) == (10, 0.5, 0.5)
        assert (no.practice_minutes_median, no.practice_minutes_mean, no.overrides_mean) == (0.5, 0.5, 0.5)
        assert groups["not_recorded"].hidden == "small" and groups["not_recorded"].measures is None
        assert report.total.students == 20
        assert (report.total.mastered_median, report.total.mastered_mean) == (1.5, 1.25)
    school = groups_of(equity.school_report(session, built.admin, PERIOD))["no"].measures
    klass = groups_of(equity.class_report(session, built.admin, built.class_id, PERIOD))["no"].measures
    assert school is not None and klass is not None
    # The school counts everything; the class only its own teachers' comments and its own groups.
    assert (school.comments_mean, school.groups_mean) == (0.1, 0.1)
    assert (klass.comments_mean, klass.groups_mean) == (0, 0)
    # A period before any of it: all zero.
    before = equity.period(TODAY - timedelta(days=200), TODAY - timedelta(days=100))
    assert equity.school_report(session, built.admin, before).total.mastered_mean == 0


def test_nine_students_are_hidden_and_so_is_the_complement(session: Session) -> None:
    built = build(session)
    flag(session, built)
    shown = groups_of(equity.school_report(session, built.admin, PERIOD))
    assert (shown["yes"].hidden, shown["no"].hidden) == ("", "")  # 10 and 10
    equity.set_value(session, built.admin, built.yes[0], "english_learner", "no")  # 9 and 11
    groups = groups_of(equity.school_report(session, built.admin, PERIOD))
    assert groups["yes"].hidden == "small" and groups["yes"].measures is None
    assert groups["yes"].note == "fewer than 10 students: not shown"
    # total minus "no" would give the 9: "no" is hidden too.
    assert groups["no"].hidden == "complement" and groups["no"].measures is None
    assert "subtraction" in groups["no"].note


def test_the_page_and_the_api_show_the_same_numbers(database: RollbackDatabase) -> None:
    with database.transaction() as session:
        built = build(session)
        flag(session, built)
        equity.set_value(session, built.admin, built.yes[0], "english_learner", "")  # 9 yes, 1 not recorded
    client = client_for(database)
    admin = bearer(database, built.admin.user_id)
    since, until = PERIOD.since.isoformat(), PERIOD.until.isoformat()
    api = client.get(f"/api/equity?since={since}&until={until}", headers=admin)
    assert api.status_code == 200, api.text
    data = api.json()
    assert data["scope"] == "school" and data["min_group"] == 10 and data["total"]["students"] == 20
    groups = {g["value"]: g for g in data["categories"][0]["groups"]}
    # 9 yes and 1 not recorded are hidden (10 together, two groups): "no" stays shown.
    assert groups["yes"] == {"value": "yes", "label": "Yes", "hidden": "small",
                             "note": "fewer than 10 students: not shown", "measures": None}  # fmt: skip
    assert groups["no"]["measures"]["students"] == 10 and groups["no"]["measures"]["overrides_mean"] == 0.5
    page = client.get(
        f"/admin/equity?since={since}&until={until}&measure=practice_minutes_mean", headers=admin
    )
    assert page.status_code == 200
    for text in ("Correlation, not causation", "fewer than 10 students: not shown", "Not recorded",
                 'role="img"', 'data-value="0.50"', "Practice time per student (mean minutes)"):  # fmt: skip
        assert text in page.text, text
    teacher = bearer(database, built.teacher.user_id)
    mine = client.get(f"/api/equity?class_id={built.class_id}&since={since}&until={until}", headers=teacher)
    assert mine.status_code == 200
    same = [
        (g["value"], g["hidden"], (g["measures"] or {}).get("mastered_mean"))
        for g in data["categories"][0]["groups"]
    ]
    assert [(g["value"], g["hidden"], (g["measures"] or {}).get("mastered_mean"))
            for g in mine.json()["categories"][0]["groups"]] == same  # fmt: skip
    assert client.get(f"/classes/{built.class_id}/equity", headers=teacher).status_code == 200
    assert client.get(f"/api/equity?since={since}&until={until}", headers=teacher).status_code == 403
    assert client.get("/api/equity?since=2026-05-02&until=2026-05-01", headers=admin).status_code == 422
    bad = client.get("/admin/equity?since=yesterday", headers=admin)
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text


def test_teachers_see_only_their_own_classes(session: Session, world: World) -> None:
    built = build(session)
    assert equity.class_report(session, built.teacher, built.class_id, PERIOD).class_name == "Room 1"
    with pytest.raises(Forbidden):
        equity.class_report(session, built.other_teacher, built.class_id, PERIOD)
    with pytest.raises(Forbidden):
        equity.school_report(session, built.teacher, PERIOD)
    with pytest.raises(Forbidden):
        equity.class_report(session, actor_of(session, built.yes[0]), built.class_id, PERIOD)
    # Another school's administrator and teacher: the class does not exist for them.
    for foreign in (world.admin_id, world.teacher_id):
        with pytest.raises(NotFound):
            equity.class_report(session, actor_of(session, foreign), built.class_id, PERIOD)
    with pytest.raises(NotFound):
        equity.set_value(session, actor_of(session, world.admin_id), built.yes[0], "gender", "female")


# Recording subgroups -------------------------------------------------------------------------------------


def test_nothing_is_recorded_until_the_school_chooses(session: Session) -> None:
    built = build(session)
    assert equity.chosen(session, built.school_id) == []
    report = equity.school_report(session, built.admin, PERIOD)
    assert report.categories == [] and report.total.students == 20
    with pytest.raises(Conflict):
        equity.set_value(session, built.admin, built.yes[0], "english_learner", "yes")
    with pytest.raises(InvalidInput):
        equity.set_categories(session, built.admin, ["religion"])
    with pytest.raises(Forbidden):
        equity.set_categories(session, built.teacher, ["gender"])
    flag(session, built)
    equity.set_categories(session, built.admin, ["english_learner", "gender"])
    assert [c.key for c in equity.chosen(session, built.school_id)] == ["english_learner", "gender"]
    with pytest.raises(InvalidInput):
        equity.set_value(session, built.admin, built.yes[0], "english_learner", "perhaps")
    # Dropping a category deletes the values set for it.
    equity.set_categories(session, built.admin, ["gender"])
    assert (
        session.scalars(select(SubgroupValue).where(SubgroupValue.school_id == built.school_id)).all() == []
    )
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.school_id == built.school_id).order_by(AuditEntry.id)
    ).all()
    assert actions.count("equity.categories") == 3 and actions.count("equity.value_set") == 20
    detail = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "equity.value_set")).first()
    assert detail == {"category": "english_learner", "cleared": False}  # the value itself is not logged


def test_values_by_csv_name_the_line_of_each_problem(session: Session) -> None:
    built = build(session)
    equity.set_categories(session, built.admin, ["english_learner", "special_education"])
    session.execute(User.__table__.update().where(User.id == built.yes[1]).values(sourced_id="SIS-0001"))
    bad = (
        "student,value\n"
        "s00@eqs.example,yes\n"
        "nobody@eqs.example,yes\n"  # line 3: unknown student
        "SIS-0001,maybe\n"  # line 4: unknown value
        "s00@eqs.example,no\n"  # line 5: twice
        "teacher@eqs.example,yes\n"  # line 6: not a student
    )
    with pytest.raises(CsvRejected) as refused:
        equity.import_values_csv(session, built.admin, bad, category_key="english_learner")
    assert [(p.line, p.column) for p in refused.value.problems] == [
        (3, "student"), (4, "value"), (5, "student"), (6, "student"),
    ]  # fmt: skip
    assert "line 3, column student" in str(refused.value.problems[0])
    assert session.scalars(select(SubgroupValue)).all() == []  # nothing written
    with pytest.raises(CsvRejected) as no_category:
        equity.import_values_csv(session, built.admin, "login,value\ns00@eqs.example,yes\n")
    assert no_category.value.problems[0].column == "category"
    good = "\ufefflogin;category;value\r\nS00@eqs.example;english_learner;Y\r\nSIS-0001;special_education;true\r\n"
    checked = equity.import_values_csv(session, built.admin, good, dry_run=True)
    assert checked.set == 2 and session.scalars(select(SubgroupValue)).all() == []
    done = equity.import_values_csv(session, built.admin, good.encode())
    assert (done.set, done.cleared) == (2, 0)
    values = {(v.student_id, v.category): (v.value, v.source) for v in session.scalars(select(SubgroupValue))}
    assert values == {(built.yes[0], "english_learner"): ("yes", "admin"),
                      (built.yes[1], "special_education"): ("yes", "admin")}  # fmt: skip
    cleared = equity.import_values_csv(session, built.admin, "student,value\ns00@eqs.example,\n",
                                       category_key="english_learner")  # fmt: skip
    assert cleared.cleared == 1 and len(session.scalars(select(SubgroupValue)).all()) == 1


def test_demographics_from_a_oneroster_package(session: Session, tmp_path: Path) -> None:
    school = create_school(session, "rms", "Riverside Middle")
    report = import_roster(session, school, read_roster(FIXTURES / "v12_bulk"), apply=True, org="org-s1")
    assert report.ok, report.problems
    admin = Actor.of(
        session.scalars(select(User).where(User.school_id == school.id, User.role == Role.ADMIN)).one()
    )
    people = {u.sourced_id: u.id for u in session.scalars(select(User).where(User.school_id == school.id))}
    equity.set_categories(session, admin, ["sex", "race_ethnicity"])
    ada = {v.category.key: (v.recorded.value, v.recorded.source) for v in
           equity.student_values(session, admin, people["usr-s1"])}  # fmt: skip
    assert ada == {
        "sex": ("female", "oneroster"),
        "race_ethnicity": ("black_or_african_american", "oneroster"),
    }
    bo = {v.category.key: v.recorded.value for v in equity.student_values(session, admin, people["usr-s2"])}
    assert bo == {"sex": "male", "race_ethnicity": "not_recorded"}
    # An administrator's value wins; clearing it brings demographics.csv back.
    equity.set_value(session, admin, people["usr-s1"], "sex", "unspecified")
    assert equity.student_values(session, admin, people["usr-s1"])[0].recorded == subgroups.Recorded(
        "unspecified", "admin"
    )
    equity.set_value(session, admin, people["usr-s1"], "sex", "")
    assert equity.student_values(session, admin, people["usr-s1"])[0].recorded.source == "oneroster"
    (sex, race) = equity.summary(session, admin)
    assert sex.students == 2 and {v.value: v.oneroster for v in sex.values if v.oneroster} == {
        "female": 1,
        "male": 1,
    }
    assert race.not_recorded == 1
    # A bad row names its file and line; nothing is imported.
    bad = tmp_path / "bad"
    shutil.copytree(FIXTURES / "v12_bulk", bad)
    path = bad / "demographics.csv"
    path.write_text(path.read_text().replace("usr-s2,,,2013-11-02,male,,", "usr-s2,,,2013-11-02,male,maybe,"))
    refused = import_roster(session, school, read_roster(bad), apply=True, org="org-s1")
    assert not refused.ok
    assert any(p.file == "demographics.csv" and p.line == 3 and p.column == "americanIndianOrAlaskaNative"
               for p in refused.problems), refused.problems  # fmt: skip


def test_demographics_from_the_moodle_plugins_package(session: Session) -> None:
    """A real-world 1.2 delta package (Moodle's OneRoster plugin's test data): its one demographics row has a
    birth date and nothing else, so the student's sex is "not recorded"."""
    school = create_school(session, "moodle", "Moodle School")
    report = import_roster(session, school, read_roster(FIXTURES / "moodle-enrol_oneroster" / "oneroster_test_data.zip"),
                           apply=True)  # fmt: skip
    assert report.ok, report.problems
    user = session.scalars(select(User).where(User.school_id == school.id, User.sourced_id == "USER_0")).one()
    admin = create_user(session, school=school, email="admin@moodle.example", display_name="A", role=Role.ADMIN,
                        password="password-123")  # fmt: skip
    actor = Actor.of(admin)
    equity.set_categories(session, actor, ["sex"])
    if user.role == Role.STUDENT:
        assert equity.student_values(session, actor, user.id)[0].recorded.value == "not_recorded"
    assert session.get(School, school.id) is not None


def test_admin_pages_choose_categories_and_set_values(database: RollbackDatabase) -> None:
    with database.transaction() as session:
        built = build(session)
    client = client_for(database)
    admin = bearer(database, built.admin.user_id)
    page = client.get("/admin/equity", headers=admin)
    assert page.status_code == 200 and "No subgroups recorded" in page.text
    chosen = client.post(
        "/admin/equity/categories", data={"categories": ["english_learner", "gender"]}, headers=admin
    )
    assert chosen.status_code == 303
    settings = client.get("/admin/equity/subgroups?done=categories", headers=admin)
    assert settings.status_code == 200 and 'value="english_learner" checked' in settings.text
    saved = client.post("/admin/equity/values", data={"student": "s03@eqs.example", "category": "gender",
                                                      "value": "Non-binary"}, headers=admin)  # fmt: skip
    assert saved.status_code == 303
    shown = client.get(saved.headers["location"], headers=admin)
    assert "Non-binary" in shown.text and "set by an administrator" in shown.text
    wrong = client.post("/admin/equity/values", data={"student": "s03@eqs.example", "category": "gender",
                                                      "value": "blue"}, headers=admin)  # fmt: skip
    assert wrong.status_code == 422 and "is not a value of Gender" in wrong.text
    csv_text = "student,value\ns01@eqs.example,yes\nghost@eqs.example,yes\n"
    refused = client.post("/admin/equity/values.csv", data={"category": "english_learner", "csv_text": csv_text},
                          headers=admin)  # fmt: skip
    assert refused.status_code == 422 and "line 3, column student" in refused.text
    uploaded = client.post("/admin/equity/values.csv", data={"category": "english_learner"},
                           files={"file": ("el.csv", b"student,value\ns01@eqs.example,yes\n", "text/csv")},
                           headers=admin)  # fmt: skip
    assert uploaded.status_code == 200 and "1 value set" in uploaded.text
    api = client.put(f"/api/equity/students/{built.no[0]}/subgroups/english_learner", json={"value": "no"},
                     headers=admin)  # fmt: skip
    assert api.status_code == 200 and api.json() == {"category": "english_learner", "value": "no", "label": "No",
                                                     "source": "admin"}  # fmt: skip
    listed = client.get("/api/equity/categories", headers=admin).json()
    assert [c["key"] for c in listed if c["chosen"]] == ["english_learner", "gender"]
    with database.transaction() as session:
        assert (
            session.scalar(select(EquityCategory.category).where(EquityCategory.category == "gender"))
            == "gender"
        )


def test_a_period_is_checked() -> None:
    assert equity.period(today=date(2026, 12, 2)) == equity.Period(date(2026, 10, 8), date(2026, 12, 2))
    assert equity.period(today=date(2026, 12, 2)).days == 56
    with pytest.raises(InvalidInput):
        equity.period(date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(InvalidInput):
        equity.period(date(2024, 1, 1), date(2026, 1, 1))
