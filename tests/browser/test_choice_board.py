"""A choice board in the browser: the teacher makes a board for a skill (a mastery check, a written
explanation, a product, a conference) with a rubric aligned to that skill; a student picks the check,
changes to the written explanation and hands it in; the teacher sees the pick waiting, assesses it with the
rubric, and the level on the aligned criterion becomes rubric evidence; the student reads the assessment.

The rubric is stored directly (the rubric pages have their own browser test); everything else is done
through the pages with clicks and typing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from atpace.config import Settings
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.store.tables import Classroom, Enrollment, Evidence, Rubric, RubricCriterion, Skill, User
from atpace.store.tables_choices import ChoicePick
from atpace.web.app import create_app
from tests.browser.axe import ALL_IMPACTS, DESKTOP, PHONE, page_violations
from tests.browser.test_teacher_week import People, Server
from tests.live_server import serving

pytestmark = pytest.mark.browser

TEACHER = "teacher@riverside.example"
BOARD = "Equivalent fractions: your way"
EVERY_IMPACT: dict[str, Any] = {
    "impacts": ALL_IMPACTS,
    "sizes": {"desktop": DESKTOP},
}  # desktop: no violation at all
LEVELS = [
    {"title": t, "description": "", "points": p}
    for t, p in (("Not yet", 0), ("Getting there", 1), ("Secure", 2))
]


@pytest.fixture(scope="module")
def board_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("choice-board")
    database = Database(f"sqlite:///{folder / 'demo.db'}")
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session)
    settings = Settings(
        environment="test", secret_key="c" * 40, cookie_secure=False, data_dir=folder / "data"
    )
    with serving(create_app(settings, database)) as url:
        yield Server(url, database)
    database.engine.dispose()


@pytest.fixture
def people(browser: Any, board_server: Server) -> Iterator[People]:
    made = People(browser, board_server.url)
    yield made
    made.close()
    assert made.errors == [], f"JavaScript errors on the page: {made.errors}"


def _setting(database: Database) -> tuple[str, str, str, int]:
    """A rubric aligned to the class's first skill; the student to act, and that skill."""
    with database.transaction() as session:
        classroom = session.scalars(select(Classroom).order_by(Classroom.id)).first()
        assert classroom is not None and classroom.course_id is not None
        skill = session.scalars(
            select(Skill).where(Skill.course_id == classroom.course_id).order_by(Skill.position)
        ).first()
        assert skill is not None
        student = session.scalars(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.class_id == classroom.id, User.role == "student")
            .order_by(User.id)
        ).first()
        assert student is not None
        teacher = session.scalar(select(User).where(User.email == TEACHER))
        assert teacher is not None
        rubric = Rubric(school_id=classroom.school_id, title="Show it your way", created_by_id=teacher.id)
        session.add(rubric)
        session.flush()
        session.add_all([
            RubricCriterion(rubric_id=rubric.id, position=0, title="Shows the idea", skill_id=skill.id, levels=LEVELS),
            RubricCriterion(rubric_id=rubric.id, position=1, title="Clear to read", levels=LEVELS[:2]),
        ])  # fmt: skip
        return student.email, skill.key, skill.name, student.id


