"""SMS benchmark: (a) the webhook under gunicorn against a bare endpoint, (b) segments per report.

(a) gunicorn with 2 sync workers, 8 client threads over keep-alive HTTP. /sms/inbound gets
signed messages from many different senders, each sending the greeting and then a menu
number; /bench/bare (SINJALIZO_BENCH_ENDPOINT=1) does one insert and one commit. Both are
measured in the same run, in alternating rounds, on SQLite (a file) and PostgreSQL (a
throwaway cluster, or SINJALIZO_BENCH_POSTGRES_URL). Goals: ratio >= 0.5, p99 <= 100 ms.
(b) SMS segments of whole reports, as sms/render.py shapes them: the one-shot dropout must be
1 in + 1 out; the guided dropout and child-at-risk totals are reported; UCS-2 parts must be 0.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from handlers.types import Inbound  # noqa: E402
from locales import Catalogs  # noqa: E402
from models.db import Database  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from service.conversation import Conversations  # noqa: E402
from service.places import PlaceIndex  # noqa: E402
from sms.gsm import is_gsm7, segments  # noqa: E402
from sms.render import sms_messages  # noqa: E402
from tests.test_sms_gunicorn import Gunicorn  # noqa: E402

TOKEN = "bench-auth-token"
SENDERS = 300  # each sends two messages per round: the greeting, then a menu number
CONCURRENCY = 8
ROUNDS = 3  # rounds alternate bare and webhook; each row shows the median round
ONE_SHOT = ["BRAKTISJE 7A AK 12"]
GUIDED_DROPOUT = ["menu", "3", "1", "7A", "AK", "12", "5", "po"]
CHILD_AT_RISK = ["menu", "2", "PO", "1", "2", "3", "prishtinë", "Fqinji e rrah djalin çdo natë",
                 "2", "po"]


@dataclass(frozen=True)
class Post:
    """One prepared POST: path, body and headers (the SMS ones carry a Twilio signature)."""

    path: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Run:
    """The outcome of one round: requests, seconds, each request's latency."""

    count: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        """Return requests per second."""
        return self.count / self.seconds

    def percentile(self, share: float) -> float:
        """Return a latency percentile in milliseconds."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def prepare(base: str, path: str, round_number: int) -> list[list[Post]]:
    """Return each sender's signed messages for one round, in the order they are sent."""
    validator = RequestValidator(TOKEN)
    conversations = []
    for person in range(SENDERS):
        phone = f"+38344{round_number}{person:05d}"
        posts = []
        for body in ("Tung", "1"):
            form = {"MessageSid": f"SM{uuid.uuid4().hex}", "AccountSid": "AC" + "0" * 32,
                    "From": phone, "To": "+38349000000", "Body": body, "NumMedia": "0"}
            posts.append(Post(path, urlencode(form).encode(), {
                "X-Twilio-Signature": validator.compute_signature(base + path, form),
                "Content-Type": "application/x-www-form-urlencoded"}))
        conversations.append(posts)
    return conversations


def drive(base: str, conversations: list[list[Post]]) -> Run:
    """Send every conversation in order through 8 keep-alive clients; return the timings."""
    local = threading.local()
    latencies: list[float] = []
    lock = threading.Lock()

    def talk(posts: list[Post]) -> None:
        """Send one sender's messages in order on this thread's connection."""
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        for post in posts:
            began = time.perf_counter()
            response = session.post(base + post.path, data=post.body, headers=post.headers,
                                    timeout=60)
            took = time.perf_counter() - began
            if response.status_code != 200:
                raise RuntimeError(f"{post.path}: HTTP {response.status_code}")
            with lock:
                latencies.append(took)

    start = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(talk, conversations))
    return Run(len(latencies), time.perf_counter() - start, latencies)


