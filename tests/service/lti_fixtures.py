"""The world of the LTI tests: atpace served on loopback (its own database, SQLite or PostgreSQL) and the
test LMS (``tests/service/lti_platform.py``) registered in the Riverside school."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from atpace.config import Settings
from atpace.content import FRACTIONS_COURSE
from atpace.services.courses import import_course
from atpace.services.lti.platforms import PlatformInput, add_platform
from atpace.store.db import Database
from atpace.store.tables import Classroom, School, User
from atpace.store.tables_lti import LtiContext, LtiNonce, LtiResourceLink, LtiUserLink
from atpace.web.app import create_app
from tests.live_server import serving
from tests.service.conftest import POSTGRES_ENV
from tests.service.lti_platform import CLIENT_ID, DEPLOYMENT_ID, Platform
from tests.service.test_concurrency import _postgres_database
from tests.service.web import TEST_SETTINGS

COUNTED = (User, Classroom, LtiUserLink, LtiContext, LtiResourceLink, LtiNonce)


@dataclass
class Lms:
    database: Database
    tool: str  # atpace's base URL
    platform: Platform
    platform_id: int
    school_id: int

    def counts(self) -> dict[str, int]:
        with self.database.transaction() as session:
            return {
                t.__tablename__: int(session.scalar(select(func.count()).select_from(t)) or 0)
                for t in COUNTED
            }

    def browser(self) -> httpx2.Client:
        return httpx2.Client(timeout=30)

    def launch(
        self, browser: httpx2.Client, sub: str, *, kind: str = "resource", resource_link: str = "link-1",
        custom: dict[str, str] | None = None,
    ) -> httpx2.Response:
        """The LMS link clicked: login initiation, the tool's redirect to the LMS, the LMS's auto-posting
        form (posted here, as a browser's script would) to the tool's launch URL."""
        start = self.platform.start_url(sub, kind=kind, resource_link=resource_link, custom=custom)
        page = browser.get(start, follow_redirects=True)
        assert page.status_code == 200, page.text
        action, fields = auto_form(page.text)
        return browser.post(action, data=fields, follow_redirects=False)


def auto_form(html: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form[^>]*action="([^"]+)"', html)
    assert action is not None, html
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    return action.group(1).replace("&amp;", "&"), {k: v.replace("&amp;", "&") for k, v in fields.items()}


def _url(request: pytest.FixtureRequest, tmp: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp / 'lti.db'}"
    server = os.environ.get(POSTGRES_ENV, "")
    if not server:
        pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
    return _postgres_database(server, f"{make_url(server).database}_lti")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def lms(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lms]:
    database = Database(_url(request, tmp_path_factory.mktemp("lti")))
    database.upgrade()
    with database.transaction() as session:  # a school with one course (the demo school takes 40 s to build)
        school = School(slug="riverside", name="Riverside Elementary")
        session.add(school)
        session.flush()
        import_course(session, school, FRACTIONS_COURSE)
        school_id = school.id
    app = create_app(Settings(**TEST_SETTINGS), database)  # type: ignore[arg-type]
    with serving(app) as tool:
        platform = Platform(tool).start()
        try:
            with database.transaction() as session:
                registered = add_platform(
                    session, school_id,
                    PlatformInput(
                        issuer=platform.url, client_id=CLIENT_ID, auth_login_url=f"{platform.url}/authorize",
                        auth_token_url=f"{platform.url}/token", key_set_url=f"{platform.url}/jwks",
                        deployment_ids=[DEPLOYMENT_ID], name="Test LMS",
                    ),
                    actor_id=None,
                )  # fmt: skip
                platform_id = registered.id
            yield Lms(database, tool, platform, platform_id, school_id)
        finally:
            platform.stop()
    database.engine.dispose()


def as_dict(value: Any) -> dict[str, Any]:
    assert isinstance(value, dict)
    return value
