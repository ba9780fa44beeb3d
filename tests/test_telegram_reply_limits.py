"""Replies to people on Telegram count in the bot's shared limits and respect its pauses."""

from __future__ import annotations

import asyncio
import time

from flask.testing import FlaskClient
from sqlalchemy import select, update
from telegram import Bot

from alerts.limits import SharedLimits
from bot.app import make_call
from bot.limits import bot_key
from bot.updates import Call
from bot.webhook import SECRET_HEADER
from models import RateBucket
from models.db import Database
from tests.conftest import TELEGRAM_SECRET
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.test_telegram import CHAT, Updates, post

BOT = bot_key(TOKEN)


def buckets(db: Database) -> dict[str, float]:
    """Return each bucket's pause end, by key."""
    with db.session() as session:
        return dict(session.execute(select(RateBucket.key, RateBucket.paused_until)).all())


def unpause(db: Database) -> None:
    """End every pause at once, as time passing would."""
    with db.transaction() as session:
        session.execute(update(RateBucket).values(paused_until=0.0))


def test_a_reply_takes_its_slot_in_the_bots_and_the_chats_buckets(
        tg: FlaskClient, fake: FakeTelegram, demo_db: Database) -> None:
    """The webhook's replies count, so the worker leaves room for them."""
    assert post(tg, Updates().of("/start")) == 200
    assert fake.sent()
    assert set(buckets(demo_db)) == {BOT, f"{BOT}:chat:{CHAT}"}


def test_while_the_bot_is_paused_telegram_is_asked_to_deliver_again(
        tg: FlaskClient, fake: FakeTelegram, demo_db: Database) -> None:
    """A paused bot answers 503 and sends nothing; the redelivery gets the same reply once."""
    SharedLimits(demo_db).pause(BOT, 30)
    update_ = Updates().of("/start")
    response = tg.post("/telegram/webhook", json=update_,
                       headers={SECRET_HEADER: TELEGRAM_SECRET})
    assert response.status_code == 503
    assert 29 <= int(response.headers["Retry-After"]) <= 31
    assert fake.sent() == []
    unpause(demo_db)
    assert post(tg, update_) == 200
    assert len(fake.sent()) == 1


def test_flood_control_on_a_reply_pauses_the_whole_bot(
        tg: FlaskClient, fake: FakeTelegram, demo_db: Database) -> None:
    """Telegram's 429 on a reply pauses the bot for every process; Telegram retries the update."""
    fake.floods.append(7)
    update_ = Updates().of("/start")
    assert post(tg, update_) == 502
    assert 5 <= SharedLimits(demo_db).paused_for(BOT) <= 7
    unpause(demo_db)
    assert post(tg, update_) == 200
    assert len(fake.sent()) == 1


def test_polling_replies_wait_out_a_pause_and_record_flood_control(
        fake: FakeTelegram, demo_db: Database) -> None:
    """Polling cannot ask again: its reply waits for the pause to end, then goes."""
    limits = SharedLimits(demo_db)
    call = Call("sendMessage", {"chat_id": CHAT, "text": "Mirë se erdhët"})

    async def reply() -> float:
        """Make the call with a bot on the fake; return when it was answered."""
        async with Bot(TOKEN, base_url=fake.base_url) as bot:
            await make_call(bot, call, limits)
            return time.monotonic()

    # Measured from the pause itself, so a slow start of the bot on a busy machine cannot
    # eat into the wait and make the reply look early.
    paused = time.monotonic()
    limits.pause(BOT, 1)
    assert asyncio.run(reply()) - paused >= 0.9
    assert len(fake.sent()) == 1
    fake.floods.append(9)
    asyncio.run(reply())
    assert 7 <= limits.paused_for(BOT) <= 9
