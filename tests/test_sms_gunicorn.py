"""The SMS webhooks served by a real gunicorn on loopback, signed by the twilio library."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from xml.etree import ElementTree

import pytest
import requests
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from locales import Catalogs
from models import OutboxMessage
from models.db import Database
from models.messaging import ProcessedInbound
from sms.gsm import transliterate
from tests.dialog import Row
from tests.pgcluster import free_port
from tests.test_dialogs import HAZARD_BY_SMS, HAZARD_KIND, HAZARD_WHERE, MENU

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "gunicorn-test-auth-token"
SENDER = "+38344777001"


class Gunicorn:
    """A gunicorn process serving `web:create_app()` on a free loopback port."""

    def __init__(self, env: Mapping[str, str], workers: int = 2, *, root: Path = ROOT,
                 options: tuple[str, ...] = ()) -> None:
        """Prepare a server with these extra environment variables and `workers` sync workers.

        `root` is the checkout to serve (a benchmark may serve another commit's); `options`
        are further gunicorn command-line options.
        """
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PUBLIC_BASE_URL": self.base, **env}
        self.workers = workers
        self.root, self.options = root, options
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> Gunicorn:
        """Start gunicorn and wait until /healthz answers."""
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "web:create_app()", "-b", f"127.0.0.1:{self.port}",
             "-w", str(self.workers), "--chdir", str(self.root), "--log-level", "warning",
             *self.options],
            env=self.env, cwd=self.root)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                if requests.get(self.base + "/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def stop(self) -> None:
        """Stop the process we started and wait for it."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class SmsPhone:
    """A phone texting the service over real HTTP, each message signed as Twilio signs it."""

    def __init__(self, base: str, phone: str, token: str = TOKEN) -> None:
        """Text `base`'s /sms/inbound from `phone`, signing with `token`."""
        self.base, self.phone, self.token = base, phone, token
        self.http = requests.Session()  # keep-alive, as Twilio's own connections are

    def post(self, body: str, sid: str | None = None, *, token: str | None = None,
             path: str = "/sms/inbound") -> requests.Response:
        """Post one inbound SMS form; a new MessageSid unless one is given."""
        sid = sid or f"SM{uuid.uuid4().hex}"
        form = {"MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": self.phone,
                "To": "+38349000000", "Body": body, "NumMedia": "0"}
        signature = RequestValidator(token or self.token).compute_signature(self.base + path,
                                                                            form)
        return self.http.post(self.base + path, data=form,
                              headers={"X-Twilio-Signature": signature}, timeout=30)

    def text(self, body: str, sid: str | None = None) -> str:
        """Send one SMS and return our TwiML answer's messages joined by newlines."""
        response = self.post(body, sid)
        assert response.status_code == 200, response.text
        return "\n".join(messages(response.text))


def messages(twiml: str) -> list[str]:
    """Return the <Message> bodies of a TwiML response."""
    return [element.text or "" for element in ElementTree.fromstring(twiml).iter("Message")]


def folded(text: str) -> str:
    """Return text as it must read after GSM-7 shaping, whitespace folded, case ignored."""
    return " ".join(transliterate(text).split()).casefold()


def expects(catalogs: Catalogs, text: str, wanted: str) -> bool:
    """Tell whether an SMS carries a fragment, literally or as the Albanian of a msgid."""
    if folded(wanted) in folded(text):
        return True
    pieces = re.split(r"\{[^}]*\}", catalogs.gettext(wanted, "sq"))
    return all(folded(piece) in folded(text) for piece in pieces if piece.strip())


def replay(catalogs: Catalogs, phone: SmsPhone, table: tuple[Row, ...]) -> list[str]:
    """Play a dialog table over HTTP, failing on the first answer that lacks a fragment."""
    answers = []
    for said, wanted in table:
        text = phone.text(said)
        for fragment in (wanted,) if isinstance(wanted, str) else wanted:
            assert expects(catalogs, text, fragment), f"{said!r}: no {fragment!r} in\n{text}"
        answers.append(text)
    return answers


@pytest.fixture
def server(demo_db: Database, database_url: str, tmp_path: Path) -> Iterator[Gunicorn]:
    """Yield gunicorn (2 sync workers) serving the demo database of the backend under test."""
    del demo_db  # places, schools and contact points are loaded before the workers start
    process = Gunicorn({"DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": TOKEN,
                        "SINJALIZO_INSTANCE": str(tmp_path)}).start()
    try:
        yield process
    finally:
        process.stop()


def test_a_hazard_dialog_over_http(server: Gunicorn, catalogs: Catalogs,
                                   demo_db: Database) -> None:
    """The SMS hazard dialog, replayed through gunicorn, files a report and queues its alert."""
    answers = replay(catalogs, SmsPhone(server.base, SENDER), tuple(HAZARD_BY_SMS))
    assert re.search(r"R-[0-9A-Z]{6}", answers[-1])
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) >= 1


def test_a_forged_signature_is_refused(server: Gunicorn, demo_db: Database) -> None:
    """A wrong signature gets 403 over HTTP too, and nothing is stored."""
    response = SmsPhone(server.base, SENDER).post("Tung", token="not-the-token")
    assert response.status_code == 403
    with demo_db.session() as session:
        assert not session.scalar(select(func.count()).select_from(ProcessedInbound))


def test_a_replayed_message_sid_is_answered_once(server: Gunicorn, catalogs: Catalogs) -> None:
    """Twilio's retry of one MessageSid gets the same answer and moves the dialog only once."""
    phone = SmsPhone(server.base, SENDER)
    assert expects(catalogs, phone.text("Tung"), MENU)
    sid = "SM" + "7" * 32
    first, again = phone.text("1", sid), phone.text("1", sid)
    assert first == again and expects(catalogs, first, HAZARD_KIND)
    # Had the retry counted, this "1" would answer the next step instead.
    assert expects(catalogs, phone.text("1"), HAZARD_WHERE)


def test_a_delivery_report_over_http(server: Gunicorn, demo_db: Database) -> None:
    """A signed status callback is recorded; a forged one is refused."""
    with demo_db.transaction() as session:
        row = OutboxMessage(purpose="alert", channel="sms", address=SENDER, payload={},
                            status="sent", provider_id="SM" + "c" * 32)
        session.add(row)
        session.flush()
        outbox_id = row.id
    form = {"MessageSid": "SM" + "c" * 32, "MessageStatus": "delivered"}
    url = server.base + "/sms/status"
    good = RequestValidator(TOKEN).compute_signature(url, form)
    bad = RequestValidator("forged").compute_signature(url, form)
    assert requests.post(url, data=form, headers={"X-Twilio-Signature": bad}).status_code == 403
    assert requests.post(url, data=form, headers={"X-Twilio-Signature": good}).status_code == 200
    with demo_db.session() as session:
        stored = session.get(OutboxMessage, outbox_id)
        assert stored is not None and stored.delivery_status == "delivered"
