"""Several app servers behind a load balancer (issue 13, "Web tier"): two `atpace serve` processes on
different ports share one PostgreSQL database and one ATPACE_SECRET_KEY. A student signs in on one,
practises on the other, submits forms rendered by one to the other (session cookie and CSRF token both
travel), and every answer lands once, even when the balancer sends a form twice, to both servers. Signing
out on one server signs the student out of both."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import httpx2 as httpx
import pytest
from sqlalchemy import func, select

from atpace.store.db import Database
from atpace.store.tables import Attempt
from tests.service.faults_server import (
    PASSWORD,
    drop_database,
    postgres_database,
    right_answers,
    serve,
    students,
)
from tests.service.school import csrf_of

pytestmark = pytest.mark.postgres


@dataclass
class Pair:
    database: Database
    servers: tuple[str, str]  # base URLs
    answers: dict[int, str]
    student_id: int


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    url = postgres_database("two")
    database = Database(url)
    logs = tmp_path_factory.mktemp("two-servers")
    with ExitStack() as stack:
        first, _ = stack.enter_context(serve(url, logs / "first.log"))
        second, _ = stack.enter_context(serve(url, logs / "second.log"))
        yield Pair(database, (first, second), right_answers(database), students(database)[0])
    database.engine.dispose()
    drop_database(url)


def _answer_form(page: str) -> dict[str, str]:
    form = re.search(r'<form id="answer-form".*?</form>', page, re.S)
    assert form, "the practice page has its answer form"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))
    assert {"csrf_token", "item_id", "skill_key", "client_attempt_id"} <= set(fields), fields
    return fields


def _stored(database: Database, student_id: int) -> dict[str, int]:
    with database.transaction() as session:
        rows = session.execute(
            select(Attempt.client_attempt_id, func.count())
            .where(Attempt.student_id == student_id)
            .group_by(Attempt.client_attempt_id)
        ).all()
    return {key: count for key, count in rows}


def test_a_session_moves_between_two_servers_and_each_answer_lands_once(pair: Pair) -> None:
    first, second = pair.servers
    # One cookie jar for both servers, as a browser has behind one host name (cookies ignore ports).
    with httpx.Client(timeout=30, follow_redirects=False) as browser:
        login = browser.get(f"{first}/login")
        signed_in = browser.post(
            f"{second}/login",
            data={"email": "s0@faults.example", "password": PASSWORD, "csrf_token": csrf_of(login.text)},
        )
        assert signed_in.status_code == 303, signed_in.text
        assert "atpace_session" in browser.cookies

        sent: list[str] = []
        for shown_on, sent_to in ((first, second), (second, first)):
            page = browser.get(f"{shown_on}/practice")
            assert page.status_code == 200, page.text
            form = _answer_form(page.text)
            form["response"] = pair.answers[int(form["item_id"])]
            feedback = browser.post(f"{sent_to}/practice/answer", data=form)
            assert feedback.status_code == 200, feedback.text
            again = browser.post(f"{shown_on}/practice/answer", data=form)  # the balancer sent it twice
            assert again.status_code == 200, again.text
            sent.append(form["client_attempt_id"])
        assert len(set(sent)) == 2
        assert _stored(pair.database, pair.student_id) == {key: 1 for key in sent}

        api = browser.get(f"{second}/api/me")  # the JSON API takes the same session cookie
        assert api.status_code == 200 and api.json()["id"] == pair.student_id, api.text

        page = browser.get(f"{first}/practice")
        signed_out = browser.post(f"{second}/logout", data={"csrf_token": csrf_of(page.text)})
        assert signed_out.status_code == 303, signed_out.text
        browser.cookies.clear()  # what the browser forgets does not matter: the server forgot the session
        browser.cookies.update({"atpace_session": signed_in.cookies["atpace_session"]})
        refused = browser.get(f"{first}/practice")
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
