"""The application factory."""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from atpace import __version__
from atpace.config import Settings, get_settings
from atpace.errors import (
    AtpaceError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)
from atpace.services.database import Database, DatabaseError, PoolTimeout, database_unavailable
from atpace.services.files import FileStore
from atpace.services.throttle import LoginThrottle
from atpace.web import openapi
from atpace.web.csrf import FormCSRFMiddleware
from atpace.web.deps import SESSION_COOKIE
from atpace.web.middleware import BodyLimit, SecurityHeaders
from atpace.web.templating import templates

STATIC = Path(__file__).parent / "static"
STATUS = {
    NotFound: 404,
    Forbidden: 403,
    Unauthenticated: 401,
    InvalidInput: 422,
    Conflict: 409,
    TooManyAttempts: 429,
}


GC_YOUNG_THRESHOLD = 10_000
# Seconds a client is asked to wait while the database is away (restarting, failing over, refusing
# connections); docs/scaling.md, "Faults and recovery".
DATABASE_RETRY_AFTER = 2
DATABASE_AWAY = "The database is unavailable for a moment: please try again in a few seconds."


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # What is alive once the app has started (modules, table metadata, compiled templates) lives as long
    # as the process. Moving it out of the garbage collector's view keeps full collections short: they
    # were the slowest 1% of requests on the teacher's pages (docs/benchmarks.md).
    gc.collect()
    gc.freeze()
    # A request allocates tens of thousands of short-lived objects (rows, models, template output): with
    # the default threshold of 700 the youngest generation is collected dozens of times per request.
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    from atpace.services.jobs.runner import in_process_runner

    # On SQLite background jobs run in this process (docs/jobs.md); stopped (running jobs finished) at shutdown.
    runner = in_process_runner(app.state.database, app.state.settings)
    try:
        yield
    finally:
        if runner is not None:
            await asyncio.to_thread(runner.stop)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="atpace",
        version=__version__,
        summary="Personalized, mastery-based practice: the JSON API behind every page.",
        docs_url=None,  # web/api_docs.py serves it from vendored files
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.database = database or Database(settings.resolved_database_url())
    app.state.login_throttle = LoginThrottle(
        app.state.database, settings.login_failures_per_minute, settings.login_attempts_per_minute_per_client
    )
    app.state.files = FileStore(settings.resolved_files_dir())

    from atpace.web import api_docs, lti
    from atpace.web.api import router as api_router
    from atpace.web.pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    app.include_router(api_docs.router)
    app.include_router(lti.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(
        FormCSRFMiddleware,
        secret=settings.secret_key,
        sensitive_cookies={SESSION_COOKIE},
        # Also the sign-in link page: its form signs a visitor in who has no session cookie yet.
        required_urls=[re.compile(r"^/login$"), re.compile(r"^/sign-in/")],
        # The LMS's cross-site requests: proved by LTI itself (id_token signature, state, nonce); web/lti.py.
        exempt_urls=[re.compile(r"^/lti/(login|launch|register)$")],
        cookie_secure=settings.cookie_secure,
        cookie_samesite="lax",
    )

    # Outermost last: the body limit answers before anything reads the body, and its 413 gets the headers.
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)

    _install_error_handlers(app)
    openapi.install(app)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AtpaceError)
    async def domain_error(request: Request, error: AtpaceError) -> Response:
        status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
        headers = {}
        if isinstance(error, TooManyAttempts):
            headers["Retry-After"] = str(error.retry_after_seconds)
        if _wants_json(request):
            body: dict[str, Any] = {"detail": error.message}
            if isinstance(error, InvalidInput | Conflict) and error.field is not None:
                body["field"] = error.field
            if isinstance(error, Unauthenticated):
                headers["WWW-Authenticate"] = "Bearer"
            return JSONResponse(body, status_code=status, headers=headers)
        if isinstance(error, Unauthenticated):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        message = error.message
        if isinstance(error, InvalidInput):
            message = f"{error.field.replace('_', ' ').capitalize()}: {message}"
        return _error_page(request, status, message, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = [
            {
                "field": ".".join(
                    str(part) for part in e["loc"] if part not in ("body", "query", "path", "form")
                ),
                "message": _validation_message(e),
            }
            for e in error.errors()
        ]
        for problem in problems:  # a body that is not JSON at all has no field name
            if not problem["field"] or problem["field"].isdigit():
                problem["field"] = "body"
        first = problems[0] if problems else {"field": "body", "message": "invalid request"}
        if _wants_json(request):
            return JSONResponse(
                {
                    "detail": f"{first['field']}: {first['message']}",
                    "field": first["field"],
                    "errors": problems,
                },
                status_code=422,
            )
        return _error_page(request, 422, f"{first['field']}: {first['message']}")

    @app.exception_handler(DatabaseError)
    @app.exception_handler(PoolTimeout)
    async def database_away(request: Request, error: Exception) -> Response:
        # A lost connection, a database that refuses connections or is restarting, or a pool with no free
        # connection: the request did nothing (its transaction rolled back), so the client may send it again
        # (an answer with the same client_attempt_id is stored once). Any other database error is a bug.
        if not database_unavailable(error):
            raise error
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER)}
        if _wants_json(request):
            return JSONResponse({"detail": DATABASE_AWAY}, status_code=503, headers=headers)
        return _error_page(request, 503, DATABASE_AWAY, headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers or {})  # e.g. a 405's Allow: the methods the route does take
        if error.status_code == 400:
            # Only the framework answers 400: a body it cannot even decode (JSON that is not UTF-8, broken
            # multipart data). atpace answers 422 naming the body, like every other bad input, and as the
            # OpenAPI document declares.
            if error.detail == UNREADABLE_BODY:
                message = "body: the body is not valid JSON (it is not UTF-8 text)"
            else:
                message = f"body: the body cannot be read ({error.detail})"
            if _wants_json(request):
                return JSONResponse({"detail": message, "field": "body"}, status_code=422)
            return _error_page(request, 422, message)
        if _wants_json(request):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=headers)
        return _error_page(request, error.status_code, str(error.detail), headers)


UNREADABLE_BODY = "There was an error parsing the body"




def _validation_message(error: Any) -> str:
    if error.get("type") == "json_invalid":  # a body that is not JSON: say so, and where it went wrong
        where = error.get("ctx", {}).get("error", "")
        return f"the body is not valid JSON ({where})" if where else "the body is not valid JSON"
    return str(error["msg"])


def _error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    response: HTMLResponse = templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message, "actor": None}, status_code=status
    )
    if headers:
        response.headers.update(headers)
    return response
