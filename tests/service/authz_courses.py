"""The course editor's and the standards' routes in the authorization matrix (test_authorization.py).

Editing a course is for the school's administrators and the teachers of a class that uses it (the seeded
``teacher`` and ``other_teacher`` both teach a class of the fractions course); students get 403, another
school's people 404 for the course and its items. Standards are imported and turned into courses by
administrators only. The matrix client sends no files, so upload routes answer 422 (no file) to those
allowed and 403/404 to the others; tests/service/test_course_editor.py uploads real files.

The actors act one after the other on the same data: where a route changes something, each editor's
request names a different thing (skill key, standard, prerequisite), except on the DELETE routes, whose
URL cannot depend on the actor: the first editor removes the row and the next ones get 404.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from atpace.content.spec import AnswerSpec
from atpace.services.courses import load_graph
from atpace.services.standards import align_skill, import_framework
from atpace.store.tables import Course, Item, ItemSkill, School, StandardItem
from tests.service.authz import ACTORS, COURSE, COURSE_EDIT, Case, everyone
from tests.service.conftest import RollbackDatabase, World, actor_of

CASE_FILE = (
    Path(__file__).parents[1]
    / "fixtures"
    / "case"
    / "opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json"
)

EDIT = {**COURSE_EDIT, "teacher": 200, "other_teacher": 200, "admin": 200}
EDIT_MOVED = {**EDIT, "teacher": 303, "other_teacher": 303, "admin": 303}
EDIT_REFUSED_INPUT = {**EDIT, "teacher": 422, "other_teacher": 422, "admin": 422}  # upload without a file
REMOVED_ONCE = {**EDIT, "teacher": 200, "other_teacher": 404, "admin": 404}
STAFF = {**everyone(200), "student": 403, "classmate": 403, "foreign_student": 403}
ADMIN = {**everyone(403), "admin": 200}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    """A framework for the school, three standards aligned to the first skill, and an item's form values."""
    with database.transaction() as session:
        school = session.get(School, world.school_id)
        course = session.get(Course, world.course_id)
        assert school is not None and course is not None
        framework = import_framework(session, school, CASE_FILE.read_bytes())
        standards = session.scalars(
            select(StandardItem)
            .where(StandardItem.framework_id == framework.framework_id, StandardItem.code != "")
            .order_by(StandardItem.position)
        ).all()
        graph = load_graph(session, course)
        first = next(iter(graph.skills))
        admin = actor_of(session, world.admin_id)
        for row in standards[:3]:
            align_skill(session, admin, course.id, first, row.id)
        edges = [(p, s) for s in graph.skills for p in sorted(graph.graph.prerequisites[s])]
        item = session.scalar(
            select(Item)
            .join(ItemSkill, ItemSkill.item_id == Item.id)
            .where(ItemSkill.skill_id == graph.skills[first].id, Item.is_current.is_(True))
            .order_by(Item.id)
            .limit(1)
        )
        assert item is not None and len(edges) >= 3
        answer = AnswerSpec.from_dict(item.answer)
        return {
            "framework": framework.framework_id,
            "aligned_codes": [row.code for row in standards[:3]],
            "unaligned_ids": [row.id for row in standards[3:6]],
            "framework_identifiers": [row.identifier for row in standards[:2]],
            "framework_item_ids": [row.id for row in standards[:2]],
            "first_skill": first,
            "edges": edges,
            "edit_item": item.id,
            "edit_form": {
                "kind": answer.kind,
                "prompt": item.prompt + " (edited)",
                "correct": answer.correct,
                "choices": "\n".join(answer.choices),
                "skill_keys": first,
                "response": answer.correct,
            },
        }


def _pick(ids: dict[str, object], name: str, actor: str) -> object:
    values = ids[name]
    assert isinstance(values, list)
    return values[ACTORS.index(actor) % len(values)]


def _edge(ids: dict[str, object], actor: str) -> dict[str, object]:
    edge = _pick(ids, "edges", actor)
    assert isinstance(edge, tuple)
    return {"skill_key": edge[1], "prerequisite_key": edge[0]}


def _skill_key(actor: str) -> str:
    return "authz-" + actor.replace("_", "-")


