"""A local fake of Twilio's REST API over real HTTP: records messages, fails as scripted.

It takes SMS and WhatsApp sends (`To`/`From` prefixed `whatsapp:`, a `Body` or a
`ContentSid` with `ContentVariables`), and serves the media people sent on WhatsApp as
Twilio does: only with the account's credentials, by a redirect to its media store.
"""

from __future__ import annotations

import base64
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

ACCOUNT_SID = "AC" + "f" * 32
AUTH_TOKEN = "fake-twilio-auth-token"
FROM = "+38349000000"
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages\.json$")
E164 = re.compile(r"^(whatsapp:)?\+[1-9]\d{6,14}$")
MEDIA_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages/(?P<message>MM\w+)"
                        r"/Media/(?P<media>ME\w+)$")
STORE_PATH = re.compile(r"^/media-store/(?P<media>ME\w+)$")
TWILIO_API = "https://api.twilio.com"


@dataclass(frozen=True)
class Failure:
    """One scripted answer: an HTTP status, a Twilio error code, headers, a delay."""

    status: int
    code: int | None = None
    message: str = "scripted failure"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def server_error() -> Failure:
    """Return a 500 as Twilio gives when it is having a bad day."""
    return Failure(500, message="Internal Server Error")


def throttled(retry_after: int) -> Failure:
    """Return a 429 Too Many Requests with a Retry-After in seconds."""
    return Failure(429, 20429, "Too Many Requests", {"Retry-After": str(retry_after)})


def unsubscribed() -> Failure:
    """Return Twilio's 21610: the recipient sent STOP."""
    return Failure(400, 21610, "Attempt to send to unsubscribed recipient")


def slow(seconds: float) -> Failure:
    """Return an answer that comes too late for a client's timeout (then a 500)."""
    return Failure(500, message="slow", delay=seconds)


@dataclass(frozen=True)
class Request:
    """One request as the fake saw it: when it arrived (epoch seconds), to whom, the status."""

    at: float
    to: str
    body: str
    status: int


