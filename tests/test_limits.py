"""Sending limits shared through the database: GCRA buckets, pauses, lanes, lease renewal."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from alerts.clock import DatabaseClock, ManualClock
from alerts.dispatcher import Dispatcher
from alerts.limits import SharedLimits
from alerts.pacing import Limit, Rate, wait_before
from alerts.senders import CHANNELS
from bot.limits import bot_key, call_limits, chat_limits
from models import OutboxMessage, RateBucket
from models.db import Database
from models.messaging import lane_of
from tests.fake_senders import FakeSender

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TOKEN = "123456:secret"
BOT = bot_key(TOKEN)


class Clock:
    """Epoch seconds a test moves by hand, for the buckets' arithmetic."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        """Start at `start`."""
        self.now = start

    def __call__(self) -> float:
        """Return the current reading."""
        return self.now


def paced(limits: SharedLimits, clock: Clock, wanted: Sequence[Limit]) -> float:
    """Wait (in the clock's time) until the buckets give a slot; return when it was taken."""
    while (wait := limits.take(wanted)) > 0:
        clock.now += wait
    return clock.now


def test_buckets_say_how_long_to_wait() -> None:
    """A rate's interval and burst tolerance; a pause outweighs the rate, `force` only it."""
    assert Rate(30).interval == pytest.approx(1 / 30)
    assert Rate(2, burst=2).tolerance == pytest.approx(0.5)
    assert wait_before(tat=12.0, tolerance=0.0, paused_until=0.0, now=11.0) == 1.0
    assert wait_before(tat=12.0, tolerance=2.0, paused_until=0.0, now=11.0) == 0.0
    assert wait_before(tat=12.0, tolerance=0.0, paused_until=15.0, now=11.0) == 4.0
    assert wait_before(tat=12.0, tolerance=0.0, paused_until=0.0, now=11.0, force=True) == 0.0


def test_telegram_buckets_are_the_bots_and_the_chats() -> None:
    """A private chat 1/s, a group 20/min, the bot 30/s; a button's answer counts nowhere."""
    [bot, chat] = chat_limits(TOKEN, 42)
    assert (bot.key, bot.rate.per_second) == ("telegram:123456", 30.0)
    assert (chat.key, chat.rate.per_second) == ("telegram:123456:chat:42", 1.0)
    [_, group] = chat_limits(TOKEN, "-100987")
    assert group.key == "telegram:123456:group:-100987"
    assert group.rate.interval == pytest.approx(3.0)
    assert call_limits(TOKEN, "answerCallbackQuery", {"callback_query_id": "1"}) == []
    assert call_limits(TOKEN, "sendMessage", {"chat_id": 42, "text": "x"}) == [bot, chat]


def test_one_a_second_per_chat_holds_up_no_other_chat(db: Database) -> None:
    """A second message to a chat waits a second; a refused take takes nothing anywhere."""
    clock = Clock()
    limits = SharedLimits(db, clock)
    assert limits.take(chat_limits(TOKEN, 1)) == 0
    assert limits.take(chat_limits(TOKEN, 1)) == pytest.approx(1.0)
    clock.now += 0.04  # past the bot's 1/30 s, which the refused take did not use up
    assert limits.take(chat_limits(TOKEN, 2)) == 0
    assert paced(limits, clock, chat_limits(TOKEN, 1)) == pytest.approx(1_000_001.0)


def test_thirty_a_second_for_the_whole_bot(db: Database) -> None:
    """Ninety chats at once go out a thirtieth of a second apart: three seconds in all."""
    clock = Clock()
    limits = SharedLimits(db, clock)
    times = [paced(limits, clock, chat_limits(TOKEN, n)) for n in range(90)]
    assert times[-1] - times[0] == pytest.approx(89 / 30)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(RateBucket)) == 91


def test_sms_at_the_numbers_rate_after_a_burst(db: Database) -> None:
    """A number at 2/s sends a burst of two, then one every half second."""
    clock = Clock(0.0)
    limits = SharedLimits(db, clock)
    number = [Limit("sms:+38349000000", Rate(2, burst=2))]
    times = [paced(limits, clock, number) for _ in range(5)]
    assert times == pytest.approx([0, 0, 0.5, 1.0, 1.5])


