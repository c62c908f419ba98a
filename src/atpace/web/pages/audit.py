"""The audit log page (issue 12): the school's administrators read who did what and when, filtered, newest
first, a page at a time, and download the same rows as CSV (through the JSON API's CSV route). The page
only reads: there is no way to change or delete an entry."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from atpace.errors import InvalidInput
from atpace.services import audit
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, Text
from atpace.web.pages.common import render

router = APIRouter()
Field = Annotated[str, Query(max_length=40), Text]


def _id(value: str, field: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit() or not 1 <= int(value) <= MAX_ID:
        raise InvalidInput(field, "choose someone from the list")
    return int(value)


def _day(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(field, "give a date as YYYY-MM-DD") from None


@router.get("/admin/audit")
def audit_page(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    action: Field = "",
    actor_id: Field = "",
    student_id: Field = "",
    since: Field = "",
    until: Field = "",
    page: Annotated[int, Query(ge=1, le=MAX_ID)] = 1,
) -> Response:
    choices = audit.filter_choices(session, actor)  # administrators only (403 for anyone else)
    typed = {"action": action, "actor_id": actor_id, "student_id": student_id, "since": since, "until": until}
    try:
        filters = audit.AuditFilters(
            action or None, _id(actor_id, "actor_id"), _id(student_id, "student_id"),
            _day(since, "since"), _day(until, "until"),
        )  # fmt: skip
        found = audit.search(session, actor, filters, page)
    except InvalidInput as error:
        return render(
            request, "audit.html", actor, status_code=422, choices=choices, typed=typed, found=None,
            error=error, query="",
        )  # fmt: skip
    query = urlencode({k: v for k, v in typed.items() if v})
    return render(
        request, "audit.html", actor, choices=choices, typed=typed, found=found, error=None, query=query
    )
