"""An awareness campaign to 20,000 subscribers while child-at-risk alerts keep arriving.

Half the subscribers are Telegram chats, half SMS numbers, interleaved. The campaign is
scheduled for now; one worker (the dispatcher thread and the tick thread that fans the
campaign out, as `sinjalizo worker` runs them) sends it through the real senders
(bot/sender.py, sms/sender.py) to the fakes of the Telegram Bot API and Twilio's REST API
(tests/fake_telegram.py, tests/fake_twilio.py), within the shared rate buckets: Telegram
30/s for the bot and 1/s a chat, Twilio SMS_RATE_PER_SECOND for the number.

Meanwhile an urgent alert to a focal point's Telegram chat is committed every 200 ms. For a
fixed window of WINDOW seconds from the campaign's start (the campaign does not finish in it:
20,000 messages at 40/s take over eight minutes), the table gives the alerts' p50 and p99
from commit to the fake's first call (goal p99 ≤ 1 s), and the bulk lane's rates measured
from the fakes' own call times: the most calls in any one second overall and in one chat on
Telegram (≤ 30 and ≤ 1), and on Twilio (≤ SMS_RATE_PER_SECOND). Run on SQLite (a file, WAL)
and PostgreSQL (a throwaway cluster, or SINJALIZO_BENCH_POSTGRES_URL).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The repository instead of bench/ itself, whose telegram.py would hide the library's.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from sqlalchemy import delete, func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from alerts.campaigns import FanOut, prepare_campaign  # noqa: E402
from alerts.clock import DatabaseClock  # noqa: E402
from alerts.dispatcher import Dispatcher, Skip, default_prepare  # noqa: E402
from alerts.limits import SharedLimits  # noqa: E402
from alerts.worker import Worker  # noqa: E402
from bench.alerts import clear, most_in_a_second, percentile  # noqa: E402
from models import Campaign, Contact, Municipality, OutboxMessage, Subscription  # noqa: E402
from models.campaigns import CAMPAIGN  # noqa: E402
from models.db import Database  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from service.filing import OUTBOX  # noqa: E402
from sinjalizo.senders import senders_for  # noqa: E402
from sinjalizo.settings import Settings  # noqa: E402
from tests.fake_telegram import TOKEN, FakeTelegram, fake_telegram  # noqa: E402
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM, FakeTwilio, running_fake  # noqa: E402

SUBSCRIBERS = 20_000
WINDOW = 45.0  # seconds measured from the campaign's start on each database
ALERT_EVERY = 0.2
ALERT_CHAT = 5_000_000  # focal points' chats: one per alert, so none waits on its chat's 1/s
TEXT = {"sq": "Fëmijët nuk luajnë pranë lumit pa një të rritur.",
        "sr": "Deca se ne igraju pored reke bez odraslih."}


def bench_prepare(session: Session, row: OutboxMessage) -> str | Skip:
    """Render campaign rows as the worker does; alerts carry their text in the payload."""
    if row.purpose == CAMPAIGN:
        return prepare_campaign(session, row)
    return default_prepare(session, row)


def town(db: Database) -> int:
    """Return a municipality for the subscribers (the bench's own if none is seeded)."""
    with db.transaction() as session:
        found = session.scalar(select(Municipality.id).limit(1))
        if found is not None:
            return found
        place = Municipality(code="XK-99", country="XK", name_sq="Bench", name_sr="Bench",
                             aliases=[], seat_name="Bench", seat_lat=42.6, seat_lon=20.9)
        session.add(place)
        session.flush()
        return place.id


def reset(db: Database) -> None:
    """Empty the outbox, buckets, campaigns and the bench's subscribers."""
    clear(db)
    with db.transaction() as session:
        session.execute(delete(Campaign))
        session.execute(delete(Subscription))
        session.execute(delete(Contact).where(Contact.role == "bench"))


def subscribe(db: Database, municipality: int) -> None:
    """Add SUBSCRIBERS contacts and subscriptions, Telegram and SMS interleaved, sq and sr."""
    now = datetime.now(UTC)
    contacts = [{"channel": "telegram" if n % 2 else "sms",
                 "address": str(10_000_000 + n) if n % 2 else f"+38344{n:06d}",
                 "role": "bench", "opted_out": False, "language": "sr" if n % 5 == 0 else "sq",
                 "created_at": now} for n in range(SUBSCRIBERS)]
    with db.transaction() as session:
        connection = session.connection()
        for start in range(0, SUBSCRIBERS, 2000):
            connection.execute(insert(Contact), contacts[start:start + 2000])
        ids = list(session.scalars(select(Contact.id).where(Contact.role == "bench")
                                   .order_by(Contact.id)))
        rows = [{"contact_id": i, "municipality_id": municipality, "language": "sq",
                 "created_at": now} for i in ids]
        for start in range(0, len(rows), 2000):
            connection.execute(insert(Subscription), rows[start:start + 2000])
        session.add(Campaign(title="Bench", texts=TEXT, municipality_ids=[municipality],
                             status="scheduled", scheduled_at=now, created_at=now))


def alert_row(n: int) -> dict[str, Any]:
    """Return an urgent alert to a focal point's chat, its text in the payload."""
    now = datetime.now(UTC)
    return {"purpose": "alert", "report_id": None, "contact_point_id": None,
            "contact_id": None, "channel": "telegram", "address": str(ALERT_CHAT + n),
            "language": "sq", "status": "pending", "attempts": 0,
            "payload": {"text": f"URGJENT: fëmijë në rrezik, raporti {n}"},
            "due_at": now, "created_at": now, "last_error": ""}


def run(url: str, telegram: FakeTelegram, twilio: FakeTwilio) -> dict[str, Any]:
    """Send the campaign for WINDOW seconds with alerts arriving; return the figures."""
    upgrade(url)
    db = Database(url)
    reset(db)
    subscribe(db, town(db))
    settings = Settings(database_url=url, telegram_bot_token=TOKEN,
                        telegram_api_base=telegram.base_url, twilio_account_sid=ACCOUNT_SID,
                        twilio_auth_token=AUTH_TOKEN, twilio_from=FROM,
                        twilio_api_base=twilio.base, public_base_url="https://bench.invalid")
    dispatcher = Dispatcher(db, senders_for(settings, db), DatabaseClock(db),
                            limits=SharedLimits(db), prepare=bench_prepare)
    worker = Worker(dispatcher, poll_seconds=settings.worker_poll_seconds, ticks=[FanOut(db)])
    telegram_from, twilio_from = len(telegram.calls), len(twilio.seen)
    committed: dict[str, float] = {}
    started = time.time()
    worker.start()
    try:
        n = 0
        while time.time() - started < WINDOW:
            with db.transaction() as session:
                session.connection().execute(insert(OUTBOX), [alert_row(n)])
            committed[str(ALERT_CHAT + n)] = time.time()
            n += 1
            time.sleep(ALERT_EVERY)
        time.sleep(2.0)  # the last alerts' sends
    finally:
        worker.stop()
    with db.session() as session:
        written = session.scalar(select(Campaign.recipients))
        sent = session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.purpose == CAMPAIGN, OutboxMessage.status == "sent"))
    db.dispose()
    return figures(telegram, twilio, telegram_from, twilio_from, committed, started,
                   int(written or 0), int(sent or 0), settings.sms_rate_per_second)


