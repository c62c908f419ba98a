"""Statement counts of the hot paths (issue 13): the student's map lists check offers in a few queries
however many skills they practised; one answer and one next item take a bounded number of statements."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from atpace.services import checks
from atpace.store.tables import User
from tests.service.conftest import RollbackDatabase, World, actor_of
from tests.service.test_checks import practise_right, progress_of, take
from tests.service.test_practice import correct_response
from tests.service.test_today import miss, root_skill
from tests.service.web import bearer, client_for

# Statements of one request, the test's SAVEPOINTs aside (docs/benchmarks.md counted 27 and 19 before
# issue 13: learner states, review memories and the class check setting were read twice per answer).
ANSWER_STATEMENTS = 23  # POST /api/attempts
NEXT_STATEMENTS = 19  # POST /api/practice/next


@pytest.fixture
def statements(database: RollbackDatabase) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    yield seen
    event.remove(database.engine, "before_cursor_execute", count)


def threshold(session: Session, world: World) -> float:
    student = session.get(User, world.student_id)
    assert student is not None
    return progress_of(session, world.student_id).course.mastery_threshold


def test_check_offers_take_a_few_queries_and_match_each_skill_s_offer(
    session: Session, world: World, statements: list[str]
) -> None:
    actor = actor_of(session, world.student_id)
    key, _ = root_skill(session, world)
    limit = threshold(session, world)
    miss(session, world.student_id, key, 1, tag="one")
    statements.clear()
    assert checks.offers(session, actor) == []
    one_skill = len(statements)
    # Several skills in different states: passed, failed, open check, practised without a check.
    practise_right(session, world.student_id, key, until=limit, tag="a")
    assert take(session, world.student_id, key, right=4, tag="pa").check.status == "passed"
    states: dict[str, str] = {key: "passed"}
    for name in ("open", "failed", "practised"):
        ready = [k for k in progress_of(session, world.student_id).ready if k not in states]
        assert ready, {k: s.state for k, s in progress_of(session, world.student_id).skills.items()}
        states[ready[0]] = name
        if name == "practised":
            miss(session, world.student_id, ready[0], 2, tag="pr")
            continue
        practise_right(session, world.student_id, ready[0], until=limit, tag=name)
        if name == "failed":
            assert take(session, world.student_id, ready[0], right=1, tag="fa").check.status == "failed"
        else:
            checks.start(session, actor, ready[0])
    statements.clear()
    found = checks.offers(session, actor)
    many_skills = len(statements)
    each = [checks.offer(session, actor, k) for k in states]
    assert found == [o for o in each if o.ready or o.open_check is not None]
    by_key = {o.skill_key: o for o in each}
    assert by_key[key].confirmed and by_key[key].last_check is not None
    failed = by_key[next(k for k, s in states.items() if s == "failed")]
    assert failed.last_check is not None and failed.last_check.status == "failed" and not failed.ready
    opened = by_key[next(k for k, s in states.items() if s == "open")]
    assert opened.open_check is not None and opened in found
    assert len(by_key) == 4
    # Not three per skill (and two per check shown): the same few statements for one skill or four, plus
    # the answers and items of the checks shown, read once for all of them.
    assert many_skills == one_skill + 2 <= 16, statements  # 29 before (3 per skill, 2 per check shown)


def test_an_answer_and_the_next_item_take_a_bounded_number_of_statements(
    database: RollbackDatabase, world: World, statements: list[str]
) -> None:
    """POST /api/attempts and POST /api/practice/next as a student sends them; the learner states, review
    memories and the class check setting are read once per request, and no query that cannot match."""
    client = client_for(database)
    headers = bearer(database, world.student_id)
    item = client.post("/api/practice/next", json={}, headers=headers).json()
    for n in range(3):  # past the first answers (a fresh student's placement, learner states created)
        with database.transaction() as session:
            right = correct_response(session, item["item_id"])
        body = {"item_id": item["item_id"], "response": right, "client_attempt_id": f"q{n}"}
        statements.clear()
        assert client.post("/api/attempts", json=body, headers=headers).status_code == 201
        answer = list(statements)
        statements.clear()
        item = client.post("/api/practice/next", json={}, headers=headers).json()
        following = list(statements)
    for name, seen in (("answer", answer), ("next item", following)):
        for table in ("learner_states", "review_memories", "class_check_settings"):
            reads = [s for s in seen if s.lstrip().upper().startswith("SELECT") and f"FROM {table}" in s]
            assert len(reads) <= 1, (name, table, reads)
        assert not [s for s in seen if "1 != 1" in s or "1!=1" in s], name
    assert len(answer) <= ANSWER_STATEMENTS, answer
    assert len(following) <= NEXT_STATEMENTS, following
