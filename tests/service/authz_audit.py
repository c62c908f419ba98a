"""The audit log in the authorization matrix: its page, JSON and CSV are for the school's administrators
only (everyone else who is signed in: 403). Another school's administrator reads only their own school's
entries (tests/service/test_audit.py checks that)."""

from __future__ import annotations

from tests.service.authz import Case, everyone

ADMINS_ONLY = {**everyone(403), "admin": 200}

CASES = [
    Case("GET", "/admin/audit", lambda w, i: "/admin/audit", ADMINS_ONLY),
    Case("GET", "/api/audit", lambda w, i: "/api/audit", ADMINS_ONLY),
    Case("GET", "/api/audit.csv", lambda w, i: "/api/audit.csv", ADMINS_ONLY),
]  # fmt: skip
