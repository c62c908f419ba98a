"""Helpers for tests that go through the HTTP faces."""

from __future__ import annotations

import tempfile

from fastapi.testclient import TestClient

from atpace.config import Settings
from atpace.services.auth import issue_token
from atpace.store.db import Database
from atpace.store.tables import User
from atpace.web.app import create_app

TEST_SETTINGS = dict(
    environment="test", secret_key="t" * 40, cookie_secure=False, login_failures_per_minute=5,
    files_dir=tempfile.mkdtemp(prefix="atpace-test-files-"),
)  # fmt: skip


def client_for(database: Database, **overrides: object) -> TestClient:
    settings = Settings(**{**TEST_SETTINGS, **overrides})  # type: ignore[arg-type]
    return TestClient(create_app(settings, database), base_url="https://testserver", follow_redirects=False)


def bearer(database: Database, user_id: int) -> dict[str, str]:
    with database.transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        token = issue_token(session, user, kind="api", lifetime=None)
    return {"Authorization": f"Bearer {token}"}
