"""The teacher's week in the browser: the teacher forms groups from atpace's suggestion, writes a rubric with a
criterion aligned to a skill, assigns an open task with that rubric to one saved group; two students of the
group hand in (one a PDF file), the teacher moves between them with the keyboard, grades one with the rubric
(watching the mastery preview) and returns it for revision; the student reads the feedback and hands in a new
version, which the teacher sees waiting. A student outside the group never sees the task.

Everything is done through the pages with clicks and typing; the database is only read, to find the
students' e-mail addresses and to check what was stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from atpace.config import Settings
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.store.tables import (
    Enrollment,
    Feedback,
    Rubric,
    RubricCriterion,
    StudentGroup,
    StudentGroupMember,
    Submission,
    User,
)
from atpace.web.app import create_app
from tests.live_server import serving

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"
PDF = FIXTURES / "fraction-strips.pdf"
PNG = FIXTURES / "fraction-strips-v2.png"
TEACHER = "teacher@riverside.example"
PASSWORD = "atpace-demo"
GROUP_NAME = "Strip builders"
RUBRIC_TITLE = "Fraction strips explanation"
TASK_TITLE = "Show that 3/4 = 6/8 with fraction strips"
ALIGNED, PLAIN = "Uses fraction strips", "Explains the reasoning"
ALIGNED_LEVELS = ["Not yet", "Beginning", "Secure", "Expert"]
PLAIN_LEVELS = ["Unclear", "Partly clear", "Clear"]
WAIT_MS = 15_000  # the longest any single element or navigation may take


@dataclass
class Server:
    url: str
    database: Database


@pytest.fixture(scope="module")
def week_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo school on a database of its own, with uploads in a temporary folder."""
    folder = tmp_path_factory.mktemp("teacher-week")
    database = Database(f"sqlite:///{folder / 'demo.db'}")
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session)
    settings = Settings(
        environment="test", secret_key="w" * 40, cookie_secure=False, data_dir=folder / "data"
    )
    with serving(create_app(settings, database)) as url:
        yield Server(url, database)
    database.engine.dispose()


class People:
    """One browser context per person (each logged in once), with JavaScript errors collected."""

    def __init__(self, browser: Any, url: str) -> None:
        self.browser, self.url = browser, url
        self.contexts: list[Any] = []
        self.errors: list[str] = []

    def log_in(self, email: str) -> Any:
        context = self.browser.new_context(base_url=self.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{email}: {error}"))
        page.goto("/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/(teach|learn)$"))
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def people(browser: Any, week_server: Server) -> Iterator[People]:
    made = People(browser, week_server.url)
    yield made
    made.close()
    assert made.errors == [], f"JavaScript errors on the page: {made.errors}"


def shoot(page: Any, output_dir: Path, name: str) -> None:
    page.screenshot(path=str(output_dir / f"week-{name}.png"), full_page=True)


def emails(database: Database, ids: list[int]) -> dict[int, str]:
    with database.transaction() as session:
        return {
            user_id: email
            for user_id, email in session.execute(select(User.id, User.email).where(User.id.in_(ids)))
        }