@dataclass
class FakeTwilio:
    """The Messages resource of Twilio's REST API on a loopback port.

    `latency` holds every accepted message's answer back that long (so a test can kill the
    sender in the middle of a send); `seen` keeps each request's arrival and status.
    """

    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    messages: list[dict[str, str]] = field(default_factory=list)
    script: list[Failure] = field(default_factory=list)
    unsubscribed: set[str] = field(default_factory=set)
    requests: int = 0
    latency: float = 0.0
    seen: list[Request] = field(default_factory=list)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # by ME sid
    media_fetches: list[tuple[str, int]] = field(default_factory=list)  # (path, status)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        """Return the API base to give TWILIO_API_BASE."""
        assert self._server is not None, "start the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add_media(self, message_sid: str, media_sid: str, content: bytes,
                  kind: str = "image/jpeg") -> str:
        """Hold a medium a person sent; return its MediaUrl0 as Twilio's webhook gives it."""
        with self._lock:
            self.media[media_sid] = (content, kind)
        return (f"{TWILIO_API}/2010-04-01/Accounts/{self.account_sid}/Messages/{message_sid}"
                f"/Media/{media_sid}")

    def fetch(self, path: str, authorization: str) -> tuple[int, bytes, dict[str, str]]:
        """Answer a GET of a medium: a redirect with credentials, then the bytes from the store."""
        with self._lock:
            status, content, headers = self._fetched(path, authorization)
            self.media_fetches.append((path, status))
        return status, content, headers

    def _fetched(self, path: str, authorization: str) -> tuple[int, bytes, dict[str, str]]:
        """Decide a media GET's answer; the caller holds the lock."""
        stored = STORE_PATH.match(path)
        if stored is not None and stored["media"] in self.media:
            content, kind = self.media[stored["media"]]
            return 200, content, {"Content-Type": kind}
        match = MEDIA_PATH.match(path)
        if match is None or match["media"] not in self.media:
            return 404, b"", {}
        if match["sid"] != self.account_sid or authorization != self._basic():
            return 401, b"", {}
        return 307, b"", {"Location": f"{self.base}/media-store/{match['media']}"}

    def _basic(self) -> str:
        """Return the Authorization header the account's credentials make."""
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode())
        return f"Basic {expected.decode()}"

    def fail_next(self, *failures: Failure) -> None:
        """Answer the next requests with these failures, in order."""
        with self._lock:
            self.script.extend(failures)

    def start(self) -> FakeTwilio:
        """Serve on a free loopback port in a background thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True,
                         name="fake-twilio").start()
        return self

    def stop(self) -> None:
        """Stop serving and close the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def answer(self, path: str, authorization: str, form: dict[str, str]) -> tuple[
            int, dict[str, Any], dict[str, str], float]:
        """Decide status, JSON body, headers and delay for one request."""
        with self._lock:
            self.requests += 1
            status, body, headers, delay = self._decide(path, authorization, form)
            self.seen.append(Request(time.time(), form.get("To", ""), form.get("Body", ""),
                                     status))
        return status, body, headers, delay

    def _decide(self, path: str, authorization: str, form: dict[str, str]) -> tuple[
            int, dict[str, Any], dict[str, str], float]:
        """Decide one request's answer; the caller holds the lock."""
        match = MESSAGES_PATH.match(path)
        if match is None:
            return 404, _error(20404, "The requested resource was not found", 404), {}, 0.0
        if match["sid"] != self.account_sid or authorization != self._basic():
            return 401, _error(20003, "Authenticate", 401), {}, 0.0
        if self.script:
            failure = self.script.pop(0)
            body = _error(failure.code, failure.message, failure.status)
            return failure.status, body, failure.headers, failure.delay
        to = form.get("To", "")
        if not (form.get("Body") or form.get("ContentSid")):
            return 400, _error(21602, "Message body is required.", 400), {}, 0.0
        if to.startswith("whatsapp:") != form.get("From", "").startswith("whatsapp:"):
            return 400, _error(63007, "Twilio could not find a Channel with the From address",
                               400), {}, 0.0
        if not E164.match(to):
            return 400, _error(21211, f"The 'To' number {to} is not a valid phone number.",
                               400), {}, 0.0
        if to in self.unsubscribed:
            return 400, _error(21610, "Attempt to send to unsubscribed recipient",
                               400), {}, 0.0
        sid = f"SM{len(self.messages) + 1:032x}"
        self.messages.append({**form, "sid": sid})
        return 201, {"sid": sid, "account_sid": self.account_sid, "to": to,
                     "from": form.get("From"), "body": form.get("Body"), "status": "queued",
                     "num_segments": "1", "direction": "outbound-api", "api_version":
                     "2010-04-01", "uri": f"{path[:-5]}/{sid}.json"}, {}, self.latency

    def bodies(self) -> list[str]:
        """Return the text of every accepted message, in order."""
        with self._lock:
            return [message.get("Body", "") for message in self.messages]


def _error(code: int | None, message: str, status: int) -> dict[str, Any]:
    """Return an error body shaped as Twilio's."""
    return {"code": code, "message": message, "more_info":
            f"https://www.twilio.com/docs/errors/{code}", "status": status}


def _handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    """Build a request handler class bound to one fake (no module-level state)."""

    class Handler(BaseHTTPRequestHandler):
        """Serves POSTs to the Messages resource, and GETs of media."""

        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            """Serve a medium (or its redirect) as Twilio does."""
            status, content, headers = fake.fetch(self.path,
                                                  self.headers.get("Authorization", ""))
            self.send_response(status)
            self.send_header("Content-Length", str(len(content)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            """Read the form, let the fake decide, and answer in JSON."""
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            form = {key: values[-1] for key, values in parse_qs(raw).items()}
            status, body, headers, delay = fake.answer(
                self.path, self.headers.get("Authorization", ""), form)
            if delay:
                time.sleep(delay)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up waiting (the timeout test)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Keep the test output quiet."""

    return Handler


@contextmanager
def running_fake() -> Iterator[FakeTwilio]:
    """Start a fake Twilio and stop it afterwards."""
    fake = FakeTwilio().start()
    try:
        yield fake
    finally:
        fake.stop()
