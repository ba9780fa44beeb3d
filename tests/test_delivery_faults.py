"""Alerts under faults: a real `sinjalizo worker` process against the providers' fakes over HTTP.

Each test files real reports, runs the worker as a subprocess whose settings point at the
fake Telegram and the fake Twilio, breaks something, and then checks what people would
see: every alert arrived, none more than twice (once more only for a send cut off by a
crash), and nothing went out while a provider had asked the whole bot or number to wait.
The lease is 3 s here (10 s in production) and retries start at 0.2 s, to keep them short.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from models import ContactPoint, DeliveryAttempt, OutboxMessage
from models.db import Database
from tests.dialog import Chat
from tests.fake_telegram_api import TOKEN, FakeBotApi, error, running
from tests.fake_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM,
    FakeTwilio,
    running_fake,
    server_error,
    throttled,
)
from tests.test_dialogs import CHILD_IN_DANGER

PROTECTION = "Demo: Prishtinë child protection"
POLICE = "Demo: Prishtinë police liaison"
# A new report's alert, as the demo contact points read it (in Albanian).
NEW_REPORT = re.compile(r"Raportim i ri (R-[0-9A-Z]{4,})")
LEASE_SECONDS = 3
RECOVERY_SECONDS = 15  # the promise: a dead worker's alerts all out this soon after a restart
Alert = tuple[str, str, str]  # channel, address, report reference
Message = tuple[str, str, str]  # channel, address, text


@dataclass
class Providers:
    """The two fakes a worker sends through."""

    telegram: FakeBotApi
    twilio: FakeTwilio

    def messages(self) -> Counter[Message]:
        """Count the messages each provider accepted (or was still answering), by text."""
        counts: Counter[Message] = Counter()
        for call in list(self.telegram.seen):
            if call.status == 200 and call.method in ("sendMessage", "sendPhoto"):
                text = str(call.fields.get("text") or call.fields.get("caption") or "")
                counts[("telegram", str(call.fields["chat_id"]), text)] += 1
        for request in list(self.twilio.seen):
            if request.status == 201:
                counts[("sms", request.to, request.body)] += 1
        return counts

    def alerts(self) -> Counter[Alert]:
        """Count the new-report alerts delivered (the updates that follow them aside)."""
        counts: Counter[Alert] = Counter()
        for (channel, address, text), times in self.messages().items():
            if found := NEW_REPORT.search(text):
                counts[(channel, address, found[1])] += times
        return counts


@pytest.fixture
def providers() -> Iterator[Providers]:
    """Yield a fake Telegram and a fake Twilio, each on its own loopback port."""
    with running() as telegram, running_fake() as twilio:
        yield Providers(telegram, twilio)


def file_reports(chat: Callable[..., Chat], db: Database, count: int,
                 on_telegram: Iterable[str] = ()) -> list[Alert]:
    """File `count` urgent reports now; the named contact points are alerted on Telegram."""
    with db.transaction() as session:
        for number, name in enumerate(on_telegram):
            session.execute(update(ContactPoint).where(ContactPoint.name == name)
                            .values(telegram_chat_id=str(900_100 + number)))
    for number in range(count):
        # Each line of the dialog moves its clock on 20 s: start early enough to end now.
        chat("sms", f"+3834911{number:04d}",
             now=datetime.now(UTC) - timedelta(minutes=4)).replay(CHILD_IN_DANGER)
    with db.session() as session:
        rows = session.execute(select(OutboxMessage.channel, OutboxMessage.address,
                                      OutboxMessage.payload)
                               .where(OutboxMessage.purpose == "alert")).all()
    return sorted((row.channel, row.address, row.payload["reference"]) for row in rows)


def start_worker(database_url: str, providers: Providers) -> subprocess.Popen[str]:
    """Start `sinjalizo worker` with its settings pointing at the fakes."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DATABASE_URL", "TELEGRAM_", "TWILIO_", "WORKER_"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=providers.telegram.base,
               TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_FROM=FROM,
               TWILIO_API_BASE=providers.twilio.base, WORKER_POLL_SECONDS="0.05",
               WORKER_LEASE_SECONDS=str(LEASE_SECONDS), WORKER_RETRY_BASE_SECONDS="0.2",
               PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("sinjalizo")), "--database-url", database_url,
         "worker"], env=env, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(process: subprocess.Popen[str]) -> None:
    """Stop a worker as its supervisor would, killing it if it does not stop."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr is not None:
        process.stderr.close()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` until it holds, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


def all_sent(db: Database) -> bool:
    """Tell whether every outbox message is recorded as sent (or skipped, as superseded)."""
    with db.session() as session:
        return set(session.scalars(select(OutboxMessage.status))) <= {"sent", "skipped"}


def held_by_someone(db: Database) -> list[int]:
    """Return the pending alerts some worker holds a lease on."""
    with db.session() as session:
        return list(session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.purpose == "alert", OutboxMessage.status == "pending",
            OutboxMessage.lease_owner.is_not(None))))


def deliver_all(db: Database, providers: Providers, expected: list[Alert],
                timeout: float) -> Counter[Alert]:
    """Wait until every alert reached its provider and everything is recorded sent; return
    how often each alert went out (twice at most), and check no row was recorded sent twice.

    The updates that follow an alert are checked in the database only: several pending
    updates of one report render the same text, so the provider cannot tell them apart.
    """
    wait_for(lambda: set(providers.alerts()) == set(expected) and all_sent(db), timeout,
             "every alert delivered and recorded")
    counts = providers.alerts()
    assert max(counts.values()) <= 2, counts
    with db.session() as session:
        recorded = Counter(session.scalars(select(DeliveryAttempt.outbox_id).where(
            DeliveryAttempt.outcome == "sent")))
    assert set(recorded.values()) == {1}
    return counts


def calls_inside_pauses(seen: list[tuple[float, int]], pause: float) -> list[float]:
    """Return the arrival times of calls made while a 429 of `pause` seconds held."""
    throttled_at = [at for at, status in seen if status == 429]
    return [at for at, _ in seen for start in throttled_at if start < at < start + pause]


def test_a_worker_killed_mid_send_hands_every_alert_on_within_seconds(
        chat: Callable[..., Chat], demo_db: Database, database_url: str,
        providers: Providers) -> None:
    """SIGKILL during a send: a new worker sends all it held within 15 s, the one cut off
    at most once more, and nothing else twice."""
    expected = file_reports(chat, demo_db, 3, on_telegram=[PROTECTION])
    assert {channel for channel, _, _ in expected} == {"telegram", "sms"}
    providers.telegram.delay = providers.twilio.latency = 0.5  # slow enough to die inside
    doomed = start_worker(database_url, providers)
    try:
        wait_for(lambda: bool(providers.telegram.seen or providers.twilio.seen), 30,
                 "the first worker starts sending")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
    finally:
        stop(doomed)
    held = held_by_someone(demo_db)
    assert len(held) == len(expected)  # it had claimed them all, and holds them dead
    providers.telegram.delay = providers.twilio.latency = 0.0
    started = time.monotonic()
    survivor = start_worker(database_url, providers)
    try:
        counts = deliver_all(demo_db, providers, expected, timeout=RECOVERY_SECONDS)
    finally:
        stop(survivor)
    assert time.monotonic() - started <= RECOVERY_SECONDS
    assert sum(counts.values()) - len(counts) <= 1  # only the send cut off went twice


def test_twilio_failing_for_a_while_then_throttling(
        chat: Callable[..., Chat], demo_db: Database, database_url: str,
        providers: Providers) -> None:
    """Five 500s, then a 429 with Retry-After: all SMS go out once, none inside the wait."""
    expected = file_reports(chat, demo_db, 2)
    assert {channel for channel, _, _ in expected} == {"sms"}
    providers.twilio.fail_next(*[server_error()] * 5, throttled(2))
    worker = start_worker(database_url, providers)
    try:
        counts = deliver_all(demo_db, providers, expected, timeout=30)
    finally:
        stop(worker)
    assert set(counts.values()) == {1}
    seen = [(request.at, request.status) for request in providers.twilio.seen]
    statuses = [status for _, status in seen]
    assert (statuses.count(500), statuses.count(429)) == (5, 1)
    assert calls_inside_pauses(seen, 2.0) == []


def test_telegram_flood_control_holds_back_the_whole_bot(
        chat: Callable[..., Chat], demo_db: Database, database_url: str,
        providers: Providers) -> None:
    """A 429 with retry_after 2 on one chat: no chat gets anything for 2 s, then all do."""
    expected = file_reports(chat, demo_db, 2, on_telegram=[PROTECTION, POLICE])
    assert {channel for channel, _, _ in expected} == {"telegram"}
    assert len({address for _, address, _ in expected}) == 2
    providers.telegram.script.append(error(429, "Too Many Requests: retry after 2",
                                           retry_after=2))
    worker = start_worker(database_url, providers)
    try:
        counts = deliver_all(demo_db, providers, expected, timeout=30)
    finally:
        stop(worker)
    assert set(counts.values()) == {1}
    seen = [(call.at, call.status) for call in providers.telegram.seen]
    assert [status for _, status in seen].count(429) == 1
    assert calls_inside_pauses(seen, 2.0) == []
    by_chat: dict[str, list[float]] = {}
    for call in providers.telegram.seen:
        if call.status == 200:
            by_chat.setdefault(str(call.fields["chat_id"]), []).append(call.at)
    for times in by_chat.values():  # and about one a second in each chat
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        assert all(gap >= 0.75 for gap in gaps), gaps  # 1 s, less the arrival jitter
