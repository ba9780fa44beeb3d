"""The Telegram sender: buttons and photos on alerts, and every Bot API failure as a value."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from alerts.senders import OutgoingMessage, Permanent, RetryLater, Sent
from bot.sender import TelegramSender
from locales import Catalogs
from models import Attachment, Contact, Report
from models.db import Database
from sinjalizo.senders import senders_for
from sinjalizo.settings import Settings
from tests.fake_telegram_api import TOKEN, FakeBotApi, error, running

CHAT = "424242"


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    """Yield a running fake Bot API."""
    with running() as api:
        yield api


def sender_for(base: str, db: Database, catalogs: Catalogs) -> TelegramSender:
    """Return a sender talking to `base` as the fake's bot."""
    settings = Settings(telegram_bot_token=TOKEN, telegram_api_base=base)
    return TelegramSender(settings, db, catalogs=catalogs, timeout=2.0)


def alert(reference: str = "R-7K3M9Q", language: str = "sq", purpose: str = "alert",
          text: str | None = None, **extra: Any) -> OutgoingMessage:
    """Return an alert for the chat."""
    return OutgoingMessage(outbox_id=1, purpose=purpose, channel="telegram", address=CHAT,
                           language=language, text=text or "New report " + reference,
                           payload={"event": "new_report", "reference": reference, **extra})


def test_alert_carries_the_focal_actions_buttons(fake: FakeBotApi, db: Database,
                                                 catalogs: Catalogs) -> None:
    """An alert goes out as one message with Pranoj / Në proces / Zgjidhur, then "ask"."""
    result = sender_for(fake.base, db, catalogs).send(alert())
    assert result == Sent(provider_id="101")
    [(method, fields)] = fake.calls
    assert method == "sendMessage" and fields["chat_id"] == CHAT
    [row, ask] = fields["reply_markup"]["inline_keyboard"]
    assert [(b["text"], b["callback_data"]) for b in row] == [
        ("Pranoj", "ack:R-7K3M9Q"), ("Në proces", "proc:R-7K3M9Q"), ("Zgjidhur", "done:R-7K3M9Q")]
    assert [b["callback_data"] for b in ask] == ["ask:R-7K3M9Q"]


def test_buttons_speak_the_contact_points_language(fake: FakeBotApi, db: Database,
                                                  catalogs: Catalogs) -> None:
    """A Serbian-speaking contact point gets Serbian buttons."""
    sender_for(fake.base, db, catalogs).send(alert(language="sr"))
    [(_, fields)] = fake.calls
    assert fields["reply_markup"]["inline_keyboard"][0][0]["text"] == "Prihvatam"


def test_reporter_update_has_no_buttons(fake: FakeBotApi, db: Database,
                                        catalogs: Catalogs) -> None:
    """A reporter's update is plain text."""
    result = sender_for(fake.base, db, catalogs).send(alert(purpose="reporter_update"))
    assert isinstance(result, Sent)
    [(_, fields)] = fake.calls
    assert "reply_markup" not in fields


def photo_report(db: Database, reference: str, *file_ids: str) -> None:
    """Store a Telegram hazard report with photos."""
    with db.transaction() as session:
        report = Report(reference=reference, kind="hazard", category="open_pit",
                        channel="telegram")
        session.add(report)
        session.flush()
        session.add_all([Attachment(report_id=report.id, channel="telegram", file_id=file_id)
                         for file_id in file_ids])


