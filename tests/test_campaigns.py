"""Awareness campaigns end to end: composed in the dashboard, fanned out and sent by the real
worker through the real senders against the fakes of Telegram and Twilio.

Only subscribers of the chosen municipalities receive it, each in their language (Albanian
when theirs has no text), opted-out numbers never; cancelling stops it half-way; an alert
filed meanwhile goes out before the remaining bulk; coordinators stay in their municipality.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import insert, select

from alerts.campaigns import FanOut, counts
from alerts.worker import Worker, standard_worker
from models import Campaign, Contact, Municipality, OutboxMessage, Subscription
from models.db import Database
from models.messaging import BULK_LANE
from models.optout import mark_opted_out
from sinjalizo.senders import senders_for
from sinjalizo.settings import Settings
from tests.conftest import AuthActions
from tests.dialog import Chat, rows
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM, FakeTwilio, running_fake
from tests.test_dialogs import CHILD_IN_DANGER
from tests.test_subscriptions import SUBSCRIBED, WHERE, WHERE_PIN

TEXT_SQ = "Fëmijët nuk luajnë pranë lumit pa një të rritur. Çdo verë ndodhin mbytje."
TEXT_SR = "Deca se ne igraju pored reke bez odraslih. Svakog leta ima utapanja."
# Who subscribes where, in what language, on which channel (Prishtinë gets no campaign).
PEOPLE = (
    ("sms", "+38344600001", "sq", "Drenas"), ("sms", "+38344600002", "sr", "Drenas"),
    ("telegram", "7700001", "sq", "Prizren"), ("telegram", "7700002", "sr", "Prizren"),
    ("telegram", "7700003", "en", "Drenas"), ("sms", "+38344600003", "sq", "Prishtinë"),
    ("sms", "+38344600004", "sq", "Prizren"),  # sends STOP afterwards
)
LANGUAGE_WORD = {"sq": "gjuha shqip", "sr": "jezik srpski", "en": "language english"}


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """Yield a fake Twilio REST API."""
    with running_fake() as server:
        yield server


def settings_for(database_url: str, telegram: FakeTelegram, twilio: FakeTwilio) -> Settings:
    """Return settings pointing both senders at the fakes."""
    return Settings(database_url=database_url, telegram_bot_token=TOKEN,
                    telegram_api_base=telegram.base_url, twilio_account_sid=ACCOUNT_SID,
                    twilio_auth_token=AUTH_TOKEN, twilio_from=FROM,
                    twilio_api_base=twilio.base, public_base_url="https://s.example.org")


def real_worker(db: Database, settings: Settings) -> Worker:
    """Return the worker `sinjalizo worker` runs, with the real channel senders."""
    return standard_worker(settings, db, senders=senders_for(settings, db))


def subscribe_everyone(chat: Callable[..., Chat]) -> None:
    """Subscribe PEOPLE through the bot, each in their language."""
    for channel, address, language, town in PEOPLE:
        person = chat(channel, address)
        person.send(LANGUAGE_WORD[language])
        person.replay(rows(("ABONOHU", WHERE if channel == "sms" else WHERE_PIN),
                           (town, SUBSCRIBED)))


def town_id(db: Database, name: str) -> int:
    """Return a municipality's id by its Albanian name."""
    with db.session() as session:
        found = session.scalar(select(Municipality.id).where(Municipality.name_sq == name))
    assert found is not None, name
    return found


def compose(auth: AuthActions, towns: list[int], title: str = "Lumi") -> int:
    """Write a campaign in the dashboard (Albanian and Serbian); return its id."""
    page = auth.post("/campaigns/new", {"title": title, "text_sq": TEXT_SQ, "text_sr": TEXT_SR,
                                        "text_en": "", "municipalities": towns},  # type: ignore[dict-item]
                     page="/campaigns/new")
    assert page.status_code == 302, page.get_data(as_text=True)[:500]
    found = re.search(r"/campaigns/(\d+)", page.headers["Location"])
    assert found
    return int(found.group(1))


