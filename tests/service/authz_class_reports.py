"""Class reports in the authorization matrix: the class's teachers and the school's admins see them; other
teachers of the school and students are refused (403); another school's users find no such class (404)."""

from __future__ import annotations

from tests.service.authz import CLASS_DATA, Case

CASES = [
    Case("GET", "/classes/{class_id}/report", lambda w, i: f"/classes/{w.class_id}/report", CLASS_DATA),
    Case("GET", "/api/classes/{class_id}/report", lambda w, i: f"/api/classes/{w.class_id}/report", CLASS_DATA),
    Case("GET", "/api/classes/{class_id}/heatmap.csv", lambda w, i: f"/api/classes/{w.class_id}/heatmap.csv",
         CLASS_DATA),
    Case("GET", "/api/classes/{class_id}/grades.csv", lambda w, i: f"/api/classes/{w.class_id}/grades.csv",
         CLASS_DATA),
]  # fmt: skip
