"""Running the app under uvicorn: one process, or several workers on one port.

uvicorn runs on uvloop and httptools (both dependencies; its ``auto`` choices).

With several workers each process opens its own listening socket on the address
with ``SO_REUSEPORT``, so the kernel spreads new connections evenly over them.
uvicorn's own supervisor shares one socket instead, and a worker's event loop
accepts every pending connection when it wakes: a client that opens its pool at
once (wrk's 32 connections; a service's keep-alive pool) often landed entirely on
one worker, in 3 runs of 8 (``bench/results/api_load.md``).

The parent only starts the workers, forwards one SIGTERM on SIGINT or SIGTERM, and
stops them all if one dies (no silent half-capacity service). Workers run in their
own process group, so a terminal's Ctrl-C reaches the parent alone and each worker
gets a single signal: uvicorn's graceful shutdown, which writes queued audit entries.
"""

from __future__ import annotations

import errno
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
from types import FrameType

import uvicorn

from kingraph.errors import ConfigError
from kingraph.settings import Settings

log = logging.getLogger("kingraph.api")
STOP_TIMEOUT = 30.0  # seconds a worker has to finish its requests after SIGTERM


def run(settings: Settings, host: str, port: int, workers: int) -> int:
    """Serve until interrupted; the exit status (0, or 1 when a worker died)."""
    if workers == 1:
        from api.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, access_log=False,
                    log_config=None)
        return 0
    _check_free(host, port)
    spawn = multiprocessing.get_context("spawn")  # each worker builds its app from the env
    procs = [spawn.Process(target=_worker, args=(host, port), name=f"kingraph-api-{i}")
             for i in range(workers)]
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    for proc in procs:
        proc.start()
    log.info(f"serving on http://{host}:{port} with {workers} worker processes")
    while not stop.is_set() and all(p.is_alive() for p in procs):
        stop.wait(0.5)
    died = not stop.is_set()
    if died:
        log.error("an API worker process exited; stopping the others")
    for proc in procs:
        if proc.is_alive():
            proc.terminate()  # SIGTERM: uvicorn's graceful shutdown
    for proc in procs:
        proc.join(STOP_TIMEOUT)
        if proc.is_alive():
            proc.kill()
            proc.join()
    return 1 if died else 0


def _check_free(host: str, port: int) -> None:
    """Refuse a port already in use: with SO_REUSEPORT a second server of the same
    user would otherwise silently share it."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(f"port {port} on {host} is already in use") from None
            raise


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _listening(host: str, port: int) -> socket.socket:
    # proto IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on accepted
    # sockets whose proto says TCP. With proto 0 every response waited for the
    # client's delayed ACK: 40 ms per request on loopback.
    sock = socket.socket(_family(host), socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int) -> None:
    os.setpgrp()  # signals come from the parent only
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(message)s")
    config = uvicorn.Config("api.app:from_environment", factory=True, host=host, port=port,
                            access_log=False, log_config=None)
    uvicorn.Server(config).run(sockets=[_listening(host, port)])