def send_now(auth: AuthActions, campaign_id: int) -> None:
    """Schedule a campaign for now."""
    done = auth.post(f"/campaigns/{campaign_id}/schedule", {"when": ""},
                     page=f"/campaigns/{campaign_id}")
    assert done.status_code == 302
    with_status = auth.client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "csrf_token" in with_status


def status_of(db: Database, campaign_id: int) -> str:
    """Return a campaign's status."""
    with db.session() as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        return campaign.status


def test_a_campaign_reaches_exactly_its_subscribers_in_their_language(
        chat: Callable[..., Chat], auth: AuthActions, demo_db: Database, database_url: str,
        fake: FakeTelegram, twilio: FakeTwilio, dashboard: Flask) -> None:
    """Drenas and Prizren: Telegram and SMS, sq/sr/en (en gets Albanian), STOP gets nothing."""
    subscribe_everyone(chat)
    with demo_db.transaction() as session:
        mark_opted_out(session, "sms", "+38344600004", datetime.now(UTC))  # SMS STOP
    auth.login()
    campaign_id = compose(auth, [town_id(demo_db, "Drenas"), town_id(demo_db, "Prizren")])
    preview = auth.client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Femijet nuk luajne prane lumit" in preview  # the SMS as it arrives, GSM-7
    assert "SMS" in preview
    send_now(auth, campaign_id)
    worker = real_worker(demo_db, settings_for(database_url, fake, twilio))
    worker.run_ticks()
    worker.dispatcher.drain()
    telegram = {str(m["chat_id"]): m["text"] for m in fake.sent()}
    assert telegram == {"7700001": TEXT_SQ, "7700002": TEXT_SR, "7700003": TEXT_SQ}
    sms = {m["To"]: m["Body"] for m in twilio.messages}
    assert sms == {"+38344600001": "Femijet nuk luajne prane lumit pa nje te rritur. Cdo vere "
                   "ndodhin mbytje.", "+38344600002": TEXT_SR}
    worker.run_ticks()
    assert status_of(demo_db, campaign_id) == "sent"
    with demo_db.session() as session:
        assert counts(session, [campaign_id])[campaign_id] == {
            "queued": 0, "sent": 5, "delivered": 0, "failed": 0, "skipped": 0}
    listed = auth.client.get("/campaigns").get_data(as_text=True)
    assert f'data-campaign="{campaign_id}"' in listed and 'class="sent">5<' in listed


def many_subscribers(db: Database, town: int, count: int) -> None:
    """Add `count` Telegram subscribers of a municipality directly (a bulk of them)."""
    now = datetime.now(UTC)
    with db.transaction() as session:
        connection = session.connection()
        for n in range(count):
            contact = connection.execute(insert(Contact).returning(Contact.id), {
                "channel": "telegram", "address": f"66{n:05d}", "role": "citizen",
                "opted_out": False, "language": "sq", "created_at": now}).scalar_one()
            connection.execute(insert(Subscription), {
                "contact_id": contact, "municipality_id": town, "language": "sq",
                "created_at": now})


def test_cancelling_half_way_stops_the_campaign(
        auth: AuthActions, demo_db: Database, database_url: str, fake: FakeTelegram,
        twilio: FakeTwilio, dashboard: Flask) -> None:
    """Ten sent, then cancel: the other twenty are skipped at once, the fan-out stops."""
    drenas = town_id(demo_db, "Drenas")
    many_subscribers(demo_db, drenas, 30)
    auth.login()
    campaign_id = compose(auth, [drenas])
    send_now(auth, campaign_id)
    fan = FanOut(demo_db, "test-worker", chunk=10)
    now = datetime.now(UTC)
    with demo_db.transaction() as session:
        assert fan.take(session, now) == campaign_id
    with demo_db.transaction() as session:
        assert fan.chunk_once(session, campaign_id, now) == (False, 10)
    worker = real_worker(demo_db, settings_for(database_url, fake, twilio))
    worker.dispatcher.run_once()
    assert len(fake.sent()) == 10
    with demo_db.transaction() as session:  # the worker goes on meanwhile
        assert fan.chunk_once(session, campaign_id, now) == (False, 10)
    cancelled = auth.post(f"/campaigns/{campaign_id}/cancel", {},
                          page=f"/campaigns/{campaign_id}")
    assert cancelled.status_code == 302
    assert fan.fan_out(campaign_id, now) == 0  # the fan-out stops where it was
    worker.run_ticks()
    worker.dispatcher.drain()
    assert len(fake.sent()) == 10
    assert status_of(demo_db, campaign_id) == "cancelled"
    with demo_db.session() as session:
        assert counts(session, [campaign_id])[campaign_id] == {
            "queued": 0, "sent": 10, "delivered": 0, "failed": 0, "skipped": 10}