def figures(telegram: FakeTelegram, twilio: FakeTwilio, telegram_from: int, twilio_from: int,
            committed: dict[str, float], started: float, written: int, sent: int,
            sms_rate: float) -> dict[str, Any]:
    """Measure from the fakes' call times: alert latencies and the bulk lane's rates."""
    with telegram.lock:
        calls = list(zip(telegram.calls[telegram_from:], telegram.times[telegram_from:],
                         strict=True))
    first: dict[str, float] = {}
    per_chat: dict[str, list[float]] = defaultdict(list)
    overall: list[float] = []
    for (method, params), at in calls:
        if method != "sendMessage":
            continue
        chat = str(params.get("chat_id"))
        first.setdefault(chat, at)  # an alert committed near the window's end counts too
        if at - started <= WINDOW:
            per_chat[chat].append(at)
            overall.append(at)
    sms = [r.at for r in twilio.seen[twilio_from:] if r.at - started <= WINDOW]
    latencies = [first[chat] - at for chat, at in committed.items() if chat in first]
    bulk_chats = [times for chat, times in per_chat.items() if chat not in committed]
    return {"alerts": len(committed), "reached": len(latencies),
            "p50": statistics.median(latencies) * 1000,
            "p99": percentile(latencies, 0.99) * 1000, "written": written, "sent": sent,
            "tg_calls": len(overall), "tg_bulk": sum(len(t) for t in bulk_chats),
            "tg_max": most_in_a_second(overall),
            "tg_chat_max": max((most_in_a_second(t) for t in per_chat.values()), default=0),
            "sms_calls": len(sms), "sms_max": most_in_a_second(sms), "sms_rate": sms_rate,
            "sms_steady": most_in_a_second([at for at in sms if at - min(sms) >= 2.0])
            if sms else 0}


def main() -> None:
    """Run on SQLite and PostgreSQL and print the table."""
    from tests.pgcluster import ThrowawayPostgres

    given = os.environ.get("SINJALIZO_BENCH_POSTGRES_URL")
    cluster = None if given else ThrowawayPostgres()
    try:
        pg = given or cluster.start()  # type: ignore[union-attr]
        print(f"Campaign to {SUBSCRIBERS:,} subscribers (half Telegram, half SMS) with an "
              f"urgent alert committed every {ALERT_EVERY * 1000:.0f} ms; measured over the "
              f"first {WINDOW:.0f} s of sending, one worker")
        print("| database   | alerts | p50 ms | p99 ms | ≤ 1 s | written | bulk sent | "
              "TG calls | TG most/s (≤ 30) | TG one chat most/s (≤ 1) | SMS calls | "
              "SMS most/s | SMS most/s after the first 2 s (≤ rate) |")
        print("|------------|--------|--------|--------|-------|---------|-----------|"
              "----------|------------------|--------------------------|-----------|"
              "------------|-----------------------------------------|")
        with tempfile.TemporaryDirectory() as folder, fake_telegram() as telegram, \
                running_fake() as twilio:
            for name, url in (("SQLite", f"sqlite:///{folder}/bench.sqlite3"),
                              ("PostgreSQL", pg)):
                got = run(url, telegram, twilio)
                verdict = "ok" if got["p99"] <= 1000 and got["reached"] == got["alerts"] \
                    else "MISSED"
                print(f"| {name:<10} | {got['reached']:>3}/{got['alerts']:<3}| "
                      f"{got['p50']:>6.0f} | {got['p99']:>6.0f} | {verdict:<5} | "
                      f"{got['written']:>7,} | {got['sent']:>9,} | {got['tg_calls']:>8,} | "
                      f"{got['tg_max']:>16} | {got['tg_chat_max']:>24} | "
                      f"{got['sms_calls']:>9,} | {got['sms_max']:>10} | "
                      f"{got['sms_steady']:>32} (≤ {got['sms_rate']:.0f}) |", flush=True)
        print("Bulk SMS take the number's bucket without the burst alerts may use "
              "(sms/sender.py): the takes are 1/SMS_RATE_PER_SECOND apart, and the varying "
              "latency of each HTTP call can put one more arrival inside a second at the fake.")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
