"""Awareness campaigns on WhatsApp: subscribed over the signed webhook, sent by the real worker.

Inside WhatsApp's 24-hour window a campaign goes as free text; after a day of silence as the
campaign template; with no template configured it is skipped, and nothing escalates. STOP
keeps every message from the number; CK ends the subscription.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from alerts.campaigns import counts
from alerts.clock import ManualClock
from alerts.worker import Worker, standard_worker
from locales import Catalogs
from models import OutboxMessage, ReportEvent
from models.db import Database, get_db
from sinjalizo.senders import senders_for
from sinjalizo.settings import Settings
from tests.conftest import AuthActions
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, running_fake
from tests.test_campaigns import TEXT_SQ, compose, send_now, town_id
from tests.test_subscriptions import STOPPED, SUBSCRIBED, subscriptions
from tests.whatsapp_actions import PUBLIC, SANDBOX, WhatsAppActions

PHONE = "+38344600101"
CAMPAIGN_TEMPLATE = "HX" + "c" * 32
STOP_REPLY = "You will get no more messages from Sinjalizo. To start again, write START."
RESTARTED = "Messages from Sinjalizo are on again. Write MENU to start."


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """Yield a fake Twilio REST API (messages and media) on a loopback port."""
    with running_fake() as server:
        yield server


@pytest.fixture
def wa(demo_db: Database, database_url: str, twilio: FakeTwilio,
       catalogs: Catalogs) -> Iterator[WhatsAppActions]:
    """Yield a signed-WhatsApp helper on an app with Twilio's WhatsApp pointed at the fake."""
    from web import create_app

    application: Flask = create_app({
        "DATABASE_URL": database_url, "TESTING": True, "PUBLIC_BASE_URL": PUBLIC,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_API_BASE": twilio.base, "TWILIO_WHATSAPP_FROM": SANDBOX})
    yield WhatsAppActions(application.test_client(), catalogs, twilio)
    get_db(application).dispose()


def worker(database_url: str, db: Database, twilio: FakeTwilio, clock: ManualClock,
           template: str = CAMPAIGN_TEMPLATE) -> Worker:
    """Return the real worker and senders, WhatsApp through the fake, on a clock of our own."""
    settings = Settings(database_url=database_url, twilio_account_sid=ACCOUNT_SID,
                        twilio_auth_token=AUTH_TOKEN, twilio_api_base=twilio.base,
                        twilio_whatsapp_from=SANDBOX, public_base_url=PUBLIC,
                        twilio_whatsapp_template_campaign=template)
    return standard_worker(settings, db, senders=senders_for(settings, db), clock=clock)


def campaign(auth: AuthActions, db: Database, work: Worker) -> int:
    """Compose a campaign for Drenas, send it now, and let the worker send it; return its id."""
    campaign_id = compose(auth, [town_id(db, "Drenas")])
    send_now(auth, campaign_id)
    work.run_ticks()
    work.dispatcher.drain()
    work.run_ticks()  # the fan-out marks the campaign sent once its messages are out
    return campaign_id


def subscribe(wa: WhatsAppActions) -> None:
    """Subscribe PHONE to Drenas's messages over the WhatsApp webhook."""
    wa.send("ABONOHU", PHONE)
    wa.replay([("Drenas", ("Drenas", SUBSCRIBED))], PHONE)


def test_a_campaign_on_whatsapp_by_the_window(wa: WhatsAppActions, auth: AuthActions,
                                              demo_db: Database, database_url: str,
                                              twilio: FakeTwilio) -> None:
    """Free text inside the window; the campaign template after 25 h; skipped without one."""
    subscribe(wa)
    auth.login()
    clock = ManualClock(datetime.now(UTC) + timedelta(minutes=1))
    first = campaign(auth, demo_db, worker(database_url, demo_db, twilio, clock))
    [free] = twilio.messages
    assert (free["To"], free["From"]) == (f"whatsapp:{PHONE}", SANDBOX)
    assert free["Body"] == TEXT_SQ and "ContentSid" not in free, "free text, ë and ç kept"

    clock.advance(hours=25)
    second = campaign(auth, demo_db, worker(database_url, demo_db, twilio, clock))
    later = twilio.messages[-1]
    assert later["ContentSid"] == CAMPAIGN_TEMPLATE and "Body" not in later
    variables = json.loads(later["ContentVariables"])
    assert variables["2"] == TEXT_SQ and "\n" not in variables["2"]

    third = campaign(auth, demo_db, worker(database_url, demo_db, twilio, clock, template=""))
    assert len(twilio.messages) == 2, "no free text outside the window"
    with demo_db.session() as session:
        shown = counts(session, [first, second, third])
        others = session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.campaign_id.is_(None)))
        events = session.scalar(select(func.count()).select_from(ReportEvent))
    assert (shown[first]["sent"], shown[second]["sent"]) == (1, 1)
    assert (shown[third]["sent"], shown[third]["skipped"], shown[third]["failed"]) == (0, 1, 0)
    assert others == 0 and events == 0, "a campaign held for a template escalates nothing"


def test_stop_and_ck_over_whatsapp(wa: WhatsAppActions, auth: AuthActions, demo_db: Database,
                                   database_url: str, twilio: FakeTwilio) -> None:
    """STOP keeps campaign messages from the number; CK ends its subscription."""
    subscribe(wa)
    wa.replay([("STOP", STOP_REPLY)], PHONE)
    auth.login()
    clock = ManualClock(datetime.now(UTC) + timedelta(minutes=1))
    campaign(auth, demo_db, worker(database_url, demo_db, twilio, clock))
    assert twilio.messages == [], "STOP: no campaign message"
    wa.replay([("START", RESTARTED)], PHONE)
    assert subscriptions(demo_db, "whatsapp", PHONE) == [("Drenas", "sq")]
    wa.replay([("CK", STOPPED)], PHONE)
    assert subscriptions(demo_db, "whatsapp", PHONE) == []
    campaign(auth, demo_db, worker(database_url, demo_db, twilio, clock))
    assert twilio.messages == [], "CK: no campaign message"