def test_a_dead_worker_is_followed_from_its_cursor(demo_db: Database, auth: AuthActions,
                                                   dashboard: Flask) -> None:
    """A worker dies after one chunk: another takes over once the lease lapses, nobody twice."""
    drenas = town_id(demo_db, "Drenas")
    many_subscribers(demo_db, drenas, 25)
    auth.login()
    campaign_id = compose(auth, [drenas])
    send_now(auth, campaign_id)
    dead, alive = FanOut(demo_db, "dead", chunk=10), FanOut(demo_db, "alive", chunk=10)
    now = datetime.now(UTC)
    with demo_db.transaction() as session:
        assert dead.take(session, now) == campaign_id
    with demo_db.transaction() as session:
        dead.chunk_once(session, campaign_id, now)
        assert alive.take(session, now) is None  # held by the first worker
    later = now.replace(year=now.year + 1)
    alive(None, later)  # type: ignore[arg-type]
    with demo_db.session() as session:
        addresses = list(session.scalars(select(OutboxMessage.address).where(
            OutboxMessage.campaign_id == campaign_id)))
    assert len(addresses) == len(set(addresses)) == 25
    with demo_db.session() as session:
        lanes = set(session.scalars(select(OutboxMessage.priority).where(
            OutboxMessage.campaign_id == campaign_id)))
    assert lanes == {BULK_LANE}, "campaign messages wait behind alerts and updates"


def test_an_alert_goes_out_before_the_remaining_bulk(
        chat: Callable[..., Chat], auth: AuthActions, demo_db: Database, database_url: str,
        fake: FakeTelegram, twilio: FakeTwilio, dashboard: Flask) -> None:
    """A child in danger reported while 40 campaign messages wait: its alerts go first."""
    drenas = town_id(demo_db, "Drenas")
    many_subscribers(demo_db, drenas, 40)
    auth.login()
    campaign_id = compose(auth, [drenas])
    send_now(auth, campaign_id)
    worker = real_worker(demo_db, settings_for(database_url, fake, twilio))
    worker.run_ticks()  # 40 rows queued in the bulk lane
    chat("sms", "+38349111222").replay(CHILD_IN_DANGER)
    worker.dispatcher.run_once()
    with demo_db.session() as session:
        alerts = set(session.scalars(select(OutboxMessage.status).where(
            OutboxMessage.purpose == "alert")))
        bulk = list(session.scalars(select(OutboxMessage.status).where(
            OutboxMessage.campaign_id == campaign_id)))
    assert alerts == {"sent"}
    assert bulk.count("pending") >= 40 - 10
    assert twilio.messages and all("URGJENT" in m["Body"] for m in twilio.messages)


