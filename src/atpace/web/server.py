"""Entry point for uvicorn workers: each worker builds the app from ATPACE_* settings, and speaks HTTP
over connections with Nagle's algorithm off.

Why the protocol class: with ``--workers N`` uvicorn binds the listening socket itself, as
``socket.socket(family)``, whose protocol number reads 0; asyncio turns TCP_NODELAY on for an accepted
connection only when that number is IPPROTO_TCP, so in worker processes it stays off (a single worker
listens on a socket from getaddrinfo and gets it). The h11 protocol writes a response's head and body
in two writes; with Nagle on, the second waits for the client's delayed ACK, about 40 ms on Linux, on
every request of a kept-alive connection (docs/benchmarks.md, "Workers and keep-alive").
"""

from __future__ import annotations

import asyncio
import socket

from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from atpace.config import Settings
from atpace.web.app import create_app

HTTP_PROTOCOL = "atpace.web.server:NoDelayH11Protocol"  # what `atpace serve` gives uvicorn


def app_from_environment() -> FastAPI:
    return create_app(Settings())


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)
