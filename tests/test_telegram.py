"""The Telegram channel end to end: the real PTB Application (polling) and the webhook,
both against a local fake of the Bot API over HTTP."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Sequence
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bot.app import build_application
from bot.webhook import SECRET_HEADER
from locales import Catalogs
from models import Report
from models.db import Database
from routing.text import fold
from service.conversation import Conversations
from sinjalizo.settings import Settings
from tests.conftest import TELEGRAM_SECRET as SECRET
from tests.dialog import Row, rows
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.test_dialogs import (
    FOUND,
    HAZARD_KIND,
    HAZARD_PHOTO,
    HAZARD_PIN,
    HAZARD_WHAT,
    MENU,
    SEND,
    UNREADABLE,
)

CHAT = 5550001
OUTSIDE = ("That pin is outside Kosovo and Albania. "
           "Please write the village and municipality instead.")
HAZARD_BY_TELEGRAM = rows(
    ("/start", MENU),
    ("[hazard]", HAZARD_KIND),
    ("[stray_dogs]", HAZARD_PIN),
    ("/location 42.6265 20.8939", ("Drenas", FOUND)),
    ("[yes]", HAZARD_PHOTO),
    ("/photo AgACAgQ", HAZARD_WHAT),
    ("Një tufë qensh te shkolla", SEND),
    ("[send]", "R-"),
)


class Updates:
    """Builds Telegram updates from dialog-table rows, numbering them as Telegram does."""

    def __init__(self, chat: int = CHAT, language: str = "sq", first_id: int = 9000) -> None:
        self.chat = chat
        self.user = {"id": chat, "is_bot": False, "first_name": "Test",
                     "language_code": language}
        # Telegram numbers a bot's updates across all chats: give each chat its own range.
        self.ids = itertools.count(first_id)

    def _message(self, **content: Any) -> dict[str, Any]:
        """Return a message update with the given content."""
        update_id = next(self.ids)
        return {"update_id": update_id, "message": {
            "message_id": update_id, "date": int(time.time()), "from": self.user,
            "chat": {"id": self.chat, "type": "private"}, **content}}

    def of(self, said: str) -> dict[str, Any]:
        """Return the update of one row: text, /location, /photo, /sticker or [option]."""
        words = said.split()
        if words[:1] == ["/location"]:
            return self._message(location={"latitude": float(words[1]),
                                           "longitude": float(words[2])})
        if words[:1] == ["/photo"]:
            small = {"file_id": "small-" + words[1], "file_unique_id": "s", "width": 90,
                     "height": 60}
            large = {"file_id": words[1], "file_unique_id": "l", "width": 1280, "height": 960}
            return self._message(photo=[small, large])
        if said == "/sticker":
            return self._message(sticker={"file_id": "st", "file_unique_id": "st",
                                          "width": 512, "height": 512, "is_animated": False,
                                          "is_video": False, "type": "regular"})
        if said.startswith("[") and said.endswith("]"):
            update_id = next(self.ids)
            return {"update_id": update_id, "callback_query": {
                "id": f"cb{update_id}", "from": self.user, "chat_instance": "ci",
                "data": "o:" + said[1:-1],
                "message": {"message_id": 1, "date": int(time.time()),
                            "chat": {"id": self.chat, "type": "private"}, "text": "…"}}}
        entities = ([{"type": "bot_command", "offset": 0, "length": len(words[0])}]
                    if said.startswith("/") else [])
        return self._message(text=said, entities=entities)


def expects(catalogs: Catalogs, text: str, wanted: str, language: str = "sq") -> bool:
    """Tell whether a reply contains a fragment, literally or as a translated msgid."""
    if wanted.casefold() in text.casefold():
        return True
    pieces = re.split(r"\{[^}]*\}", catalogs.gettext(wanted, language))
    return all(p.strip().casefold() in text.casefold() for p in pieces if p.strip())


def check(catalogs: Catalogs, said: str, wanted: Row | Any, sent: Sequence[dict[str, Any]]
          ) -> str:
    """Assert that the messages sent for one row hold every expected fragment."""
    text = "\n".join(str(m["text"]) for m in sent)
    for fragment in (wanted,) if isinstance(wanted, str) else wanted:
        assert expects(catalogs, text, fragment), f"after {said[:60]!r} expected {fragment!r}"
    return text


def report_count(db: Database) -> int:
    """Return how many reports are stored."""
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Report)) or 0)


def post(client: FlaskClient, update: dict[str, Any], secret: str | None = SECRET) -> int:
    """POST one update to the webhook; return the HTTP status."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return client.post("/telegram/webhook", json=update, headers=headers).status_code


def play_webhook(client: FlaskClient, fake: FakeTelegram, catalogs: Catalogs,
                 table: Sequence[Row], updates: Updates) -> list[str]:
    """Play a dialog table through the webhook; return each row's reply text."""
    texts = []
    for said, wanted in table:
        before = len(fake.sent())
        assert post(client, updates.of(said)) == 200
        assert fake.sent()[before:], f"no answer to {said[:60]!r}"
        texts.append(check(catalogs, said, wanted, fake.sent()[before:]))
    return texts


