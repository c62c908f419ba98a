"""Helpers of the school administration tests: API clients per user and a cookie session with CSRF."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from atpace.store.tables import User
from tests.service.conftest import RollbackDatabase
from tests.service.web import bearer, client_for


class Api:
    """A test client that sends one user's bearer token."""

    def __init__(self, database: RollbackDatabase, user_id: int) -> None:
        self.client = client_for(database)
        self.headers = bearer(database, user_id)

    def get(self, url: str, **kwargs: object) -> Any:
        return self.client.get(url, headers=self.headers, **kwargs)  # type: ignore[arg-type]

    def post(self, url: str, json: object = None, **kwargs: object) -> Any:
        return self.client.post(url, json=json, headers=self.headers, **kwargs)  # type: ignore[arg-type]

    def put(self, url: str, json: object = None) -> Any:
        return self.client.put(url, json=json, headers=self.headers)

    def delete(self, url: str) -> Any:
        return self.client.delete(url, headers=self.headers)


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page carries a CSRF token"
    return match.group(1)


def browser(database: RollbackDatabase, email: str, password: str = "atpace-demo") -> TestClient:
    """A client signed in through the login form (cookie session), as a browser is."""
    client = client_for(database)
    page = client.get("/login")
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 303, response.text
    return client


def user_id(database: RollbackDatabase, email: str) -> int:
    with database.transaction() as session:
        found = session.scalar(select(User.id).where(User.email == email))
    assert found is not None, email
    return found
