"""Focal points in Telegram: alert buttons and /lidh through the real Application and webhook."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from bot.app import build_application
from bot.callbacks import NOT_FOUND, NOT_UNDERSTOOD, UNCHANGED
from bot.linking import LINKED, REASONS, new_code
from locales import Catalogs
from models import ContactPoint, ConversationSession, LinkCode, Report, ReportEvent
from models.db import Database
from service.conversation import Conversations
from sinjalizo.settings import Settings
from tests.dialog import Chat, references
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.test_dialogs import CHILD_IN_DANGER
from tests.test_telegram import expects, post

ROUTED = "Demo: Prishtinë child protection"
OTHER = "Demo: Prizren child protection"
ROUTED_CHAT, OTHER_CHAT = 7001, 7002
ALERT_TEXT = "SINJALIZIM URGJENT: fëmijë në rrezik, Prishtinë"
IDS = itertools.count(50_000)


def press(chat_id: int, data: str, *, caption: bool = False,
          text: str = ALERT_TEXT) -> dict[str, Any]:
    """Return the update of a button press on an alert message in `chat_id`."""
    update_id = next(IDS)
    body = {"caption": text, "photo": [{"file_id": "p", "file_unique_id": "p", "width": 9,
                                        "height": 9}]} if caption else {"text": text}
    user = {"id": chat_id, "is_bot": False, "first_name": "Fokal", "language_code": "sq"}
    return {"update_id": update_id, "callback_query": {
        "id": f"cb{update_id}", "from": user, "chat_instance": "ci", "data": data,
        "message": {"message_id": 77, "date": int(time.time()), **body,
                    "chat": {"id": chat_id, "type": "private"}}}}


def said(chat_id: int, text: str, update_id: int | None = None) -> dict[str, Any]:
    """Return a text message update from `chat_id`."""
    number = update_id if update_id is not None else next(IDS)
    user = {"id": chat_id, "is_bot": False, "first_name": "Fokal", "language_code": "sq"}
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] \
        if text.startswith("/") else []
    return {"update_id": number, "message": {
        "message_id": number, "date": int(time.time()), "from": user, "text": text,
        "entities": entities, "chat": {"id": chat_id, "type": "private"}}}


def status_and_events(db: Database, reference: str) -> tuple[str, int]:
    """Return the report's status and how many events it has."""
    with db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        count = session.scalar(select(func.count()).select_from(ReportEvent)
                               .where(ReportEvent.report_id == report.id))
        return report.status, int(count or 0)


def code_for(db: Database, name: str = ROUTED, now: datetime | None = None) -> str:
    """Create a link code for a demo contact point."""
    with db.transaction() as session:
        point = session.scalars(select(ContactPoint).where(ContactPoint.name == name)).one()
        return new_code(session, point, now or datetime.now(UTC))


@pytest.fixture
def reference(chat: Callable[..., Chat], demo_db: Database) -> str:
    """File an urgent child report routed to Prishtinë; give both demo points a chat."""
    reporter = chat("sms", "+38349111298")
    reporter.replay(CHILD_IN_DANGER)
    [ref] = references(reporter)
    with demo_db.transaction() as session:
        for name, chat_id in ((ROUTED, ROUTED_CHAT), (OTHER, OTHER_CHAT)):
            session.execute(update(ContactPoint).where(ContactPoint.name == name)
                            .values(telegram_chat_id=str(chat_id)))
    return ref


def answered(catalogs: Catalogs, fake: FakeTelegram, wanted: str, before: int) -> None:
    """Assert that the last answerCallbackQuery since `before` says `wanted`."""
    answers = fake.sent("answerCallbackQuery")[before:]
    assert answers, "the press was not answered"
    assert expects(catalogs, answers[-1]["text"], wanted)


def test_buttons_through_webhook(tg: FlaskClient, fake: FakeTelegram, catalogs: Catalogs,
                                 demo_db: Database, reference: str) -> None:
    """Pranoj edits the alert, keeping its buttons; Zgjidhur removes them; again: no change."""
    assert post(tg, press(ROUTED_CHAT, f"ack:{reference}")) == 200
    [edit] = fake.sent("editMessageText")
    assert edit["chat_id"] == str(ROUTED_CHAT) and edit["message_id"] == 77
    assert edit["text"].startswith(ALERT_TEXT) and ROUTED in edit["text"]
    assert [b["callback_data"] for b in edit["reply_markup"]["inline_keyboard"][0]] == [
        f"ack:{reference}", f"proc:{reference}", f"done:{reference}"]
    assert status_and_events(demo_db, reference)[0] == "acknowledged"

    assert post(tg, press(ROUTED_CHAT, f"done:{reference}", text=edit["text"])) == 200
    last = fake.sent("editMessageText")[-1]
    assert "reply_markup" not in last
    assert last["text"].count("\n\n— ") == 1  # the new line replaced the old one
    settled = status_and_events(demo_db, reference)
    assert settled[0] == "resolved"

    before = len(fake.sent("answerCallbackQuery"))
    assert post(tg, press(ROUTED_CHAT, f"ack:{reference}")) == 200
    answered(catalogs, fake, UNCHANGED.msgid, before)
    assert len(fake.sent("editMessageText")) == 2
    assert status_and_events(demo_db, reference) == settled