def test_hazard_dialog_through_polling(conversations: Conversations, catalogs: Catalogs,
                                       fake: FakeTelegram, demo_db: Database) -> None:
    """The real Application, long polling the fake, files the hazard with its pin and photo."""
    settings = Settings(telegram_bot_token=TOKEN, telegram_api_base=fake.base_url)
    updates = Updates()

    async def settle(before: int) -> list[dict[str, Any]]:
        """Wait for the replies to one update: at least one, then a quiet moment."""
        deadline = time.monotonic() + 10
        while len(fake.sent()) <= before and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        count = -1
        while count != len(fake.sent()):
            count = len(fake.sent())
            await asyncio.sleep(0.1)
        return fake.sent()[before:]

    async def run() -> None:
        """Start polling, play the table, stop."""
        application = build_application(settings, conversations)
        async with application:
            assert application.post_init is not None
            await application.post_init(application)  # as run_polling() does
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                for said, wanted in HAZARD_BY_TELEGRAM:
                    before = len(fake.sent())
                    fake.queue(updates.of(said))
                    check(catalogs, said, wanted, await settle(before))
            finally:
                await application.updater.stop()
                await application.stop()

    asyncio.run(run())
    assert report_count(demo_db) == 1
    [commands] = fake.sent("setMyCommands")
    assert [c["command"] for c in commands["commands"]] == [
        "start", "ndihme", "anulo", "gjuha", "statusi", "sherbime"]
    assert len(fake.sent("answerCallbackQuery")) == 4
    with demo_db.session() as session:
        report = session.scalars(select(Report)).one()
        assert [a.file_id for a in report.attachments] == ["AgACAgQ"]


def test_hazard_dialog_through_webhook(tg: FlaskClient, fake: FakeTelegram,
                                       catalogs: Catalogs, demo_db: Database) -> None:
    """The webhook runs the same table; options are inline buttons, a place asks for a pin."""
    play_webhook(tg, fake, catalogs, HAZARD_BY_TELEGRAM, Updates())
    assert report_count(demo_db) == 1
    sent = fake.sent()
    menu = sent[0]["reply_markup"]
    keys = [b["callback_data"] for row in menu["inline_keyboard"] for b in row]
    assert "o:hazard" in keys
    pin = next(m for m in sent if m["reply_markup"].get("keyboard"))
    assert pin["reply_markup"]["keyboard"][0][0]["request_location"] is True
    assert len(fake.sent("answerCallbackQuery")) == 4
    assert all(m["chat_id"] == str(CHAT) for m in sent)


def test_typed_hazard_through_webhook(tg: FlaskClient, fake: FakeTelegram,
                                      catalogs: Catalogs, demo_db: Database) -> None:
    """Typed answers (numbers, names, the skip word) work on Telegram as on SMS."""
    play_webhook(tg, fake, catalogs, rows(
        ("Tung", MENU), ("1", HAZARD_KIND), ("1", HAZARD_PIN), ("Drenas", HAZARD_PHOTO),
        ("kalo", HAZARD_WHAT), ("Pusetë pa kapak te rruga kryesore", ("Drenas", SEND)),
        ("po", "R-"),
    ), Updates(5550009))
    assert report_count(demo_db) == 1


def test_replayed_update_id_has_one_effect(tg: FlaskClient, fake: FakeTelegram,
                                           catalogs: Catalogs, demo_db: Database) -> None:
    """Telegram redelivering the final update files one report, not two."""
    updates = Updates()
    play_webhook(tg, fake, catalogs, HAZARD_BY_TELEGRAM[:-1], updates)
    final = updates.of("[send]")
    assert post(tg, final) == 200
    assert post(tg, final) == 200
    assert report_count(demo_db) == 1
    # The stored replies are sent again (the first sending may be what failed), never re-run.
    last_two = fake.sent()[-2:]
    assert last_two[0]["text"] == last_two[1]["text"] and "R-" in last_two[0]["text"]


def test_forged_or_missing_secret_is_refused(tg: FlaskClient, fake: FakeTelegram,
                                             demo_db: Database) -> None:
    """A wrong or missing secret header gets 403 and changes nothing."""
    update = Updates().of("/start")
    assert post(tg, update, secret="guessed") == 403
    assert post(tg, update, secret=None) == 403
    assert fake.sent() == []


def test_no_configured_secret_refuses_everything(client: FlaskClient) -> None:
    """Without TELEGRAM_WEBHOOK_SECRET the webhook accepts nothing, not even an empty header."""
    assert post(client, Updates().of("/start"), secret="") == 403


