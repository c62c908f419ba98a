"""The roster import's routes in the authorization matrix (tests/service/authz.py): administrators only.

No request here carries a package: an administrator gets as far as "choose the roster" (422) or "this
upload is not here" (404 - an upload is named by its hash and belongs to one school), so the matrix writes
nothing, not even under the data folder.
"""

from __future__ import annotations

from tests.service.authz import Case, everyone

ADMIN_ONLY = everyone(403)
NO_UPLOAD = "0" * 64

CASES = [
    Case("GET", "/admin/roster", lambda w, i: "/admin/roster", {**ADMIN_ONLY, "admin": 200}),
    Case("POST", "/admin/roster", lambda w, i: "/admin/roster", {**ADMIN_ONLY, "admin": 422},
         body=lambda w, i, a: {"org": ""}, form=True),
    Case("POST", "/admin/roster/confirm", lambda w, i: "/admin/roster/confirm", {**ADMIN_ONLY, "admin": 404},
         body=lambda w, i, a: {"upload": NO_UPLOAD}, form=True),
    Case("POST", "/api/admin/roster/import", lambda w, i: "/api/admin/roster/import?dry_run=true",
         {**ADMIN_ONLY, "admin": 422}, body=lambda w, i, a: {"org": ""}, form=True),
]  # fmt: skip
