"""The school's Learning Record Store in the authorization matrix: its page, settings and outbox are for the
school's administrators only (everyone else signed in: 403). Each administrator sees and sets only their own
school's LRS (the routes name no school: the actor's school is the one)."""

from __future__ import annotations

from tests.service.authz import Case, everyone

ADMINS_ONLY = {**everyone(403), "admin": 200}
ADMINS_REDIRECTED = {**everyone(403), "admin": 303}


def lrs_body(w: object, i: object, actor: str) -> dict[str, object]:
    return {
        "endpoint": "http://127.0.0.1:9/xAPI/", "key": f"key-{actor}", "secret": "authz-secret",
        "home_page": "https://atpace.riverside.example", "enabled": "1",
    }  # fmt: skip


def api_body(w: object, i: object, actor: str) -> dict[str, object]:
    return {**lrs_body(w, i, actor), "enabled": False}


CASES = [
    Case("GET", "/admin/xapi", lambda w, i: "/admin/xapi", ADMINS_ONLY),
    Case("POST", "/admin/xapi", lambda w, i: "/admin/xapi", ADMINS_REDIRECTED, body=lrs_body, form=True),
    Case("POST", "/admin/xapi/retry", lambda w, i: "/admin/xapi/retry", ADMINS_REDIRECTED, body=lambda w, i, a: {},
         form=True),
    Case("GET", "/api/xapi/lrs", lambda w, i: "/api/xapi/lrs", ADMINS_ONLY),
    Case("PUT", "/api/xapi/lrs", lambda w, i: "/api/xapi/lrs", ADMINS_ONLY, body=api_body),
    Case("GET", "/api/xapi/outbox", lambda w, i: "/api/xapi/outbox", ADMINS_ONLY),
    Case("POST", "/api/xapi/outbox/retry", lambda w, i: "/api/xapi/outbox/retry", ADMINS_ONLY),
]  # fmt: skip
