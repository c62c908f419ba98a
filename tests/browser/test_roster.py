"""An administrator uploads a small OneRoster package, reads the dry run, confirms, and gets the links."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from atpace.config import Settings
from atpace.services.demo import ensure_demo_school
from atpace.store.db import Database
from atpace.web.app import create_app
from tests.live_server import serving

pytestmark = pytest.mark.browser

PACKAGE = Path(__file__).resolve().parents[1] / "fixtures" / "oneroster" / "v12_bulk"


@pytest.fixture(scope="module")
def roster_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo school, served with a data folder of its own (uploads are kept there)."""
    folder = tmp_path_factory.mktemp("roster-browser")
    database = Database(f"sqlite:///{folder / 'demo.db'}")
    database.upgrade()
    with database.transaction() as session:
        ensure_demo_school(session)
    settings = Settings(
        environment="test", secret_key="r" * 40, cookie_secure=False, data_dir=folder / "data"
    )
    with serving(create_app(settings, database)) as url:
        yield url
    database.engine.dispose()


@pytest.fixture
def admin_page(browser: Any, roster_server: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=roster_server, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login")
    page.fill("input[name=email]", "admin@riverside.example")
    page.fill("input[name=password]", "atpace-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/teach")
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def test_admin_imports_a_roster(admin_page: Any, tmp_path: Path, output_dir: Path) -> None:
    page = admin_page
    package = tmp_path / "riverside-roster.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for path in sorted(PACKAGE.iterdir()):
            archive.write(path, path.name)
    page.goto("/admin/roster")
    page.set_input_files("#roster-files", str(package))
    page.fill("#roster-org", "org-s1")
    page.click("#roster-check")
    page.wait_for_selector("#roster-report")
    assert page.inner_text("#roster-outcome") == "Dry run: nothing is written yet"
    assert page.inner_text("#roster-counts tr[data-table=users] td[data-count=created]") == "5"
    assert page.inner_text("#roster-counts tr[data-table=class_teachers] td[data-count=created]") == "3"
    assert "5 users will get a one-time sign-in link" in page.inner_text("#roster-links-count")
    page.screenshot(path=str(output_dir / "roster-dry-run.png"), full_page=True)

    page.click("#roster-confirm-button")
    page.wait_for_url("**/admin/roster/confirm")
    assert page.inner_text("#roster-outcome") == "Imported"
    assert page.inner_text("#roster-counts tr[data-table=users] td[data-count=created]") == "5"
    with page.expect_download() as download_info:
        page.click("#roster-links")
    download = download_info.value
    assert download.suggested_filename.startswith("sign-in-links-riverside-")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert len(rows) == 5 and {row["role"] for row in rows} == {"teacher", "student", "admin"}
    assert all(row["link"].startswith(page.url.split("/admin/")[0] + "/sign-in/") for row in rows)
    page.screenshot(path=str(output_dir / "roster-imported.png"), full_page=True)

    # The same package again: the dry run finds nothing to change.
    page.goto("/admin/roster")
    assert page.locator("#roster-imports tbody tr").count() == 1
    page.set_input_files("#roster-files", str(package))
    page.click("#roster-check")
    page.wait_for_selector("#roster-report")
    assert page.inner_text("#roster-counts tr[data-table=users] td[data-count=unchanged]") == "5"
    assert page.inner_text("#roster-counts tr[data-table=users] td[data-count=created]") == "0"
