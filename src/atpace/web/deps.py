"""FastAPI dependencies: the database session of a request and the acting user."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from atpace.errors import Unauthenticated
from atpace.services import audit, messages
from atpace.services.auth import Actor, resolve_token
from atpace.services.database import Database, Session

SESSION_COOKIE = "atpace_session"


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request, database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back on any error."""
    with database.transaction(write=request.method not in SAFE_METHODS) as session:
        audit.note_client(session, request.client.host if request.client else "")  # audit entries carry it
        yield session


# scope="function": the transaction commits when the handler returns, before the response is sent, so
# a failed commit is reported as an error instead of after a success was already sent.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.cookies.get(SESSION_COOKIE)


def get_actor(request: Request, session: SessionDep) -> Actor:
    token = token_of(request)
    if not token:
        raise Unauthenticated("Please log in.")
    actor = Actor.of(resolve_token(session, token))
    if not request.url.path.startswith("/api/"):
        # The menu shows it; counted only if a page is rendered (not for redirects after a form).
        request.state.unread = functools.partial(messages.unread_count, session, actor.user_id)
    return actor


def get_optional_actor(request: Request, session: SessionDep) -> Actor | None:
    try:
        return get_actor(request, session)
    except Unauthenticated:
        return None


ActorDep = Annotated[Actor, Depends(get_actor)]
OptionalActorDep = Annotated[Actor | None, Depends(get_optional_actor)]
