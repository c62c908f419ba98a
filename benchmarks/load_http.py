"""A small HTTP/1.1 client on asyncio streams, for benchmarks/load.py: one kept-alive connection per
virtual user, Content-Length and chunked bodies, a timeout on every request.

Why not httpx or locust: on a two-core machine the load generator shares the CPUs with the server it
measures; httpx's async client spends several times more CPU per request than this, and locust would
bring gevent and a second HTTP stack into the project for a generator we can bound and read in one file.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any


class HTTPError(Exception):
    """The connection failed, timed out or answered something that is not HTTP/1.1."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    """One kept-alive connection; reopened when the server closes it."""

    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()  # not awaited: a dead server must not hold the benchmark up
        self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        json_body: Any = None,
    ) -> Response:
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers = {**(headers or {}), "Content-Type": "application/json"}
        try:
            return await asyncio.wait_for(self._request(method, path, headers or {}, body), self.timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            await self.close()
            raise HTTPError(f"{method} {path}: {error.__class__.__name__} {error}") from None

    async def _request(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body or b'')}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
        await self.writer.drain()
        status_line = await self.reader.readuntil(b"\r\n")
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise ValueError(f"not an HTTP response: {status_line[:80]!r}")
        status = int(parts[1])
        response_headers: dict[str, str] = {}
        cookies: dict[str, str] = {}
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                cookies[cookie_name.strip()] = rest.split(";", 1)[0]
            response_headers[name] = value
        if "content-length" in response_headers:
            content = await self.reader.readexactly(int(response_headers["content-length"]))
        elif response_headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
                if size == 0:
                    while await self.reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                        pass
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            content = b"".join(chunks)
        elif status in (204, 304) or method == "HEAD":
            content = b""
        else:
            content = await self.reader.read()  # closes after the body
            await self.close()
        if response_headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, response_headers, content, cookies)
