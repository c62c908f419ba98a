"""The course editor and standards, through the JSON API and the pages, on SQLite and PostgreSQL: skills and
prerequisites, item edits and versions, try an answer, item-file imports, course packages, CASE frameworks
and the standards students and teachers see."""

from __future__ import annotations

import io
import os
import re
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from atpace.content import FRACTIONS_COURSE
from atpace.content.spec import AnswerSpec
from atpace.services import practice
from atpace.services.auth import create_user
from atpace.services.courses import import_course, load_graph
from atpace.store.db import Database, make_engine
from atpace.store.tables import Attempt, Course, Item, ItemSkill, Role, School, Skill
from tests.live_server import serving
from tests.service.conftest import POSTGRES_ENV, RollbackDatabase, World, actor_of
from tests.service.web import TEST_SETTINGS, bearer, client_for

FIXTURES = Path(__file__).parents[1] / "fixtures"
GIFT = FIXTURES / "items" / "moodle" / "gift_questions.gift.txt"
AIKEN_ERRORS = FIXTURES / "items" / "moodle" / "aiken_errors.txt"
CASE_FILE = FIXTURES / "case" / "opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json"
CSV_ITEMS = (
    "kind,prompt,answer,choices,hints,skill,key\n"
    'multiple_choice,"Which fraction is one half?",B,1/3|1/2|2/3,Half means two equal parts,,half\n'
    "fraction,What is 1/4 + 1/4?,1/2,,Add the tops,,quarters\n"
    "short_text,Name the top of a fraction.,numerator|top number,,,,top\n"
    "numeric,How many quarters make a whole?,4,,,fractions-of-a-whole,whole\n"
)
HTMX = {"HX-Request": "true"}


