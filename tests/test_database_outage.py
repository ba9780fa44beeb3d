"""PostgreSQL stopped and started under live webhooks and a real worker: nothing lost or faked.

The app is served over real HTTP and `sinjalizo worker` runs as its own process against the
fakes of Twilio and Telegram, both slow enough that sends are in flight when the database
goes away. The cluster is this test's own, so stopping it disturbs no other test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, func, select, text
from werkzeug.serving import make_server

from bot.webhook import SECRET_HEADER
from locales import Catalogs
from models import ContactPoint, OutboxMessage, Report, Teacher
from models.db import Database
from models.messaging import ProcessedInbound
from models.migrate import upgrade
from models.seed import seed_demo, seed_municipalities
from sinjalizo.settings import Settings
from tests import fake_telegram_api, fake_twilio
from tests.pgcluster import ThrowawayPostgres, find_bindir, free_port
from tests.test_dialogs import HAZARD_KIND, HAZARD_PIN, MENU
from tests.test_sms_gunicorn import SmsPhone, expects, messages
from tests.test_telegram import Updates

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "outage-test-auth-token"
SECRET = "outage-webhook-secret"
ALERT_CHAT = "-1009001"  # the Drenas dropout team's group, so alerts go out on both channels
CITIZEN = 5559001
SEND_SECONDS = 0.4  # each provider call takes this long: sends are in flight at the stop
LEASE_SECONDS = "5"  # the worker's claims lapse this soon unless renewed (WORKER_LEASE_SECONDS)
# Every alert must be out this long after the database is back, plus one lease: a claim the
# worker held when the database went away is given up only when its lease runs out.
RECOVERY_SECONDS = 15.0


@dataclass
class Stack:
    """Everything the outage test drives: the cluster, the app's URL, the fakes, the worker."""

    cluster: ThrowawayPostgres
    db: Database
    base: str
    twilio: fake_twilio.FakeTwilio
    telegram: fake_telegram_api.FakeBotApi
    worker: subprocess.Popen[bytes]
    worker_log: Path


@contextmanager
def served(app: Any, port: int) -> Iterator[None]:
    """Serve a WSGI app on a loopback port in threads, as a deployment's web process would."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        thread.join(10)


def demo_database(cluster: ThrowawayPostgres) -> str:
    """Create, migrate and seed the demo database; give Drenas' dropout team a Telegram chat."""
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('CREATE DATABASE "sinjalizo"'))
    admin.dispose()
    url = cluster.url("sinjalizo")
    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        seed_municipalities(session)
        seed_demo(session)
        team = session.scalar(select(ContactPoint).where(
            ContactPoint.role == "dropout_team", ContactPoint.name.contains("Drenas")))
        assert team is not None
        team.telegram_chat_id = ALERT_CHAT
    db.dispose()
    return url