def id_in_url(page: Any, collection: str) -> int:
    found = re.search(rf"/{collection}/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def unread(page: Any) -> int:
    badge = page.locator("#unread-count")
    return int(badge.inner_text()) if badge.count() else 0


def test_teacher_week(people: People, week_server: Server, output_dir: Path) -> None:
    database = week_server.database
    teacher = people.log_in(TEACHER)

    # 1. Groups: a suggestion with three groups, one student moved, one group renamed, saved.
    teacher.click(".class-link")
    teacher.wait_for_selector("#heatmap")
    class_id = id_in_url(teacher, "classes")
    teacher.click("nav.class-nav a:text-is('Groups')")
    teacher.wait_for_url(f"**/classes/{class_id}/groups")
    assert teacher.locator("#suggestion").count() == 1  # atpace suggests from what the class works on now
    teacher.select_option("#suggest-form select[name=k]", "3")
    teacher.click("#suggest-form button[type=submit]")
    teacher.wait_for_url(re.compile(r"k=3"))
    assert teacher.locator("#suggestion .group-card").count() == 3
    assert "3" in teacher.locator("#k-reason").inner_text()
    focus_keys = teacher.locator("#save-form input[name=focus]").input_value().split(",")
    skill_key = focus_keys[0]
    skill_name = teacher.locator(
        f"#suggest-form label:has(input[name=skill][value='{skill_key}'])"
    ).inner_text()
    skill_name = skill_name.strip()
    assert (
        skill_name and teacher.locator(f"#suggest-form input[name=skill][value='{skill_key}']").is_checked()
    )

    # Move one student of another group into group 1, and give group 1 a name of the teacher's own.
    selects = teacher.locator("#save-form select[name=member]")
    values = selects.evaluate_all("els => els.map(e => e.value)")
    moved_index = next(i for i, v in enumerate(values) if not v.endswith(":0"))
    moved_id = int(values[moved_index].split(":")[0])
    moved_name = teacher.locator(f"label[for=member-{moved_id}]").inner_text().strip()
    selects.nth(moved_index).select_option(f"{moved_id}:0")
    teacher.fill("#suggested-0 input[name=name]", GROUP_NAME)
    values = selects.evaluate_all("els => els.map(e => e.value)")
    group_ids = sorted(int(v.split(":")[0]) for v in values if v.endswith(":0"))
    assert moved_id in group_ids and len(group_ids) >= 2
    shoot(teacher, output_dir, "groups-suggested")
    teacher.click("#save-form button[type=submit]")
    teacher.wait_for_url(re.compile(r"done=saved"))
    assert teacher.locator("#notice").inner_text() == "Groups saved."
    saved = teacher.locator("#saved article.group-card", has=teacher.locator(f"h3:text-is('{GROUP_NAME}')"))
    assert saved.count() == 1
    assert moved_name in saved.locator(".group-members").inner_text()
    assert saved.locator(".group-members > li").count() == len(group_ids)
    assert teacher.locator("#saved article.group-card").count() == 3
    group_id = int(saved.get_attribute("id").removeprefix("group-"))
    with database.transaction() as session:
        stored = session.get(StudentGroup, group_id)
        assert stored is not None and stored.class_id == class_id
        members = session.scalars(
            select(StudentGroupMember.student_id).where(StudentGroupMember.group_id == group_id)
        ).all()
        assert sorted(members) == group_ids
    shoot(teacher, output_dir, "groups-saved")

    # 2. A rubric with two criteria, the first aligned to a focus skill of the fractions course.
    teacher.click("header a:text-is('Rubrics')")
    teacher.wait_for_url("**/rubrics")
    teacher.click("#new-rubric")
    teacher.wait_for_selector("#rubric-form")
    teacher.fill("#rubric-form input[name=title]", RUBRIC_TITLE)
    teacher.fill("#rubric-form textarea[name=description]", "For open tasks on equivalent fractions.")
    teacher.fill("input[name=c0_title]", ALIGNED)
    teacher.select_option("select[name=c0_skill]", label=skill_name)
    for j, title in enumerate(ALIGNED_LEVELS):
        teacher.fill(f"input[name=c0_l{j}_title]", title)
    teacher.fill("textarea[name=c0_l3_description]", "Builds both fractions and shows they match.")
    teacher.fill("input[name=c1_title]", PLAIN)
    for j, title in enumerate(PLAIN_LEVELS):
        teacher.fill(f"input[name=c1_l{j}_title]", title)
        teacher.fill(f"input[name=c1_l{j}_points]", str(2 * j))
    teacher.click("#save-rubric")
    teacher.wait_for_url(re.compile(r"/rubrics/\d+\?done=created"))
    rubric_id = id_in_url(teacher, "rubrics")
    assert teacher.locator("h1").inner_text() == RUBRIC_TITLE
    assert teacher.locator("#done").inner_text() == "Rubric created."
    with database.transaction() as session:
        rubric = session.get(Rubric, rubric_id)
        assert rubric is not None and rubric.title == RUBRIC_TITLE
        criteria = session.scalars(
            select(RubricCriterion).where(RubricCriterion.rubric_id == rubric_id).order_by(RubricCriterion.id)
        ).all()
        assert [c.title for c in criteria] == [ALIGNED, PLAIN]
        assert criteria[0].skill_id is not None and criteria[1].skill_id is None
    shoot(teacher, output_dir, "rubric-created")

    # 3. An open task with files and that rubric, for the saved group only (from the group's link).
    teacher.goto(f"/classes/{class_id}/groups")
    teacher.click(f"#group-{group_id} a:text-is('Assign work to this group')")
    teacher.wait_for_url(f"**/classes/{class_id}/assignments?group={group_id}")
    form = teacher.locator("#new-assignment-form")
    assert form.locator("input[name=target][value=group]").is_checked()
    assert form.locator("select[name=group_id]").input_value() == str(group_id)
    form.locator("input[name=kind][value=task]").check()
    form.locator("input[name=title]").fill(TASK_TITLE)
    form.locator("textarea[name=instructions]").fill(
        "Build 3/4 and 6/8 with strips. Photograph or scan them."
    )
    form.locator("input[name=accepts_files]").check()
    form.locator("select[name=rubric_id]").select_option(label=RUBRIC_TITLE)
    shoot(teacher, output_dir, "assignment-form")
    form.locator("button[type=submit]:text-is('Assign')").click()
    teacher.wait_for_url(re.compile(r"/assignments/\d+\?saved=created"))
    assignment_id = id_in_url(teacher, "assignments")
    assert teacher.locator("h1").inner_text() == TASK_TITLE
    recipients = teacher.locator("#student-status tbody tr[data-student]").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.student))"
    )
    assert sorted(recipients) == group_ids
    with database.transaction() as session:
        class_students = session.scalars(
            select(Enrollment.user_id).where(Enrollment.class_id == class_id).order_by(Enrollment.user_id)
        ).all()
    outsider_id = next(s for s in class_students if s not in group_ids)
    address = emails(database, [*group_ids, outsider_id])
    first_id, second_id = group_ids[0], group_ids[1]

    # 4. Two students of the group hand in: the first a PDF (and a sentence), the second a written answer.
    first = people.log_in(address[first_id])
    assert unread(first) >= 1  # the "assigned" message
    first.click("header a:text-is('My work')")
    first.wait_for_url("**/work")
    line = first.locator(f"#work-list li[data-assignment='{assignment_id}']")
    assert TASK_TITLE in line.inner_text()
    assert line.locator(".work-state").get_attribute("data-state") == "to-do"
    line.locator(f"a:text-is('{TASK_TITLE}')").click()
    first.wait_for_url(f"**/work/{assignment_id}")
    assert first.locator("h1").inner_text() == TASK_TITLE
    first.fill("#submit-form textarea[name=body]", "Both strips cover the same length.")
    first.set_input_files("#submit-form input[name=files]", str(PDF))
    first.click("#submit-form button[type=submit]")
    first.wait_for_url(re.compile(rf"/work/{assignment_id}\?saved=submitted"))
    version_one = first.locator("#versions article.version[data-version='1']")
    assert version_one.locator(f"a:text-is('{PDF.name}')").count() == 1
    assert "Waiting for your teacher's feedback." in version_one.inner_text()
    shoot(first, output_dir, "student-submitted")

    second = people.log_in(address[second_id])
    second.click("header a:text-is('My work')")
    second.wait_for_url("**/work")
    second.click(f"#work-list li[data-assignment='{assignment_id}'] h2 a")
    second.wait_for_url(f"**/work/{assignment_id}")
    second.fill("#submit-form textarea[name=body]", "6/8 and 3/4 are the same part of the strip.")
    second.click("#submit-form button[type=submit]")
    second.wait_for_url(re.compile(rf"/work/{assignment_id}\?saved=submitted"))
    assert second.locator("#versions article.version[data-version='1']").count() == 1

    # A student of the class outside the group sees nothing of it.
    outsider = people.log_in(address[outsider_id])
    outsider.click("header a:text-is('My work')")
    outsider.wait_for_url("**/work")
    assert outsider.locator(f"[data-assignment='{assignment_id}']").count() == 0
    assert TASK_TITLE not in outsider.content()
    response = outsider.goto(f"/work/{assignment_id}")
    assert response is not None and response.status == 403

    # 5. The teacher grades: the keyboard moves between the two students, the rubric, the preview, return.
    teacher.goto(f"/assignments/{assignment_id}")
    teacher.click(f"#student-{first_id} a:has-text('Give feedback')")
    teacher.wait_for_url(f"**/assignments/{assignment_id}/grade?student={first_id}")
    first_name = teacher.locator("#work-heading").inner_text()
    assert "j" in teacher.locator("#keys-help kbd").all_inner_texts()
    assert teacher.locator("#queue-position").inner_text().endswith("2 waiting for feedback")
    teacher.keyboard.press("j")
    teacher.wait_for_url(f"**/assignments/{assignment_id}/grade?student={second_id}")
    assert teacher.locator("#work-heading").inner_text() != first_name
    assert "6/8 and 3/4" in teacher.locator("#current-version").inner_text()
    teacher.keyboard.press("k")
    teacher.wait_for_url(f"**/assignments/{assignment_id}/grade?student={first_id}")
    assert teacher.locator("#work-heading").inner_text() == first_name
    pdf_link = teacher.locator(f"#current-version a:text-is('{PDF.name}')")
    assert teacher.request.get(pdf_link.get_attribute("href")).body() == PDF.read_bytes()

    preview_item = teacher.locator(f"#mastery-preview li[data-skill='{skill_key}']")
    assert "Now:" in teacher.locator("#mastery-preview").inner_text()
    assert "→" not in preview_item.inner_text()
    aligned = teacher.locator("fieldset.criterion", has=teacher.locator(f"legend:has-text('{ALIGNED}')"))
    plain = teacher.locator("fieldset.criterion", has=teacher.locator(f"legend:has-text('{PLAIN}')"))
    assert skill_name in aligned.locator("legend").inner_text()
    aligned.locator("label.level", has_text="Expert").locator("input[type=radio]").check()
    teacher.wait_for_selector(
        f"#mastery-preview:has-text('If you save these levels') li[data-skill='{skill_key}']"
    )
    effect = preview_item.inner_text()
    assert effect.startswith(f"{skill_name}:") and "→" in effect and ALIGNED in effect
    before, after = (int(p) for p in re.findall(r"(\d+)%", effect)[:2])
    assert after >= before  # the highest level counts as a right answer
    plain.locator("label.level", has_text="Partly clear").locator("input[type=radio]").check()
    aligned.locator("textarea").fill("Your strips are exact: well built.")
    plain.locator("textarea").fill("Say why the two strips cover the same length.")
    teacher.fill(
        "#feedback-form textarea[name=comment]", "Nearly there: add one sentence and hand it in again."
    )
    shoot(teacher, output_dir, "grading")
    teacher.click("#return-work")
    teacher.wait_for_url(re.compile(r"saved=returned"))
    assert "Returned for revision" in teacher.locator("#saved").inner_text()
    with database.transaction() as session:
        returned = session.scalars(
            select(Submission).where(
                Submission.assignment_id == assignment_id, Submission.student_id == first_id
            )
        ).all()
        assert [(s.version, s.status) for s in returned] == [(1, "returned")]
        assert session.scalar(select(Feedback).where(Feedback.submission_id == returned[0].id)) is not None

    # 6. The student reads the feedback (levels and comments) and hands in a new version.
    unread_before = unread(first)
    first.goto("/work")
    assert unread(first) > unread_before  # the "returned" message
    state = first.locator(f"#work-list li[data-assignment='{assignment_id}'] .work-state")
    assert state.get_attribute("data-state") == "returned" and state.inner_text() == "Returned for revision"
    first.click(f"#work-list li[data-assignment='{assignment_id}'] h2 a")
    first.wait_for_url(f"**/work/{assignment_id}")
    feedback = first.locator("#versions article.version[data-version='1'] .feedback-view")
    text = feedback.inner_text()
    for expected in (
        "Expert", "Partly clear", "Your strips are exact: well built.",
        "Say why the two strips cover the same length.", "Nearly there: add one sentence and hand it in again.",
    ):  # fmt: skip
        assert expected in text, (expected, text)
    assert skill_name in text
    shoot(first, output_dir, "student-feedback")
    first.fill(
        "#submit-form textarea[name=body]", "Both strips cover the same length: 3 quarters is 6 eighths."
    )
    first.set_input_files("#submit-form input[name=files]", str(PNG))
    first.click("#submit-form button[type=submit]")
    first.wait_for_url(re.compile(rf"/work/{assignment_id}\?saved=submitted"))
    versions = first.locator("#versions article.version")
    assert sorted(versions.evaluate_all("els => els.map(e => Number(e.dataset.version))")) == [1, 2]
    assert (
        first.locator("#versions article.version[data-version='2']")
        .locator(f"a:text-is('{PNG.name}')")
        .count()
    )
    assert first.locator("#versions article.version[data-version='1'] .feedback-view").count() == 1
    shoot(first, output_dir, "student-resubmitted")

    teacher.goto(f"/assignments/{assignment_id}/grade?student={first_id}")
    assert teacher.locator("#current-version").inner_text().startswith("Version 2")
    assert teacher.locator(f"#current-version a:text-is('{PNG.name}')").count() == 1
    assert teacher.locator("#feedback-form").count() == 1  # waiting for feedback again
    assert "Returned for revision" in teacher.locator("details.earlier-version").inner_text()
    row = teacher.locator("#grading-queue tr.current")
    assert "Waiting for feedback" in row.inner_text() and row.locator("td").first.inner_text() == "2"
    shoot(teacher, output_dir, "grading-new-version")
    teacher.goto(f"/classes/{class_id}/assignments")
    counts = teacher.locator(f"#assignments tr[data-assignment='{assignment_id}']")
    assert (
        counts.locator("[data-count=waiting]").inner_text() == "2"
    )  # the new version and the second student