@dataclass
class Api:
    client: TestClient
    headers: dict[str, str]

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        return self.client.put(url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        return self.client.delete(url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)


def as_user(database: RollbackDatabase, user_id: int) -> Api:
    return Api(client_for(database), bearer(database, user_id))


def first_skill(session: Session, world: World) -> Skill:
    course = session.get(Course, world.course_id)
    assert course is not None
    return next(iter(load_graph(session, course).skills.values()))


def items_of(session: Session, skill_id: int, *, answered: bool) -> list[Item]:
    """Current items of a skill, with or without attempts."""
    has = select(Attempt.item_id).where(Attempt.item_id == Item.id).exists()
    return list(
        session.scalars(
            select(Item)
            .join(ItemSkill, ItemSkill.item_id == Item.id)
            .where(ItemSkill.skill_id == skill_id, Item.is_current.is_(True), has if answered else ~has)
            .order_by(Item.id)
        )
    )


def unanswered_item(session: Session, world: World) -> Item:
    """A current item nobody has answered (the demo's simulated students answered the early skills')."""
    course = session.get(Course, world.course_id)
    assert course is not None
    for skill in reversed(list(load_graph(session, course).skills.values())):
        found = items_of(session, skill.id, answered=False)
        if found:
            return found[0]
    raise AssertionError("every item has been answered")


def item_body(session: Session, item: Item, prompt: str) -> dict[str, Any]:
    skills = list(
        session.scalars(
            select(Skill.key)
            .join(ItemSkill, ItemSkill.skill_id == Skill.id)
            .where(ItemSkill.item_id == item.id)
        )
    )
    return {
        "prompt": prompt, "answer": dict(item.answer), "skill_keys": skills, "hints": list(item.hints),
        "worked_solution": list(item.worked_solution), "difficulty": item.difficulty,
    }  # fmt: skip


# ------------------------------------------------------------------------------------ skills, prerequisites


def test_skills_are_added_and_renamed_with_refusals_that_name_the_field(
    database: RollbackDatabase, world: World
) -> None:
    teacher = as_user(database, world.teacher_id)
    url = f"/api/courses/{world.course_id}/skills"
    added = teacher.post(
        url, json={"key": "fraction-games", "name": "Fraction games", "description": "Play."}
    )
    assert added.status_code == 201, added.text
    assert added.json()["skills"][-1] == {
        "key": "fraction-games", "name": "Fraction games", "description": "Play.", "grade": None,
        "prerequisites": [], "standards": [], "items": 0,
    }  # fmt: skip
    again = teacher.post(url, json={"key": "fraction-games", "name": "Again"})
    assert again.status_code == 409 and again.json()["field"] == "key"
    bad = teacher.post(url, json={"key": "Fraction Games", "name": "Bad"})
    assert bad.status_code == 422 and bad.json()["field"] == "key"
    extra = teacher.post(url, json={"key": "x", "name": "X", "colour": "red"})
    assert extra.status_code == 422 and extra.json()["field"] == "colour"
    renamed = teacher.put(f"{url}/fraction-games", json={"name": "Fraction card games", "description": ""})
    assert renamed.status_code == 200 and renamed.json()["skills"][-1]["name"] == "Fraction card games"
    empty = teacher.put(f"{url}/fraction-games", json={"name": "   "})
    assert empty.status_code == 422 and empty.json()["field"] == "name"
    assert teacher.put(f"{url}/no-such-skill", json={"name": "X"}).status_code == 404
    student = as_user(database, world.student_id)
    assert student.post(url, json={"key": "mine", "name": "Mine"}).status_code == 403
    # The page: a refused key is shown next to the form with what was typed.
    page = teacher.post(f"/courses/{world.course_id}/skills", data={"key": "Bad Key", "name": "Typed name"})
    assert page.status_code == 422 and 'value="Typed name"' in page.text and 'id="skill-error"' in page.text
    moved = teacher.post(
        f"/courses/{world.course_id}/skills", data={"key": "more-games", "name": "More games"}
    )
    assert moved.status_code == 303 and moved.headers["location"].endswith("done=skill-added#skills")


def test_a_prerequisite_cycle_is_refused_naming_it_and_the_map_is_redrawn(
    database: RollbackDatabase, world: World, session: Session
) -> None:
    course = session.get(Course, world.course_id)
    assert course is not None
    graph = load_graph(session, course)
    before, after = next((p, s) for s in graph.skills for p in sorted(graph.graph.prerequisites[s]))
    teacher = as_user(database, world.teacher_id)
    cycle = teacher.post(
        f"/api/courses/{world.course_id}/prerequisites", json={"skill_key": before, "prerequisite_key": after}
    )
    assert cycle.status_code == 422 and cycle.json()["field"] == "prerequisite_key"
    names = graph.skills
    assert f"{names[before].name} -> {names[after].name} -> {names[before].name}" in cycle.json()["detail"]
    # The page (htmx): the card comes back with the error and the map; nothing changed.
    page = teacher.post(
        f"/courses/{world.course_id}/prerequisites", data={"skill_key": before, "prerequisite_key": after},
        headers=HTMX,
    )  # fmt: skip
    assert page.status_code == 422
    assert page.text.lstrip().startswith('<section class="card map" id="prerequisites"')
    assert "would create a cycle" in page.text and names[after].name in page.text and "<svg" in page.text
    # Remove the edge on the page: the map no longer draws it; removing it again is refused.
    edge = f'data-from="{before}" data-to="{after}"'
    assert edge in page.text
    removed = teacher.post(
        f"/courses/{world.course_id}/prerequisites/remove",
        data={"skill_key": after, "prerequisite_key": before}, headers=HTMX,
    )  # fmt: skip
    assert removed.status_code == 200 and edge not in removed.text and "Removed:" in removed.text
    again = teacher.delete(
        f"/api/courses/{world.course_id}/prerequisites",
        params={"skill_key": after, "prerequisite_key": before},
    )
    assert again.status_code == 404
    # Added back through the page: drawn again.
    added = teacher.post(
        f"/courses/{world.course_id}/prerequisites", data={"skill_key": after, "prerequisite_key": before},
        headers=HTMX,
    )  # fmt: skip
    assert added.status_code == 200 and edge in added.text
    gone = teacher.delete(
        f"/api/courses/{world.course_id}/prerequisites",
        params={"skill_key": after, "prerequisite_key": before},
    )
    assert gone.status_code == 200 and before not in gone.json()["prerequisites"][after]


# -------------------------------------------------------------------------------------------------- items


def test_an_unanswered_item_is_edited_in_place(
    database: RollbackDatabase, world: World, session: Session
) -> None:
    item = unanswered_item(session, world)
    teacher = as_user(database, world.teacher_id)
    saved = teacher.put(
        f"/api/courses/{world.course_id}/items/{item.id}", json=item_body(session, item, "A new question?")
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["new_version"] is False and body["kept_answers"] == 0
    assert body["item"]["id"] == item.id and body["item"]["version"] == item.version
    versions = teacher.get(f"/api/courses/{world.course_id}/items/{item.id}").json()
    assert [v["prompt"] for v in versions["versions"]] == ["A new question?"]


def test_an_answered_item_gets_a_new_version_and_practice_serves_only_it(
    database: RollbackDatabase, world: World, session: Session
) -> None:
    skill = first_skill(session, world)
    old = items_of(session, skill.id, answered=True)[0]
    old_prompt, old_id, old_version = old.prompt, old.id, old.version
    answers = session.scalar(select(func.count()).select_from(Attempt).where(Attempt.item_id == old_id))
    assert answers
    teacher = as_user(database, world.teacher_id)
    saved = teacher.put(
        f"/api/courses/{world.course_id}/items/{old_id}",
        json=item_body(session, old, "Edited: " + old_prompt),
    ).json()
    assert saved["new_version"] is True and saved["kept_answers"] == answers
    new_id = saved["item"]["id"]
    assert new_id != old_id and saved["item"]["version"] == old_version + 1 and saved["item"]["answered"] == 0
    with database.transaction() as check:
        kept = check.get(Item, old_id)
        assert kept is not None and kept.prompt == old_prompt and not kept.is_current
        still = check.scalar(select(func.count()).select_from(Attempt).where(Attempt.item_id == old_id))
        assert still == answers  # every earlier answer still points at the version it answered
        others = [
            i.id for i in items_of(check, skill.id, answered=False) + items_of(check, skill.id, answered=True)
        ]
        student = actor_of(check, world.student_id)
        served = practice.next_item(check, student, skill.key, frozenset(i for i in others if i != new_id))
        assert served.item_id == new_id and served.prompt == "Edited: " + old_prompt
    versions = teacher.get(f"/api/courses/{world.course_id}/items/{old_id}").json()
    assert versions["current"]["id"] == new_id
    assert [v["version"] for v in versions["versions"]] == [old_version + 1, old_version]
    # The page of the old version leads to the current one, and says what saving did.
    assert (
        teacher.get(f"/courses/{world.course_id}/items/{old_id}").headers["location"].endswith(f"/{new_id}")
    )
    page = teacher.get(f"/courses/{world.course_id}/items/{new_id}?saved=new")
    assert f"Saved as version {old_version + 1}; {answers} answer" in page.text


def test_the_item_editor_page_previews_tries_and_saves(
    database: RollbackDatabase, world: World, session: Session
) -> None:
    skill = first_skill(session, world)
    item = items_of(session, skill.id, answered=True)[0]  # a fraction item, made multiple choice below
    spec = AnswerSpec.from_dict(item.answer)
    teacher = as_user(database, world.teacher_id)
    base = f"/courses/{world.course_id}/items/{item.id}"
    page = teacher.get(base)
    assert page.status_code == 200 and 'id="item-form"' in page.text and 'id="preview-prompt"' in page.text
    form = {
        "kind": "multiple_choice", "prompt": "Which is the biggest?", "choices": "1/2\n1/3\n3/4", "correct": "C",
        "skill_keys": skill.key, "hints": "Compare with one half", "difficulty": "0.5",
    }  # fmt: skip
    preview = teacher.post(f"{base}/preview", data=form, headers=HTMX)
    assert preview.status_code == 200 and "Which is the biggest?" in preview.text
    assert preview.text.count('type="radio"') == 3 and "<html" not in preview.text  # the student's choices
    broken = teacher.post(f"{base}/preview", data={**form, "correct": "7/8"}, headers=HTMX)
    assert "Not a valid item yet" in broken.text and "not one of the choices" in broken.text
    right = teacher.post(f"{base}/try", data={**form, "response": "3/4"}, headers=HTMX)
    assert 'data-status="correct"' in right.text
    letter = teacher.post(f"{base}/try", data={**form, "response": "a"}, headers=HTMX)
    assert 'data-status="incorrect"' in letter.text
    nonsense = teacher.post(f"{base}/try", data={**form, "response": "zebra"}, headers=HTMX)
    assert 'data-status="malformed"' in nonsense.text and "Please choose one of the answers" in nonsense.text
    # Without htmx the try box answers with the whole page.
    whole = teacher.post(f"{base}/try", data={**form, "response": "3/4"})
    assert (
        whole.status_code == 200 and 'id="item-form"' in whole.text and 'data-status="correct"' in whole.text
    )
    refused = teacher.post(base, data={**form, "correct": "7/8"})
    assert (
        refused.status_code == 422
        and 'id="item-error"' in refused.text
        and "Which is the biggest?" in refused.text
    )
    assert 'name="correct" id="item-correct" value="7/8"' in refused.text
    correct_input = re.search(r'<input type="text" name="correct"[^>]*>', refused.text).group(0)  # type: ignore[union-attr]
    assert (
        'aria-invalid="true"' in correct_input
        and 'aria-describedby="item-error correct-help"' in correct_input
    )
    saved = teacher.post(base, data=form)
    assert saved.status_code == 303
    location = saved.headers["location"]
    new_id = int(re.search(r"/items/(\d+)\?saved=new", location).group(1))  # type: ignore[union-attr]
    with database.transaction() as check:
        stored = check.get(Item, new_id)
        assert (
            stored is not None
            and stored.answer["correct"] == "3/4"
            and stored.hints == ["Compare with one half"]
        )
        assert check.get(Item, item.id).answer == spec.to_dict()  # type: ignore[union-attr]
    done = teacher.get(location)
    assert f"Saved as version {item.version + 1}" in done.text


def test_api_item_edits_are_validated_naming_the_field(
    database: RollbackDatabase, world: World, session: Session
) -> None:
    skill = first_skill(session, world)
    item = unanswered_item(session, world)
    teacher = as_user(database, world.teacher_id)
    url = f"/api/courses/{world.course_id}/items/{item.id}"
    body = item_body(session, item, "Question?")
    cases = {
        "answer.correct": {
            **body,
            "answer": {"kind": "multiple_choice", "correct": "9", "choices": ["1", "2"]},
        },
        "answer.kind": {**body, "answer": {"kind": "essay", "correct": "x"}},
        "prompt": {**body, "prompt": "x" * 4001},
        "skill_keys": {**body, "skill_keys": ["no-such-skill"]},
        "difficulty": {**body, "difficulty": 9},
        "answer.choices": {**body, "answer": {"kind": "numeric", "correct": "3", "choices": ["1", "2"]}},
    }
    for field, wrong in cases.items():
        response = teacher.put(url, json=wrong)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["field"] == field, (field, response.json())
    tried = teacher.post(
        f"/api/courses/{world.course_id}/items/try",
        json={"answer": {"kind": "fraction", "correct": "3/4", "require_simplest": True}, "response": "6/8"},
    )
    assert tried.json() == {
        "status": "incorrect", "correct": False, "normalized": "6/8",
        "message": "Correct value, but write it in simplest form: 3/4",
    }  # fmt: skip
    listed = teacher.get(f"/api/courses/{world.course_id}/items", params={"skill_key": skill.key}).json()
    assert listed and all(skill.key in i["skill_keys"] and i["is_current"] for i in listed)
    assert as_user(database, world.student_id).get(url).status_code == 403
    assert as_user(database, world.foreign_teacher_id).get(url).status_code == 404


# ------------------------------------------------------------------------------------------- item imports


def test_items_import_from_a_gift_file_dry_run_first(
    database: RollbackDatabase, world: World, session: Session
) -> None:
    skill = first_skill(session, world)
    teacher = as_user(database, world.teacher_id)
    url = f"/api/courses/{world.course_id}/items/import"
    count = select(func.count()).select_from(Item).where(Item.course_id == world.course_id)
    with database.transaction() as check:
        before = check.scalar(count)
    files = {"file": (GIFT.name, GIFT.read_bytes(), "text/plain")}
    dry = teacher.post(url, files=files, data={"skill_key": skill.key, "dry_run": "true"})
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["format"] == "gift" and report["ok"] and not report["applied"]
    assert report["created"] and report["versioned"] == [] and report["unchanged"] == []
    assert {s["interaction"] for s in report["skipped"]}  # questions atpace cannot score, by type
    assert all(s["identifier"] and s["reason"] for s in report["skipped"])
    with database.transaction() as check:
        assert check.scalar(count) == before  # the dry run wrote nothing
    done = teacher.post(url, files=files, data={"skill_key": skill.key}).json()
    assert done["applied"] and done["created"] == report["created"]
    with database.transaction() as check:
        assert check.scalar(count) == (before or 0) + len(report["created"])
    again = teacher.post(url, files=files, data={"skill_key": skill.key}).json()
    assert again["created"] == [] and sorted(again["unchanged"]) == sorted(report["created"])
    # A file with problems: 422 with the report (file, line, message); nothing written.
    bad = teacher.post(
        url, files={"file": (AIKEN_ERRORS.name, AIKEN_ERRORS.read_bytes(), "text/plain")},
        data={"skill_key": skill.key, "format": "aiken"},
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["field"] == "file"
    problems = bad.json()["report"]["problems"]
    assert problems and all(p["source"] == AIKEN_ERRORS.name and p["line"] for p in problems)
    missing = teacher.post(url, data={"skill_key": skill.key})
    assert missing.status_code == 422 and missing.json()["field"] == "file"


def test_items_import_from_a_csv_file(database: RollbackDatabase, world: World, session: Session) -> None:
    skill = first_skill(session, world)
    teacher = as_user(database, world.teacher_id)
    url = f"/api/courses/{world.course_id}/items/import"
    files = {"file": ("items.csv", CSV_ITEMS.encode(), "text/csv")}
    dry = teacher.post(url, files=files, data={"skill_key": skill.key, "dry_run": "true"}).json()
    assert dry["format"] == "csv" and sorted(dry["created"]) == [
        "csv-half",
        "csv-quarters",
        "csv-top",
        "csv-whole",
    ]
    with database.transaction() as check:
        assert check.scalar(select(func.count()).select_from(Item).where(Item.key.like("csv-%"))) == 0
    done = teacher.post(url, files=files, data={"skill_key": skill.key, "format": "csv"}).json()
    assert done["applied"] and len(done["created"]) == 4
    with database.transaction() as check:
        half = check.scalar(select(Item).where(Item.course_id == world.course_id, Item.key == "csv-half"))
        assert (
            half is not None
            and half.answer["correct"] == "1/2"
            and half.hints == ["Half means two equal parts"]
        )
        whole_skills = check.scalars(
            select(Skill.key)
            .join(ItemSkill, ItemSkill.skill_id == Skill.id)
            .join(Item, Item.id == ItemSkill.item_id)
            .where(Item.key == "csv-whole", Item.course_id == world.course_id)
        ).all()
        assert whole_skills == ["fractions-of-a-whole"]  # the row's own skill
    changed = CSV_ITEMS.replace("Which fraction is one half?", "Which fraction is a half?")
    again = teacher.post(
        url, files={"file": ("items.csv", changed.encode(), "text/csv")}, data={"skill_key": skill.key}
    )
    assert again.json()["versioned"] == ["csv-half"] and len(again.json()["unchanged"]) == 3


def test_the_items_import_page_checks_then_imports_that_same_file(
    database: RollbackDatabase, world: World, session: Session
) -> None:
    skill = first_skill(session, world)
    teacher = as_user(database, world.teacher_id)
    url = f"/courses/{world.course_id}/items/import"
    files = {"file": ("items.csv", CSV_ITEMS.encode(), "text/csv")}
    checked = teacher.post(url, files=files, data={"skill_key": skill.key}, headers=HTMX)
    assert (
        checked.status_code == 200 and "nothing written yet" in checked.text and "<html" not in checked.text
    )
    assert 'id="count-created">4<' in checked.text
    digest = re.search(r'name="confirm" value="([0-9a-f]{64})"', checked.text).group(1)  # type: ignore[union-attr]
    other = CSV_ITEMS.replace("Name the top", "Name the upper part")
    changed = teacher.post(
        url, files={"file": ("items.csv", other.encode(), "text/csv")}, data={"skill_key": skill.key, "confirm": digest},
        headers=HTMX,
    )  # fmt: skip
    assert "changed since it was checked" in changed.text  # another file: checked again, not imported
    with database.transaction() as check:
        assert check.scalar(select(func.count()).select_from(Item).where(Item.key.like("csv-%"))) == 0
    done = teacher.post(url, files=files, data={"skill_key": skill.key, "confirm": digest}, headers=HTMX)
    assert (
        done.status_code == 200 and "Imported items.csv" in done.text and 'id="count-created">4<' in done.text
    )
    skill_page = teacher.get(f"/courses/{world.course_id}/skills/{skill.key}")
    assert "Which fraction is one half?" in skill_page.text
    bad = teacher.post(
        url, files={"file": (AIKEN_ERRORS.name, AIKEN_ERRORS.read_bytes(), "text/plain")},
        data={"skill_key": skill.key, "format": "aiken"}, headers=HTMX,
    )  # fmt: skip
    assert bad.status_code == 422 and 'id="import-problems"' in bad.text and "line" in bad.text
    assert (
        as_user(database, world.student_id).post(url, files=files, data={"skill_key": skill.key}).status_code
        == 403
    )


# ---------------------------------------------------------------------------------------- course packages


def _course_contents(session: Session, course_id: int) -> dict[str, Any]:
    course = session.get(Course, course_id)
    assert course is not None
    graph = load_graph(session, course)
    from atpace.services.standards import skill_standards

    aligned = skill_standards(session, [s.id for s in graph.skills.values()])
    items: dict[str, set[tuple[str, str]]] = {}
    for skill in graph.skills.values():
        rows = session.scalars(
            select(Item)
            .join(ItemSkill, ItemSkill.item_id == Item.id)
            .where(ItemSkill.skill_id == skill.id, Item.is_current.is_(True))
        )
        items[skill.key] = {(i.prompt, repr(sorted(i.answer.items()))) for i in rows}
    return {
        "title": course.title, "threshold": course.mastery_threshold,
        "skills": [(s.key, s.name, s.description) for s in graph.skills.values()],
        "prerequisites": {k: sorted(v) for k, v in graph.graph.prerequisites.items()},
        "standards": {s.key: [(a.code, a.statement) for a in aligned.get(s.id, [])] for s in graph.skills.values()},
        "items": items,
    }  # fmt: skip


def test_a_course_exported_and_imported_into_another_school_is_the_same_course(
    database: RollbackDatabase, world: World, session: Session
) -> None:
    admin = as_user(database, world.admin_id)
    skill = first_skill(session, world)
    # Make the course more than its package: a threshold, a standard, an edited item, imported items.
    session.execute(
        text("UPDATE courses SET mastery_threshold = 0.9 WHERE id = :id"), {"id": world.course_id}
    )
    framework = admin.post("/api/standards", files={"file": (CASE_FILE.name, CASE_FILE.read_bytes())}).json()
    outline = admin.get(f"/api/standards/{framework['framework_id']}").json()["items"]
    standard = next(e for e in outline if e["code"])
    assert (
        admin.post(
            f"/api/courses/{world.course_id}/skills/{skill.key}/standards",
            json={"standard_item_id": standard["id"]},
        ).status_code
        == 201
    )
    answered = items_of(session, skill.id, answered=True)[0]
    assert (
        admin.put(
            f"/api/courses/{world.course_id}/items/{answered.id}",
            json=item_body(session, answered, "Edited?"),
        ).status_code
        == 200
    )
    imported = admin.post(
        f"/api/courses/{world.course_id}/items/import", files={"file": (GIFT.name, GIFT.read_bytes())},
        data={"skill_key": skill.key},
    )  # fmt: skip
    assert imported.json()["applied"]
    exported = admin.get(f"/api/courses/{world.course_id}/export")
    assert exported.status_code == 200 and exported.headers["content-type"] == "application/zip"
    assert 'filename="fractions' in exported.headers["content-disposition"]
    assert "course.yaml" in zipfile.ZipFile(io.BytesIO(exported.content)).namelist()
    # Another school (its own admin) imports it.
    with database.transaction() as setup:
        lakeside = School(slug="lakeside", name="Lakeside")
        setup.add(lakeside)
        setup.flush()
        head = create_user(
            setup, school=lakeside, email="head@lakeside.example", display_name="Head", role=Role.ADMIN,
            password="password-7",
        )  # fmt: skip
        head_id = head.id
    other = as_user(database, head_id)
    created = other.post(
        "/api/courses/import", files={"file": ("fractions.zip", exported.content, "application/zip")}
    )
    assert created.status_code == 201, created.text
    with database.transaction() as check:
        assert _course_contents(check, created.json()["id"]) == _course_contents(check, world.course_id)
    # The same package again: the key is taken.
    twice = other.post(
        "/api/courses/import", files={"file": ("fractions.zip", exported.content, "application/zip")}
    )
    assert twice.status_code == 409
    assert (
        as_user(database, world.teacher_id)
        .post("/api/courses/import", files={"file": ("fractions.zip", exported.content)})
        .status_code
        == 403
    )


def test_a_broken_course_package_lists_its_problems_with_file_and_place(
    database: RollbackDatabase, world: World
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "course.yaml",
            "format: atpace-course\nformat_version: 1\nkey: Bad Key\ntitle: Broken\nskills:\n"
            "  - {key: a, name: A, grade: 3, prerequisites: [b]}\n  - {key: b, name: B, grade: 3, prerequisites: [a]}\n",
        )
    admin = as_user(database, world.admin_id)
    refused = admin.post(
        "/api/courses/import", files={"file": ("broken.zip", buffer.getvalue(), "application/zip")}
    )
    assert refused.status_code == 422 and refused.json()["field"] == "file"
    problems = refused.json()["problems"]
    assert problems and all(p.startswith("course.yaml") or p.startswith("broken.zip") for p in problems), (
        problems
    )
    assert any("key" in p for p in problems)
    not_zip = admin.post("/api/courses/import", files={"file": ("notes.txt", b"hello", "text/plain")})
    assert not_zip.status_code == 422 and "not a .zip file" in not_zip.json()["problems"][0]
    page = admin.post("/courses/import", files={"file": ("broken.zip", buffer.getvalue())}, headers=HTMX)
    assert (
        page.status_code == 422
        and 'id="package-problems"' in page.text
        and "Nothing was imported" in page.text
    )


# ---------------------------------------------------------------------------------------------- standards


def test_a_course_started_from_a_case_framework(database: RollbackDatabase, world: World) -> None:
    admin = as_user(database, world.admin_id)
    imported = admin.post(
        "/api/standards", files={"file": (CASE_FILE.name, CASE_FILE.read_bytes(), "application/json")}
    )
    assert imported.status_code == 201, imported.text
    assert (
        imported.json()["items"] == 16
        and imported.json()["associations"] == 39
        and imported.json()["created"]
    )
    replaced = admin.post("/api/standards", files={"file": (CASE_FILE.name, CASE_FILE.read_bytes())})
    assert replaced.status_code == 200 and replaced.json()["created"] is False
    framework_id = imported.json()["framework_id"]
    assert [f["id"] for f in admin.get("/api/standards").json()] == [framework_id]
    outline = admin.get(f"/api/standards/{framework_id}").json()["items"]
    wanted = {f"CCSS.Math.Content.{g}.RP.A.{n}" for g in (6, 7) for n in (1, 2, 3)}
    chosen = [e["identifier"] for e in outline if e["code"] in wanted]
    assert len(chosen) == 6
    created = admin.post(
        f"/api/standards/{framework_id}/courses",
        json={
            "item_identifiers": chosen,
            "key": "ratios-from-case",
            "title": "Ratios (CCSS)",
            "mastery_threshold": 0.9,
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["skills"] == 6
    skills = admin.get(f"/api/courses/{created.json()['id']}/skills").json()
    assert skills["mastery_threshold"] == 0.9
    by_code = {s["standards"][0]["code"]: s for s in skills["skills"]}
    assert set(by_code) == wanted
    assert all(s["standards"][0]["statement"] and len(s["standards"]) == 1 for s in skills["skills"])
    prereqs = {
        (code, by_code_key) for code, s in by_code.items() for by_code_key in s["prerequisites"]
    }  # (skill's code, prerequisite's key)
    key_of = {code: s["key"] for code, s in by_code.items()}
    expected = {
        ("CCSS.Math.Content.6.RP.A.2", key_of["CCSS.Math.Content.6.RP.A.1"]),
        # 6.RP.A.2 precedes the CCSS item that 7.RP.A.1 is an exact match of
        ("CCSS.Math.Content.7.RP.A.1", key_of["CCSS.Math.Content.6.RP.A.2"]),
        ("CCSS.Math.Content.7.RP.A.3", key_of["CCSS.Math.Content.6.RP.A.3"]),
    }
    assert prereqs == expected  # the framework's precedes associations among the chosen standards
    duplicate = admin.post(
        f"/api/standards/{framework_id}/courses",
        json={"item_identifiers": chosen, "key": "ratios-from-case", "title": "X"},
    )
    assert duplicate.status_code == 409 and duplicate.json()["field"] == "key"
    teacher = as_user(database, world.teacher_id)
    assert (
        teacher.post(
            f"/api/standards/{framework_id}/courses",
            json={"item_identifiers": chosen, "key": "t", "title": "T"},
        ).status_code
        == 403
    )
    assert (
        teacher.post("/api/standards", files={"file": (CASE_FILE.name, CASE_FILE.read_bytes())}).status_code
        == 403
    )
    not_case = admin.post("/api/standards", files={"file": ("x.json", b'{"hello": 1}')})
    assert not_case.status_code == 422 and not_case.json()["field"] == "file"


def test_the_standards_pages_import_a_framework_and_start_a_course(
    database: RollbackDatabase, world: World
) -> None:
    admin = as_user(database, world.admin_id)
    result = admin.post(
        "/admin/standards", files={"file": (CASE_FILE.name, CASE_FILE.read_bytes())}, headers=HTMX
    )
    assert result.status_code == 201 and "Imported" in result.text and "16 standards" in result.text
    framework_id = int(re.search(r'/admin/standards/(\d+)" id="framework-link"', result.text).group(1))  # type: ignore[union-attr]
    page = admin.get(f"/admin/standards/{framework_id}")
    assert page.status_code == 200 and "CCSS.Math.Content.6.RP.A.1" in page.text and "--depth: 1" in page.text
    ids = re.findall(
        r'<li style="--depth: \d+" data-code="CCSS\.Math\.Content\.[67]\.RP\.A\.\d"[^>]*>\s*<label class="check"><input type="checkbox" name="item" value="(\d+)"',
        page.text,
    )
    assert len(ids) == 6
    refused = admin.post(
        f"/admin/standards/{framework_id}/courses", data={"item": ids, "key": "Bad Key", "title": "T"}
    )
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text and "checked" in refused.text
    created = admin.post(
        f"/admin/standards/{framework_id}/courses",
        data={"item": ids, "key": "ratios-6-7", "title": "Ratios 6-7"},
    )
    assert created.status_code == 303
    editor = admin.get(created.headers["location"])
    assert editor.status_code == 200 and "Course started from the framework" in editor.text
    assert editor.text.count('class="badge"') >= 6 and "none yet" in editor.text  # skills without items yet
    listed = admin.get("/admin/standards")
    assert "What Standards Could Be" in listed.text
    assert as_user(database, world.teacher_id).get("/admin/standards").status_code == 403


def test_skills_show_their_standards_to_students_and_teachers(
    database: RollbackDatabase, world: World, session: Session
) -> None:
    skill = first_skill(session, world)
    admin = as_user(database, world.admin_id)
    framework_id = admin.post(
        "/api/standards", files={"file": (CASE_FILE.name, CASE_FILE.read_bytes())}
    ).json()["framework_id"]
    standard = next(
        e
        for e in admin.get(f"/api/standards/{framework_id}").json()["items"]
        if e["code"].endswith("6.RP.A.1")
    )
    skill_page = f"/courses/{world.course_id}/skills/{skill.key}"
    aligned = admin.post(f"{skill_page}/standards", data={"standard_item_id": standard["id"]})
    assert aligned.status_code == 303
    statement = standard["statement"]
    student = as_user(database, world.student_id).get("/learn")
    teacher = as_user(database, world.teacher_id).get(
        f"/classes/{world.class_id}/students/{world.student_id}"
    )
    for page in (student, teacher):
        assert page.status_code == 200
        section = page.text[page.text.index('id="skill-standards"') :]
        item = section[section.index(f'data-skill="{skill.key}"') :]
        assert 'data-code="CCSS.Math.Content.6.RP.A.1"' in item and statement[:40] in item
        assert '<span class="visually-hidden">Standard </span>' in item
    # Removed on the skill page: gone from the student's page.
    removed = admin.post(f"{skill_page}/standards/remove", data={"code": "CCSS.Math.Content.6.RP.A.1"})
    assert removed.status_code == 303
    assert "CCSS.Math.Content.6.RP.A.1" not in as_user(database, world.student_id).get("/learn").text


def test_the_course_list_and_editor_pages(database: RollbackDatabase, world: World) -> None:
    teacher = as_user(database, world.teacher_id)
    listed = teacher.get("/api/courses").json()
    assert [c["key"] for c in listed] == ["fractions"] and listed[0]["classes"]
    admin_keys = {c["key"] for c in as_user(database, world.admin_id).get("/api/courses").json()}
    assert "fractions" in admin_keys
    page = teacher.get("/courses")
    assert page.status_code == 200 and f'href="/courses/{world.course_id}"' in page.text
    assert 'id="package-form"' not in page.text  # importing packages is for administrators
    assert 'id="package-form"' in as_user(database, world.admin_id).get("/courses").text
    editor = teacher.get(f"/courses/{world.course_id}")
    assert (
        editor.status_code == 200
        and 'id="skill-table"' in editor.text
        and 'id="prerequisite-form"' in editor.text
    )
    assert f'href="/api/courses/{world.course_id}/export"' in editor.text
    assert as_user(database, world.student_id).get("/courses").status_code == 403
    assert as_user(database, world.foreign_teacher_id).get(f"/courses/{world.course_id}").status_code == 404


def test_openapi_declares_the_editor_routes_and_their_errors(database: RollbackDatabase) -> None:
    paths = client_for(database).get("/openapi.json").json()["paths"]
    put = paths["/api/courses/{course_id}/items/{item_id}"]["put"]
    assert {"200", "403", "404", "422"} <= set(put["responses"])
    upload = paths["/api/courses/{course_id}/items/import"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "/api/standards/{framework_id}/courses" in paths


# ---------------------------------------------------------------------------------------- two editors at once


@dataclass
class Live:
    database: Database
    url: str
    course_id: int
    admin_id: int
    item_id: int


def _postgres_database(server_url: str, name: str) -> str:
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A real server over its own database (committed transactions, not the rolled-back test database):
    a school, the fractions course, an admin and a student who answered one item."""
    from atpace.config import Settings
    from atpace.web.app import create_app

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('editing') / 'live.db'}"
    else:
        server = os.environ.get(POSTGRES_ENV, "")
        if not server:
            pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
        url = _postgres_database(server, "atpace_course_editor_test")
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        school = School(slug="editing", name="Editing School")
        session.add(school)
        session.flush()
        course = import_course(session, school, FRACTIONS_COURSE)
        admin = create_user(session, school=school, email="a@editing.example", display_name="A", role=Role.ADMIN,
                            password="password-1")  # fmt: skip
        student = create_user(session, school=school, email="s@editing.example", display_name="S",
                              role=Role.STUDENT, password="password-2")  # fmt: skip
        item = session.scalar(select(Item).where(Item.course_id == course.id).order_by(Item.id).limit(1))
        assert item is not None
        skill_id = session.scalar(select(ItemSkill.skill_id).where(ItemSkill.item_id == item.id))
        session.add(
            Attempt(school_id=school.id, student_id=student.id, item_id=item.id, skill_id=skill_id,
                    client_attempt_id="before-the-edits", response="0", correct=False, mastery_before=0.2,
                    mastery_after=0.15)
        )  # fmt: skip
        ids = (course.id, admin.id, item.id)
    app = create_app(Settings(**TEST_SETTINGS), database)  # type: ignore[arg-type]
    with serving(app) as base:
        yield Live(database, base, *ids)
    database.engine.dispose()


def test_two_simultaneous_edits_make_two_versions_and_one_current(live: Live) -> None:
    headers = bearer(live.database, live.admin_id)
    with live.database.transaction() as session:
        item = session.get(Item, live.item_id)
        assert item is not None
        body = item_body(session, item, "")
        version = item.version
    gate = threading.Barrier(2)

    def edit(n: int) -> httpx2.Response:
        with httpx2.Client(base_url=live.url, timeout=60) as client:
            gate.wait(timeout=30)
            return client.put(
                f"/api/courses/{live.course_id}/items/{live.item_id}", json={**body, "prompt": f"Edit number {n}"},
                headers=headers,
            )  # fmt: skip

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(edit, range(2)))
    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    assert sorted(r.json()["item"]["version"] for r in responses) == [version + 1, version + 2]
    assert sorted(r.json()["newer_meanwhile"] for r in responses) == [False, True]
    with live.database.transaction() as session:
        rows = session.scalars(
            select(Item).where(Item.course_id == live.course_id, Item.key == item.key).order_by(Item.version)
        ).all()
        assert [r.version for r in rows] == [version, version + 1, version + 2]
        assert [r.is_current for r in rows] == [False, False, True]
        assert {r.prompt for r in rows[1:]} == {"Edit number 0", "Edit number 1"}
        attempt = session.scalar(select(Attempt).where(Attempt.client_attempt_id == "before-the-edits"))
        assert attempt is not None and attempt.item_id == live.item_id  # still the version it answered
