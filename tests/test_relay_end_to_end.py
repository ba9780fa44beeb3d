"""The relay end to end: Telegram's webhook and Twilio's, the worker, both channels' fakes.

An anonymous Telegram reporter and an SMS reporter are each asked a question by the focal
point holding their hazard (from the alert's button, and by SMS), answer it from their own
chat or phone, and the answer reaches the report's timeline and the focal point's chat.
Nothing the focal point receives carries the reporter's chat id or number.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from alerts.worker import Worker, standard_worker
from handlers.relay_texts import (
    ANSWER_PASSED,
    ASK_OPTED_OUT,
    ASK_PROMPT,
    ASK_SENT,
    QUESTION_NEXT,
)
from locales import Catalogs
from models import ContactPoint, OutboxMessage, Report, ReportEvent
from models.db import Database, get_db
from sinjalizo.senders import senders_for
from sinjalizo.settings import Settings
from sms.gsm import is_gsm7, segments
from tests.conftest import TELEGRAM_SECRET
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM, FakeTwilio, running_fake
from tests.test_dialogs import HAZARD_BY_SMS
from tests.test_focal_points import phone_of
from tests.test_sms_webhook import PUBLIC, STOPPED, SmsActions
from tests.test_sms_webhook import TOKEN as SMS_TOKEN
from tests.test_telegram import HAZARD_BY_TELEGRAM, Updates, expects, play_webhook, post

HOLDER = "Demo: Drenas public services"
HOLDER_CHAT = 7501
TELEGRAM_REPORTER = 5550301
SMS_REPORTER = "+38344999401"
QUESTION = "Në cilën anë të rrugës është gropa, afër shkollës apo xhamisë?"
REFERENCE = re.compile(r"R-[0-9A-Z]{6}")


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """Yield a fake Twilio REST API."""
    with running_fake() as server:
        yield server


@pytest.fixture
def both_app(demo_db: Database, database_url: str, fake: FakeTelegram) -> Iterator[Flask]:
    """Yield the web app with Telegram's and Twilio's webhooks configured."""
    from web import create_app

    application = create_app({
        "DATABASE_URL": database_url, "TESTING": True, "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": fake.base_url, "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TWILIO_AUTH_TOKEN": SMS_TOKEN, "PUBLIC_BASE_URL": PUBLIC})
    yield application
    get_db(application).dispose()


@dataclass
class Channels:
    """Both webhooks, the worker delivering through both fakes, and what each fake got."""

    client: FlaskClient
    sms: SmsActions
    telegram: FakeTelegram
    twilio: FakeTwilio
    worker: Worker
    catalogs: Catalogs

    def deliver(self) -> None:
        """Let the worker send everything due, as it would within a few seconds.

        A message to a chat the bot has just answered waits its second (Telegram's limit of
        one a second in a chat, which the webhook's replies count in): wait for it too.
        """
        dispatcher = self.worker.dispatcher
        for _ in range(20):
            while dispatcher.run_once():
                pass
            now = dispatcher.clock.now()
            with dispatcher.db.session() as session:
                soonest = session.scalar(select(func.min(OutboxMessage.due_at)).where(
                    OutboxMessage.status == "pending",
                    OutboxMessage.due_at <= now + timedelta(seconds=3)))
            if soonest is None:
                return
            time.sleep(max(0.05, (soonest - now).total_seconds()))

    def to_chat(self, chat: int) -> list[str]:
        """Return the texts sent to a Telegram chat, in order."""
        return [m["text"] for m in self.telegram.sent() if m["chat_id"] == str(chat)]

    def press(self, chat: int, data: str) -> None:
        """Press an alert's button in a chat, through the webhook."""
        update = {"update_id": 880_000 + len(self.telegram.calls), "callback_query": {
            "id": f"cb{len(self.telegram.calls)}", "chat_instance": "ci", "data": data,
            "from": {"id": chat, "is_bot": False, "first_name": "Fokal", "language_code": "sq"},
            "message": {"message_id": 77, "date": 0, "text": "Sinjalizim",
                        "chat": {"id": chat, "type": "private"}}}}
        assert post(self.client, update) == 200


@pytest.fixture
def channels(both_app: Flask, fake: FakeTelegram, twilio: FakeTwilio, demo_db: Database,
             database_url: str, catalogs: Catalogs) -> Channels:
    """Return both channels, with the Drenas holder reachable on Telegram."""
    with demo_db.transaction() as session:
        session.execute(update(ContactPoint).where(ContactPoint.name == HOLDER)
                        .values(telegram_chat_id=str(HOLDER_CHAT)))
    settings = Settings(database_url=database_url, telegram_bot_token=TOKEN,
                        telegram_api_base=fake.base_url, twilio_account_sid=ACCOUNT_SID,
                        twilio_auth_token=AUTH_TOKEN, twilio_from=FROM,
                        twilio_api_base=twilio.base, public_base_url=PUBLIC)
    client = both_app.test_client()
    return Channels(client, SmsActions(client, catalogs), fake, twilio,
                    standard_worker(settings, demo_db, catalogs=catalogs,
                                    senders=senders_for(settings, demo_db)), catalogs)


def timeline(db: Database, reference: str) -> list[tuple[str, str, str]]:
    """Return a report's question and answer events: (kind, actor, note)."""
    with db.session() as session:
        return [(e.kind, e.actor, e.note) for e in session.scalars(
            select(ReportEvent).join(Report).where(
                Report.reference == reference, ReportEvent.kind.in_(("question", "answer")))
            .order_by(ReportEvent.id))]


def test_anonymous_telegram_reporter_asked_from_the_alert(channels: Channels,
                                                          demo_db: Database) -> None:
    """Button, prompt, question, relay, answer, forward: never the reporter's chat id."""
    reporter = Updates(chat=TELEGRAM_REPORTER, first_id=70_000)
    texts = play_webhook(channels.client, channels.telegram, channels.catalogs,
                         HAZARD_BY_TELEGRAM, reporter)
    reference = REFERENCE.findall(texts[-1])[-1]
    with demo_db.session() as session:  # a hazard is always reported anonymously
        assert session.scalars(select(Report.anonymous).where(
            Report.reference == reference)).one()
    channels.deliver()  # the alert, its photo captioned, with its buttons, to the holder
    [alert] = [m for m in channels.telegram.sent("sendPhoto")
               if m["chat_id"] == str(HOLDER_CHAT)]
    ask = [b["callback_data"] for row in alert["reply_markup"]["inline_keyboard"] for b in row]
    assert f"ask:{reference}" in ask

    channels.press(HOLDER_CHAT, f"ask:{reference}")
    prompt = channels.to_chat(HOLDER_CHAT)[-1]
    assert expects(channels.catalogs, prompt, ASK_PROMPT.msgid)
    holder = Updates(chat=HOLDER_CHAT, first_id=71_000)
    assert post(channels.client, holder.of(QUESTION)) == 200
    assert expects(channels.catalogs, channels.to_chat(HOLDER_CHAT)[-1], ASK_SENT.msgid)

    channels.deliver()
    question = channels.to_chat(TELEGRAM_REPORTER)[-1]
    assert QUESTION in question and expects(channels.catalogs, question, QUESTION_NEXT.msgid)
    assert str(HOLDER_CHAT) not in question and phone_of(demo_db, HOLDER) not in question
    assert post(channels.client, reporter.of("Në anën e shkollës, te porta")) == 200
    assert expects(channels.catalogs, channels.to_chat(TELEGRAM_REPORTER)[-1],
                   ANSWER_PASSED.msgid)

    channels.deliver()
    forwarded = channels.to_chat(HOLDER_CHAT)[-1]
    assert "Në anën e shkollës, te porta" in forwarded and QUESTION in forwarded
    assert str(TELEGRAM_REPORTER) not in forwarded
    assert timeline(demo_db, reference) == [
        ("question", f"contact_point:{holder_id(demo_db)}", QUESTION),
        ("answer", "reporter", "Në anën e shkollës, te porta")]


def test_sms_reporter_asked_by_sms(channels: Channels, demo_db: Database) -> None:
    """PYET by SMS, the question by Twilio in GSM-7, the answer by SMS, forwarded by Telegram."""
    channels.sms.replay(HAZARD_BY_SMS, SMS_REPORTER)
    reference = REFERENCE.findall("\n".join(channels.sms.sent[-1]))[-1]
    holder_phone = phone_of(demo_db, HOLDER)
    [answer] = [channels.sms.replay([(f"PYET {reference} {QUESTION}", ASK_SENT.msgid)],
                                    holder_phone)]
    assert reference in answer[0]

    channels.deliver()
    [question] = [m for m in channels.twilio.messages if m["To"] == SMS_REPORTER]
    body = question["Body"]
    assert is_gsm7(body) and segments(body) <= 2 and "gropa" in body
    assert holder_phone not in body and question["From"] == FROM
    channels.sms.replay([("Afer shkolles, ne anen e majte", ANSWER_PASSED.msgid)], SMS_REPORTER)

    channels.deliver()
    forwarded: list[dict[str, Any]] = [m for m in channels.telegram.sent()
                                       if m["chat_id"] == str(HOLDER_CHAT)]
    assert "Afer shkolles, ne anen e majte" in forwarded[-1]["text"]
    assert SMS_REPORTER not in forwarded[-1]["text"]
    assert SMS_REPORTER not in "".join(m.get("Body", "") for m in channels.twilio.messages
                                       if m["To"] != SMS_REPORTER)
    assert [kind for kind, _actor, _note in timeline(demo_db, reference)] == [
        "question", "answer"]


def holder_id(db: Database) -> int:
    """Return the Drenas holder's contact point id."""
    with db.session() as session:
        return int(session.scalars(select(ContactPoint.id).where(
            ContactPoint.name == HOLDER)).one())


def test_stop_ends_the_relay(channels: Channels, demo_db: Database) -> None:
    """STOP after a question: it is never delivered, nothing is passed on, no more questions."""
    channels.sms.replay(HAZARD_BY_SMS, SMS_REPORTER)
    reference = REFERENCE.findall("\n".join(channels.sms.sent[-1]))[-1]
    holder_phone = phone_of(demo_db, HOLDER)
    channels.sms.replay([(f"PITAJ {reference} {QUESTION}", ASK_SENT.msgid)], holder_phone)
    channels.sms.replay([("STOP", STOPPED)], SMS_REPORTER)
    channels.deliver()
    assert not [m for m in channels.twilio.messages if m["To"] == SMS_REPORTER]
    channels.sms.replay([(f"ASK {reference} A është ende aty?", ASK_OPTED_OUT.msgid)],
                        holder_phone)
    assert [kind for kind, _actor, _note in timeline(demo_db, reference)] == ["question"]

