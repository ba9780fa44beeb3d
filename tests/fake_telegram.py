"""A local fake of the Telegram Bot API over real HTTP: serves updates, records what is sent."""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

TOKEN = "123456:FAKE-telegram-token"
PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$")
FILE_PATH = re.compile(r"^/file/bot(?P<token>[^/]+)/(?P<path>[\w./-]+)$")
PHOTO_BYTES = b"\xff\xd8\xff\xe0fake-jpeg"  # what every stored file "contains"
LONG_POLL_CAP = 0.3  # seconds a getUpdates waits at most, whatever timeout it asks for
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Sinjalizo",
            "username": "sinjalizo_test_bot"}


@dataclass
class FakeTelegram:
    """The Bot API methods the bot uses, on a loopback port, with a queue of updates."""

    token: str = TOKEN
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)
    message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    base_url: str = ""
    # retry_after values: each answers the next message sent with a 429 (flood control).
    floods: list[int] = field(default_factory=list)
    # When each recorded call arrived (epoch seconds), beside `calls`: rates are measured.
    times: list[float] = field(default_factory=list)

    def flood(self, method: str) -> int | None:
        """Return the retry_after of a 429 for this call, if one is scripted."""
        with self.lock:
            if method in ("sendMessage", "sendPhoto") and self.floods:
                return self.floods.pop(0)
        return None

    def queue(self, update: dict[str, Any]) -> None:
        """Add an update for the next getUpdates."""
        with self.lock:
            self.updates.append(update)
            self.lock.notify_all()

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Return the parameters of every call of one method, in order."""
        with self.lock:
            return [params for name, params in self.calls if name == method]

    def wait_sent(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until `count` messages were sent; return them all."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len([c for c in self.calls if c[0] == "sendMessage"]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.lock.wait(left)
        return self.sent()

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Serve queued updates from the offset on, long-polling a short while for some."""
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        deadline = time.monotonic() + wait
        with self.lock:
            while True:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                if self.updates or time.monotonic() >= deadline:
                    return list(self.updates)
                self.lock.wait(max(deadline - time.monotonic(), 0.0))

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        """Return the result of one Bot API call, recording it."""
        if method == "getUpdates":
            return self._get_updates(params)
        with self.lock:
            self.calls.append((method, params))
            self.times.append(time.time())
            self.lock.notify_all()
        if method == "getMe":
            return BOT_USER
        if method == "getFile":
            file_id = str(params.get("file_id", ""))
            if file_id.startswith("gone"):
                return None
            return {"file_id": file_id, "file_unique_id": "u", "file_path": f"photos/{file_id}.jpg"}
        if method in ("sendMessage", "editMessageText"):
            chat_id = params.get("chat_id", 0)
            return {"message_id": next(self.message_ids), "date": int(time.time()),
                    "chat": {"id": int(chat_id), "type": "private"},
                    "text": params.get("text", "")}
        return True  # answerCallbackQuery, setMyCommands, setWebhook, deleteWebhook...


def _parameters(handler: BaseHTTPRequestHandler, body: bytes) -> dict[str, Any]:
    """Read a call's parameters from JSON or a form (PTB sends JSON-encoded form values)."""
    kind = handler.headers.get("Content-Type", "")
    if "json" in kind:
        data = json.loads(body or b"{}")
        return data if isinstance(data, dict) else {}
    params: dict[str, Any] = {}
    for key, values in parse_qs(body.decode("utf-8")).items():
        try:
            params[key] = json.loads(values[0])
        except ValueError:
            params[key] = values[0]
    return params


def _handler(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    """Return a request handler class bound to one fake."""

    class Handler(BaseHTTPRequestHandler):
        """Answers /bot<TOKEN>/<method> like the Bot API."""

        def do_GET(self) -> None:  # noqa: N802 - the http.server naming
            """Serve a file's bytes, or answer a method called with GET."""
            found = FILE_PATH.match(self.path)
            if found is None:
                self.do_POST()
                return
            if found["token"] != fake.token:
                self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(PHOTO_BYTES)))
            self.end_headers()
            self.wfile.write(PHOTO_BYTES)

        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            """Answer one method call."""
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            found = PATH.match(self.path)
            if found is None or found["token"] != fake.token:
                self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            params = _parameters(self, body)
            if "chat_id" in params:
                params["chat_id"] = str(params["chat_id"])
            wait = fake.flood(found["method"])
            if wait is not None:
                self._send(429, {"ok": False, "error_code": 429,
                                 "description": f"Too Many Requests: retry after {wait}",
                                 "parameters": {"retry_after": wait}})
                return
            self._send(200, {"ok": True, "result": fake.answer(found["method"], params)})


        def _send(self, status: int, payload: dict[str, Any]) -> None:
            """Write a JSON answer."""
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Keep test output quiet."""

    return Handler


class QuietServer(ThreadingHTTPServer):
    """A threading server that ignores clients hanging up on a long poll."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Say nothing: a stopped poller closes its connection mid-answer."""


@contextmanager
def fake_telegram() -> Iterator[FakeTelegram]:
    """Run a fake Bot API in a thread; its `base_url` is what TELEGRAM_API_BASE takes."""
    fake = FakeTelegram()
    server = QuietServer(("127.0.0.1", 0), _handler(fake))
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/bot"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
