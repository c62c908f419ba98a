"""`atpace serve`'s HTTP protocol turns Nagle's algorithm off on every connection, also on a listening
socket made the way uvicorn makes it for ``--workers N`` (where asyncio leaves TCP_NODELAY off)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

from uvicorn.config import Config
from uvicorn.server import ServerState

from atpace.web.server import HTTP_PROTOCOL, NoDelayH11Protocol
from tests.own_loop import run_on_own_loop


class Plain(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport


async def nodelay_of_accepted(make_protocol: Callable[[], asyncio.Protocol]) -> int:
    """TCP_NODELAY of the server side of one connection to a worker-style listening socket."""
    listener = socket.socket(family=socket.AF_INET)  # as uvicorn's Config.bind_socket makes it: proto 0
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    made: list[asyncio.Protocol] = []

    def factory() -> asyncio.Protocol:
        made.append(make_protocol())
        return made[-1]

    server = await asyncio.get_running_loop().create_server(factory, sock=listener)
    _reader, writer = await asyncio.open_connection(*listener.getsockname())
    try:
        for _ in range(200):  # bounded: the accept happens on the next turns of the loop
            if made and getattr(made[0], "transport", None) is not None:
                break
            await asyncio.sleep(0.01)
        transport = made[0].transport  # type: ignore[attr-defined]
        return int(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    finally:
        writer.close()
        server.close()


def test_asyncio_leaves_nagle_on_for_a_worker_style_socket() -> None:
    assert run_on_own_loop(nodelay_of_accepted(Plain)) == 0  # the cause (docs/benchmarks.md)


def test_atpace_serve_s_protocol_turns_nagle_off() -> None:
    config = Config("atpace.web.server:app_from_environment", factory=True, http=HTTP_PROTOCOL)
    config.load()
    assert config.http_protocol_class is NoDelayH11Protocol
    state = ServerState()
    assert run_on_own_loop(nodelay_of_accepted(lambda: NoDelayH11Protocol(config, state, {}))) != 0
