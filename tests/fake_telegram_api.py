"""A minimal local fake of the Telegram Bot API over real HTTP, for the alert sender's tests."""

from __future__ import annotations

import json
import threading
import time
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


@dataclass(frozen=True)
class Seen:
    """One call as the fake saw it: when it arrived (epoch seconds), what, and the status."""

    at: float
    method: str
    fields: dict[str, Any]
    status: int


@dataclass
class FakeBotApi:
    """Records every call by method; answers the scripted failures first, then success.

    `delay` holds every successful answer back that long (a slow Telegram, so a test can
    kill the sender in the middle of a send); `seen` keeps each call's arrival and status.
    """

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    script: list[Answer | None] = field(default_factory=list)  # None: answer success
    next_message_id: int = 100
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""
    delay: float = 0.0
    seen: list[Seen] = field(default_factory=list)

    def answer(self, method: str, fields: dict[str, Any]) -> Answer:
        """Record one call and return its answer."""
        with self.lock:
            at = time.time()
            self.calls.append((method, fields))
            scripted = self.script.pop(0) if self.script else None
            if scripted is not None:
                self.seen.append(Seen(at, method, fields, scripted.status))
                return scripted
            self.seen.append(Seen(at, method, fields, 200))
            self.next_message_id += 1
            return Answer(200, {"ok": True, "result": {
                "message_id": self.next_message_id, "chat": {"id": fields.get("chat_id")}}})

    def texts(self, chat_id: str) -> list[str]:
        """Return the text of every message sent to one chat."""
        with self.lock:
            return [str(f.get("text", "")) for m, f in self.calls
                    if m == "sendMessage" and str(f.get("chat_id")) == chat_id]

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
                if answer.status == 200 and fake.delay:
                    time.sleep(fake.delay)
            data = json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                pass  # the caller is gone (killed in the middle of the send)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Keep the test output quiet."""

    return Handler


@contextmanager
def running(delay: float = 0.0) -> Iterator[FakeBotApi]:
    """Serve a fake Bot API on a free local port; its `base` is TELEGRAM_API_BASE."""
    fake = FakeBotApi(delay=delay)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.base = f"http://127.0.0.1:{server.server_address[1]}/bot"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
