"""The README's production recipe, command by command, on a fresh SQLite and a fresh PostgreSQL database: it
ends with a working school (roster and course imported), where an imported student signs in with their
one-time link and practises."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from atpace.cli import app
from atpace.config import Settings
from atpace.store.db import Database
from atpace.web.app import create_app
from tests.service.conftest import POSTGRES_ENV
from tests.service.test_concurrency import _postgres_database
from tests.service.web import TEST_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ROSTER = ROOT / "tests" / "fixtures" / "oneroster" / "v12_bulk"
runner = CliRunner()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'school.db'}"
    server = os.environ.get(POSTGRES_ENV, "")
    if not server:
        pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
    return _postgres_database(server, "atpace_recipe_test")


def recipe_commands() -> list[str]:
    """The `.venv/bin/atpace ...` lines of the README's production recipe, in order."""
    text = README.read_text()
    section = text.split("## Production use", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    return [
        line.split("#", 1)[0].strip() for line in block.splitlines() if line.startswith(".venv/bin/atpace ")
    ]


def run(line: str, url: str, workdir: Path) -> str:
    words = line.removeprefix(".venv/bin/atpace ").split()
    args = [w.strip('"') for w in _join_quoted(words)]
    args = [str(ROSTER) if a == "lincoln-roster.zip" else a for a in args]
    args = [str(workdir / a) if a == "sign-in-links.csv" else a for a in args]
    result = runner.invoke(
        app, [*args, "--database-url", url], env={"ATPACE_NEW_PASSWORD": "a-long-password-1"}
    )
    assert result.exit_code == 0, f"{line}\n{result.output}"
    return " ".join(result.output.split())


def _join_quoted(words: list[str]) -> list[str]:
    joined: list[str] = []
    for word in words:
        if joined and joined[-1].startswith('"') and not joined[-1].endswith('"'):
            joined[-1] += " " + word
        else:
            joined.append(word)
    return joined


def test_the_production_recipe_ends_with_a_working_school(fresh_url: str, tmp_path: Path) -> None:
    commands = recipe_commands()
    names = [" ".join(c.split()[1:3]) for c in commands]
    assert names[:3] == ["db upgrade", "schools create", "users create"], names
    assert {"courses import", "roster import", "roster link-course", "serve --workers"} <= {
        n if not n.startswith("serve") else "serve --workers" for n in names
    }
    for line in commands:
        if " serve " in f"{line} ":
            continue  # the server itself is what the rest of this test talks to
        run(line, fresh_url, tmp_path)
    links = list(csv.DictReader((tmp_path / "sign-in-links.csv").read_text().splitlines()))
    student = next(row for row in links if row["role"] == "student")
    database = Database(fresh_url)
    client_app = create_app(Settings(**TEST_SETTINGS), database)  # type: ignore[arg-type]
    from fastapi.testclient import TestClient

    with TestClient(client_app, base_url="https://testserver", follow_redirects=False) as client:
        path = "/" + student["link"].split("/", 3)[3]
        page = client.get(path)
        assert page.status_code == 200, page.text
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        signed_in = client.post(
            path, data={"csrf_token": token, "password": "my-own-password-1", "confirm": "my-own-password-1"}
        )
        assert signed_in.status_code == 303, signed_in.text
        csrf = {"x-csrftoken": client.cookies.get("csrftoken") or ""}  # cookie sessions send it on writes
        item = client.post("/api/practice/next", json={}, headers=csrf)
        assert item.status_code == 200, item.text
        assert item.json()["skill_key"]
        used_again = client.get(path)
        assert used_again.status_code == 404  # a link works once
    database.engine.dispose()