def test_malformed_and_unhandled_updates(tg: FlaskClient, fake: FakeTelegram) -> None:
    """Junk is a 400; an update type the bot does not handle is a quiet 200."""
    response = tg.post("/telegram/webhook", data="not json", headers={SECRET_HEADER: SECRET},
                       content_type="application/json")
    assert response.status_code == 400
    edited = {"update_id": 1, "edited_message": {
        "message_id": 1, "date": 0, "chat": {"id": CHAT, "type": "private"}, "text": "x"}}
    assert post(tg, edited) == 200
    foreign = Updates().of("[hazard]")
    foreign["callback_query"]["data"] = "ack:R-XXXXXX"
    assert post(tg, foreign) == 200
    assert fake.sent() == []


def test_sticker_gets_a_clear_answer_and_the_question_again(
        tg: FlaskClient, fake: FakeTelegram, catalogs: Catalogs) -> None:
    """A sticker where a choice is expected is explained, and the question asked again."""
    play_webhook(tg, fake, catalogs, rows(
        ("/start", MENU), ("[hazard]", HAZARD_KIND), ("/sticker", (UNREADABLE, HAZARD_KIND)),
    ), Updates())


def test_long_message_and_far_pin(tg: FlaskClient, fake: FakeTelegram, catalogs: Catalogs,
                                  demo_db: Database) -> None:
    """A 4,096-character message and a pin in the Atlantic get clean answers."""
    play_webhook(tg, fake, catalogs, rows(
        ("/start", MENU), ("[hazard]", HAZARD_KIND), ("[stray_dogs]", HAZARD_PIN),
        ("/location 0.5 -30.0", (OUTSIDE,)),
        ("x" * 4096, ()),
    ), Updates())
    assert all(len(m["text"]) <= 4096 for m in fake.sent())
    assert report_count(demo_db) == 0


def test_language_code_picks_the_language_on_first_contact(
        tg: FlaskClient, fake: FakeTelegram, catalogs: Catalogs) -> None:
    """A Telegram user whose app speaks English is answered in English from the start."""
    assert post(tg, Updates(5550003, language="en").of("/start")) == 200
    [menu] = fake.sent()
    assert expects(catalogs, menu["text"], MENU, "en")
    assert "o:hazard" in str(menu["reply_markup"])


def test_webhook_command_sets_and_deletes(fake: FakeTelegram,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`sinjalizo bot webhook set URL` hands Telegram the URL and the secret; delete removes it."""
    from click.testing import CliRunner

    from sinjalizo.cli import main

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE", fake.base_url)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    url = "https://sinjalizo.example/telegram/webhook"
    result = CliRunner().invoke(main, ["bot", "webhook", "set", url])
    assert result.exit_code == 0, result.output
    [hook] = fake.sent("setWebhook")
    assert (hook["url"], hook["secret_token"]) == (url, SECRET)
    result = CliRunner().invoke(main, ["bot", "webhook", "delete"])
    assert result.exit_code == 0, result.output
    assert len(fake.sent("deleteWebhook")) == 1
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "")
    assert CliRunner().invoke(main, ["bot", "webhook", "set", url]).exit_code != 0


def border_pins() -> tuple[tuple[float, float], tuple[float, float], str]:
    """Return pins 200 m inside and outside Drenas, and the outside one's municipality."""
    import json as json_module

    from shapely.geometry import Point, shape

    from tests.conftest import SHARED_GEO

    data = json_module.loads((SHARED_GEO / "geoBoundaries-XKX-ADM2.geojson")
                             .read_text(encoding="utf-8"))
    shapes = {f["properties"]["shapeName"].removeprefix("Municipality of "): shape(f["geometry"])
              for f in data["features"]}
    drenas = shapes["Drenas"]
    inside = drenas.buffer(-0.002).exterior.coords[0]
    outside = drenas.buffer(0.002).exterior.coords[0]
    [neighbour] = [name for name, s in shapes.items() if s.contains(Point(*outside))]
    return (inside[1], inside[0]), (outside[1], outside[0]), neighbour


def test_pins_either_side_of_a_municipal_border(tg: FlaskClient, fake: FakeTelegram,
                                                catalogs: Catalogs, demo_db: Database) -> None:
    """With the Kosovo boundaries loaded, pins 200 m either side of Drenas' border land right."""
    inside, outside, neighbour = border_pins()
    for chat_id, (lat, lon) in ((5550021, inside), (5550022, outside)):
        play_webhook(tg, fake, catalogs, rows(
            ("/start", MENU), ("[hazard]", HAZARD_KIND), ("[dump]", HAZARD_PIN),
            (f"/location {lat} {lon}", FOUND), ("[yes]", HAZARD_PHOTO),
            ("[skip]", HAZARD_WHAT), ("Mbeturina pranë rrugës", SEND), ("[send]", "R-"),
        ), Updates(chat_id, first_id=chat_id * 100))
    with demo_db.session() as session:
        places = [r.municipality.name_sq for r in session.scalars(
            select(Report).order_by(Report.id)) if r.municipality is not None]
    assert places[0] == "Drenas", (places, neighbour)
    assert places[1] != "Drenas" and fold(places[1])[:4] == fold(neighbour)[:4]
