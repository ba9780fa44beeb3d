"""Telegram benchmark: /telegram/webhook under gunicorn, against /sms/inbound in the same run.

gunicorn with 2 sync workers, 8 client threads over keep-alive HTTP, on SQLite (a file) and
PostgreSQL (a throwaway cluster, or SINJALIZO_BENCH_POSTGRES_URL). Each of 300 new people
per round sends the greeting and then a menu choice, the same two engine turns on both
channels: by SMS the signed form "Tung" then "1"; by Telegram the update "Tung" then a press
of the menu's "hazard" button, which the webhook answers with answerCallbackQuery and
sendMessage to a local fake of the Bot API (in this process). Rounds alternate SMS and
Telegram; each row shows the median round. The ratio is Telegram's rate over SMS's.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

# The script's own folder would come first on the path, and this file would then shadow the
# `telegram` package: put the project root there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])

import requests  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from bench.sms import Run, median, postgres_database, seed  # noqa: E402
from bot.webhook import SECRET_HEADER  # noqa: E402
from tests.fake_telegram import TOKEN as BOT_TOKEN  # noqa: E402
from tests.fake_telegram import fake_telegram  # noqa: E402
from tests.test_sms_gunicorn import Gunicorn  # noqa: E402

TWILIO_TOKEN = "bench-auth-token"
SECRET = "bench-webhook-secret"
PEOPLE = 300
CONCURRENCY = 8
ROUNDS = 3
UPDATE_IDS = itertools.count(1)


@dataclass(frozen=True)
class Request:
    """One prepared POST: path, body, content type and headers."""

    path: str
    body: bytes
    headers: dict[str, str]


def sms_round(base: str, number: int) -> list[list[Request]]:
    """Return each person's two signed SMS webhooks for one round."""
    validator = RequestValidator(TWILIO_TOKEN)
    people = []
    for person in range(PEOPLE):
        phone = f"+38345{number}{person:05d}"
        posts = []
        for body in ("Tung", "1"):
            form = {"MessageSid": f"SM{uuid.uuid4().hex}", "AccountSid": "AC" + "0" * 32,
                    "From": phone, "To": "+38349000000", "Body": body, "NumMedia": "0"}
            signature = validator.compute_signature(base + "/sms/inbound", form)
            posts.append(Request("/sms/inbound", urlencode(form).encode(),
                                 {"X-Twilio-Signature": signature,
                                  "Content-Type": "application/x-www-form-urlencoded"}))
        people.append(posts)
    return people


def telegram_round(number: int) -> list[list[Request]]:
    """Return each person's two Telegram updates for one round: a greeting, a button press."""
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    people = []
    for person in range(PEOPLE):
        chat = 700_000_000 + number * 100_000 + person
        user = {"id": chat, "is_bot": False, "first_name": "Bench", "language_code": "sq"}
        where = {"chat": {"id": chat, "type": "private"}, "date": int(time.time())}
        greeting = {"update_id": next(UPDATE_IDS), "message": {
            "message_id": 1, "from": user, "text": "Tung", **where}}
        press = {"update_id": next(UPDATE_IDS), "callback_query": {
            "id": f"cb{chat}", "from": user, "chat_instance": "bench", "data": "o:hazard",
            "message": {"message_id": 2, "text": "…", **where}}}
        people.append([Request("/telegram/webhook", json.dumps(u).encode(), headers)
                       for u in (greeting, press)])
    return people


def drive(base: str, people: list[list[Request]]) -> Run:
    """Send every person's requests in order through 8 keep-alive clients; time each."""
    local = threading.local()
    latencies: list[float] = []
    lock = threading.Lock()

    def talk(posts: list[Request]) -> None:
        """Send one person's requests on this thread's connection."""
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
        list(pool.map(talk, people))
    return Run(len(latencies), time.perf_counter() - start, latencies)


def backend_rows(name: str, url: str, folder: str, api_base: str) -> list[str]:
    """Benchmark both webhooks on one backend under one gunicorn; return the table rows."""
    seed(url)
    server = Gunicorn({"DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
                       "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_API_BASE": api_base,
                       "TELEGRAM_WEBHOOK_SECRET": SECRET, "SINJALIZO_INSTANCE": folder}).start()
    try:
        drive(server.base, sms_round(server.base, 9)[:40])  # warm both workers
        drive(server.base, telegram_round(9)[:40])
        sms, telegram = [], []
        for number in range(ROUNDS):
            sms.append(drive(server.base, sms_round(server.base, number)))
            telegram.append(drive(server.base, telegram_round(number)))
    finally:
        server.stop()
    s, t = median(sms), median(telegram)
    return [f"| {name:<10} | /sms/inbound      | {s.count:>5} | {s.rate:>6.0f} | "
            f"{s.percentile(0.5):>6.1f} | {s.percentile(0.99):>6.1f} |       |",
            f"| {name:<10} | /telegram/webhook | {t.count:>5} | {t.rate:>6.0f} | "
            f"{t.percentile(0.5):>6.1f} | {t.percentile(0.99):>6.1f} | {t.rate / s.rate:>5.2f} |"]


def main() -> None:
    """Print the table for SQLite and PostgreSQL."""
    from tests.pgcluster import ThrowawayPostgres

    print("| backend    | endpoint          |  reqs |  req/s | p50 ms | p99 ms | ratio |")
    print("|------------|-------------------|-------|--------|--------|--------|-------|")
    with tempfile.TemporaryDirectory() as folder, fake_telegram() as fake:
        for line in backend_rows("SQLite", f"sqlite:///{folder}/bench.sqlite3", folder,
                                 fake.base_url):
            print(line, flush=True)
        given = os.environ.get("SINJALIZO_BENCH_POSTGRES_URL")
        cluster = None if given else ThrowawayPostgres()
        try:
            server_url = given or cluster.start()  # type: ignore[union-attr]
            for line in backend_rows("PostgreSQL", postgres_database(server_url), folder,
                                     fake.base_url):
                print(line, flush=True)
        finally:
            if cluster is not None:
                cluster.stop()
        sent = len(fake.sent()) + len(fake.sent("answerCallbackQuery"))
        print(f"\nBot API calls the fake received: {sent}")


if __name__ == "__main__":
    main()