def test_a_forced_take_goes_at_once_and_still_counts(db: Database) -> None:
    """A reply to a person never waits for its slot; the worker then waits a second, no more."""
    clock = Clock()
    limits = SharedLimits(db, clock)
    chat = chat_limits(TOKEN, 7)
    assert [limits.take(chat, force=True) for _ in range(3)] == [0, 0, 0]
    assert limits.take(chat) == pytest.approx(1.0)
    clock.now += 1
    assert limits.take(chat) == 0
    assert limits.take(chat, force=True) == 0  # behind the worker's slot: still at once
    assert limits.take(chat) == pytest.approx(1.0)


def test_a_pause_holds_the_whole_bot_and_is_never_shortened(db: Database) -> None:
    """After a 429 nothing goes to any chat, forced or not, until the pause is over."""
    clock = Clock()
    limits = SharedLimits(db, clock)
    limits.pause(BOT, 30)
    limits.pause(BOT, 5)  # a shorter pause reported later keeps the longer one
    assert limits.paused_for(BOT) == pytest.approx(30)
    assert limits.take(chat_limits(TOKEN, 1)) == pytest.approx(30)
    assert limits.take(chat_limits(TOKEN, 2), force=True) == pytest.approx(30)
    clock.now += 30
    assert limits.take(chat_limits(TOKEN, 2)) == 0
    assert limits.paused_for(BOT) == 0


def test_idle_buckets_are_forgotten(db: Database) -> None:
    """A bucket untouched for an hour is deleted; a bucket still paused is kept."""
    clock = Clock()
    limits = SharedLimits(db, clock)
    limits.take(chat_limits(TOKEN, 1))
    limits.pause("sms:+38349000000", 7200)
    clock.now += 3700
    with db.transaction() as session:
        assert limits.forget_idle(session) == 2  # the bot's and the chat's
    with db.session() as session:
        assert session.scalars(select(RateBucket.key)).all() == ["sms:+38349000000"]


def test_database_time_is_the_servers(db: Database) -> None:
    """Without a test clock the buckets read the database server's time."""
    limits = SharedLimits(db)
    key = f"test:{uuid.uuid4().hex}"
    limits.pause(key, 60)
    assert limits.paused_for(key) == pytest.approx(60, abs=2)


def test_four_takers_on_their_own_connections_keep_one_rate(db: Database,
                                                           database_url: str) -> None:
    """Four threads, each with its own pool, share 20/s: never more, and all of it used."""
    limit = [Limit(f"test:{uuid.uuid4().hex}", Rate(20))]
    granted: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + 1.5

    def take() -> None:
        """Take slots as fast as the bucket gives them until the time is up."""
        own = Database(database_url)
        try:
            while time.monotonic() < stop:
                wait = SharedLimits(own).take(limit)
                if wait > 0:
                    time.sleep(wait)
                    continue
                with lock:
                    granted.append(time.monotonic())
        finally:
            own.dispose()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert 20 <= len(granted) <= 1.5 * 20 + 1


# -- the dispatcher with lanes, shared limits and renewed leases ----------------------------


def row(purpose: str, address: str, at: datetime, channel: str = "log") -> OutboxMessage:
    """Return an outbox row due at `at`."""
    return OutboxMessage(purpose=purpose, channel=channel, address=address,
                         payload={"text": f"{purpose} to {address}"}, due_at=at, created_at=at)


def test_lanes_come_from_the_purpose_however_rows_are_written(db: Database) -> None:
    """ORM and Core inserts both get their lane: alerts 0, updates 1, bulk 2."""
    assert [lane_of(p) for p in ("alert", "escalation", "reporter_update", "relay_question",
                                 "fixed_check", "bulk")] == [0, 0, 1, 1, 2, 2]
    with db.transaction() as session:
        session.add(row("escalation", "a", T0))
        session.execute(insert(OutboxMessage), [
            {"purpose": "fixed_check", "channel": "log", "address": "b", "payload": {},
             "due_at": T0, "created_at": T0},
            {"purpose": "reporter_update", "channel": "log", "address": "c", "payload": {},
             "due_at": T0, "created_at": T0}])
    with db.session() as session:
        lanes = dict(session.execute(select(OutboxMessage.address, OutboxMessage.priority)).all())
    assert lanes == {"a": 0, "b": 2, "c": 1}


