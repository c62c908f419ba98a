"""Helpers shared by the page routes."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from atpace.services.auth import Actor
from atpace.web.templating import templates


def render(
    request: Request, template: str, actor: Actor | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    context.update(
        actor=actor, csrf_token=request.state.csrf_token, htmx=is_htmx(request),
        unread=_unread(request),
    )  # fmt: skip
    response: HTMLResponse = templates.TemplateResponse(request, template, context, status_code=status_code)
    return response


def _unread(request: Request) -> int:
    count = getattr(request.state, "unread", None)
    return int(count()) if callable(count) else 0


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
