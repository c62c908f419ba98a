"""The strategy library: search, comments, materials, and uses measured from the evidence of a group."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from atpace.errors import Forbidden, InvalidInput, NotFound
from atpace.services import strategies
from atpace.services.auth import create_user
from atpace.services.demo import ensure_demo_school
from atpace.services.messages import inbox
from atpace.services.progress import load_parameters
from atpace.store.tables import (
    Classroom,
    ClassTeacher,
    Course,
    Enrollment,
    Evidence,
    Role,
    School,
    Skill,
    StoredFile,
    Strategy,
    StrategyMaterial,
    StrategySkill,
    StrategyUse,
    StudentGroup,
    StudentGroupMember,
    utcnow,
)
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.school import Api, browser, csrf_of
from tests.service.web import TEST_SETTINGS

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
EQUIVALENT = "equivalent-fractions"


def skill_id(session: Session, world: World, key: str) -> int:
    found = session.scalar(select(Skill.id).where(Skill.course_id == world.course_id, Skill.key == key))
    assert found is not None
    return found


def new_students(session: Session, world: World, count: int, class_id: int | None = None) -> list[int]:
    school = session.get(School, world.school_id)
    assert school is not None
    ids = []
    for n in range(count):
        student = create_user(
            session, school=school, email=f"strategy-kid-{class_id or 0}-{n}@riverside.example",
            display_name=f"Kid {n}", role=Role.STUDENT, password="password-1",
        )  # fmt: skip
        session.add(Enrollment(class_id=class_id or world.class_id, user_id=student.id))
        ids.append(student.id)
    session.flush()
    return ids


def new_group(
    session: Session, world: World, members: list[int], focus: list[str], class_id: int | None = None
) -> int:
    group = StudentGroup(
        school_id=world.school_id, class_id=class_id or world.class_id, name="needs: Equivalent fractions",
        kind="needs", focus=focus, created_by_id=world.teacher_id,
    )  # fmt: skip
    session.add(group)
    session.flush()
    session.add_all(StudentGroupMember(group_id=group.id, student_id=m) for m in members)
    session.flush()
    return group.id


def evidence(session: Session, world: World, student: int, skill: int, at: datetime, p: float) -> None:
    session.add(
        Evidence(
            school_id=world.school_id,
            student_id=student,
            skill_id=skill,
            kind="practice",
            correct=True,
            p_before=0.1,
            p_after=p,
            created_at=at,
        )
    )
    session.flush()


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def test_create_then_search_by_words_skill_grade_and_need(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    compare = skill_id(session, world, "compare-unlike-fractions")
    sid = strategies.create(
        session, teacher, title="Bar models for comparing", description="Draw BARS side by side.",
        grade_band=" 3 to 5 ", needs=["Struggling readers", "struggling  readers", "Extension"], skill_ids=[compare],
    )  # fmt: skip
    accented = strategies.create(session, teacher, title="Élève au tableau", grade_band="K-2")
    seen = strategies.detail(session, teacher, sid).summary
    assert seen.grade_band == "3-5" and seen.needs == ("Struggling readers", "Extension")
    assert [s.key for s in seen.skills] == ["compare-unlike-fractions"] and seen.author == "Ms. Rivera"

    def found(**filters: object) -> set[int]:
        return {s.id for s in strategies.search(session, teacher, **filters)}  # type: ignore[arg-type]

    assert (
        sid in found(q="BAR MODELS") and sid in found(q="bars side") and sid in found(q="STRUGGLING readers")
    )
    assert sid not in found(q="bar zebra")  # every word must be found
    assert accented in found(q="élève") and accented in found(q="ÉLÈVE") and sid not in found(q="élève")
    by_skill = found(skill_id=compare)
    demo = session.scalar(select(Strategy.id).where(Strategy.title == "Number line talk"))
    assert sid in by_skill and demo in by_skill and accented not in by_skill
    assert sid not in found(skill_id=skill_id(session, world, EQUIVALENT))
    assert sid in found(grade="4") and sid not in found(grade="6") and accented in found(grade="K")
    assert sid in found(need="extension") and sid not in found(need="visual learners")
    assert sid in found(q="bar", skill_id=compare, grade="5", need="Struggling readers")
    with pytest.raises(InvalidInput) as bad_grade:
        strategies.search(session, teacher, grade="grade four")
    assert bad_grade.value.field == "grade_band"
    # Shared within the school, never across schools.
    assert sid in {s.id for s in strategies.search(session, actor_of(session, world.other_teacher_id))}
    foreign = actor_of(session, world.foreign_teacher_id)
    assert sid not in {s.id for s in strategies.search(session, foreign)}


def test_students_are_refused_and_another_school_sees_nothing(session: Session, world: World) -> None:
    sid = strategies.create(session, actor_of(session, world.teacher_id), title="Exit tickets")
    student = actor_of(session, world.student_id)
    for call in (
        lambda: strategies.search(session, student),
        lambda: strategies.detail(session, student, sid),
        lambda: strategies.create(session, student, title="Mine"),
        lambda: strategies.add_comment(session, student, sid, "hello"),
    ):
        with pytest.raises(Forbidden):
            call()
    for who in (world.foreign_teacher_id, world.foreign_student_id):
        foreign = actor_of(session, who)
        for foreign_call in (
            lambda f=foreign: strategies.detail(session, f, sid),
            lambda f=foreign: strategies.add_comment(session, f, sid, "hello"),
            lambda f=foreign: strategies.log_use(
                session, f, sid, used_on=date.today(), class_id=world.class_id
            ),
            lambda f=foreign: strategies.add_link(session, f, sid, title="x", url="https://example.org"),
        ):
            with pytest.raises(NotFound):
                foreign_call()
    foreign_teacher = actor_of(session, world.foreign_teacher_id)
    with pytest.raises(InvalidInput) as foreign_skill:  # a skill of this school is not one of theirs
        strategies.create(
            session, foreign_teacher, title="Borrowed", skill_ids=[skill_id(session, world, EQUIVALENT)]
        )
    assert foreign_skill.value.field == "skill_ids"


def test_only_the_author_and_admins_edit(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    sid = strategies.create(
        session, teacher, title="Think-pair-share", skill_ids=[skill_id(session, world, EQUIVALENT)]
    )
    colleague = actor_of(session, world.other_teacher_id)
    with pytest.raises(Forbidden):
        strategies.update(session, colleague, sid, title="Mine now")
    with pytest.raises(Forbidden):
        strategies.add_link(session, colleague, sid, title="x", url="https://example.org")
    assert not strategies.detail(session, colleague, sid).can_edit
    admin = actor_of(session, world.admin_id)
    strategies.update(session, admin, sid, title="Think-pair-share (revised)", needs=["discussion"])
    seen = strategies.detail(session, teacher, sid)
    assert seen.can_edit and seen.summary.title == "Think-pair-share (revised)"
    assert seen.summary.needs == ("discussion",) and seen.summary.skills == ()  # every field replaced
    with pytest.raises(InvalidInput) as empty:
        strategies.update(session, teacher, sid, title="   ")
    assert empty.value.field == "title"


def test_a_comment_is_shown_and_reaches_the_author(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    sid = strategies.create(session, teacher, title="Choral counting")
    colleague = actor_of(session, world.other_teacher_id)
    strategies.add_comment(session, colleague, sid, "  My class loved it.  ")
    comments = strategies.detail(session, teacher, sid).comments
    assert [(c.author, c.body) for c in comments] == [("Mr. Other", "My class loved it.")]
    assert any(
        m.link == f"/strategies/{sid}#comments" and "Mr. Other" in m.subject for m in inbox(session, teacher)
    )
    with pytest.raises(InvalidInput) as empty:
        strategies.add_comment(session, colleague, sid, " ")
    assert empty.value.field == "body"


def test_a_use_with_a_group_is_measured_before_and_two_weeks_after(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    equivalent = skill_id(session, world, EQUIVALENT)
    course = session.get(Course, world.course_id)
    assert course is not None
    prior = load_parameters(session, course.id).for_skill(EQUIVALENT).prior
    a, b, c = new_students(session, world, 3)
    group = new_group(session, world, [a, b, c], [EQUIVALENT])
    sid = strategies.create(session, teacher, title="Fraction walls", skill_ids=[equivalent])
    now = utcnow()
    used = (now - timedelta(days=20)).date()
    start = midnight(used)
    assert 0.97 >= course.mastery_threshold > 0.6
    evidence(session, world, a, equivalent, start - timedelta(days=2), 0.3)
    evidence(session, world, a, equivalent, start + timedelta(days=3), 0.97)
    evidence(session, world, a, equivalent, start + timedelta(days=16), 0.5)  # after the window: not counted
    evidence(session, world, b, equivalent, start - timedelta(days=1), 0.6)  # nothing after: stays 0.6
    # c has no evidence: the course prior, before and after.

    use = strategies.log_use(session, teacher, sid, used_on=used, group_id=group, note="small group, 20 min")
    m = use.measurement
    assert m is not None and m.final and use.class_id == world.class_id
    assert m.before == pytest.approx((0.3 + 0.6 + prior) / 3)
    assert m.after == pytest.approx((0.97 + 0.6 + prior) / 3)
    assert m.change == pytest.approx((0.97 - 0.3) / 3)
    assert m.mastered == 1 and m.members == 3 and m.skills == ("Equivalent fractions",)
    assert m.after_on == used + timedelta(days=14)

    # Three days ago: the two weeks have not passed, the change is so far.
    recent = (now - timedelta(days=3)).date()
    evidence(session, world, b, equivalent, now - timedelta(hours=1), 0.8)
    so_far = strategies.log_use(session, teacher, sid, used_on=recent, group_id=group).measurement
    assert so_far is not None and not so_far.final and so_far.after_on == recent + timedelta(days=14)
    assert so_far.before == pytest.approx((0.5 + 0.6 + prior) / 3)
    assert so_far.after == pytest.approx((0.5 + 0.8 + prior) / 3)

    # Without focus skills, the group is measured on the strategy's skills; a class use is not measured.
    unfocused = new_group(session, world, [a], [])
    third = strategies.log_use(session, teacher, sid, used_on=used, group_id=unfocused).measurement
    assert (
        third is not None and third.skills == ("Equivalent fractions",) and third.after == pytest.approx(0.97)
    )
    whole = strategies.log_use(session, teacher, sid, used_on=used, class_id=world.class_id)
    assert whole.measurement is None and whole.unmeasured

    summary = strategies.search(session, teacher, q="fraction walls")[0]
    assert summary.uses == 4 and summary.measured == 2  # the two final measurements
    assert summary.average_change == pytest.approx(((0.97 - 0.3) / 3 + (0.97 - 0.3)) / 2)
    listed = strategies.detail(session, teacher, sid).uses
    assert [u.used_on for u in listed] == sorted((u.used_on for u in listed), reverse=True)


def test_measuring_many_uses_takes_a_fixed_number_of_queries(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    sid = strategies.create(
        session, teacher, title="Card sort", skill_ids=[skill_id(session, world, EQUIVALENT)]
    )
    day = (utcnow() - timedelta(days=30)).date()
    enrolled = session.scalars(select(Enrollment.user_id).where(Enrollment.class_id == world.class_id)).all()

    def queries() -> int:
        count = 0

        def counter(*_args: object) -> None:
            nonlocal count
            count += 1

        connection = session.connection()
        event.listen(connection, "before_cursor_execute", counter)
        try:
            detail = strategies.detail(session, teacher, sid)
            assert all(u.measurement is not None for u in detail.uses)
        finally:
            event.remove(connection, "before_cursor_execute", counter)
        return count

    strategies.log_use(
        session, teacher, sid, used_on=day, group_id=new_group(session, world, list(enrolled[:4]), [])
    )
    one = queries()
    for n in range(1, 6):
        group = new_group(session, world, list(enrolled[n * 3 : n * 3 + 4]), [EQUIVALENT])
        strategies.log_use(session, teacher, sid, used_on=day + timedelta(days=n), group_id=group)
    assert queries() == one


def test_co_teacher_logs_uses_with_the_class_groups(session: Session, world: World) -> None:
    teacher = actor_of(session, world.teacher_id)
    sid = strategies.create(
        session, teacher, title="Number talks", skill_ids=[skill_id(session, world, EQUIVALENT)]
    )
    group = new_group(session, world, new_students(session, world, 2), [EQUIVALENT])
    co = actor_of(session, world.other_teacher_id)
    day = (utcnow() - timedelta(days=1)).date()
    with pytest.raises(Forbidden):
        strategies.log_use(session, co, sid, used_on=day, group_id=group)
    assert group not in {g.id for g in strategies.use_targets(session, co).groups}
    session.add(ClassTeacher(class_id=world.class_id, user_id=world.other_teacher_id, role="co-teacher"))
    session.flush()
    targets = strategies.use_targets(session, co)
    assert group in {g.id for g in targets.groups} and world.class_id in dict(targets.classes)
    use = strategies.log_use(session, co, sid, used_on=day, group_id=group, note="co-taught")
    assert use.teacher == "Mr. Other" and use.measurement is not None and use.group_id == group
    with pytest.raises(InvalidInput) as clash:  # a group names its own class
        strategies.log_use(session, co, sid, used_on=day, group_id=group, class_id=world.other_class_id)
    assert clash.value.field == "group_id"


def test_a_future_date_is_refused_naming_the_field(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        sid = strategies.create(session, actor_of(session, world.teacher_id), title="Gallery walk")
    api = Api(database, world.teacher_id)
    future = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    refused = api.post(f"/api/strategies/{sid}/uses", {"used_on": future, "class_id": world.class_id})
    assert refused.status_code == 422 and refused.json()["field"] == "used_on"
    assert "future" in refused.json()["detail"]
    nothing = api.post(f"/api/strategies/{sid}/uses", {"used_on": "2026-01-05"})
    assert nothing.status_code == 422 and nothing.json()["field"] == "class_id"
    other_class = api.post(
        f"/api/strategies/{sid}/uses", {"used_on": "2026-01-05", "class_id": world.other_class_id}
    )
    assert other_class.status_code == 403
    logged = api.post(f"/api/strategies/{sid}/uses", {"used_on": "2026-01-05", "class_id": world.class_id})
    assert logged.status_code == 201 and logged.json()["class_name"] == "Grade 4 - Room 12"
    with database.transaction() as session:
        assert session.scalar(select(func.count(StrategyUse.id)).where(StrategyUse.strategy_id == sid)) == 1
    assert Api(database, world.foreign_teacher_id).get(f"/api/strategies/{sid}").status_code == 404
    assert Api(database, world.student_id).get(f"/api/strategies/{sid}").status_code == 403


def test_api_creates_edits_comments_and_lists(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        equivalent = skill_id(session, world, EQUIVALENT)
    api = Api(database, world.teacher_id)
    created = api.post(
        "/api/strategies",
        {
            "title": "Fraction strips, again",
            "grade_band": "3-5",
            "needs": ["concrete models"],
            "skill_ids": [equivalent],
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["skills"][0]["key"] == EQUIVALENT and body["can_edit"] and body["use_count"] == 0
    sid = body["id"]
    assert api.put(
        f"/api/strategies/{sid}", {"title": "Fraction strips, revised", "skill_ids": [equivalent]}
    ).json()["title"] == ("Fraction strips, revised")
    colleague = Api(database, world.other_teacher_id)
    assert colleague.put(f"/api/strategies/{sid}", {"title": "Mine"}).status_code == 403
    assert colleague.post(f"/api/strategies/{sid}/comments", {"body": "Nice"}).status_code == 201
    listed = api.get(f"/api/strategies?skill={equivalent}&q=STRIPS").json()["strategies"]
    assert sid in [s["id"] for s in listed]
    assert next(s for s in listed if s["id"] == sid)["comment_count"] == 1
    unknown = api.post("/api/strategies", {"title": "x", "skill_ids": [equivalent], "colour": "red"})
    assert unknown.status_code == 422


def test_a_javascript_link_is_refused(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        sid = strategies.create(session, actor_of(session, world.teacher_id), title="Estimation jars")
    api = Api(database, world.teacher_id)
    for url in (
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://example.org/a",
    ):
        refused = api.post(f"/api/strategies/{sid}/materials", {"title": "Sheet", "url": url})
        assert refused.status_code == 422 and refused.json()["field"] == "url", url
    with database.transaction() as session:
        assert session.scalar(select(func.count()).where(StrategyMaterial.strategy_id == sid)) == 0
    ok = api.post(f"/api/strategies/{sid}/materials", {"title": "", "url": "https://example.org/jars.pdf"})
    assert ok.status_code == 201 and ok.json()["title"] == "example.org" and ok.json()["kind"] == "link"


def _stored(root: Path, school_id: int) -> set[Path]:
    folder = root / str(school_id)
    return set(folder.iterdir()) if folder.exists() else set()


def test_a_file_material_round_trip_and_a_refused_upload_stores_nothing(
    database: RollbackDatabase, world: World
) -> None:
    with database.transaction() as session:
        sid = strategies.create(session, actor_of(session, world.teacher_id), title="Strip sheets")
    api = Api(database, world.teacher_id)
    root = Path(str(TEST_SETTINGS["files_dir"]))
    before = _stored(root, world.school_id)
    upload = api.post(
        f"/api/strategies/{sid}/materials",
        files={"file": ("strips.png", PNG, "image/png")},
        data={"title": "Strips"},
    )
    assert upload.status_code == 201, upload.text
    material = upload.json()
    assert (
        material["kind"] == "file" and material["file_name"] == "strips.png" and material["size"] == len(PNG)
    )
    for url in (material["url"], material["url"].removeprefix("/api")):
        got = api.get(url)
        assert got.status_code == 200 and got.content == PNG
        assert got.headers["content-type"] == "image/png"
        assert got.headers["content-disposition"].startswith('attachment; filename="strips.png"')
    assert Api(database, world.other_teacher_id).get(material["url"]).status_code == 200  # the school's
    assert Api(database, world.foreign_teacher_id).get(material["url"]).status_code == 404
    assert Api(database, world.student_id).get(material["url"]).status_code == 403
    assert len(_stored(root, world.school_id) - before) == 1

    with database.transaction() as session:
        files = session.scalar(select(func.count(StoredFile.id)))
    for name, data in (("sheet.pdf", PNG), ("../strips.png", PNG), ("empty.png", b"")):
        refused = api.post(
            f"/api/strategies/{sid}/materials", files={"file": (name, data, "application/pdf")}
        )
        assert refused.status_code == 422 and refused.json()["field"] == "file", name
    colleague = Api(database, world.other_teacher_id)
    forbidden = colleague.post(
        f"/api/strategies/{sid}/materials", files={"file": ("strips.png", PNG, "image/png")}
    )
    assert forbidden.status_code == 403
    with database.transaction() as session:
        assert session.scalar(select(func.count(StoredFile.id))) == files
        assert session.scalar(select(func.count()).where(StrategyMaterial.strategy_id == sid)) == 1
    assert len(_stored(root, world.school_id) - before) == 1


def test_pages_search_add_and_log_a_use(database: RollbackDatabase, world: World) -> None:
    client = browser(database, "teacher@riverside.example")
    listing = client.get("/strategies?q=fraction+strips")
    assert listing.status_code == 200 and "Fraction strips for equivalent fractions" in listing.text
    assert "Number line talk" not in listing.text
    form = client.get("/strategies/new")
    token = csrf_of(form.text)
    refused = client.post(
        "/strategies", data={"title": "", "description": "Keep me", "grade_band": "4", "csrf_token": token}
    )
    assert refused.status_code == 422 and "Give the title" in refused.text and "Keep me" in refused.text
    with database.transaction() as session:
        equivalent = skill_id(session, world, EQUIVALENT)
    made = client.post(
        "/strategies",
        data={"title": "Paper folding", "needs": "concrete models, extension", "skill_ids": [str(equivalent)],
              "grade_band": "3-4", "csrf_token": token},
    )  # fmt: skip
    assert made.status_code == 303
    url = made.headers["location"].split("?")[0]
    page = client.get(url)
    assert page.status_code == 200 and "Paper folding" in page.text and "Equivalent fractions" in page.text
    future = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    later = client.post(
        f"{url}/uses",
        data={"target": f"class:{world.class_id}", "used_on": future, "note": "my note", "csrf_token": token},
    )
    assert later.status_code == 422 and "in the future" in later.text and "my note" in later.text
    logged = client.post(
        f"{url}/uses",
        data={"target": f"class:{world.class_id}", "used_on": "2026-01-12", "csrf_token": token},
    )
    assert logged.status_code == 303
    commented = client.post(f"{url}/comments", data={"body": "Try it with thirds", "csrf_token": token})
    assert commented.status_code == 303
    page = client.get(url)
    assert "12 Jan 2026" in page.text and "Try it with thirds" in page.text and "Not measured" in page.text
    bad_link = client.post(
        f"{url}/materials", data={"title": "x", "url": "javascript:alert(1)", "csrf_token": token}
    )
    assert bad_link.status_code == 422 and "http" in bad_link.text
    student = browser(database, "student01@riverside.example")
    assert student.get("/strategies").status_code == 403


def test_demo_strategies_are_seeded_once(session: Session, world: World) -> None:
    count = session.scalar(select(func.count(Strategy.id)).where(Strategy.school_id == world.school_id))
    ensure_demo_school(session)
    assert (
        session.scalar(select(func.count(Strategy.id)).where(Strategy.school_id == world.school_id)) == count
    )
    strips = session.scalar(
        select(Strategy).where(Strategy.title == "Fraction strips for equivalent fractions")
    )
    assert strips is not None and strips.school_id == world.school_id and strips.grade_band == "3-5"
    linked = session.scalars(
        select(StrategySkill.skill_id).where(StrategySkill.strategy_id == strips.id)
    ).all()
    assert skill_id(session, world, EQUIVALENT) in linked
    assert session.scalar(select(Classroom.id).where(Classroom.id == world.class_id)) is not None
