"""Plain ASGI middleware for every response and request (no BaseHTTPMiddleware: it adds a task and a
stream copy to each request).

- ``SecurityHeaders``: the browser hardening headers, and ``Cache-Control: no-store`` on everything but
  the static files, so no page or JSON with a student's data stays in a shared computer's or a proxy's
  cache.
- ``BodyLimit``: a request body over its limit is refused with 413 and a message naming it, before the
  application reads it (by its Content-Length) or as soon as a body sent in chunks passes it; nothing is
  cut short and passed on.
"""

from __future__ import annotations

import json

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIB = 1024 * 1024
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'"
)
# Per kind of body: a JSON request (the largest is a users CSV sent as a JSON string, 2 MB of text), a
# url-encoded form, a multipart upload (the largest is a course package, 64 MB, with its form fields).
JSON_MAX_BYTES = 6 * MIB  # at least 3 x limits.CSV_MAX_BYTES (a test holds it)
FORM_MAX_BYTES = MIB
MULTIPART_MAX_BYTES = 65 * MIB
OTHER_MAX_BYTES = MIB


def body_limit(content_type: str) -> int:
    kind = content_type.split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        return MULTIPART_MAX_BYTES
    if kind == "application/x-www-form-urlencoded":
        return FORM_MAX_BYTES
    if kind == "application/json" or kind.endswith("+json"):
        return JSON_MAX_BYTES
    return OTHER_MAX_BYTES


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        cap = body_limit(headers.get("content-type", ""))
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            await _too_large(scope, send, cap)
            return
        received = 0
        over = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:  # a body sent in chunks, or longer than it said: stop reading it
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if over:  # the app's answer to the cut-off body (a disconnect) is replaced by the 413
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except Exception:
            if not over:
                raise
        if over and not started:
            await _too_large(scope, send, cap)


async def _too_large(scope: Scope, send: Send, cap: int) -> None:
    message = f"The request body is larger than {cap // MIB} MB, the limit for this kind of request."
    if scope["path"].startswith("/api/"):
        body = json.dumps({"detail": message, "field": "body"}).encode()
        media_type = "application/json"
    else:
        body = f"<!doctype html><title>Too large</title><h1>Too large</h1><p>{message}</p>".encode()
        media_type = "text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", media_type.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
