"""Double-submit-cookie CSRF protection (starlette-csrf) that also accepts a hidden form field.

starlette-csrf reads the token from a header only, which htmx requests send; plain HTML forms
(login, logout, file uploads) post it as the ``csrf_token`` field, so the url-encoded or multipart body
is read, checked and replayed to the application unchanged. A body larger than the form limits is
refused with 413 (never cut short and passed on).
"""

from __future__ import annotations

import functools
from urllib.parse import parse_qs

from itsdangerous import BadSignature
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette_csrf.middleware import CSRFMiddleware

from atpace.services import limits

CSRF_FIELD = "csrf_token"
MAX_FORM_BYTES = 1024 * 1024  # a url-encoded form
# A multipart form: the files of one submission and the fields around them.
MAX_MULTIPART_BYTES = limits.UPLOAD_MAX_BYTES * limits.UPLOADS_PER_SUBMISSION + 1024 * 1024


class FormCSRFMiddleware(CSRFMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        cookie = request.cookies.get(self.cookie_name)
        if cookie is not None and not self._is_ours(cookie):
            # Signed with another secret (rotated, or a restart with a random one): replace it, or every
            # form would be refused until the user cleared their cookies.
            cookie = None
        # Pages need the token while rendering, before the browser has the cookie.
        token = cookie or self._generate_csrf_token()
        scope.setdefault("state", {})["csrf_token"] = token
        if request.method not in self.safe_methods and (
            self._url_is_required(request.url)
            or (not self._url_is_exempt(request.url) and self._has_sensitive_cookies(request.cookies))
        ):
            submitted = request.headers.get(self.header_name)
            content_type = request.headers.get("content-type", "")
            form_kind = content_type.split(";")[0].strip().lower()
            if submitted is None and form_kind in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                cap = MAX_FORM_BYTES if form_kind.startswith("application/") else MAX_MULTIPART_BYTES
                body, receive, complete = await _buffer_body(receive, cap)
                if not complete:
                    await _too_large(request, cap)(scope, receive, send)
                    return
                if form_kind.startswith("application/"):
                    submitted = parse_qs(body.decode("latin-1")).get(CSRF_FIELD, [None])[0]
                else:
                    submitted = _multipart_field(body, content_type, CSRF_FIELD)
            if not cookie or not submitted or not self._csrf_tokens_match(cookie, submitted):
                await self._get_error_response(request)(scope, receive, send)
                return
        await self.app(
            scope, receive, functools.partial(self._send_with_cookie, send=send, token=token, had=cookie)
        )

    def _is_ours(self, token: str) -> bool:
        try:
            self.serializer.loads(token)
        except BadSignature:
            return False
        return True

    async def _send_with_cookie(self, message: Message, send: Send, token: str, had: str | None) -> None:
        if message["type"] == "http.response.start" and had is None:
            from starlette.datastructures import MutableHeaders

            headers = MutableHeaders(scope=message)
            parts = [
                f"{self.cookie_name}={token}",
                f"Path={self.cookie_path}",
                f"SameSite={self.cookie_samesite}",
            ]
            if self.cookie_secure:
                parts.append("Secure")
            headers.append("set-cookie", "; ".join(parts))
        await send(message)

    def _get_error_response(self, request: Request) -> Response:
        message = "CSRF token missing or invalid: reload the page and try again."
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message, "field": self.header_name}, status_code=403)
        return Response(f"<h1>Forbidden</h1><p>{message}</p>", status_code=403, media_type="text/html")


def _too_large(request: Request, cap: int) -> Response:
    message = f"The form is larger than {cap // (1024 * 1024)} MB: send smaller files."
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message, "field": "body"}, status_code=413)
    return Response(f"<h1>Too large</h1><p>{message}</p>", status_code=413, media_type="text/html")


def _multipart_field(body: bytes, content_type: str, name: str) -> str | None:
    """The value of a plain (non-file) field of a multipart/form-data body, or None."""
    boundary = next(
        (p.split("=", 1)[1].strip().strip('"') for p in content_type.split(";") if "boundary=" in p), ""
    )
    if not boundary:
        return None
    wanted = f'name="{name}"'.encode()
    for part in body.split(b"--" + boundary.encode()):
        headers, separator, value = part.partition(b"\r\n\r\n")
        if separator and wanted in headers and b"filename=" not in headers:
            return value.removesuffix(b"\r\n").decode("latin-1")
    return None


async def _buffer_body(receive: Receive, cap: int) -> tuple[bytes, Receive, bool]:
    """The whole body (and a receive that replays it), or complete=False once it passes ``cap``."""
    chunks: list[bytes] = []
    size = 0
    more = True
    complete = True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            complete = False
            break
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay, complete
