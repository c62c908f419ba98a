"""The JSON API's OpenAPI document with the error responses every route can give, declared once.

Every /api route answers errors with one body, ``{"detail": "...", "field": "..."}`` (``field`` names the
input at fault on 422, and on some 409s; 422s add ``errors``, one per problem). FastAPI documents only its
own validation error; this declares 401, 403, 404, 409, 413, 422, 429 and 503 on each operation, so that
generated clients know the shape of a refusal.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "what went wrong, in words a person can act on"},
        "field": {"type": "string", "description": "the input at fault (422, some 409)"},
        "errors": {
            "type": "array",
            "description": "422 only: every problem found, each with its field and message",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
ERRORS = {
    "401": "Not signed in: send a bearer token or the session cookie",
    "403": "Signed in, but this user may not do this (or the CSRF token is missing)",
    "404": "No such row, or one of another school",
    "409": "The request conflicts with the current state (it says what to do instead)",
    "413": "The request body is too large",
    "422": "An input is invalid; `field` names it",
    "429": "Too many attempts; see Retry-After",
    "503": "The database is unavailable for a moment; send the same request again after Retry-After seconds",
}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer"}}}


def install(app: FastAPI) -> None:
    def schema() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            document.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
            reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            for path, operations in document.get("paths", {}).items():
                if not path.startswith("/api/"):
                    continue
                for operation in operations.values():
                    responses = operation.setdefault("responses", {})
                    for code, description in ERRORS.items():
                        responses[code] = {"description": description, "content": reference}
                    responses["503"]["headers"] = RETRY_AFTER
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = schema  # type: ignore[method-assign]
