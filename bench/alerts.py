"""Alert delivery: latency, lanes, throughput per worker process under shared limits, recovery.

(a) An idle worker: 1,000 alert rows arriving ~20 ms apart at random, each committed in its
own transaction as service/filing.py does; p50 and p99 from commit to the fake sender's
first call, on SQLite (a file, WAL) and PostgreSQL. Goal p99 ≤ 1 s.
(b) The same with 5,000 bulk messages queued ahead (a fake sender of 20 ms a message): the
alerts' lane goes first. Goal p99 ≤ 1 s.
(c) Throughput on PostgreSQL with 1, 2 and 4 worker processes against a fake sender of 20 ms,
every send taking its slots in rate buckets shared through the database (an overall bucket
and one per chat); the fake's calls per second, overall and per chat, are counted.
Goals: 2 workers ≥ 1.8×, 4 workers ≥ 3.2× one worker.
(d) The same 4 workers against Telegram's own limits (30/s for the bot, 1/s a chat): the
most calls the fake saw in any one second, overall and in one chat.
(e) Recovery on PostgreSQL with the production lease (10 s, renewed every 3.3 s): a worker
holding alerts is SIGKILLed in the middle of a send and a new one starts at once; the time
until every alert it held is sent. Goal ≤ 15 s after the new worker starts.

PostgreSQL is a throwaway cluster, or SINJALIZO_BENCH_POSTGRES_URL. The machine may be shared:
wall-clock figures vary from run to run.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, insert, select  # noqa: E402

from alerts.clock import DatabaseClock  # noqa: E402
from alerts.dispatcher import Dispatcher  # noqa: E402
from alerts.pacing import Limit, Rate  # noqa: E402
from alerts.senders import CHANNELS, OutgoingMessage  # noqa: E402
from alerts.worker import Worker  # noqa: E402
from models.db import Database  # noqa: E402
from models.messaging import DeliveryAttempt, OutboxMessage  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.rates import RateBucket  # noqa: E402
from service.filing import OUTBOX  # noqa: E402
from sinjalizo.settings import Settings  # noqa: E402
from tests.fake_senders import FakeSender  # noqa: E402

REPORTS = 1000
BULK = 5000
ALERTS_BEHIND_BULK = 200
THROUGHPUT_ROWS = 1000
THROUGHPUT_CHATS = 500
SEND_LATENCY = 0.020
OPEN_LIMITS = (400.0, 1.0)  # overall and per chat, per second: above what 4 workers reach
TELEGRAM_LIMITS = (30.0, 1.0)  # the bot's and one chat's
TELEGRAM_ROWS, TELEGRAM_CHATS = 300, 100
RECOVERY_ALERTS = 40
SLOW_SEND = 0.5  # the provider's pace while the doomed worker sends


def row(n: int, at: datetime, purpose: str = "alert", address: str | None = None) -> dict[
        str, Any]:
    """Return one outbox row shaped as service/filing.py writes it."""
    return {"purpose": purpose, "report_id": None, "contact_point_id": None,
            "contact_id": None, "channel": "log", "address": address or f"bench-{n}",
            "language": "sq", "status": "pending", "attempts": 0,
            "payload": {"event": "new_report", "reference": f"R-{n:06d}", "role": "primary"},
            "due_at": at, "created_at": at, "last_error": ""}


def clear(db: Database) -> None:
    """Empty the outbox, its attempts and the rate buckets between runs."""
    with db.transaction() as session:
        session.execute(delete(DeliveryAttempt))
        session.execute(delete(OutboxMessage))
        session.execute(delete(RateBucket))


def queue(db: Database, rows: list[dict[str, Any]]) -> None:
    """Insert rows in chunks, in one transaction."""
    with db.transaction() as session:
        for start in range(0, len(rows), 1000):
            session.connection().execute(insert(OUTBOX), rows[start:start + 1000])


def percentile(values: Sequence[float], share: float) -> float:
    """Return the value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.999999) - 1)]


# -- (a), (b): latency --------------------------------------------------------------------


