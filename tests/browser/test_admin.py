"""An administrator creates a class, chooses its course and teacher, adds students (one by e-mail, more from a
CSV file) and hands out a sign-in link; the student signs in and sees the class. A student without a class
sees a helpful page with the menu and "Log out", and joins with a code. Screenshots at desktop and phone width.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from atpace.config import Settings
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.web.app import create_app
from tests.live_server import serving

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Every visible form control has a label, the page has one h1, and nothing is wider than the window.
A11Y_CHECK = """() => {
  const unlabelled = [];
  for (const el of document.querySelectorAll('input, select, textarea, button')) {
    if (el.type === 'hidden') continue;
    const name = el.tagName === 'BUTTON' ? (el.textContent.trim() || el.getAttribute('aria-label'))
      : ((el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
    if (!name) unlabelled.push(el.outerHTML.slice(0, 90));
  }
  return {unlabelled, h1: document.querySelectorAll('h1').length,
          overflow: document.documentElement.scrollWidth > window.innerWidth + 1};
}"""


@pytest.fixture(scope="module")
def school_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo school on a database of its own (these tests add classes and users)."""
    folder = tmp_path_factory.mktemp("school-browser")
    database = Database(f"sqlite:///{folder / 'demo.db'}")
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session)
    settings = Settings(
        environment="test", secret_key="s" * 40, cookie_secure=False, data_dir=folder / "data"
    )
    with serving(create_app(settings, database)) as url:
        yield url
    database.engine.dispose()


@pytest.fixture
def context(browser: Any, school_server: str) -> Iterator[Any]:
    made = browser.new_context(base_url=school_server, viewport=DESKTOP, accept_downloads=True)
    errors: list[str] = []
    made.on("page", lambda p: p.on("pageerror", lambda error: errors.append(str(error))))
    yield made
    made.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def log_in(page: Any, email: str, password: str = "atpace-demo") -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def accessible(page: Any) -> None:
    found = page.evaluate(A11Y_CHECK)
    assert found["unlabelled"] == [] and found["h1"] == 1 and not found["overflow"], (page.url, found)


def shoot(page: Any, output_dir: Path, name: str) -> None:
    """Desktop and phone screenshots of the page as it is, each checked for labels and width."""
    accessible(page)
    page.screenshot(path=str(output_dir / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    accessible(page)
    page.screenshot(path=str(output_dir / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def create_user(page: Any, email: str, name: str, role: str, password: str = "") -> None:
    page.goto("/admin/users")
    form = page.locator("#create-user-form")
    form.get_by_label("E-mail (their login)").fill(email)
    form.get_by_label("Name").fill(name)
    form.get_by_label("Role").select_option(role)
    if password:
        form.get_by_label("Password (optional)").fill(password)
    page.click("#create-user")
    page.wait_for_selector("#user-title")


def test_admin_creates_a_class_and_enrols_students(context: Any, output_dir: Path, tmp_path: Path) -> None:
    page = context.new_page()
    log_in(page, "admin@riverside.example")
    page.wait_for_url("**/teach")
    create_user(page, "tara@riverside.example", "Tara Teach", "teacher", password="tara-password")
    create_user(page, "zoe@riverside.example", "Zoe New", "student")
    link = page.input_value("#sign-in-link")
    assert "/sign-in/" in link and "shown only now" in page.inner_text("#sign-in-link-box")
    shoot(page, output_dir, "admin-user-link")

    page.click("nav >> text=Manage classes")
    page.wait_for_url("**/admin/classes")
    page.get_by_label("Name").fill("Grade 5 - Room 7")
    page.get_by_label("Course").select_option(index=1)  # the demo school's one course
    page.get_by_label("Teacher").select_option(label="Tara Teach (tara@riverside.example)")
    page.click("#create-class")
    page.wait_for_selector("#done")
    assert page.inner_text("#done") == "Class created."
    assert page.inner_text("#current-course") == "Fractions"
    assert "Tara Teach" in page.inner_text("#teacher-list")
    shoot(page, output_dir, "admin-class")

    page.click("#students-link")
    page.wait_for_selector("#roster-title")
    page.fill("#add-email", "zoe@riverside.example")
    page.click("#add-student")
    page.wait_for_selector("#done")
    assert "Zoe New" in page.inner_text("#roster-table")
    csv_file = tmp_path / "students.csv"
    csv_file.write_bytes(
        '\ufeffemail,name\r\nyan@riverside.example,Yan Li\r\nxia@riverside.example,"Xia, the second"\r\n'.encode()
    )
    page.set_input_files("#import-file", str(csv_file))
    page.click("#import-submit")
    page.wait_for_selector("#import-summary")
    assert page.inner_text("#import-summary").startswith("2 created")
    with page.expect_download() as download:
        page.click("#download-links")
    links = Path(download.value.path()).read_text()
    assert links.startswith("email,name,role,class,link,expires") and links.count("/sign-in/") == 2
    page.screenshot(path=str(output_dir / "roster-import.png"), full_page=True)
    page.click("#new-join-code")
    page.wait_for_selector("#join-code-value")
    assert len(page.inner_text("#join-code-value")) == 9
    page.reload()
    assert "Xia, the second" in page.inner_text("#roster-table")
    shoot(page, output_dir, "roster")

    # Zoe opens her link, chooses a password, and lands on her class's map.
    zoe = context.browser.new_context(base_url=page.url.split("/classes")[0], viewport=DESKTOP)
    student = zoe.new_page()
    student.goto(link)
    assert student.inner_text("h1") == "Hello, Zoe New"
    accessible(student)
    student.get_by_label("New password").fill("zoe-password")
    student.get_by_label("The same password again").fill("zoe-password")
    student.click("#save-password")
    student.wait_for_url("**/learn")
    assert student.inner_text("h1") == "Fractions" and student.locator("#start-practice").count() == 1
    student.click("nav >> text=My classes")
    assert "Grade 5 - Room 7" in student.inner_text("#my-classes")
    student.goto(link)
    assert "already used" in student.inner_text("main")
    zoe.close()
    for url, name in (
        ("/admin/classes", "admin-classes"),
        ("/admin/users", "admin-users"),
        ("/teach", "admin-teach"),
    ):
        page.goto(url)
        shoot(page, output_dir, name)


def test_a_student_without_a_class_sees_what_to_do_next(
    context: Any, school_server: str, output_dir: Path
) -> None:
    with httpx2.Client(base_url=school_server, timeout=30) as api:
        token = api.post(
            "/api/auth/token", json={"email": "admin@riverside.example", "password": "atpace-demo"}
        )
        admin = {"Authorization": f"Bearer {token.json()['access_token']}"}
        body = {
            "email": "nia@riverside.example",
            "display_name": "Nia Noclass",
            "role": "student",
            "password": "nia-password",
        }
        assert api.post("/api/admin/users", json=body, headers=admin).status_code == 201
        courses = api.get("/api/admin/courses", headers=admin).json()
        made = api.post(
            "/api/admin/classes",
            json={"name": "Grade 3 - Room 1", "course_id": courses[0]["id"]},
            headers=admin,
        )
        code = api.post(f"/api/classes/{made.json()['id']}/join-code", headers=admin).json()["join_code"]
    page = context.new_page()
    log_in(page, "nia@riverside.example", "nia-password")
    page.wait_for_url("**/learn")
    assert page.inner_text("h1") == "Welcome, Nia Noclass"
    assert "not in a class yet" in page.inner_text("#no-class-reason")
    assert page.get_by_role("button", name="Log out").is_visible()
    assert page.evaluate("document.activeElement.id") == "join-code"  # the form is ready to type in
    shoot(page, output_dir, "student-no-class")
    page.set_viewport_size(PHONE)
    assert page.get_by_role("button", name="Log out").is_visible()
    page.set_viewport_size(DESKTOP)
    page.click("nav >> text=Practice")
    assert page.inner_text("h1") == "Welcome, Nia Noclass"  # practice says the same, with the menu
    page.fill("#join-code", "WRNG-CODE")
    page.click("#join-class")
    page.wait_for_selector("#join-error")
    assert "no class has this join code" in page.inner_text("#join-error").lower()
    assert page.get_attribute("#join-code", "aria-invalid") == "true"
    page.fill("#join-code", code.lower())
    page.click("#join-class")
    page.wait_for_url("**/learn")
    assert page.locator("#start-practice").count() == 1
    page.click("nav >> text=My classes")
    assert "Grade 3 - Room 1" in page.inner_text("#my-classes")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
