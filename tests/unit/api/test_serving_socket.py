"""The workers' listening socket: connections accepted on it have Nagle turned off.

asyncio sets TCP_NODELAY only on accepted sockets whose protocol says TCP; a listening
socket made with protocol 0 gave every response of ``kingraph serve --workers N`` the
client's delayed-ACK wait (40 ms a request on loopback).
"""

from __future__ import annotations

import asyncio
import socket

from api.serving import _listening


async def _accepted_nodelay() -> int:
    sock = _listening("127.0.0.1", 0)
    port = sock.getsockname()[1]
    seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted = writer.get_extra_info("socket")
        seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(on_client, sock=sock)
    async with server:
        _, client = await asyncio.open_connection("127.0.0.1", port)
        value = await asyncio.wait_for(seen, 10)
        client.close()
    return value


def test_accepted_connections_send_without_nagle() -> None:
    assert asyncio.run(_accepted_nodelay()) != 0