def test_photo_alert_edits_its_caption(tg: FlaskClient, fake: FakeTelegram,
                                       reference: str) -> None:
    """An alert sent as a captioned photo is edited with editMessageCaption."""
    assert post(tg, press(ROUTED_CHAT, f"proc:{reference}", caption=True)) == 200
    [edit] = fake.sent("editMessageCaption")
    assert edit["caption"].startswith(ALERT_TEXT) and "reply_markup" in edit
    assert not fake.sent("editMessageText")


@pytest.mark.parametrize("who, data, wanted", [
    (OTHER_CHAT, "ack:{reference}", NOT_FOUND.msgid),  # another municipality's point
    (9999, "done:{reference}", NOT_FOUND.msgid),  # a stranger
    (ROUTED_CHAT, "ack:R-ZZZZZZ", NOT_FOUND.msgid),  # a report that is not theirs
    (ROUTED_CHAT, "done:{reference};DROP", NOT_UNDERSTOOD.msgid),  # tampered
    (ROUTED_CHAT, "x" * 64, NOT_UNDERSTOOD.msgid),
])
def test_presses_that_are_not_theirs(tg: FlaskClient, fake: FakeTelegram, catalogs: Catalogs,
                                     demo_db: Database, reference: str, who: int, data: str,
                                     wanted: str) -> None:
    """A press from the wrong chat, or with forged data, is answered and changes nothing."""
    before = status_and_events(demo_db, reference)
    assert post(tg, press(who, data.format(reference=reference))) == 200
    answered(catalogs, fake, wanted, 0)
    assert not fake.sent("editMessageText") and not fake.sent("sendMessage")
    assert status_and_events(demo_db, reference) == before


def test_link_codes_through_webhook(tg: FlaskClient, fake: FakeTelegram, catalogs: Catalogs,
                                    demo_db: Database) -> None:
    """/lidh links once; Telegram redelivering it is answered alike; reuse and expiry refused."""
    code = code_for(demo_db)
    first = said(8101, f"/lidh {code}")
    assert post(tg, first) == 200
    assert post(tg, first) == 200  # a redelivery
    other = said(8102, f"/lidh@sinjalizo_test_bot {code}")
    assert post(tg, other) == 200
    stale = code_for(demo_db, OTHER, datetime.now(UTC) - timedelta(hours=25))
    assert post(tg, said(8103, f"/lidh {stale}")) == 200
    assert post(tg, said(8104, "/lidh")) == 200
    texts = [m["text"] for m in fake.sent()]
    assert len(texts) == 5
    assert expects(catalogs, texts[0], LINKED.msgid) and ROUTED in texts[0]
    assert texts[1] == texts[0]
    assert expects(catalogs, texts[2], REASONS["used"].msgid)
    assert expects(catalogs, texts[3], REASONS["expired"].msgid)
    with demo_db.session() as session:
        chats = dict(session.execute(select(ContactPoint.name, ContactPoint.telegram_chat_id)
                                     .where(ContactPoint.name.in_((ROUTED, OTHER)))).all())
        assert chats[ROUTED] == "8101" and chats[OTHER] != "8103"
        assert session.scalar(select(func.count()).select_from(LinkCode)
                              .where(LinkCode.used_at.is_not(None))) == 1
        # /lidh is not a conversation: no session was opened for these chats.
        assert not session.scalar(select(func.count()).select_from(ConversationSession))


def test_wrong_chat_and_link_through_polling(conversations: Conversations, fake: FakeTelegram,
                                             catalogs: Catalogs, demo_db: Database,
                                             reference: str) -> None:
    """The real Application: a wrong chat's press is refused, /lidh links, the right chat acts."""
    settings = Settings(telegram_bot_token=TOKEN, telegram_api_base=fake.base_url)
    code = code_for(demo_db, OTHER)
    before = status_and_events(demo_db, reference)
    steps: Sequence[tuple[dict[str, Any], str]] = (
        (press(OTHER_CHAT, f"ack:{reference}"), "answerCallbackQuery"),
        (said(8201, f"/lidh {code}"), "sendMessage"),
        (press(8201, f"ack:{reference}"), "answerCallbackQuery"),
        (press(ROUTED_CHAT, f"ack:{reference}"), "editMessageText"),
    )

    async def run() -> None:
        """Poll the fake, feed each update, wait for its answer."""
        application = build_application(settings, conversations)
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                for update_, method in steps:
                    count = len(fake.sent(method))
                    fake.queue(update_)
                    deadline = time.monotonic() + 10
                    while len(fake.sent(method)) == count and time.monotonic() < deadline:
                        await asyncio.sleep(0.02)
                    assert len(fake.sent(method)) > count, f"no {method}"
            finally:
                await application.updater.stop()
                await application.stop()

    asyncio.run(run())
    refused = fake.sent("answerCallbackQuery")
    assert expects(catalogs, refused[0]["text"], NOT_FOUND.msgid)
    assert expects(catalogs, refused[1]["text"], NOT_FOUND.msgid)  # linked, but not routed
    assert expects(catalogs, fake.sent()[0]["text"], LINKED.msgid)
    assert len(fake.sent("editMessageText")) == 1
    assert status_and_events(demo_db, reference)[0] == "acknowledged"
    assert before[0] != "acknowledged"