def test_an_alert_overtakes_older_updates_and_bulk(db: Database) -> None:
    """Bulk and updates queued first; the alert written last is claimed first."""
    with db.transaction() as session:
        session.add_all([row("bulk", f"bulk-{n}", T0) for n in range(5)])
        session.add(row("reporter_update", "reporter", T0 + timedelta(seconds=1)))
        session.add(row("alert", "focal", T0 + timedelta(seconds=2)))
    sender = FakeSender()
    worker = Dispatcher(db, dict.fromkeys(CHANNELS, sender), ManualClock(T0 + timedelta(5)),
                        batch=2)
    worker.run_once()
    assert [m.address for m in sender.sent] == ["focal", "reporter"]
    worker.run_once()
    assert [m.address for m in sender.sent][2:] == ["bulk-0", "bulk-1"]


def test_a_429_pauses_the_bot_and_the_other_chats_wait_unsent(db: Database) -> None:
    """Chat A answered 429 for 30 s: chat B is put back, due after the pause, not tried."""
    clock = ManualClock(T0)
    with db.transaction() as session:
        first, second = row("alert", "101", T0, "telegram"), row("alert", "102", T0, "telegram")
        session.add_all([first, second])
    sender = FakeSender("telegram", throttle_first=1, retry_after=30, throttle_pause=BOT,
                        limits_for=lambda m: chat_limits(TOKEN, m.address))
    worker = Dispatcher(db, {"telegram": sender}, clock)
    assert worker.run_once() == 2
    assert [m.address for m in sender.calls] == ["101"]
    assert SharedLimits(db).paused_for(BOT) == pytest.approx(30, abs=2)
    with db.session() as session:
        held = session.get(OutboxMessage, second.id)
        assert held is not None
        assert (held.status, held.attempts, held.lease_owner) == ("pending", 0, None)
        assert held.due_at >= T0 + timedelta(seconds=28)
        throttled = session.get(OutboxMessage, first.id)
        assert throttled is not None and throttled.due_at >= T0 + timedelta(seconds=30)
    assert worker.run_once() == 0  # nothing due before the pause ends


def test_the_heartbeat_keeps_a_long_send_leased(db: Database, database_url: str) -> None:
    """A send outlasting its 0.6 s lease stays this worker's while the heartbeat renews it."""
    clock = DatabaseClock(db)
    with db.transaction() as session:
        session.add(row("alert", "focal", clock.now() - timedelta(seconds=1)))
    gate = threading.Event()
    sender = FakeSender(block=gate)
    slow = Dispatcher(db, dict.fromkeys(CHANNELS, sender), clock, worker_id="slow",
                      lease_seconds=0.6)
    other = Dispatcher(db, dict.fromkeys(CHANNELS, FakeSender()), clock, worker_id="other")
    stop = threading.Event()
    thread = threading.Thread(target=slow.run, args=(stop, 0.05))
    thread.start()
    try:
        assert sender.entered.wait(10)
        time.sleep(1.5)
        assert other.claim(clock.now()) == []
    finally:
        gate.set()
        stop.set()
        thread.join(10)
    assert len(sender.sent) == 1
    with db.session() as session:
        assert session.scalar(select(OutboxMessage.status)) == "sent"


def test_renew_extends_only_this_workers_leases(db: Database) -> None:
    """Renewing moves lease_until on for the rows held, never for a row another took."""
    clock = ManualClock(T0)
    with db.transaction() as session:
        session.add_all([row("alert", "a", T0), row("alert", "b", T0)])
    mine = Dispatcher(db, dict.fromkeys(CHANNELS, FakeSender()), clock, worker_id="mine",
                      batch=1)
    [held] = mine.claim(T0)
    clock.advance(8)
    assert mine.renew() == 1
    with db.session() as session:
        leases = dict(session.execute(select(OutboxMessage.id, OutboxMessage.lease_until)).all())
    assert leases[held] == T0 + timedelta(seconds=18)
    assert [lease for key, lease in leases.items() if key != held] == [None]