def test_a_student_picks_from_a_choice_board_and_the_teacher_assesses(
    people: People, board_server: Server, output_dir: Path
) -> None:
    database = board_server.database
    student_email, skill_key, skill_name, student_id = _setting(database)

    # The teacher makes the board for one skill with the rubric; the four kinds are offered by default.
    teacher = people.log_in(TEACHER)
    teacher.click("#choices-link")
    teacher.wait_for_url("**/choices")
    teacher.locator("a.button", has_text=re.compile(".")).first.click()
    teacher.wait_for_url(re.compile(r"/classes/\d+/choices/new$"))
    teacher.fill("input[name=title]", BOARD)
    teacher.check(f"input[name=skill_keys][value='{skill_key}']")
    teacher.select_option("select[name=rubric_id]", label="Show it your way")
    teacher.fill("input[name=option_1_title]", "Explain it in writing")
    teacher.click("#save-board")
    teacher.wait_for_url(re.compile(r"/choices/\d+\?saved=created"))
    board_url = teacher.url.split("?")[0]
    assert teacher.locator("#option-counts li").count() == 4
    assert teacher.locator(f"#option-counts a[href='/checks/{skill_key}']").count() == 1

    # The student finds it, picks the mastery check, then changes to the written explanation and hands in.
    student = people.log_in(student_email)
    student.click("#choices-link")
    student.click(f"#board-list a:text-is('{BOARD}')")
    student.check("#pick-form input[type=radio] >> nth=0")
    student.click("#save-pick")
    student.wait_for_url(re.compile(r"saved=picked"))
    assert student.locator(f"#my-pick a[href='/checks/{skill_key}']").count() == 1
    student.get_by_label(re.compile("Explain it in writing")).check()
    student.click("#save-pick")
    student.wait_for_url(re.compile(r"saved=picked"))
    assert "Explain it in writing" in student.locator("#my-pick-heading").inner_text()
    student.click("#hand-in")  # nothing written: refused inline, nothing lost
    assert "nothing to hand in" in student.locator("#board-error").inner_text().lower()
    student.fill("#work-form textarea[name=body]", "3/4 = 6/8: cut each quarter in two and you get eighths.")
    student.click("#hand-in")
    student.wait_for_url(re.compile(r"saved=submitted"))
    assert "Waiting for assessment" in student.locator("#pick-status").inner_text()
    assert student.locator("#pick-form").count() == 0  # the pick is final now
    with database.transaction() as session:
        picks = session.scalars(select(ChoicePick).where(ChoicePick.student_id == student_id)).all()
        assert [(p.status, p.body.startswith("3/4")) for p in picks] == [("submitted", True)]

    # The teacher sees it waiting and assesses it with the rubric.
    teacher.goto(board_url)
    assert teacher.locator("#waiting-list li").count() == 1
    teacher.click("#waiting-list a")
    teacher.wait_for_url(re.compile(r"/choices/picks/\d+$"))
    assert "cut each quarter" in teacher.locator("#pick-body").inner_text()
    teacher.check("#assess-form fieldset >> nth=0 >> input[value='2']")
    teacher.click("#save-assessment")  # one criterion left without a level: refused, named
    assert teacher.locator("#assess-error").count() == 1
    assert teacher.locator("fieldset.criterion.invalid").count() == 1
    teacher.check("#assess-form fieldset >> nth=1 >> input[value='1']")
    teacher.fill("#assess-form textarea[name=comment]", "Clear and correct.")
    teacher.click("#save-assessment")
    teacher.wait_for_url(re.compile(r"saved=assessed"))
    assert (
        "Nothing waits"
        in teacher.locator("#waiting-list, section:has(#waiting-heading) p").first.inner_text()
    )
    shoot = output_dir / "choice-board-teacher.png"
    teacher.screenshot(path=str(shoot), full_page=True)
    with database.transaction() as session:
        rows = session.execute(
            select(Evidence.kind, Evidence.credit, Skill.key)
            .join(Skill, Skill.id == Evidence.skill_id)
            .where(Evidence.student_id == student_id, Evidence.kind == "rubric")
        ).all()
        assert [(kind, credit, key) for kind, credit, key in rows] == [("rubric", 1.0, skill_key)]

    # The student reads the assessment and what it did to their mastery.
    student.reload()
    assert "Assessed" in student.locator("#pick-status").inner_text()
    assert "Secure" in student.locator(".rubric-feedback").inner_text()
    assert skill_name in student.locator("#my-pick .effects").inner_text()
    student.screenshot(path=str(output_dir / "choice-board-student.png"), full_page=True)

    # The pages of this feature pass axe-core (no violation at desktop width, none serious on a phone).
    board_path = board_url.removeprefix(board_server.url)
    assess_path = f"/choices/picks/{picks[0].id}"
    teacher_paths = ["/choices", board_path, assess_path, f"{board_path}/edit"]
    found = page_violations(people.browser, board_server.url, TEACHER, teacher_paths, **EVERY_IMPACT)
    found |= page_violations(
        people.browser, board_server.url, student_email, ["/choices", board_path], **EVERY_IMPACT
    )
    found |= page_violations(people.browser, board_server.url, TEACHER, teacher_paths, sizes={"phone": PHONE})
    found |= page_violations(
        people.browser, board_server.url, student_email, ["/choices", board_path], sizes={"phone": PHONE}
    )
    assert found == {}


def test_a_student_proposes_a_project_and_the_teacher_asks_for_changes(
    people: People, board_server: Server
) -> None:
    database = board_server.database
    with database.transaction() as session:
        student_email = session.scalars(
            select(User.email).where(User.role == "student", User.email.like("student%")).order_by(User.id)
        ).first()
    assert student_email is not None
    student = people.log_in(student_email)
    student.goto("/projects/new")
    student.fill("input[name=title]", "Fractions in music")
    student.fill("textarea[name=question]", "How do note lengths fill a bar?")
    student.locator("#project-skills input[type=checkbox]").first.check()
    student.fill("input[name=checkpoint_0_title]", "Listen and count")
    student.fill("input[name=checkpoint_0_due_on]", "2001-01-01")
    student.click("#send-proposal")  # a date in the past: refused, named, what was typed kept
    assert "in the past" in student.locator("#proposal-error").inner_text()
    assert student.locator("input[name=title]").input_value() == "Fractions in music"
    student.fill("input[name=checkpoint_0_due_on]", (date.today() + timedelta(days=5)).isoformat())
    student.click("#send-proposal")
    student.wait_for_url(re.compile(r"/projects/\d+\?saved=proposed"))
    project_path = student.url.removeprefix(board_server.url).split("?")[0]

    teacher = people.log_in(TEACHER)
    teacher.goto("/choices")
    teacher.click("#project-queue a:text-is('Fractions in music')")
    teacher.fill("#decision-form textarea[name=comment]", "Add a checkpoint where you write your own rhythm.")
    teacher.click("#ask-changes")
    teacher.wait_for_url(re.compile(r"saved=decided"))
    assert "Changes asked" in teacher.locator("#project-status").inner_text()
    student.goto(project_path)
    assert "write your own rhythm" in student.locator("#revise-heading + p").inner_text()
    found = page_violations(
        people.browser, board_server.url, TEACHER, ["/choices", project_path], **EVERY_IMPACT
    )
    student_paths = ["/projects/new", project_path]
    found |= page_violations(people.browser, board_server.url, student_email, student_paths, **EVERY_IMPACT)
    found |= page_violations(
        people.browser, board_server.url, student_email, student_paths, sizes={"phone": PHONE}
    )
    assert found == {}