def latency(url: str, count: int, bulk: int = 0, gap: float = 0.04) -> tuple[list[float], int]:
    """Return commit → first-call latencies of `count` alerts, and the bulk sent meanwhile."""
    upgrade(url)
    db = Database(url)
    clear(db)
    if bulk:
        queue(db, [row(n, datetime.now(UTC) - timedelta(minutes=1), "bulk", f"bulk-{n}")
                   for n in range(bulk)])
    first_call: dict[str, float] = {}
    lock = threading.Lock()

    def seen(message: OutgoingMessage) -> None:
        """Note when the sender is first called for this message."""
        at = time.perf_counter()
        with lock:
            first_call.setdefault(message.address, at)

    sender = FakeSender(on_call=seen, latency=SEND_LATENCY if bulk else 0.0)
    worker = Worker(Dispatcher(db, dict.fromkeys(CHANNELS, sender), DatabaseClock(db)),
                    poll_seconds=Settings().worker_poll_seconds)
    committed: dict[str, float] = {}
    rng = random.Random(3)
    worker.start()
    try:
        for n in range(count):
            with db.transaction() as session:
                session.connection().execute(insert(OUTBOX), [row(n, datetime.now(UTC))])
            committed[f"bench-{n}"] = time.perf_counter()
            time.sleep(rng.uniform(0, gap))
        deadline = time.monotonic() + 60
        while len(committed.keys() & first_call.keys()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        db.dispose()
    missing = committed.keys() - first_call.keys()
    if missing:
        raise RuntimeError(f"{len(missing)} of {count} alerts never reached the sender")
    bulk_sent = len([key for key in first_call if key.startswith("bulk-")])
    return [first_call[key] - committed[key] for key in committed], bulk_sent


def latency_row(name: str, latencies: list[float], note: str = "") -> str:
    """Format one latency line of the table."""
    p50 = statistics.median(latencies) * 1000
    p99 = percentile(latencies, 0.99) * 1000
    verdict = "ok" if p99 <= 1000 else "MISSED"
    return (f"| {name:<34} | {len(latencies):>6} | {p50:>7.1f} | {p99:>7.1f} | {verdict:<6} |"
            f" {note}")


# -- (c), (d): throughput under shared limits ---------------------------------------------


def bucket_limits(overall: float, per_chat: float) -> Any:
    """Return a function giving a message's buckets: the overall one and its chat's."""

    def limits_for(message: OutgoingMessage) -> list[Limit]:
        """Return the overall bucket and the chat's."""
        return [Limit("bench", Rate(overall)), Limit(f"bench:{message.address}", Rate(per_chat))]

    return limits_for


def drain(url: str, limits: tuple[float, float], go: Any, done: Any) -> None:
    """One worker process: wait for the start signal, deliver until every row is sent."""
    db = Database(url)
    calls: list[tuple[float, str]] = []
    sender = FakeSender(latency=SEND_LATENCY, limits_for=bucket_limits(*limits),
                        on_call=lambda message: calls.append((time.time(), message.address)))
    dispatcher = Dispatcher(db, dict.fromkeys(CHANNELS, sender), DatabaseClock(db))
    dispatcher.claim(datetime.now(UTC) - timedelta(days=1))  # warm the pool, claims nothing
    go.wait()
    with dispatcher.heartbeat():
        while True:
            if dispatcher.run_once():
                continue
            with db.session() as session:  # idle: rows may be waiting for their buckets
                left = session.scalar(select(func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.status == "pending"))
            if not left:
                break
            time.sleep(0.02)
    done.put((len(sender.sent), calls))
    db.dispose()


def most_in_a_second(times: list[float]) -> int:
    """Return the most calls inside any one-second window."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def throughput(url: str, workers: int, rows: int, chats: int,
               limits: tuple[float, float]) -> dict[str, float]:
    """Drain `rows` messages to `chats` chats with `workers` processes; return the figures."""
    db = Database(url)
    clear(db)
    at = datetime.now(UTC) - timedelta(seconds=1)
    queue(db, [row(n, at, address=f"chat-{n % chats}") for n in range(rows)])
    context = multiprocessing.get_context("spawn")
    go, done = context.Event(), context.Queue()
    processes = [context.Process(target=drain, args=(url, limits, go, done))
                 for _ in range(workers)]
    for process in processes:
        process.start()
    time.sleep(3)  # let every process import and connect before the clock starts
    start = time.perf_counter()
    go.set()
    results = [done.get(timeout=600) for _ in processes]
    seconds = time.perf_counter() - start
    for process in processes:
        process.join()
    with db.session() as session:
        delivered = session.scalar(select(func.count()).select_from(OutboxMessage)
                                   .where(OutboxMessage.status == "sent"))
    db.dispose()
    sent = sum(count for count, _ in results)
    calls = [call for _, made in results for call in made]
    if sent != rows or delivered != rows:
        raise RuntimeError(f"sent {sent}, recorded {delivered} of {rows}")
    per_chat: dict[str, list[float]] = defaultdict(list)
    for at, address in calls:
        per_chat[address].append(at)
    return {"sent": sent, "seconds": seconds, "rate": sent / seconds,
            "overall_max": most_in_a_second([at for at, _ in calls]),
            "chat_max": max(most_in_a_second(times) for times in per_chat.values())}


# -- (e): recovery after SIGKILL ----------------------------------------------------------


def doomed_worker(url: str, worker_id: str) -> None:
    """A worker whose provider is slow: it holds a batch while the bench kills it."""
    db = Database(url)
    sender = FakeSender(latency=SLOW_SEND)
    dispatcher = Dispatcher(db, dict.fromkeys(CHANNELS, sender), DatabaseClock(db),
                            worker_id=worker_id)
    dispatcher.run(threading.Event(), 0.2)


def survivor_worker(url: str, started: Any) -> None:
    """A fresh worker with the production lease, polling as `sinjalizo worker` does."""
    started.set()
    db = Database(url)
    dispatcher = Dispatcher(db, dict.fromkeys(CHANNELS, FakeSender(latency=SEND_LATENCY)),
                            DatabaseClock(db), worker_id="survivor")
    dispatcher.run(threading.Event(), Settings().worker_poll_seconds)


def recovery(url: str) -> dict[str, float]:
    """Kill a worker in the middle of a send; time a new worker sending all it held."""
    db = Database(url)
    clear(db)
    queue(db, [row(n, datetime.now(UTC) - timedelta(seconds=1))
               for n in range(RECOVERY_ALERTS)])
    context = multiprocessing.get_context("spawn")
    doomed = context.Process(target=doomed_worker, args=(url, "doomed"))
    doomed.start()

    def held() -> list[int]:
        """Return the pending rows the doomed worker holds."""
        with db.session() as session:
            return list(session.scalars(select(OutboxMessage.id).where(
                OutboxMessage.status == "pending", OutboxMessage.lease_owner == "doomed")))

    deadline = time.monotonic() + 60
    while not held() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(SLOW_SEND * 2.5)  # a few sends out, one in flight
    doomed.kill()
    killed = time.perf_counter()
    doomed.join()
    holding = held()
    started = context.Event()
    survivor = context.Process(target=survivor_worker, args=(url, started))
    survivor.start()
    started.wait(60)
    begun = time.perf_counter()
    while True:
        with db.session() as session:
            left = session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.id.in_(holding), OutboxMessage.status != "sent"))
        if not left:
            break
        time.sleep(0.02)
    done = time.perf_counter()
    survivor.kill()
    survivor.join()
    db.dispose()
    return {"held": len(holding), "from_kill": done - killed, "from_start": done - begun}


# -- the report ---------------------------------------------------------------------------


def main() -> None:
    """Run every measurement and print the tables."""
    from tests.pgcluster import ThrowawayPostgres

    given = os.environ.get("SINJALIZO_BENCH_POSTGRES_URL")
    cluster = None if given else ThrowawayPostgres()
    try:
        pg = given or cluster.start()  # type: ignore[union-attr]
        poll = Settings().worker_poll_seconds
        print(f"(a, b) alert commit → sender's first call; one worker polling every {poll} s")
        print("| run                                |  count |  p50 ms |  p99 ms | ≤ 1 s  |")
        print("|------------------------------------|--------|---------|---------|--------|")
        with tempfile.TemporaryDirectory() as folder:
            lite = f"sqlite:///{folder}/bench.sqlite3"
            print(latency_row("(a) idle, SQLite (file, WAL)", latency(lite, REPORTS)[0]),
                  flush=True)
            print(latency_row("(a) idle, PostgreSQL", latency(pg, REPORTS)[0]), flush=True)
            for name, url in (("SQLite", lite), ("PostgreSQL", pg)):
                found, bulk_sent = latency(url, ALERTS_BEHIND_BULK, bulk=BULK, gap=0.2)
                print(latency_row(f"(b) {BULK:,} bulk queued, {name}", found,
                                  f"({bulk_sent:,} bulk sent meanwhile)"), flush=True)
        print()
        print(f"(c) throughput on PostgreSQL, fake sender {SEND_LATENCY * 1000:.0f} ms a "
              f"message, {THROUGHPUT_ROWS:,} messages to {THROUGHPUT_CHATS} chats, shared "
              f"limits {OPEN_LIMITS[0]:.0f}/s overall and {OPEN_LIMITS[1]:.0f}/s a chat")
        print("| workers | seconds |  msg/s  | vs 1 worker | goal  | most/s overall | "
              "most/s one chat |")
        print("|---------|---------|---------|-------------|-------|----------------|"
              "-----------------|")
        rates: dict[int, float] = {}
        for workers, goal in ((1, 0.0), (2, 1.8), (4, 3.2)):
            got = throughput(pg, workers, THROUGHPUT_ROWS, THROUGHPUT_CHATS, OPEN_LIMITS)
            rates[workers] = got["rate"]
            ratio = got["rate"] / rates[1]
            verdict = "" if not goal else ("ok" if ratio >= goal else "MISSED")
            print(f"| {workers:>7} | {got['seconds']:>7.2f} | {got['rate']:>7.1f} | "
                  f"{ratio:>10.2f}× | {verdict:<5} | {got['overall_max']:>14.0f} | "
                  f"{got['chat_max']:>15.0f} |", flush=True)
        print()
        print(f"(d) 4 workers against Telegram's limits ({TELEGRAM_LIMITS[0]:.0f}/s for the "
              f"bot, {TELEGRAM_LIMITS[1]:.0f}/s a chat), {TELEGRAM_ROWS} messages to "
              f"{TELEGRAM_CHATS} chats")
        got = throughput(pg, 4, TELEGRAM_ROWS, TELEGRAM_CHATS, TELEGRAM_LIMITS)
        print("| seconds |  msg/s  | most in any 1 s, overall (≤ 30) | one chat (≤ 1) |")
        print("|---------|---------|---------------------------------|----------------|")
        print(f"| {got['seconds']:>7.2f} | {got['rate']:>7.1f} | {got['overall_max']:>31.0f} | "
              f"{got['chat_max']:>14.0f} |", flush=True)
        print()
        print(f"(e) recovery on PostgreSQL: lease {Settings().worker_lease_seconds:.0f} s, "
              f"renewed every {Settings().worker_lease_seconds / 3:.1f} s; a worker sending "
              f"at {SLOW_SEND:.1f} s a message is SIGKILLed mid-send")
        got = recovery(pg)
        verdict = "ok" if got["from_start"] <= 15 else "MISSED"
        print("| alerts held | kill → all sent | new worker start → all sent | ≤ 15 s |")
        print("|-------------|-----------------|-----------------------------|--------|")
        print(f"| {got['held']:>11.0f} | {got['from_kill']:>13.2f} s | "
              f"{got['from_start']:>25.2f} s | {verdict:<6} |", flush=True)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
