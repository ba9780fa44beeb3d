"""A minimal local fake of the Telegram Bot API over real HTTP, for the alert sender's tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "123456:fake-token"


@dataclass(frozen=True)
class Answer:
    """One scripted answer: an HTTP status and the Bot API's JSON body."""

    status: int
    body: dict[str, Any]


def error(code: int, description: str, **parameters: Any) -> Answer:
    """Return a Bot API error answer, with `parameters` such as retry_after."""
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Answer(code, body)


@dataclass
class FakeBotApi:
    """Records every call by method; answers the scripted failures first, then success."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    script: list[Answer | None] = field(default_factory=list)  # None: answer success
    next_message_id: int = 100
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""

    def answer(self, method: str, fields: dict[str, Any]) -> Answer:
        """Record one call and return its answer."""
        with self.lock:
            self.calls.append((method, fields))
            scripted = self.script.pop(0) if self.script else None
            if scripted is not None:
                return scripted
            self.next_message_id += 1
            return Answer(200, {"ok": True, "result": {
                "message_id": self.next_message_id, "chat": {"id": fields.get("chat_id")}}})

    def methods(self) -> list[str]:
        """Return the methods called, in order."""
        return [method for method, _ in self.calls]


def _handler(fake: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    """Build the request handler class serving `fake`."""

    class Handler(BaseHTTPRequestHandler):
        """Serves POST /bot<token>/<method> with a JSON body."""

        def do_POST(self) -> None:  # noqa: N802  # the name http.server calls
            """Answer one Bot API call."""
            length = int(self.headers.get("Content-Length", "0"))
            fields = json.loads(self.rfile.read(length) or b"{}")
            prefix = f"/bot{TOKEN}/"
            if not self.path.startswith(prefix):
                answer = error(404, "Not Found")
            else:
                answer = fake.answer(self.path[len(prefix):], fields)
            data = json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Keep the test output quiet."""

    return Handler


@contextmanager
def running() -> Iterator[FakeBotApi]:
    """Serve a fake Bot API on a free local port; its `base` is TELEGRAM_API_BASE."""
    fake = FakeBotApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.base = f"http://127.0.0.1:{server.server_address[1]}/bot"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
