"""Read your own writes on any worker: the ``X-Bookmarks`` header.

On a Neo4j cluster the API's reads go to secondaries, which may lag the primary by a
few transactions, and a client's next request may land on another worker process (or
machine) whose driver has never seen its write. So every request runs in a *flow*
(:mod:`graphdb.bookmarks`): its reads and writes wait for the bookmarks the client
sent in ``X-Bookmarks``, and a successful response carries the flow's bookmarks back
in ``X-Bookmarks`` (after a write, the write's own). A client that sends, with each
request, the ``X-Bookmarks`` of the last response that had one never reads a graph
older than its own last decision or issuance. The officers' page does exactly that.

Bookmarks are opaque transaction ids, not personal data; a malformed header is a 400,
one the graph never issued a 400 (``bookmark_invalid``), one a member has not reached
in time a 503 (``graph_behind``) with ``Retry-After``.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem
from graphdb.bookmarks import Flow, following, parse, render
from kingraph.errors import InvalidArgument

HEADER = b"x-bookmarks"


class CausalConsistency:
    """ASGI middleware: each HTTP request runs in a flow seeded from ``X-Bookmarks``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = next((v for k, v in scope["headers"] if k == HEADER), None)
        try:
            flow = Flow(parse(raw.decode("latin-1") if raw is not None else None))
        except InvalidArgument as exc:
            await problem("bad_request", str(exc))(scope, receive, send)
            return

        async def send_with_bookmarks(message: Message) -> None:
            if (message["type"] == "http.response.start" and flow.bookmarks
                    and message["status"] < 400):
                message = {**message, "headers": [
                    *message.get("headers", ()), (HEADER, render(flow.bookmarks).encode())]}
            await send(message)

        with following(flow):
            await self.app(scope, receive, send_with_bookmarks)