def _course_url(w: World, i: dict[str, int], tail: str = "") -> str:
    return f"/api/courses/{w.course_id}{tail}"


def _item_body(i: dict[str, object]) -> dict[str, object]:
    form = i["edit_form"]
    assert isinstance(form, dict)
    choices = [c for c in str(form["choices"]).split("\n") if c]
    return {
        "prompt": form["prompt"], "answer": {"kind": form["kind"], "correct": form["correct"], "choices": choices},
        "skill_keys": [form["skill_keys"]],
    }  # fmt: skip


CASES = [
    # JSON API
    Case("GET", "/api/courses", lambda w, i: "/api/courses", STAFF),
    Case("POST", "/api/courses/import", lambda w, i: "/api/courses/import", {**everyone(403), "admin": 422}),
    Case("GET", "/api/courses/{course_id}/export", lambda w, i: _course_url(w, i, "/export"), EDIT),
    Case("GET", "/api/courses/{course_id}/skills", lambda w, i: _course_url(w, i, "/skills"), COURSE),
    Case("POST", "/api/courses/{course_id}/skills", lambda w, i: _course_url(w, i, "/skills"), COURSE_EDIT,
         body=lambda w, i, a: {"key": _skill_key(a), "name": f"Added by {a}"}),
    Case("PUT", "/api/courses/{course_id}/skills/{skill_key}",
         lambda w, i: _course_url(w, i, f"/skills/{i['first_skill']}"), EDIT,
         body=lambda w, i, a: {"name": f"Renamed by {a}", "description": "A new description."}),
    Case("DELETE", "/api/courses/{course_id}/prerequisites",
         lambda w, i: _course_url(w, i, "/prerequisites?skill_key={1}&prerequisite_key={0}".format(*i["edges"][0])),  # type: ignore[index]
         REMOVED_ONCE),
    Case("POST", "/api/courses/{course_id}/skills/{skill_key}/standards",
         lambda w, i: _course_url(w, i, f"/skills/{i['first_skill']}/standards"), COURSE_EDIT,
         body=lambda w, i, a: {"standard_item_id": _pick(i, "unaligned_ids", a)}),  # type: ignore[arg-type]
    Case("DELETE", "/api/courses/{course_id}/skills/{skill_key}/standards",
         lambda w, i: _course_url(w, i, f"/skills/{i['first_skill']}/standards?code={i['aligned_codes'][0]}"),  # type: ignore[index]
         {**REMOVED_ONCE, "teacher": 204}),
    Case("GET", "/api/courses/{course_id}/items", lambda w, i: _course_url(w, i, "/items"), EDIT),
    Case("POST", "/api/courses/{course_id}/items/try", lambda w, i: _course_url(w, i, "/items/try"), EDIT,
         body=lambda w, i, a: {"answer": {"kind": "fraction", "correct": "3/4"}, "response": "6/8"}),
    Case("POST", "/api/courses/{course_id}/items/import", lambda w, i: _course_url(w, i, "/items/import"),
         EDIT_REFUSED_INPUT),
    Case("GET", "/api/courses/{course_id}/items/{item_id}",
         lambda w, i: _course_url(w, i, f"/items/{i['edit_item']}"), EDIT),
    Case("PUT", "/api/courses/{course_id}/items/{item_id}",
         lambda w, i: _course_url(w, i, f"/items/{i['edit_item']}"), EDIT, body=lambda w, i, a: _item_body(i)),  # type: ignore[arg-type]
    Case("GET", "/api/standards", lambda w, i: "/api/standards", everyone(200)),
    Case("POST", "/api/standards", lambda w, i: "/api/standards", {**everyone(403), "admin": 422}),
    Case("GET", "/api/standards/{framework_id}", lambda w, i: f"/api/standards/{i['framework']}",
         {**everyone(200), "foreign_teacher": 404, "foreign_student": 404}),
    Case("POST", "/api/standards/{framework_id}/courses", lambda w, i: f"/api/standards/{i['framework']}/courses",
         {**everyone(403), "admin": 201},
         body=lambda w, i, a: {"item_identifiers": i["framework_identifiers"], "key": "from-case", "title": "From CASE"}),
    # Pages
    Case("GET", "/courses", lambda w, i: "/courses", STAFF),
    Case("POST", "/courses/import", lambda w, i: "/courses/import", {**everyone(403), "admin": 422},
         body=lambda w, i, a: {}, form=True),
    Case("GET", "/courses/{course_id}", lambda w, i: f"/courses/{w.course_id}", EDIT),
    Case("POST", "/courses/{course_id}/skills", lambda w, i: f"/courses/{w.course_id}/skills", EDIT_MOVED,
         body=lambda w, i, a: {"key": _skill_key(a), "name": f"Added by {a}"}, form=True),
    Case("POST", "/courses/{course_id}/prerequisites", lambda w, i: f"/courses/{w.course_id}/prerequisites", EDIT,
         body=lambda w, i, a: {"skill_key": i["edge_skill"],
                               "prerequisite_key": _pick(i, "edge_prereqs", a)}, form=True),  # type: ignore[arg-type]
    Case("POST", "/courses/{course_id}/prerequisites/remove",
         lambda w, i: f"/courses/{w.course_id}/prerequisites/remove", EDIT,
         body=lambda w, i, a: _edge(i, a), form=True),  # type: ignore[arg-type]
    Case("GET", "/courses/{course_id}/skills/{skill_key}",
         lambda w, i: f"/courses/{w.course_id}/skills/{i['first_skill']}", EDIT),
    Case("POST", "/courses/{course_id}/skills/{skill_key}",
         lambda w, i: f"/courses/{w.course_id}/skills/{i['first_skill']}", EDIT_MOVED,
         body=lambda w, i, a: {"name": f"Renamed by {a}", "description": ""}, form=True),
    Case("POST", "/courses/{course_id}/skills/{skill_key}/standards",
         lambda w, i: f"/courses/{w.course_id}/skills/{i['first_skill']}/standards", EDIT_MOVED,
         body=lambda w, i, a: {"standard_item_id": _pick(i, "unaligned_ids", a)}, form=True),  # type: ignore[arg-type]
    Case("POST", "/courses/{course_id}/skills/{skill_key}/standards/remove",
         lambda w, i: f"/courses/{w.course_id}/skills/{i['first_skill']}/standards/remove", EDIT_MOVED,
         body=lambda w, i, a: {"code": _pick(i, "aligned_codes", a)}, form=True),  # type: ignore[arg-type]
    Case("POST", "/courses/{course_id}/items/import", lambda w, i: f"/courses/{w.course_id}/items/import",
         EDIT_REFUSED_INPUT, body=lambda w, i, a: {"skill_key": i["first_skill"]}, form=True),
    Case("GET", "/courses/{course_id}/items/{item_id}",
         lambda w, i: f"/courses/{w.course_id}/items/{i['edit_item']}", EDIT),
    Case("POST", "/courses/{course_id}/items/{item_id}",
         lambda w, i: f"/courses/{w.course_id}/items/{i['edit_item']}", EDIT_MOVED,
         body=lambda w, i, a: i["edit_form"], form=True),  # type: ignore[arg-type, return-value]
    Case("POST", "/courses/{course_id}/items/{item_id}/preview",
         lambda w, i: f"/courses/{w.course_id}/items/{i['edit_item']}/preview", EDIT,
         body=lambda w, i, a: i["edit_form"], form=True),  # type: ignore[arg-type, return-value]
    Case("POST", "/courses/{course_id}/items/{item_id}/try",
         lambda w, i: f"/courses/{w.course_id}/items/{i['edit_item']}/try", EDIT,
         body=lambda w, i, a: i["edit_form"], form=True),  # type: ignore[arg-type, return-value]
    Case("GET", "/admin/standards", lambda w, i: "/admin/standards", ADMIN),
    Case("POST", "/admin/standards", lambda w, i: "/admin/standards", {**ADMIN, "admin": 422},
         body=lambda w, i, a: {}, form=True),
    Case("GET", "/admin/standards/{framework_id}", lambda w, i: f"/admin/standards/{i['framework']}", ADMIN),
    Case("POST", "/admin/standards/{framework_id}/courses",
         lambda w, i: f"/admin/standards/{i['framework']}/courses", {**ADMIN, "admin": 303},
         body=lambda w, i, a: {"item": i["framework_item_ids"], "key": "from-case", "title": "From CASE"}, form=True),
]  # fmt: skip
