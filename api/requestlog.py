"""The outermost layer of the app: one JSON log line per request, the audit write,
``Cache-Control: no-store`` on every API answer, and the catch-all that turns any
unexpected exception into a bare 500 problem.

A log line carries the route *template* (``/v1/persons/{ref}``), method, status,
duration and key id: never the path, query string, headers or body, which may
hold ID numbers or names. The audit entry opened by ``personal_data`` is written
when the response starts, with its status; if it cannot be written the client
gets a 500 instead of the data (fail closed).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.audit import AuditEntry
from api.problems import problem

log = logging.getLogger("kingraph.api")
# API answers (personal data, and the problems about it) are never kept by a browser or
# a proxy: names and ID numbers must not outlive the screen that showed them.
NO_STORE = ((b"cache-control", b"no-store"), (b"pragma", b"no-cache"))
UNCACHED = {b"cache-control", b"pragma", b"expires"}


def route_of(scope: Scope) -> str:
    """The matched route template, or ``unmatched``."""
    return str(getattr(scope.get("route"), "path", "unmatched"))


def line(event: str, **fields: Any) -> str:
    """A JSON log line."""
    return json.dumps({"event": event, **fields}, separators=(",", ":"), default=str)


class RequestLog:
    """ASGI middleware: logs, audits and contains errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})
        exchange = _Exchange(scope, send)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, exchange.send)
        except Exception as exc:
            log.error(line("error", type=type(exc).__name__, route=route_of(scope)))
            if not exchange.started:
                await problem("internal")(scope, receive, exchange.send)
        state = scope["state"]
        log.info(line("request", method=scope["method"], route=route_of(scope),
                      status=exchange.status, ms=round((time.perf_counter() - started) * 1e3, 2),
                      key=state.get("key_id")))


class _Exchange:
    """Wraps ``send``: records the status and writes the audit entry first."""

    def __init__(self, scope: Scope, send: Send) -> None:
        self.scope, self._send = scope, send
        self.started, self.status, self._replaced = False, 500, False

    async def send(self, message: Message) -> None:
        if self._replaced:
            return
        if message["type"] == "http.response.start":
            self.started, self.status = True, int(message["status"])
            if str(self.scope.get("path", "")).startswith("/v1/"):
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in UNCACHED]
                message = {**message, "headers": [*headers, *NO_STORE]}
            entry: AuditEntry | None = self.scope["state"].get("audit")
            if entry is not None and not await self._audited(entry):
                return
        await self._send(message)

    async def _audited(self, entry: AuditEntry) -> bool:
        entry.status = self.status
        try:
            await self.scope["app"].state.runtime.audit.record(entry)
        except Exception as exc:
            log.error(line("audit_failed", type=type(exc).__name__, route=entry.route))
            self._replaced, self.status = True, 500
            response = problem("internal")

            async def nothing() -> Message:
                return {"type": "http.disconnect"}
            await response(self.scope, nothing, self._send)
            return False
        return True
