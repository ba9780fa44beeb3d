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
import time
from pathlib import Path

# The script's own folder would come first on the path, and this file would then shadow the
# `telegram` package: put the project root there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench.sms import (  # noqa: E402
    ROUNDS,
    SENDERS,
    TOKEN,
    Post,
    drive,
    median,
    postgres_database,
    prepare,
    seed,
)
from bot.webhook import SECRET_HEADER  # noqa: E402
from tests.fake_telegram import TOKEN as BOT_TOKEN  # noqa: E402
from tests.fake_telegram import fake_telegram  # noqa: E402
from tests.test_sms_gunicorn import Gunicorn  # noqa: E402

SECRET = "bench-webhook-secret"
UPDATE_IDS = itertools.count(1)


def telegram_round(number: int) -> list[list[Post]]:
    """Return each person's two Telegram updates for one round: a greeting, a button press."""
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    people = []
    for person in range(SENDERS):
        chat = 700_000_000 + number * 100_000 + person
        user = {"id": chat, "is_bot": False, "first_name": "Bench", "language_code": "sq"}
        where = {"chat": {"id": chat, "type": "private"}, "date": int(time.time())}
        greeting = {"update_id": next(UPDATE_IDS), "message": {
            "message_id": 1, "from": user, "text": "Tung", **where}}
        press = {"update_id": next(UPDATE_IDS), "callback_query": {
            "id": f"cb{chat}", "from": user, "chat_instance": "bench", "data": "o:hazard",
            "message": {"message_id": 2, "text": "…", **where}}}
        people.append([Post("/telegram/webhook", json.dumps(u).encode(), headers)
                       for u in (greeting, press)])
    return people


def backend_rows(name: str, url: str, folder: str, api_base: str) -> list[str]:
    """Benchmark both webhooks on one backend under one gunicorn; return the table rows."""
    seed(url)
    server = Gunicorn({"DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN,
                       "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_API_BASE": api_base,
                       "TELEGRAM_WEBHOOK_SECRET": SECRET, "SINJALIZO_INSTANCE": folder}).start()
    try:
        drive(server.base, prepare(server.base, "/sms/inbound", 9)[:40])  # warm both workers
        drive(server.base, telegram_round(9)[:40])
        sms, telegram = [], []
        for number in range(ROUNDS):
            sms.append(drive(server.base, prepare(server.base, "/sms/inbound", number)))
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
