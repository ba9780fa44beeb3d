"""The outbox dispatcher on SQLite and PostgreSQL: leases, retries, failures, several workers."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from alerts.clock import DatabaseClock, ManualClock
from alerts.dispatcher import Dispatcher, RetryPolicy, Skip, default_prepare
from alerts.senders import CHANNELS, LogSender, OutgoingMessage, Sent, log_senders
from alerts.worker import Worker
from models.db import Database
from models.messaging import DeliveryAttempt, OutboxMessage
from sinjalizo.settings import Settings
from tests.dialog import Chat, references
from tests.fake_senders import FakeSender
from tests.test_dialogs import HAZARD_BY_SMS

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BLOCKING_WORKER = Path(__file__).with_name("blocking_worker.py")


def add_rows(db: Database, count: int, at: datetime, payload: Any = None,
             channel: str = "log") -> list[int]:
    """Queue `count` due outbox rows created at `at`; return their ids in order."""
    with db.transaction() as session:
        rows = [OutboxMessage(purpose="alert", channel=channel, address=f"addr-{n}",
                              payload={"text": f"alert {n}"} if payload is None else payload,
                              due_at=at, created_at=at) for n in range(count)]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def dispatcher(db: Database, sender: FakeSender, clock: Any, **options: Any) -> Dispatcher:
    """Build a dispatcher sending every channel through the fake, with a seeded jitter."""
    options.setdefault("rng", random.Random(7))
    return Dispatcher(db, dict.fromkeys(CHANNELS, sender), clock, **options)


def outbox(db: Database, outbox_id: int) -> OutboxMessage:
    """Load one outbox row as it is now."""
    with db.session() as session:
        row = session.get(OutboxMessage, outbox_id)
        assert row is not None
        return row


def attempts(db: Database, outbox_id: int | None = None) -> list[DeliveryAttempt]:
    """Return the recorded attempts, oldest first, of one row or of all."""
    query = select(DeliveryAttempt).order_by(DeliveryAttempt.at, DeliveryAttempt.id)
    if outbox_id is not None:
        query = query.where(DeliveryAttempt.outbox_id == outbox_id)
    with db.session() as session:
        return list(session.scalars(query))


def test_three_workers_send_each_message_exactly_once(db: Database, database_url: str) -> None:
    """Three workers, each with its own connection pool, share 200 rows without a duplicate."""
    ids = add_rows(db, 200, T0)
    clock = ManualClock(T0 + timedelta(seconds=1))
    sender = FakeSender(latency=0.001)
    errors: list[BaseException] = []

    def work(number: int) -> None:
        """Drain the outbox with one worker."""
        own = Database(database_url)
        try:
            worker = dispatcher(own, sender, clock, worker_id=f"w{number}", batch=10)
            while worker.run_once():
                pass
        except BaseException as exc:  # the test thread reports, the main thread fails
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert sorted(sender.sent_ids()) == ids  # every row once, none twice
    with db.session() as session:
        statuses = session.execute(select(OutboxMessage.status, func.count())
                                   .group_by(OutboxMessage.status)).all()
    assert dict(statuses) == {"sent": 200}
    recorded = attempts(db)
    assert sorted(a.outbox_id for a in recorded) == ids
    assert {a.outcome for a in recorded} == {"sent"}


def test_worker_killed_mid_send_is_replaced_after_its_lease(db: Database,
                                                            database_url: str) -> None:
    """SIGKILL while sending: after the lease expires another worker sends it, once."""
    db_now = DatabaseClock(db).now()
    [outbox_id] = add_rows(db, 1, db_now - timedelta(seconds=1))
    process = subprocess.Popen([sys.executable, str(BLOCKING_WORKER), database_url, "doomed"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == f"sending {outbox_id}", process.stderr.read() if process.stderr \
            else line
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    held = outbox(db, outbox_id)
    assert (held.status, held.lease_owner) == ("pending", "doomed")

    clock = ManualClock(db_now + timedelta(seconds=5))
    sender = FakeSender()
    survivor = dispatcher(db, sender, clock, worker_id="survivor")
    assert survivor.run_once() == 0  # the lease still holds
    clock.advance(60)
    assert survivor.run_once() == 1
    assert sender.sent_ids() == [outbox_id]
    [attempt] = attempts(db, outbox_id)
    assert (attempt.worker, attempt.outcome) == ("survivor", "sent")
    row = outbox(db, outbox_id)
    assert (row.status, row.lease_owner, row.attempts) == ("sent", None, 1)


def test_provider_down_ten_minutes_delivers_after_recovery(db: Database) -> None:
    """Ten minutes of failures: retried with growing, jittered back-off, then sent once."""
    clock = ManualClock(T0)
    [outbox_id] = add_rows(db, 1, T0)
    recovery = T0 + timedelta(minutes=10)
    sender = FakeSender(until=recovery, clock=clock)
    policy = RetryPolicy()
    worker = dispatcher(db, sender, clock, policy=policy)
    for _ in range(100):
        row = outbox(db, outbox_id)
        if row.status != "pending":
            break
        clock.set(max(clock.now(), row.due_at))
        worker.run_once()
    row = outbox(db, outbox_id)
    assert row.status == "sent" and row.sent_at is not None and row.sent_at >= recovery
    recorded = attempts(db, outbox_id)
    assert [a.outcome for a in recorded] == ["retry"] * (len(recorded) - 1) + ["sent"]
    assert row.attempts == len(recorded) >= 4
    for number, (before, after) in enumerate(zip(recorded, recorded[1:], strict=False), 1):
        ceiling = min(policy.cap_seconds, policy.base_seconds * 2 ** (number - 1))
        assert 0 <= (after.at - before.at).total_seconds() <= ceiling + 0.001
    assert sender.sent_ids() == [outbox_id]


def test_retry_after_of_a_429_is_respected(db: Database) -> None:
    """A 429 with retry-after 120 s: not tried again before, sent right after."""
    clock = ManualClock(T0)
    [outbox_id] = add_rows(db, 1, T0)
    sender = FakeSender(throttle_first=1, retry_after=120)
    worker = dispatcher(db, sender, clock)
    assert worker.run_once() == 1
    row = outbox(db, outbox_id)
    assert row.status == "pending" and row.due_at >= T0 + timedelta(seconds=120)
    assert "429" in row.last_error
    [attempt] = attempts(db, outbox_id)
    assert (attempt.outcome, attempt.retry_after_seconds) == ("retry", 120)
    clock.set(T0 + timedelta(seconds=119))
    assert worker.run_once() == 0
    clock.set(row.due_at)
    assert worker.run_once() == 1
    assert outbox(db, outbox_id).status == "sent"


def test_permanent_failure_fails_and_escalates_once(db: Database) -> None:
    """Bot blocked: the row fails at once, on_permanent runs once, nothing is retried."""
    clock = ManualClock(T0)
    [outbox_id] = add_rows(db, 1, T0)
    sender = FakeSender(permanent="403 Forbidden: bot was blocked by the user")
    escalated: list[tuple[int, str, datetime]] = []

    def on_permanent(session: Session, row: OutboxMessage, error: str, now: datetime) -> None:
        """Record the escalation request."""
        escalated.append((row.id, error, now))

    worker = dispatcher(db, sender, clock, on_permanent=on_permanent)
    worker.run_once()
    clock.advance(hours=48)
    worker.run_once()
    row = outbox(db, outbox_id)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "blocked" in row.last_error
    assert escalated == [(outbox_id, sender.permanent, T0)]
    assert len(sender.calls) == 1
    assert [a.outcome for a in attempts(db, outbox_id)] == ["permanent"]


def test_gives_up_after_max_attempts_as_permanent(db: Database) -> None:
    """Retrying never goes on forever: after max_attempts the row fails and escalates."""
    clock = ManualClock(T0)
    [outbox_id] = add_rows(db, 1, T0)
    escalated: list[str] = []
    worker = dispatcher(db, FakeSender(fail_first=99), clock,
                        policy=RetryPolicy(max_attempts=3),
                        on_permanent=lambda s, r, error, now: escalated.append(error))
    for _ in range(5):
        clock.advance(hours=1)
        worker.run_once()
    row = outbox(db, outbox_id)
    assert (row.status, row.attempts) == ("failed", 3)
    assert escalated == ["gave up after 3 attempts: scripted failure 3"]


def test_gives_up_after_max_age(db: Database) -> None:
    """A message still failing a day after it was written is failed, not retried."""
    clock = ManualClock(T0 + timedelta(hours=25))
    [outbox_id] = add_rows(db, 1, T0)
    dispatcher(db, FakeSender(fail_first=1), clock).run_once()
    assert outbox(db, outbox_id).status == "failed"


def test_bad_rows_never_stop_the_worker(db: Database) -> None:
    """A non-object payload is skipped, a prepare that raises fails its row; the rest go out."""
    clock = ManualClock(T0)
    [good] = add_rows(db, 1, T0)
    [odd] = add_rows(db, 1, T0, payload="just a string")
    [broken] = add_rows(db, 1, T0, payload={"text": "boom"})
    raw: list[int] = []
    if db.is_sqlite:
        # SQLite stores JSON as text, so a hand-edited row may not even parse.
        [bad_json] = raw = add_rows(db, 1, T0)
        with db.transaction() as session:
            session.execute(text("UPDATE outbox_messages SET payload = '{not json' "
                                 "WHERE id = :id"), {"id": bad_json})

    def prepare(session: Session, row: OutboxMessage) -> str | Skip:
        """Fail on the row that says boom."""
        if row.payload == {"text": "boom"}:
            raise KeyError("template missing")
        return default_prepare(session, row)

    escalated: list[int] = []
    sender = FakeSender()
    worker = dispatcher(db, sender, clock, prepare=prepare,
                        on_permanent=lambda s, row, e, n: escalated.append(row.id))
    assert worker.run_once() == 3 + len(raw)
    assert sender.sent_ids() == [good]
    assert outbox(db, odd).status == "skipped"
    assert "malformed payload" in outbox(db, odd).last_error
    assert [a.outcome for a in attempts(db, odd)] == ["skipped"]
    assert outbox(db, broken).status == "failed"
    assert "template missing" in outbox(db, broken).last_error
    assert escalated == [broken]
    for outbox_id in raw:
        with db.session() as session:
            status = session.scalar(select(OutboxMessage.status)
                                    .where(OutboxMessage.id == outbox_id))
        assert status == "failed"
        assert [a.outcome for a in attempts(db, outbox_id)] == ["permanent"]
    assert worker.run_once() == 0


def test_a_lost_database_while_preparing_keeps_the_message(db: Database) -> None:
    """A connection dropped while an alert is rendered neither fails nor escalates it."""
    clock = ManualClock(T0)
    [outbox_id] = add_rows(db, 1, T0)
    calls: list[int] = []

    def prepare(session: Session, row: OutboxMessage) -> str | Skip:
        """Lose the database the first time, then render as usual."""
        calls.append(row.id)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, ConnectionResetError("server closed"))
        return default_prepare(session, row)

    escalated: list[int] = []
    sender = FakeSender()
    worker = dispatcher(db, sender, clock, prepare=prepare,
                        on_permanent=lambda s, row, e, n: escalated.append(row.id))
    worker.run_once()
    row = outbox(db, outbox_id)
    assert (row.status, row.attempts, escalated) == ("pending", 0, [])
    clock.advance(61)  # its lease lapses, as it does after the database returns
    assert worker.run_once() == 1
    assert sender.sent_ids() == [outbox_id] and escalated == []


def test_a_sender_that_raises_counts_as_a_passing_failure(db: Database) -> None:
    """An exception from a sender is recorded and retried, not a crash."""
    clock = ManualClock(T0)
    [outbox_id] = add_rows(db, 1, T0)

    def explode(message: OutgoingMessage) -> None:
        """Fail like a dropped connection."""
        raise ConnectionResetError("peer reset")

    dispatcher(db, FakeSender(on_call=explode), clock).run_once()
    row = outbox(db, outbox_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "peer reset" in row.last_error


def test_a_worker_that_lost_its_lease_does_not_send(db: Database) -> None:
    """A slow worker whose lease expired and was taken over leaves the row to the new owner."""
    clock = ManualClock(T0)
    [outbox_id] = add_rows(db, 1, T0)
    slow_sender, fast_sender = FakeSender(), FakeSender()
    slow = dispatcher(db, slow_sender, clock, worker_id="slow")
    fast = dispatcher(db, fast_sender, clock, worker_id="fast")
    assert slow.claim(clock.now()) == [outbox_id]
    clock.advance(61)
    assert fast.run_once() == 1
    assert slow.deliver(outbox_id) == "lost"
    assert slow_sender.calls == [] and fast_sender.sent_ids() == [outbox_id]


def test_a_slow_batch_hands_back_its_rest_before_the_lease_ends(db: Database) -> None:
    """When pacing makes a batch outlast half its lease, the unsent rows are released."""
    clock = ManualClock(T0)
    ids = add_rows(db, 3, T0)
    readings = iter([0.0, 0.0, 40.0])
    sender = FakeSender()
    worker = dispatcher(db, sender, clock, lease_seconds=60,
                        monotonic=lambda: next(readings, 40.0))
    assert worker.run_once() == 3
    assert sender.sent_ids() == ids[:1]
    for outbox_id in ids[1:]:
        row = outbox(db, outbox_id)
        assert (row.status, row.lease_owner, row.attempts) == ("pending", None, 0)


def test_filed_report_alert_reaches_the_sender(chat: Callable[..., Chat],
                                               demo_db: Database) -> None:
    """The alert rows written with a report are delivered to the contact point's address."""
    person = chat()
    person.replay(HAZARD_BY_SMS)
    [reference] = references(person)
    sender = FakeSender()
    worker = dispatcher(demo_db, sender, ManualClock(person.now + timedelta(seconds=1)))
    assert worker.run_once() >= 1
    with demo_db.session() as session:
        rows = list(session.scalars(select(OutboxMessage)))
    assert rows and {row.status for row in rows} == {"sent"}
    assert {m.address for m in sender.sent} == {row.address for row in rows}
    assert all(reference in m.text for m in sender.sent)