def test_coordinators_stay_in_their_municipality(auth: AuthActions, demo_db: Database,
                                                 dashboard: Flask) -> None:
    """A coordinator writes only to their own; another's campaign is not there for them."""
    prizren, drenas = town_id(demo_db, "Prizren"), town_id(demo_db, "Drenas")
    auth.login()
    admins = compose(auth, [drenas, prizren])
    auth.client.post("/logout", data={"csrf_token": auth.token("/campaigns")})
    auth.login("prizren@example.org")
    form = auth.client.get("/campaigns/new").get_data(as_text=True)
    assert f'value="{prizren}"' in form and f'value="{drenas}"' not in form
    refused = auth.post("/campaigns/new", {"title": "x", "text_sq": TEXT_SQ,
                                           "municipalities": str(drenas)},
                        page="/campaigns/new")
    assert refused.status_code == 403
    assert auth.client.get(f"/campaigns/{admins}").status_code == 404
    assert f'data-campaign="{admins}"' not in auth.client.get("/campaigns").get_data(
        as_text=True)
    own = compose(auth, [prizren])
    assert auth.client.get(f"/campaigns/{own}").status_code == 200
    auth.client.post("/logout", data={"csrf_token": auth.token("/campaigns")})
    auth.login("focal.prizren@example.org")
    assert auth.client.get("/campaigns").status_code == 403


def test_a_text_too_long_for_two_sms_cannot_be_scheduled(auth: AuthActions, demo_db: Database,
                                                         dashboard: Flask) -> None:
    """The preview says how many SMS parts; over two, scheduling is refused with the reason."""
    auth.login()
    drenas = town_id(demo_db, "Drenas")
    page = auth.post("/campaigns/new", {"title": "Gjatë", "text_sq": "ë" * 400,
                                        "municipalities": str(drenas)}, page="/campaigns/new")
    campaign_id = int(page.headers["Location"].rsplit("/", 1)[1])
    shown = auth.client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "schedule-form" not in shown
    auth.post(f"/campaigns/{campaign_id}/schedule", {"when": ""},
              page=f"/campaigns/{campaign_id}")
    assert status_of(demo_db, campaign_id) == "draft"


def test_bulk_sms_take_the_numbers_rate_without_its_burst(twilio: FakeTwilio) -> None:
    """An alert may use the number's burst; a campaign message only ever its steady rate."""
    from alerts.senders import OutgoingMessage
    from sms.sender import TwilioSender

    settings = Settings(twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN,
                        twilio_from=FROM, twilio_api_base=twilio.base, sms_rate_per_second=10)
    sender = TwilioSender(settings)

    def message(purpose: str) -> OutgoingMessage:
        """Return a message of a purpose to one number."""
        return OutgoingMessage(outbox_id=1, purpose=purpose, channel="sms",
                               address="+38344600001", language="sq", text="x")

    [alert] = sender.limits(message("alert"))
    [bulk] = sender.limits(message("campaign"))
    assert alert.key == bulk.key and alert.rate.per_second == bulk.rate.per_second == 10
    assert alert.rate.tolerance > 0 and bulk.rate.tolerance == 0


def test_an_alert_filed_during_a_bulk_batch_is_taken_next(db: Database) -> None:
    """The worker is half-way through ten bulk messages when an alert arrives: it goes next."""
    from alerts.clock import DatabaseClock
    from alerts.dispatcher import Dispatcher
    from tests.fake_senders import FakeSender

    now = datetime.now(UTC)

    def row(purpose: str, n: int) -> dict[str, object]:
        """Return an outbox row of a purpose, its text in the payload."""
        return {"purpose": purpose, "channel": "log", "address": f"{purpose}-{n}",
                "language": "sq", "payload": {"text": f"{purpose} {n}"}, "status": "pending",
                "attempts": 0, "due_at": now, "created_at": now, "last_error": ""}

    with db.transaction() as session:
        session.execute(insert(OutboxMessage), [row("campaign", n) for n in range(10)])

    def file_alert(message: object) -> None:
        """Commit an alert while the first bulk message is being sent."""
        if not sender.calls:
            with db.transaction() as session:
                session.execute(insert(OutboxMessage), [row("alert", 0)])

    sender = FakeSender(on_call=file_alert)
    dispatcher = Dispatcher(db, {"log": sender}, DatabaseClock(db))
    assert dispatcher.run_once() == 10
    assert [m.purpose for m in sender.calls] == ["campaign"]
    dispatcher.run_once()
    assert [m.purpose for m in sender.calls][:2] == ["campaign", "alert"]
    dispatcher.drain()
    assert len(sender.sent) == 11