def median(runs: Sequence[Run]) -> Run:
    """Return the median round by throughput."""
    return sorted(runs, key=lambda run: run.rate)[len(runs) // 2]


def seed(url: str) -> None:
    """Migrate and seed a database with the municipalities and the demo set."""
    from models.seed import seed_demo, seed_municipalities

    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        seed_municipalities(session)
        seed_demo(session)
    db.dispose()


def webhook_rows(name: str, url: str, folder: str) -> list[str]:
    """Benchmark one backend under gunicorn; return the table rows."""
    seed(url)
    server = Gunicorn({"DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN,
                       "SINJALIZO_BENCH_ENDPOINT": "1", "SINJALIZO_INSTANCE": folder}).start()
    try:
        drive(server.base, prepare(server.base, "/bench/bare", 9)[:40])  # warm both workers
        drive(server.base, prepare(server.base, "/sms/inbound", 8)[:40])
        bare, hook = [], []
        for number in range(ROUNDS):
            bare.append(drive(server.base, prepare(server.base, "/bench/bare", number)))
            hook.append(drive(server.base, prepare(server.base, "/sms/inbound", number)))
    finally:
        server.stop()
    b, h = median(bare), median(hook)
    verdict = "ok" if h.rate / b.rate >= 0.5 and h.percentile(0.99) <= 100 else "MISSED"
    return [f"| {name:<10} | bare insert+commit | {b.count:>5} | {b.rate:>7.0f} | "
            f"{b.percentile(0.5):>6.1f} | {b.percentile(0.99):>6.1f} |       |",
            f"| {name:<10} | /sms/inbound       | {h.count:>5} | {h.rate:>7.0f} | "
            f"{h.percentile(0.5):>6.1f} | {h.percentile(0.99):>6.1f} | {h.rate / b.rate:>5.2f} | "
            f"{verdict}"]


def postgres_database(server_url: str) -> str:
    """Create a fresh database on the server for the benchmark and return its URL."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "sinjalizo_bench_sms"'))
        conn.execute(text('CREATE DATABASE "sinjalizo_bench_sms"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/sinjalizo_bench_sms"


def part_a() -> None:
    """Print the webhook table for SQLite and PostgreSQL."""
    from tests.pgcluster import ThrowawayPostgres

    print("| backend    | endpoint           |  reqs |  req/s | p50 ms | p99 ms | ratio |")
    print("|------------|--------------------|-------|--------|--------|--------|-------|")
    with tempfile.TemporaryDirectory() as folder:
        for line in webhook_rows("SQLite", f"sqlite:///{folder}/bench.sqlite3", folder):
            print(line, flush=True)
        given = os.environ.get("SINJALIZO_BENCH_POSTGRES_URL")
        cluster = None if given else ThrowawayPostgres()
        try:
            server_url = given or cluster.start()  # type: ignore[union-attr]
            for line in webhook_rows("PostgreSQL", postgres_database(server_url), folder):
                print(line, flush=True)
        finally:
            if cluster is not None:
                cluster.stop()


def count_segments(service: Conversations, phone: str, script: list[str],
                   at: datetime) -> tuple[int, int, int, int, str]:
    """Play a script; return inbound segments, outbound SMS, outbound segments, UCS-2 parts."""
    inbound = outbound_sms = outbound = ucs2 = 0
    filed = ""
    for said in script:
        at += timedelta(seconds=20)
        inbound += segments(said)
        turn = service.handle(Inbound("sms", phone, at, said), f"SM{uuid.uuid4().hex}")
        filed = filed or ",".join(turn.filed)
        for body in sms_messages(turn.replies, True):
            outbound_sms += 1
            outbound += segments(body)
            ucs2 += 0 if is_gsm7(body) else segments(body)
    return inbound, outbound_sms, outbound, ucs2, filed


def part_b() -> None:
    """Print the SMS segments of each report flow, with transliteration on."""
    from models import Teacher

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/segments.sqlite3"
        seed(url)
        db = Database(url)
        with db.session() as session:
            teacher = session.scalars(select(Teacher.phone).order_by(Teacher.id)).first()
        assert teacher, "the demo seed has teachers"
        service = Conversations(db, Catalogs.load(), PlaceIndex())
        at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        print("| flow                 | in | out SMS | out seg | total | UCS-2 | filed    |")
        print("|----------------------|----|---------|---------|-------|-------|----------|")
        for name, phone, script in (("one-shot dropout", teacher, ONE_SHOT),
                                    ("guided dropout", teacher, GUIDED_DROPOUT),
                                    ("child at risk", "+38349555001", CHILD_AT_RISK)):
            at += timedelta(hours=2)  # past the idle timeout: every flow starts fresh
            inbound, sms, out, ucs2, filed = count_segments(service, phone, script, at)
            print(f"| {name:<20} | {inbound:>2} | {sms:>7} | {out:>7} | {inbound + out:>5} | "
                  f"{ucs2:>5} | {filed or 'NOTHING':<8} |", flush=True)
        db.dispose()


def main() -> None:
    """Run both parts and print their tables."""
    part_b()
    print()
    part_a()


if __name__ == "__main__":
    main()