def test_worker_thread_delivers_and_ticks(db: Database) -> None:
    """The background worker picks up a new row within a poll and runs its ticks."""
    ticked = threading.Event()
    sender = FakeSender()
    worker = Worker(dispatcher(db, sender, DatabaseClock(db)), poll_seconds=0.05,
                    ticks=[lambda session, now: ticked.set()], tick_seconds=0.05)
    worker.start()
    try:
        [outbox_id] = add_rows(db, 1, DatabaseClock(db).now())
        assert sender.entered.wait(10)
        assert ticked.wait(10)
    finally:
        worker.stop()
    assert sender.sent_ids() == [outbox_id]
    assert worker.name == "worker"


def test_worker_command_once(chat: Callable[..., Chat], demo_db: Database,
                             database_url: str) -> None:
    """`sinjalizo worker --once` renders the alerts of a filed report, logs them and exits."""
    from sinjalizo.cli import main
    from tests.test_dialogs import CHILD_IN_DANGER

    person = chat("sms", "+38349111299")
    person.replay(CHILD_IN_DANGER)
    [reference] = references(person)
    result = CliRunner().invoke(main, ["--database-url", database_url, "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.count(f"OK {reference}") == 2  # one alert per role, in Albanian
    with demo_db.session() as session:
        assert set(session.scalars(select(OutboxMessage.status).where(
            OutboxMessage.purpose == "alert"))) == {"sent"}
        # The alerts were rendered after the reporter's later answers: they carried them.
        assert set(session.scalars(select(OutboxMessage.status).where(
            OutboxMessage.purpose == "report_update"))) == {"skipped"}


def test_run_starts_the_worker_beside_the_web_server() -> None:
    """`sinjalizo run` lists the worker among its background services."""
    from sinjalizo.cli.context import CliContext
    from sinjalizo.cli.run import background_services

    services = background_services(CliContext(Settings()))
    assert [service.name for service in services] == ["worker"]


def test_database_clock_is_aware_utc(db: Database) -> None:
    """The database clock reads aware UTC, close to this machine's clock."""
    now = DatabaseClock(db).now()
    assert now.tzinfo == UTC
    assert abs((now - datetime.now(UTC)).total_seconds()) < 5


# -- pure parts ---------------------------------------------------------------------------


def test_retry_policy_backoff_grows_with_full_jitter_and_a_cap() -> None:
    """Delays stay within base·2^(n-1), never above the cap; age and attempts end retrying."""
    policy = RetryPolicy(base_seconds=5, cap_seconds=900)
    rng = random.Random(1)
    for attempt in range(1, 30):
        delays = [policy.backoff(attempt, rng) for _ in range(50)]
        ceiling = min(900, 5 * 2 ** (attempt - 1))
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2  # jitter spans the window
    assert policy.gives_up(200, T0, T0)
    assert policy.gives_up(1, T0, T0 + timedelta(hours=24))
    assert not policy.gives_up(5, T0, T0 + timedelta(hours=1))


def test_log_sender_prints_each_alert_with_its_address() -> None:
    """The embedded default writes the text and address and reports success."""
    lines: list[str] = []
    sender = LogSender("email", write=lines.append)
    result = sender.send(OutgoingMessage(7, "alert", "email", "cp@komuna.test", "sq",
                                         "Raport i ri R-7K3M9Q"))
    assert result == Sent(provider_id="log-7")
    assert "cp@komuna.test" in lines[0] and "R-7K3M9Q" in lines[0]
    assert set(log_senders()) == set(CHANNELS)


def test_database_clock_reads_the_database_every_so_often(db: Database) -> None:
    """Between reads the database clock counts on by itself; after `refresh_seconds` it asks."""
    ticks = [100.0]
    clock = DatabaseClock(db, refresh_seconds=10, monotonic=lambda: ticks[0])
    first = clock.now()
    ticks[0] += 4
    assert clock.now() - first == timedelta(seconds=4)
    ticks[0] += 7  # past the refresh: read again, close to the database's own time
    assert abs((clock.now() - clock.read()).total_seconds()) < 1