def test_photo_report_sends_one_photo_with_the_alert_as_caption(
        fake: FakeBotApi, db: Database, catalogs: Catalogs) -> None:
    """A report with photos: the first photo, captioned with the alert and its buttons."""
    photo_report(db, "R-PH0T0A", "first", "second")
    result = sender_for(fake.base, db, catalogs).send(alert("R-PH0T0A"))
    assert fake.methods() == ["sendPhoto"]
    [(_, fields)] = fake.calls
    assert fields["photo"] == "first" and "R-PH0T0A" in fields["caption"]
    assert fields["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ack:R-PH0T0A"
    assert result == Sent(provider_id="101")


def test_a_failed_photo_alert_is_retried_whole(fake: FakeBotApi, db: Database,
                                               catalogs: Catalogs) -> None:
    """A 5xx on the photo alert sends nothing else, so the retry cannot send a photo twice."""
    photo_report(db, "R-PH0T0C", "first")
    fake.script.append(error(502, "Bad Gateway"))
    sender = sender_for(fake.base, db, catalogs)
    assert isinstance(sender.send(alert("R-PH0T0C")), RetryLater)
    assert isinstance(sender.send(alert("R-PH0T0C")), Sent)
    assert fake.methods() == ["sendPhoto", "sendPhoto"]


def test_a_long_alert_goes_first_and_its_photo_follows(fake: FakeBotApi, db: Database,
                                                      catalogs: Catalogs) -> None:
    """Text beyond a caption's 1,024 characters: the alert, then the photo as its reply."""
    photo_report(db, "R-PH0T0D", "first")
    long_alert = alert("R-PH0T0D", text="Raportim i ri. " + "x" * 1200)
    fake.script.extend([None, error(429, "Too Many Requests", retry_after=3)])
    result = sender_for(fake.base, db, catalogs).send(long_alert)
    assert fake.methods() == ["sendMessage", "sendPhoto"]
    assert fake.calls[1][1]["reply_parameters"]["message_id"] == 101
    assert result == Sent(provider_id="101")  # a lost photo does not resend the alert


def test_a_stale_photo_does_not_hold_the_alert(fake: FakeBotApi, db: Database,
                                              catalogs: Catalogs) -> None:
    """A photo Telegram rejects is skipped; the alert itself still goes."""
    photo_report(db, "R-PH0T0B", "gone")
    fake.script.append(error(400, "Bad Request: wrong file identifier"))
    result = sender_for(fake.base, db, catalogs).send(alert("R-PH0T0B"))
    assert isinstance(result, Sent)
    assert fake.methods() == ["sendPhoto", "sendMessage"]
    assert "reply_markup" in fake.calls[1][1]


def test_flood_control_waits_as_told(fake: FakeBotApi, db: Database,
                                    catalogs: Catalogs) -> None:
    """A 429 comes back as RetryLater with Telegram's retry_after, pausing the whole bot."""
    fake.script.append(error(429, "Too Many Requests: retry after 7", retry_after=7))
    sender = sender_for(fake.base, db, catalogs)
    result = sender.send(alert())
    assert isinstance(result, RetryLater) and result.retry_after == 7
    assert result.pause == "telegram:123456"
    assert [limit.key for limit in sender.limits(alert())] == [
        "telegram:123456", f"telegram:123456:chat:{CHAT}"]


def test_server_errors_and_network_are_retried(fake: FakeBotApi, db: Database,
                                              catalogs: Catalogs) -> None:
    """A 5xx and an unreachable API are passing failures."""
    fake.script.append(error(502, "Bad Gateway"))
    assert isinstance(sender_for(fake.base, db, catalogs).send(alert()), RetryLater)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = sender_for(f"http://127.0.0.1:{port}/bot", db, catalogs)
    assert isinstance(closed.send(alert()), RetryLater)


def test_blocked_bot_stops_the_chat(fake: FakeBotApi, db: Database,
                                   catalogs: Catalogs) -> None:
    """A 403 is permanent, opted out, and the chat's contact is marked stopped."""
    fake.script.append(error(403, "Forbidden: bot was blocked by the user"))
    result = sender_for(fake.base, db, catalogs).send(alert())
    assert isinstance(result, Permanent) and result.opted_out
    with db.session() as session:
        contact = session.scalar(select(Contact).where(Contact.channel == "telegram",
                                                       Contact.address == CHAT))
        assert contact is not None and contact.opted_out


def test_unknown_chat_is_permanent(fake: FakeBotApi, db: Database,
                                  catalogs: Catalogs) -> None:
    """A 400 "chat not found" is permanent but no opt-out."""
    fake.script.append(error(400, "Bad Request: chat not found"))
    result = sender_for(fake.base, db, catalogs).send(alert())
    assert isinstance(result, Permanent) and not result.opted_out
    assert "chat not found" in result.error


def test_senders_for_uses_telegram_once_configured() -> None:
    """With a bot token the telegram channel gets the real sender."""
    assert isinstance(senders_for(Settings(telegram_bot_token=TOKEN))["telegram"],
                      TelegramSender)
    assert not isinstance(senders_for(Settings())["telegram"], TelegramSender)