def start_worker(url: str, twilio: fake_twilio.FakeTwilio, telegram: fake_telegram_api.FakeBotApi,
                 log: Path) -> subprocess.Popen[bytes]:
    """Start `sinjalizo worker` against the fakes, its output going to `log`."""
    env = {**os.environ, "DATABASE_URL": url, "SINJALIZO_INSTANCE": str(log.parent),
           "TWILIO_ACCOUNT_SID": twilio.account_sid, "TWILIO_AUTH_TOKEN": twilio.auth_token,
           "TWILIO_FROM": fake_twilio.FROM, "TWILIO_API_BASE": twilio.base,
           "TELEGRAM_BOT_TOKEN": fake_telegram_api.TOKEN, "TELEGRAM_API_BASE": telegram.base,
           "WORKER_POLL_SECONDS": "0.1", "WORKER_LEASE_SECONDS": LEASE_SECONDS,
           "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        return subprocess.Popen([str(Path(sys.executable).with_name("sinjalizo")), "worker"],
                                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    """Yield the app served over HTTP and a worker process, on a cluster of this test's own."""
    from web import create_app

    try:
        find_bindir()
    except RuntimeError as missing:
        pytest.skip(f"needs PostgreSQL's server binaries to stop and start: {missing}")
    cluster = ThrowawayPostgres()
    cluster.start()
    try:
        url = demo_database(cluster)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        twilio = fake_twilio.FakeTwilio(latency=SEND_SECONDS).start()
        with fake_telegram_api.running(delay=SEND_SECONDS) as telegram:
            app = create_app({
                "DATABASE_URL": url, "PUBLIC_BASE_URL": base, "TWILIO_AUTH_TOKEN": TOKEN,
                "TELEGRAM_BOT_TOKEN": fake_telegram_api.TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "TELEGRAM_API_BASE": telegram.base, "SINJALIZO_INSTANCE": str(tmp_path)})
            log = tmp_path / "worker.log"
            worker = start_worker(url, twilio, telegram, log)
            db = Database(url)
            try:
                with served(app, port):
                    yield Stack(cluster, db, base, twilio, telegram, worker, log)
            finally:
                if worker.poll() is None:
                    worker.terminate()
                    worker.wait(30)
                db.dispose()
                twilio.stop()
    finally:
        cluster.stop()


class TelegramChat:
    """A citizen's chat posting updates to the webhook as Telegram does, secret included."""

    def __init__(self, stack: Stack) -> None:
        self.url = stack.base + "/telegram/webhook"
        self.updates = Updates(chat=CITIZEN, first_id=7000)
        self.http = requests.Session()

    def post(self, update: dict[str, Any]) -> int:
        """Deliver one update; return the webhook's HTTP status."""
        return self.http.post(self.url, json=update, headers={SECRET_HEADER: SECRET},
                              timeout=30).status_code


def lease_seconds() -> float:
    """Return how long a worker's claim lasts unless renewed, as the worker reads it."""
    return Settings.from_env({"WORKER_LEASE_SECONDS": LEASE_SECONDS}).worker_lease_seconds


def every_alert_sent(db: Database, deadline: float) -> list[OutboxMessage]:
    """Wait until no alert is pending; return them all."""
    while True:
        with db.session() as session:
            alerts = list(session.scalars(select(OutboxMessage).where(
                OutboxMessage.purpose == "alert")))
        if alerts and all(a.status == "sent" for a in alerts) or time.monotonic() > deadline:
            return alerts
        time.sleep(0.2)


def deliveries(stack: Stack, alert: OutboxMessage) -> int:
    """Count how often the providers received one alert (its reference, to its address)."""
    reference = str(alert.payload["reference"])
    if alert.channel == "telegram":
        return sum(reference in body for body in stack.telegram.texts(alert.address))
    return sum(reference in m.get("Body", "") for m in stack.twilio.messages
               if m.get("To") == alert.address)


def worker_output(stack: Stack) -> str:
    """Return the end of what the worker process wrote, for a failure's message."""
    return stack.worker_log.read_text(errors="replace")[-3000:]


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Wait until `condition` holds, failing with `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_a_database_outage_loses_nothing_and_fakes_nothing(stack: Stack,
                                                           catalogs: Catalogs) -> None:
    """Webhooks answer 5xx while PostgreSQL is down; retries after it land once; alerts go out."""
    drenas, prishtina = "+38344001100", "+38344002100"
    with stack.db.session() as session:
        assert len(session.scalars(select(Teacher).where(
            Teacher.phone.in_((drenas, prishtina)))).all()) == 2, "the demo teachers"
    teachers = {drenas: SmsPhone(stack.base, drenas, TOKEN),
                prishtina: SmsPhone(stack.base, prishtina, TOKEN)}
    chat = TelegramChat(stack)
    assert chat.post(chat.updates.of("/start")) == 200
    assert any(expects(catalogs, t, MENU) for t in stack.telegram.texts(str(CITIZEN)))
    for phone, phone_text in ((drenas, "BRAKTISJE 7A AK 12"), (prishtina, "BRAKTISJE 7A AK 12")):
        assert "R-" in teachers[phone].text(phone_text)
    # Stop the database while the worker (started with the app) sends the first alerts.
    wait_for(lambda: bool(stack.twilio.messages or stack.telegram.texts(ALERT_CHAT)), 30,
             f"the worker sent nothing before the outage: {worker_output(stack)}")
    stack.cluster.halt()

    held = [(drenas, "BRAKTISJE 7B EB 12", f"SM{uuid.uuid4().hex}"),
            (prishtina, "MUNGESE 8B DK 5", f"SM{uuid.uuid4().hex}")]
    pressed = chat.updates.of("[hazard]")
    for _ in range(2):  # the first try and the provider's retry, both during the outage
        for phone, said, sid in held:
            response = teachers[phone].post(said, sid)
            assert response.status_code == 503 and response.headers["Retry-After"], \
                f"SMS {said!r} answered {response.status_code} with the database down"
        assert chat.post(pressed) == 503, "the Telegram webhook answered with the database down"
        health = requests.get(stack.base + "/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["database"] == "unreachable"
        time.sleep(0.5)
    stack.cluster.resume()
    back = time.monotonic()

    answers = {sid: teachers[phone].post(said, sid) for phone, said, sid in held}
    for (phone, said, sid), response in zip(held, answers.values(), strict=True):
        assert response.status_code == 200, f"{said!r} after the restart: {response.text}"
        assert "R-" in "\n".join(messages(response.text))
        again = teachers[phone].post(said, sid)  # the provider's retry of the same message
        assert again.status_code == 200 and again.text == response.text
    assert chat.post(pressed) == 200 and chat.post(pressed) == 200
    assert chat.post(chat.updates.of("[stray_dogs]")) == 200
    sent = stack.telegram.texts(str(CITIZEN))
    assert expects(catalogs, sent[-2], HAZARD_KIND) and expects(catalogs, sent[-1], HAZARD_PIN), \
        "the retried press got its stored answer and the dialog went on"
    assert requests.get(stack.base + "/healthz", timeout=10).status_code == 200

    alerts = every_alert_sent(stack.db, back + RECOVERY_SECONDS + lease_seconds())
    assert stack.worker.poll() is None, f"the worker died in the outage: {worker_output(stack)}"
    pending = [(a.id, a.status, a.last_error[:80]) for a in alerts if a.status != "sent"]
    assert not pending, f"alerts not out {time.monotonic() - back:.0f} s after the restart: " \
        f"{pending}"
    with stack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 4
        for channel, external_id in [*(("sms", sid) for _, _, sid in held),
                                     ("telegram", str(pressed["update_id"]))]:
            assert session.scalar(select(func.count()).select_from(ProcessedInbound).where(
                ProcessedInbound.channel == channel,
                ProcessedInbound.external_id == external_id)) == 1
    assert {a.channel for a in alerts} == {"sms", "telegram"} and len(alerts) == 4
    counts = {(a.channel, a.address, a.payload["reference"]): deliveries(stack, a)
              for a in alerts}
    assert all(1 <= count <= 2 for count in counts.values()), counts


def test_webhooks_without_their_database_ask_to_be_retried() -> None:
    """With nothing listening on the PostgreSQL port, each webhook answers 503 and Retry-After."""
    from twilio.request_validator import RequestValidator

    from models.db import get_db
    from web import create_app

    base = "http://sinjalizo.test"
    app = create_app({
        "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere",
        "PUBLIC_BASE_URL": base, "TWILIO_AUTH_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_BOT_TOKEN": fake_telegram_api.TOKEN})
    client = app.test_client()
    form = {"MessageSid": "SM" + "d" * 32, "From": "+38344001100", "Body": "BRAKTISJE 7A AK 12"}
    signature = RequestValidator(TOKEN).compute_signature(base + "/sms/inbound", form)
    try:
        answers = [client.post("/sms/inbound", data=form,
                               headers={"X-Twilio-Signature": signature}),
                   client.post("/telegram/webhook", json=Updates(chat=CITIZEN).of("/start"),
                               headers={SECRET_HEADER: SECRET})]
    finally:
        get_db(app).dispose()
    for answer in answers:
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
