"""Alert delivery: report commit → sender's first call, and dispatch throughput per worker count.

(a) Latency: 1,000 alert rows arriving at random ~20 ms apart, each inserted and committed in
its own transaction as service/filing.py does, with an idle worker polling in a thread (the
default WORKER_POLL_SECONDS); p50 and p99 from commit to the fake sender's first call, on SQLite (a
file, WAL) and PostgreSQL (a throwaway cluster, or SINJALIZO_BENCH_POSTGRES_URL). Goal p99 ≤ 1 s.
(b) Throughput on PostgreSQL with 1 and 2 worker processes against a fake sender of a fixed
20 ms latency, and the ratio 2w/1w. Goal ≥ 1.8.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, insert, select  # noqa: E402

from alerts.clock import DatabaseClock  # noqa: E402
from alerts.dispatcher import Dispatcher  # noqa: E402
from alerts.senders import CHANNELS, OutgoingMessage  # noqa: E402
from alerts.worker import Worker  # noqa: E402
from models.db import Database  # noqa: E402
from models.messaging import DeliveryAttempt, OutboxMessage  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from service.filing import OUTBOX  # noqa: E402
from sinjalizo.settings import Settings  # noqa: E402
from tests.fake_senders import FakeSender  # noqa: E402

REPORTS = 1000
THROUGHPUT_ROWS = 1000
SEND_LATENCY = 0.020


def alert(n: int, at: datetime) -> dict[str, Any]:
    """Return one alert row shaped as service/filing.py writes it."""
    return {"purpose": "alert", "report_id": None, "contact_point_id": None,
            "contact_id": None, "channel": "log", "address": f"bench-{n}", "language": "sq",
            "status": "pending", "attempts": 0,
            "payload": {"event": "new_report", "reference": f"R-{n:06d}", "role": "primary"},
            "due_at": at, "created_at": at, "last_error": ""}


def clear(db: Database) -> None:
    """Empty the outbox and its attempts between runs."""
    with db.transaction() as session:
        session.execute(delete(DeliveryAttempt))
        session.execute(delete(OutboxMessage))


def latency(url: str) -> list[float]:
    """Return commit → first-call latencies in seconds for REPORTS alerts."""
    upgrade(url)
    db = Database(url)
    clear(db)
    first_call: dict[str, float] = {}
    lock = threading.Lock()

    def seen(message: OutgoingMessage) -> None:
        """Note when the sender is first called for this alert."""
        at = time.perf_counter()
        with lock:
            first_call.setdefault(message.address, at)

    sender = FakeSender(on_call=seen)
    settings = Settings()
    worker = Worker(Dispatcher(db, dict.fromkeys(CHANNELS, sender), DatabaseClock(db)),
                    poll_seconds=settings.worker_poll_seconds)
    committed: dict[str, float] = {}
    rng = random.Random(3)
    worker.start()
    try:
        for n in range(REPORTS):
            with db.transaction() as session:
                session.connection().execute(insert(OUTBOX), [alert(n, datetime.now(UTC))])
            committed[f"bench-{n}"] = time.perf_counter()
            # Reports arrive at random moments, ~50 a second: busy for a city, yet the worker
            # is idle when each one lands, which is what this measures.
            time.sleep(rng.uniform(0, 0.04))
        deadline = time.monotonic() + 60
        while len(first_call) < REPORTS and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        db.dispose()
    if len(first_call) < REPORTS:
        raise RuntimeError(f"only {len(first_call)} of {REPORTS} alerts reached the sender")
    return [first_call[key] - committed[key] for key in committed]


def drain(url: str, go: Any, done: Any) -> None:
    """One worker process: wait for the start signal, deliver until nothing is left."""
    db = Database(url)
    sender = FakeSender(latency=SEND_LATENCY)
    dispatcher = Dispatcher(db, dict.fromkeys(CHANNELS, sender), DatabaseClock(db))
    dispatcher.claim(datetime.now(UTC) - timedelta(days=1))  # warm the pool, claims nothing
    go.wait()
    while dispatcher.run_once():
        pass
    done.put(len(sender.sent))
    db.dispose()


def throughput(url: str, workers: int) -> tuple[int, float]:
    """Return (messages, seconds) for `workers` processes draining THROUGHPUT_ROWS alerts."""
    db = Database(url)
    clear(db)
    at = datetime.now(UTC) - timedelta(seconds=1)
    with db.transaction() as session:
        session.connection().execute(insert(OUTBOX),
                                     [alert(n, at) for n in range(THROUGHPUT_ROWS)])
    context = multiprocessing.get_context("spawn")
    go, done = context.Event(), context.Queue()
    processes = [context.Process(target=drain, args=(url, go, done)) for _ in range(workers)]
    for process in processes:
        process.start()
    time.sleep(3)  # let every process import and connect before the clock starts
    start = time.perf_counter()
    go.set()
    sent = sum(done.get(timeout=600) for _ in processes)
    seconds = time.perf_counter() - start
    for process in processes:
        process.join()
    with db.session() as session:
        delivered = session.scalar(select(func.count()).select_from(OutboxMessage)
                                   .where(OutboxMessage.status == "sent"))
    db.dispose()
    if sent != THROUGHPUT_ROWS or delivered != THROUGHPUT_ROWS:
        raise RuntimeError(f"sent {sent}, recorded {delivered} of {THROUGHPUT_ROWS}")
    return sent, seconds


def latency_row(name: str, latencies: list[float]) -> str:
    """Format one latency line of the table."""
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    verdict = "ok" if p99 <= 1000 else "MISSED"
    return f"| {name:<24} | {len(ordered):>7} | {p50:>8.1f} | {p99:>8.1f} | {verdict:<6} |"


def main() -> None:
    """Run both measurements and print the tables."""
    from tests.pgcluster import ThrowawayPostgres

    poll = Settings().worker_poll_seconds
    print(f"(a) report commit → sender's first call, idle worker polling every {poll} s")
    print("| backend                  | reports |  p50 ms  |  p99 ms  | ≤ 1 s  |")
    print("|--------------------------|---------|----------|----------|--------|")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        print(latency_row("SQLite (file, WAL)", latency(url)), flush=True)
    given = os.environ.get("SINJALIZO_BENCH_POSTGRES_URL")
    cluster = None if given else ThrowawayPostgres()
    try:
        url = given or cluster.start()  # type: ignore[union-attr]
        print(latency_row("PostgreSQL (loopback)", latency(url)), flush=True)
        print()
        print(f"(b) dispatch throughput on PostgreSQL, fake sender {SEND_LATENCY * 1000:.0f} ms "
              "per message, worker processes")
        print("| workers | messages | seconds |  msg/s  | vs 1 worker |")
        print("|---------|----------|---------|---------|-------------|")
        rates: dict[int, float] = {}
        for workers in (1, 2):
            count, seconds = throughput(url, workers)
            rates[workers] = count / seconds
            print(f"| {workers:>7} | {count:>8} | {seconds:>7.2f} | {rates[workers]:>7.1f} | "
                  f"{rates[workers] / rates[1]:>10.2f}× |", flush=True)
        verdict = "ok" if rates[2] / rates[1] >= 1.8 else "MISSED"
        print(f"\n2 workers / 1 worker = {rates[2] / rates[1]:.2f} (goal ≥ 1.8: {verdict})")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
