"""xAPI through the outbox, without a real LRS: each event kind writes a statement that ralph's models
accept, in the event's own transaction (a rolled-back answer leaves none), only for a school whose LRS is
on, under a pseudonymous account; the sender batches, backs off, splits a refused batch and counts a
statement the LRS already holds as delivered; erasure drops what is unsent; the admin's page, API and CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ralph.models.xapi.base.statements import BaseXapiStatement
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from atpace.errors import Forbidden, InvalidInput
from atpace.services import assignments, grading, practice
from atpace.services.agency import goals
from atpace.services.auth import Actor
from atpace.services.files import FileStore
from atpace.services.grading import ScoreInput
from atpace.services.practice import AnswerInput
from atpace.services.xapi import drop_for_student, lrs, send_pending, statements
from atpace.services.xapi.sender import LEASE_S, Unreachable
from atpace.services.xapi.vocabulary import VERBS
from atpace.store.tables import Attempt, Course, User, utcnow
from atpace.store.tables_audit import AuditEntry
from atpace.store.tables_xapi import XapiAccount, XapiLrs, XapiOutbox
from tests.service.authz_grading import make_work
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.test_practice import correct_response
from tests.service.web import TEST_SETTINGS, bearer, client_for

HOME = "https://atpace.riverside.example"
ENDPOINT = "http://127.0.0.1:9/xAPI/"


def connect(session: Session, world: World, endpoint: str = ENDPOINT, *, enabled: bool = True) -> None:
    admin = actor_of(session, world.admin_id)
    lrs.save_lrs(session, admin, lrs.LrsInput(endpoint, "atpace", "Zq8-secret-value", HOME, enabled))


def outbox(session: Session) -> list[XapiOutbox]:
    return list(session.scalars(select(XapiOutbox).order_by(XapiOutbox.id)))


def answer(session: Session, student_id: int, tag: str, *, duration_ms: int | None = 4200) -> int:
    actor = actor_of(session, student_id)
    item = practice.next_item(session, actor)
    response = correct_response(session, item.item_id)
    return practice.submit_answer(
        session, actor, AnswerInput(item.item_id, response, tag, duration_ms=duration_ms, confidence=3)
    ).attempt_id


def valid(row: XapiOutbox) -> dict[str, Any]:
    data = json.loads(row.statement)
    BaseXapiStatement.model_validate(data)  # ralph's model, again, on the stored text
    assert data["id"] == row.statement_id and data["verb"]["id"] == VERBS[row.verb].iri
    return dict(data)


# Statements for each event kind ----------------------------------------------------------------------------


def test_a_school_without_an_lrs_writes_nothing_and_asks_once_per_transaction(
    database: RollbackDatabase, world: World
) -> None:
    asked: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "xapi_lrs" in statement:
            asked.append(statement)

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        with database.transaction() as session:
            answer(session, world.student_id, "none-1")
            answer(session, world.student_id, "none-2")
    finally:
        event.remove(database.engine, "before_cursor_execute", note)
    assert len(asked) == 1
    with database.transaction() as session:
        assert outbox(session) == [] and session.scalar(select(func.count()).select_from(XapiAccount)) == 0


def test_every_event_kind_becomes_a_valid_statement_under_a_pseudonym(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        connect(session, world)
        attempt_id = answer(session, world.student_id, "x-1")
        rows = outbox(session)
        assert [r.verb for r in rows] == ["answered"]
        answered = valid(rows[0])
        attempt = session.get(Attempt, attempt_id)
        assert attempt is not None
        assert answered["object"]["id"] == f"{HOME}/xapi/items/{attempt.item_id}"
        assert answered["result"]["success"] is True and answered["result"]["duration"] == "PT4.200S"
        ext = answered["result"]["extensions"]
        assert ext["https://w3id.org/atpace/xapi/extensions/confidence"] == 3
        course = session.get(Course, world.course_id)
        assert course is not None
        assert answered["context"]["contextActivities"]["parent"][0]["id"] == f"{HOME}/xapi/courses/{course.key}"
        # The actor is an account under the school's home page with a random name: no name, no e-mail.
        student = session.get(User, world.student_id)
        assert student is not None
        account = session.get(XapiAccount, world.student_id)
        assert account is not None
        assert answered["actor"] == {"objectType": "Agent", "account": {"homePage": HOME, "name": account.name}}
        assert student.email not in rows[0].statement and student.display_name not in rows[0].statement
        # Mastery reached (and the answers' statements): keep answering right until the skill is mastered.
        for n in range(30):
            answer(session, world.student_id, f"x-m{n}")
            if any(r.verb == "mastered" for r in outbox(session)):
                break
        mastered = [valid(r) for r in outbox(session) if r.verb == "mastered"]
        assert mastered and mastered[0]["result"]["success"] is True
        detail = mastered[0]["result"]["extensions"]["https://w3id.org/atpace/xapi/extensions/mastery"]
        assert detail["before"] < detail["threshold"] <= detail["after"]
        assert "/skills/" in mastered[0]["object"]["id"]
        # Submissions and grades.
        work = make_work(session, world)
        teacher = actor_of(session, world.teacher_id)
        grading.save_feedback(
            session, teacher, work.submission_id, [ScoreInput(work.aligned_id, 3), ScoreInput(work.plain_id, 1)],
            "Well argued.", "graded",
        )  # fmt: skip
        scored = valid(outbox(session)[-1])
        assert scored["verb"]["id"] == VERBS["scored"].iri
        assert scored["result"]["score"] == {"raw": 6.0, "min": 0, "max": 6.0, "scaled": 1.0}
        view = assignments.create_assignment(
            session, teacher, world.class_id,
            assignments.AssignmentInput(kind="task", title="Poster", open_at=utcnow() - timedelta(days=1)),
        )  # fmt: skip
        store = FileStore(Path(str(TEST_SETTINGS["files_dir"])))
        assignments.submit(session, actor_of(session, world.student_id), store, view.id, "My poster")
        submitted = valid(outbox(session)[-1])
        assert submitted["object"]["id"] == f"{HOME}/xapi/assignments/{view.id}"
        assert submitted["result"]["extensions"]["https://w3id.org/atpace/xapi/extensions/submission"] == {
            "version": 1, "step": 0, "late": False,
        }  # fmt: skip
        # Goals set and met.
        student_actor = actor_of(session, world.student_id)
        key = detail_key = mastered[0]["result"]["extensions"]["https://w3id.org/atpace/xapi/extensions/mastery"]
        skill_key = key["skill"]
        goal = goals.create_goal(
            session, student_actor, goals.NewGoal("skills", utcnow().date() + timedelta(days=7), skill_keys=[skill_key])
        )
        set_goal = valid(outbox(session)[-1])
        assert set_goal["object"]["id"] == f"{HOME}/xapi/goals/{goal.id}"
        assert set_goal["context"]["extensions"]["https://w3id.org/atpace/xapi/extensions/skills"] == [skill_key]
        goals.reflect_on_goal(session, student_actor, goal.id, "Worked examples", "Next skill")
        met = valid(outbox(session)[-1])
        assert met["verb"]["id"] == VERBS["completed"].iri and met["result"] == {"success": True, "completion": True}
        assert detail_key  # (kept for readability above)
        verbs = {r.verb for r in outbox(session)}
        assert verbs == {"answered", "mastered", "scored", "submitted", "set-goal", "completed"}
        # One account for the student, whatever the event; ids unique.
        names = {json.loads(r.statement)["actor"]["account"]["name"] for r in outbox(session)}
        assert names == {account.name}
        assert len({r.statement_id for r in outbox(session)}) == len(outbox(session))


def test_mastery_lost_is_a_statement_too() -> None:
    account = statements.Account(HOME, "5b1f6c1e-0000-4000-8000-000000000000")
    course = statements.course_activity(HOME, "fractions", "Fractions")
    facts = statements.MasteryFacts("frac-add", "Add fractions", 0.96, 0.90, 0.95, "practice", gained=False)
    data = statements.mastery(statements_id := "0b8f1d2e-1111-4111-8111-111111111111", account, course, facts,
                              datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC))  # fmt: skip
    text = statements.validate(data)
    assert json.loads(text)["verb"]["id"] == VERBS["lost-mastery"].iri
    assert data["id"] == statements_id and data["timestamp"] == "2026-01-02T03:04:05.678Z"
    assert data["result"]["success"] is False
    broken = {**data, "verb": {"id": "not an iri"}}
    with pytest.raises(ValueError, match="verb"):
        statements.validate(broken)


def test_a_rolled_back_answer_leaves_no_statement(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        connect(session, world)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), database.transaction() as session:
        answer(session, world.student_id, "rb-1")
        assert len(outbox(session)) == 1  # written with the answer, in its transaction
        raise Boom
    with database.transaction() as session:
        assert outbox(session) == []
        assert session.scalar(select(func.count()).select_from(Attempt).where(Attempt.client_attempt_id == "rb-1")) == 0


def test_an_lrs_switched_off_writes_nothing_and_keeps_what_waits(database: RollbackDatabase, world: World) -> None:
    with database.transaction() as session:
        connect(session, world)
        answer(session, world.student_id, "off-1")
        connect(session, world, enabled=False)
        answer(session, world.student_id, "off-2")
        assert len(outbox(session)) == 1
    sent = send_pending(database, None, send=lambda *a: pytest.fail("nothing is sent while off"))  # type: ignore[arg-type,return-value]
    assert sent == 0


# The sender ------------------------------------------------------------------------------------------------


class FakeLrs:
    """Answers like an LRS: stores by id, a repeated id is not stored twice."""

    def __init__(self, answers: list[int | Exception] | None = None) -> None:
        self.answers = list(answers or [])
        self.stored: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, int]] = []

    def __call__(self, method: str, url: str, headers: dict[str, str], body: bytes, timeout: float) -> tuple[int, bytes]:
        assert headers["X-Experience-API-Version"] == "1.0.3" and headers["Authorization"].startswith("Basic ")
        assert timeout > 0
        data = json.loads(body)
        batch = data if isinstance(data, list) else [data]
        self.requests.append((method, url, len(batch)))
        if self.answers:
            answer = self.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            if answer != 200:
                return answer, b'{"detail": "refused"}'
        for statement in batch:
            self.stored.setdefault(statement["id"], statement)
        return 200, json.dumps([s["id"] for s in batch]).encode()


def fill(database: RollbackDatabase, world: World, count: int) -> list[str]:
    """``count`` valid statements in the outbox (answered, for two students)."""
    with database.transaction() as session:
        connect(session, world)
        from atpace.services.xapi import outbox as box

        ids = []
        course = statements.course_activity(HOME, "fractions", "Fractions")
        for n in range(count):
            student_id = (world.student_id, world.classmate_id)[n % 2]
            account = box.account_for(session, world.school_id, student_id, HOME)
            facts = statements.AnswerFacts(n + 1, "numeric", n % 3 == 0, {"frac": (0.3, 0.4)}, "practice", 1500)
            data = statements.answered(box.new_id(), account, course, facts, utcnow())
            box._add(session, world.school_id, student_id, "answered", data, utcnow())
            ids.append(data["id"])
        return ids


def test_batches_are_sent_once_and_a_resend_does_not_duplicate(database: RollbackDatabase, world: World) -> None:
    ids = fill(database, world, 25)
    lrs_fake = FakeLrs()
    assert send_pending(database, None, batch_size=10, send=lrs_fake) == 25
    assert [r[2] for r in lrs_fake.requests] == [10, 10, 5] and all(r[0] == "POST" for r in lrs_fake.requests)
    assert lrs_fake.requests[0][1] == "http://127.0.0.1:9/xAPI/statements"
    assert sorted(lrs_fake.stored) == sorted(ids)
    assert send_pending(database, None, send=lrs_fake) == 0  # nothing due
    # The answers were lost (the sender died before recording them): once the claim's lease has run out,
    # the statements are sent again, with the same ids, and the LRS keeps one of each.
    with database.transaction() as session:
        session.execute(update(XapiOutbox).values(sent_at=None))
    assert send_pending(database, None, send=lrs_fake) == 0  # still leased
    later = utcnow() + timedelta(seconds=LEASE_S + 1)
    assert send_pending(database, None, send=lrs_fake, clock=lambda: later) == 25
    assert len(lrs_fake.stored) == 25


def test_failures_back_off_exponentially_then_succeed(database: RollbackDatabase, world: World) -> None:
    fill(database, world, 3)
    clock = [datetime(2030, 1, 1, tzinfo=UTC)]
    lrs_fake = FakeLrs([Unreachable("no answer from the LRS: refused"), 503])
    kw: dict[str, Any] = dict(send=lrs_fake, clock=lambda: clock[0], backoff_base=10, backoff_max=100)
    assert send_pending(database, None, **kw) == 0
    with database.transaction() as session:
        rows = outbox(session)
        assert {r.attempts for r in rows} == {1} and rows[0].last_error == "no answer from the LRS: refused"
        first_wait = (rows[0].next_attempt_at - clock[0]).total_seconds()
        assert 9 <= first_wait <= 11
        status = lrs.outbox_status(session, actor_of(session, world.admin_id))
        assert (status.waiting, status.failing, status.sent) == (0, 3, 0)
        assert status.errors[0].error == "no answer from the LRS: refused" and status.errors[0].count == 3
    assert send_pending(database, None, **kw) == 0  # not due yet: nothing sent, nothing asked
    assert len(lrs_fake.requests) == 1
    clock[0] += timedelta(seconds=12)
    assert send_pending(database, None, **kw) == 0  # 503
    with database.transaction() as session:
        rows = outbox(session)
        assert {r.attempts for r in rows} == {2} and "503" in rows[0].last_error
        assert 18 <= (rows[0].next_attempt_at - clock[0]).total_seconds() <= 22  # twice as long
    clock[0] += timedelta(seconds=25)
    assert send_pending(database, None, **kw) == 3
    with database.transaction() as session:
        assert all(r.sent_at is not None and r.last_error == "" for r in outbox(session))


def test_a_refused_batch_is_split_to_find_the_statement_at_fault(database: RollbackDatabase, world: World) -> None:
    ids = fill(database, world, 4)
    # the batch: 400; then one at a time: ok, 409 (the LRS holds that id: delivered), 400 (rejected), ok
    lrs_fake = FakeLrs([400, 200, 409, 400, 200])
    assert send_pending(database, None, send=lrs_fake) == 3
    assert [r[0] for r in lrs_fake.requests] == ["POST", "PUT", "PUT", "PUT", "PUT"]
    assert lrs_fake.requests[1][1].endswith(f"/statements?statementId={ids[0]}")
    with database.transaction() as session:
        rows = outbox(session)
        assert [r.sent_at is not None for r in rows] == [True, True, False, True]
        assert rows[1].last_error.startswith("the LRS already held a statement with this id")
        assert rows[2].rejected_at is not None and "400" in rows[2].last_error
        admin = actor_of(session, world.admin_id)
        assert lrs.outbox_status(session, admin).rejected == 1
        assert lrs.retry_now(session, admin) == 1
    assert send_pending(database, None, send=FakeLrs()) == 1


def test_erasure_drops_unsent_statements_and_the_account_name(database: RollbackDatabase, world: World) -> None:
    fill(database, world, 6)
    with database.transaction() as session:
        first = outbox(session)[0]
        session.execute(update(XapiOutbox).where(XapiOutbox.id == first.id).values(sent_at=utcnow()))
        assert drop_for_student(session, world.student_id) == 2  # 3 of the student's, one of them sent
        session.expire_all()
        assert session.get(XapiAccount, world.student_id) is None
        left = outbox(session)
        assert len(left) == 4 and world.student_id not in {r.student_id for r in left}
        kept = session.get(XapiOutbox, first.id)
        assert kept is not None and kept.student_id is None and kept.sent_at is not None
        assert session.get(XapiAccount, world.classmate_id) is not None


# Settings, page, API, CLI ---------------------------------------------------------------------------------


def test_only_admins_set_the_lrs_and_bad_settings_say_which_field(session: Session, world: World) -> None:
    admin = actor_of(session, world.admin_id)
    with pytest.raises(Forbidden):
        lrs.save_lrs(session, actor_of(session, world.teacher_id), lrs.LrsInput(ENDPOINT, "k", "s", HOME))
    bad = [
        (lrs.LrsInput("ftp://lrs.example/", "k", "s", HOME), "endpoint"),
        (lrs.LrsInput("https://u:p@lrs.example/", "k", "s", HOME), "endpoint"),
        (lrs.LrsInput(ENDPOINT, "a:b", "s", HOME), "key"),
        (lrs.LrsInput(ENDPOINT, "k", "", HOME), "secret"),
        (lrs.LrsInput(ENDPOINT, "k", "s", "not a url"), "home_page"),
    ]
    for data, field in bad:
        with pytest.raises(InvalidInput) as refused:
            lrs.save_lrs(session, admin, data)
        assert refused.value.field == field
    saved = lrs.save_lrs(session, admin, lrs.LrsInput("https://lrs.example/xAPI", "k", "s1", HOME + "/"))
    assert saved.endpoint == "https://lrs.example/xAPI/" and saved.home_page == HOME and saved.secret_set
    lrs.save_lrs(session, admin, lrs.LrsInput("https://lrs.example/xAPI/", "k", "", HOME))  # keeps the secret
    row = session.get(XapiLrs, world.school_id)
    assert row is not None and row.secret == "s1"
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "xapi_lrs.set")).all()
    assert len(entries) == 1 and "secret" in entries[0].detail["changed"]  # the unchanged save is not recorded
    assert "s1" not in json.dumps(entries[0].detail)


def test_the_admin_page_and_api(database: RollbackDatabase, world: World) -> None:
    client = client_for(database)
    admin = bearer(database, world.admin_id)
    assert client.get("/api/xapi/lrs", headers=admin).json() is None
    body = {"endpoint": ENDPOINT, "key": "atpace", "secret": "Zq8-secret-value", "home_page": HOME}
    put = client.put("/api/xapi/lrs", headers=admin, json=body)
    assert put.status_code == 200 and put.json()["secret_set"] is True and "secret" not in put.json()
    refused = client.put("/api/xapi/lrs", headers=admin, json={**body, "home_page": "nope"})
    assert refused.status_code == 422 and refused.json()["field"] == "home_page"
    fill(database, world, 2)
    state = client.get("/api/xapi/outbox", headers=admin).json()
    assert state["waiting"] == 2 and state["sent"] == 0
    page = client.get("/admin/xapi", headers=admin)
    assert page.status_code == 200 and 'data-state="waiting"><th scope="row">Waiting</th><td>2</td>' in page.text
    assert "Zq8-secret-value" not in page.text and 'href="/admin/xapi"' in page.text
    assert client.post("/api/xapi/outbox/retry", headers=admin).json() == {"retried": 2}
    assert client.get("/admin/xapi", headers=bearer(database, world.teacher_id)).status_code == 403


def test_the_cli_sends_and_tells_the_state(database: RollbackDatabase, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from atpace.cli import xapi as cli

    fill(database, world, 3)
    monkeypatch.setattr("atpace.cli.xapi.opened_database", lambda url: database)
    monkeypatch.setattr(cli.console, "width", 200)
    result = CliRunner().invoke(cli.app, ["status"])
    assert result.exit_code == 0, result.output
    assert "riverside" in result.output and ENDPOINT in result.output
    # nothing listens on port 9: the send fails, says why, and exits 1
    result = CliRunner().invoke(cli.app, ["send"])
    assert result.exit_code == 1 and "sent 0 statements" in result.output and "failing 3" in result.output
    assert "no answer from the LRS" in result.output


def test_actor_of_is_an_actor(session: Session, world: World) -> None:
    assert isinstance(actor_of(session, world.admin_id), Actor)
