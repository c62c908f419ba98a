"""Offline practice in the authorization matrix: the batch, the item on screen and the sync are a
student's own practice (staff: 403); another school's student gets their own course's batch, and their
sync of an item of this school is refused answer by answer (200, nothing stored: test_offline.py). The
service worker, the manifest and the offline shell hold no one's data: open to everyone."""

from __future__ import annotations

from tests.service.authz import ACTORS, PRACTICE, Case
from tests.service.conftest import World

PUBLIC = {actor: 200 for actor in ACTORS}


def _student_id(w: World, actor: str) -> int:
    ids = {"student": w.student_id, "classmate": w.classmate_id, "foreign_student": w.foreign_student_id}
    return ids.get(actor, w.student_id)


def sync_body(w: World, ids: dict[str, object], actor: str) -> dict[str, object]:
    answer = {
        "client_attempt_id": f"authz-offline-{actor}", "item_id": ids["item"], "skill_key": ids["item_skill"],
        "response": ids["answer"], "answered_at": "2026-01-05T10:00:00Z",
    }  # fmt: skip
    return {"student_id": _student_id(w, actor), "answers": [answer]}


CASES = [
    Case("GET", "/api/offline/batch", lambda w, i: "/api/offline/batch", {**PRACTICE, "foreign_student": 200}),
    Case("GET", "/api/offline/items/{item_id}",
         lambda w, i: f"/api/offline/items/{i['item']}?skill_key={i['item_skill']}", PRACTICE),
    Case("POST", "/api/offline/answers", lambda w, i: "/api/offline/answers",
         {**PRACTICE, "foreign_student": 200}, body=sync_body),
    Case("GET", "/sw.js", lambda w, i: "/sw.js", PUBLIC),
    Case("GET", "/manifest.webmanifest", lambda w, i: "/manifest.webmanifest", PUBLIC),
    Case("GET", "/practice/offline", lambda w, i: "/practice/offline", PUBLIC),
]  # fmt: skip
