"""The equity report in the authorization matrix: the school's report and the subgroup settings are for the
school's administrators (everyone else signed in: 403); a class's report is for its teachers and the
administrators (students and other teachers: 403; another school's people: 404)."""

from __future__ import annotations

from tests.service.authz import CLASS_DATA, Case, everyone

ADMINS_ONLY = {**everyone(403), "admin": 200}
ADMINS_REDIRECT = {**everyone(403), "admin": 303}

CASES = [
    Case("GET", "/admin/equity", lambda w, i: "/admin/equity", ADMINS_ONLY),
    Case("GET", "/classes/{class_id}/equity", lambda w, i: f"/classes/{w.class_id}/equity", CLASS_DATA),
    Case("GET", "/api/equity", lambda w, i: "/api/equity", ADMINS_ONLY),
    Case("GET", "/api/equity", lambda w, i: f"/api/equity?class_id={w.class_id}", CLASS_DATA),
    Case("GET", "/admin/equity/subgroups", lambda w, i: "/admin/equity/subgroups", ADMINS_ONLY),
    Case("POST", "/admin/equity/categories", lambda w, i: "/admin/equity/categories", ADMINS_REDIRECT,
         body=lambda w, i, a: {"categories": ["english_learner"]}, form=True),
    Case("POST", "/admin/equity/values", lambda w, i: "/admin/equity/values", {**everyone(403), "admin": 409},
         body=lambda w, i, a: {"student": "student01@riverside.example", "category": "gender", "value": "female"},
         form=True),
    Case("POST", "/admin/equity/values.csv", lambda w, i: "/admin/equity/values.csv", {**everyone(403), "admin": 422},
         body=lambda w, i, a: {"csv_text": "student,value\nnobody@x.example,yes\n", "category": ""}, form=True),
    Case("GET", "/api/equity/categories", lambda w, i: "/api/equity/categories", ADMINS_ONLY),
    Case("PUT", "/api/equity/categories", lambda w, i: "/api/equity/categories", ADMINS_ONLY,
         body=lambda w, i, a: {"categories": ["gender"]}),
    Case("PUT", "/api/equity/students/{student_id}/subgroups/{category}",
         lambda w, i: f"/api/equity/students/{w.student_id}/subgroups/english_learner",
         {**everyone(403), "admin": 409}, body=lambda w, i, a: {"value": "yes"}),
]  # fmt: skip
