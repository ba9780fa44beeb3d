"""WhatsApp's 24-hour window: free text inside it, an approved template outside, else held."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from alerts.clock import ManualClock
from alerts.lifecycle import Actor, change_status
from alerts.senders import LogSender, OutgoingMessage, RetryLater, Sender
from alerts.whatsapp_window import (
    TEMPLATE_FOR,
    choose,
    in_window,
    is_in_window,
    summary,
    template_sid,
)
from alerts.worker import Worker, standard_worker
from models import (
    ContactPoint,
    Municipality,
    OutboxMessage,
    Report,
    ReportEvent,
    ReportRoute,
)
from models.db import Database
from sinjalizo.senders import senders_for
from sinjalizo.settings import Settings
from sms.whatsapp_sender import WhatsAppSender
from tests.dialog import START, Chat, references
from tests.fake_senders import FakeSender
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, running_fake, throttled
from tests.test_dialogs import CHILD_IN_DANGER

PUBLIC = "https://sinjalizo.example.org"
REPORTER = "+38349111333"
FOCAL = "+38344000777"
ALERT_TEMPLATE = "HX" + "a" * 32
UPDATE_TEMPLATE = "HX" + "b" * 32
STAFF = Actor("staff", 1, "Dashboard user")


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """Yield a fake Twilio REST API on a loopback port."""
    with running_fake() as server:
        yield server


def settings_for(twilio: FakeTwilio, database_url: str, **changes: object) -> Settings:
    """Return settings sending WhatsApp from the sandbox number through the fake."""
    return Settings(database_url=database_url, twilio_account_sid=ACCOUNT_SID,
                    twilio_auth_token=AUTH_TOKEN, twilio_api_base=twilio.base,
                    twilio_whatsapp_from="+14155238886", public_base_url=PUBLIC,
                    ).with_overrides(**changes)


def worker_for(settings: Settings, db: Database, clock: ManualClock) -> Worker:
    """Return the real worker, WhatsApp through the fake Twilio, the rest recorded."""
    senders: dict[str, Sender] = {"whatsapp": WhatsAppSender(settings, db),
                                  **{name: FakeSender(name)
                                     for name in ("sms", "telegram", "email", "log")}}
    return standard_worker(settings, db, senders=senders, clock=clock)


def whatsapp_focal_point(db: Database) -> int:
    """Make Prishtinë's first child-protection worker reachable on WhatsApp only."""
    with db.transaction() as session:
        point = session.scalars(select(ContactPoint).join(Municipality).where(
            ContactPoint.role == "child_protection", Municipality.name_sq == "Prishtinë")
            .order_by(ContactPoint.escalation_order, ContactPoint.id)).first()
        assert point is not None
        point.telegram_chat_id, point.whatsapp = None, FOCAL
        return point.id


def acknowledged_on_whatsapp(twilio: FakeTwilio, chat: Callable[..., Chat], db: Database,
                             database_url: str) -> tuple[str, ManualClock, Worker]:
    """File a child in danger over WhatsApp, acknowledge it, and let the worker tell the reporter.

    Returns the reference, the worker's clock (five minutes on) and the worker, whose update
    template is configured.
    """
    reporter = chat("whatsapp", REPORTER)
    reporter.replay(CHILD_IN_DANGER)
    [reference] = references(reporter)
    clock = ManualClock(START + timedelta(minutes=5))
    settings = settings_for(twilio, database_url,
                            twilio_whatsapp_template_update=UPDATE_TEMPLATE)
    worker = worker_for(settings, db, clock)
    with db.transaction() as session:
        change_status(session, reference, STAFF, "acknowledged", now=clock.now())
    worker.dispatcher.drain()
    return reference, clock, worker


def test_a_reporter_update_is_free_text_inside_the_window_and_a_template_after(
        twilio: FakeTwilio, chat: Callable[..., Chat], demo_db: Database,
        database_url: str) -> None:
    """Told at once, the reporter gets text; after 24 h of silence, the update template."""
    reference, clock, worker = acknowledged_on_whatsapp(twilio, chat, demo_db, database_url)
    [told] = twilio.messages
    assert (told["To"], told["From"]) == (f"whatsapp:{REPORTER}", "whatsapp:+14155238886")
    assert reference in told["Body"] and "ContentSid" not in told
    clock.advance(hours=25)
    with demo_db.transaction() as session:
        change_status(session, reference, STAFF, "resolved", now=clock.now())
    worker.dispatcher.drain()
    later = twilio.messages[-1]
    assert later["ContentSid"] == UPDATE_TEMPLATE and "Body" not in later
    variables = json.loads(later["ContentVariables"])
    assert variables["1"] == reference and "\n" not in variables["2"]
    with demo_db.session() as session:
        assert not is_in_window(session, REPORTER, clock.now())
        sent = session.scalars(select(OutboxMessage.status).where(
            OutboxMessage.channel == "whatsapp")).all()
    assert sent == ["sent", "sent"]


def test_a_focal_point_is_alerted_on_whatsapp_by_template(
        twilio: FakeTwilio, chat: Callable[..., Chat], demo_db: Database,
        database_url: str) -> None:
    """A focal point who never wrote to us gets the alert as the approved alert template."""
    point = whatsapp_focal_point(demo_db)
    reporter = chat("sms", "+38349111444")
    reporter.replay(CHILD_IN_DANGER)
    [reference] = references(reporter)
    settings = settings_for(twilio, database_url, twilio_whatsapp_template_alert=ALERT_TEMPLATE)
    worker_for(settings, demo_db, ManualClock(START + timedelta(minutes=5))).dispatcher.drain()
    [alert] = [m for m in twilio.messages if m["To"] == f"whatsapp:{FOCAL}"]
    assert alert["ContentSid"] == ALERT_TEMPLATE
    variables = json.loads(alert["ContentVariables"])
    assert variables["1"] == reference and reference in variables["2"]
    with demo_db.session() as session:
        row = session.scalar(select(OutboxMessage).where(
            OutboxMessage.contact_point_id == point, OutboxMessage.purpose == "alert"))
        assert row is not None and (row.channel, row.status) == ("whatsapp", "sent")
    # The focal point answers on WhatsApp: the report is taken up, and the window is open.
    focal = chat("whatsapp", FOCAL, now=START + timedelta(minutes=6))
    focal.send(f"OK {reference}")
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None and report.status == "acknowledged"
        assert is_in_window(session, FOCAL, START + timedelta(minutes=7))


def test_a_missing_template_holds_the_alert_and_escalates(
        twilio: FakeTwilio, chat: Callable[..., Chat], demo_db: Database,
        database_url: str) -> None:
    """With no alert template the alert is not sent as free text: it is held and escalated."""
    point = whatsapp_focal_point(demo_db)
    reporter = chat("sms", "+38349111555")
    reporter.replay(CHILD_IN_DANGER)
    settings = settings_for(twilio, database_url)
    worker_for(settings, demo_db, ManualClock(START + timedelta(minutes=5))).dispatcher.drain()
    assert twilio.messages == []
    with demo_db.session() as session:
        row = session.scalar(select(OutboxMessage).where(
            OutboxMessage.contact_point_id == point, OutboxMessage.purpose == "alert"))
        assert row is not None and row.status == "skipped"
        assert "TWILIO_WHATSAPP_TEMPLATE_ALERT" in row.last_error
        route = session.scalar(select(ReportRoute).where(ReportRoute.contact_point_id == point))
        assert route is not None and route.state == "failed"
        nxt = session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose == "escalation")).all()
        assert len(nxt) == 1 and nxt[0].contact_point_id != point
        [held] = session.scalars(select(ReportEvent).where(
            ReportEvent.kind == "message_skipped")).all()
        assert held.data["why"] == "no_whatsapp_template" and held.data["escalated"]


def test_a_campaign_message_outside_the_window_without_template_is_skipped(
        twilio: FakeTwilio, db: Database, database_url: str) -> None:
    """A campaign message with no template is skipped with its reason, escalating nothing."""
    settings = settings_for(twilio, database_url)
    with db.transaction() as session:
        row = OutboxMessage(purpose="campaign", channel="whatsapp", address=REPORTER,
                            language="sq", status="pending", attempts=0, payload={},
                            due_at=START, created_at=START, last_error="")
        session.add(row)
        session.flush()
        held = choose(session, row, "Fushatë: kujdes pusetat", settings, START)
        assert getattr(held, "reason", "") == (
            "outside WhatsApp's 24-hour window and TWILIO_WHATSAPP_TEMPLATE_CAMPAIGN is not set")
        chosen = choose(session, row, "Fushatë", settings.with_overrides(
            twilio_whatsapp_template_campaign="HXc"), START)
        assert chosen == "Fushatë" and row.payload["whatsapp_template"]["content_sid"] == "HXc"
        whole = "Kujdes pusetat e hapura pranë shkollës. " * 8  # two SMS segments' worth
        choose(session, row, whole, settings.with_overrides(
            twilio_whatsapp_template_campaign="HXc"), START)
        assert row.payload["whatsapp_template"]["variables"]["2"] == whole.strip(), "not cut"


def test_the_window_and_the_template_table() -> None:
    """24 hours after the last message the window closes; each purpose names its template."""
    assert in_window(START, START + timedelta(hours=23, minutes=59))
    assert not in_window(START, START + timedelta(hours=24)) and not in_window(None, START)
    settings = Settings(twilio_whatsapp_template_alert="HXa",
                        twilio_whatsapp_template_question="HXq")
    assert template_sid(settings, "escalation") == "HXa"
    assert template_sid(settings, "relay_question") == "HXq"
    assert template_sid(settings, "reporter_update") == "" == template_sid(settings, "unknown")
    assert set(TEMPLATE_FOR.values()) == {"alert", "update", "question", "campaign"}
    assert summary("URGENT\nNew report R-7K3M9Q:  violence\n\n") == \
        "URGENT · New report R-7K3M9Q: violence"
    assert len(summary("fjalë " * 200)) == 300


def test_the_settings_and_the_senders(twilio: FakeTwilio) -> None:
    """TWILIO_WHATSAPP_FROM (with or without its prefix) turns the WhatsApp sender on."""
    settings = Settings.from_env({
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_WHATSAPP_FROM": "+14155238886", "TWILIO_WHATSAPP_TEMPLATE_ALERT": "HXa ",
        "TWILIO_WHATSAPP_TEMPLATE_UPDATE": "HXu", "TWILIO_WHATSAPP_TEMPLATE_QUESTION": "HXq",
        "TWILIO_WHATSAPP_TEMPLATE_CAMPAIGN": "HXc"})
    assert (settings.twilio_whatsapp_template_alert, settings.twilio_whatsapp_template_campaign
            ) == ("HXa", "HXc")
    sender = senders_for(settings)["whatsapp"]
    assert isinstance(sender, WhatsAppSender) and sender.from_ == "whatsapp:+14155238886"
    prefixed = WhatsAppSender(settings.with_overrides(
        twilio_whatsapp_from="whatsapp:+14155238886"))
    assert prefixed.from_ == "whatsapp:+14155238886"
    one = OutgoingMessage(1, "alert", "whatsapp", FOCAL, "sq", "Raport i ri")
    assert [limit.key for limit in sender.limits(one)] == ["whatsapp:+14155238886"]
    bulk = OutgoingMessage(2, "campaign", "whatsapp", FOCAL, "sq", "Fushatë")
    [paced] = sender.limits(bulk)  # the WhatsApp number's bucket, without the burst
    assert (paced.key, paced.rate.burst) == ("whatsapp:+14155238886", 1)
    assert isinstance(senders_for(Settings(twilio_account_sid=ACCOUNT_SID,
                                           twilio_auth_token=AUTH_TOKEN))["whatsapp"], LogSender)


def test_a_429_pauses_the_whatsapp_number(twilio: FakeTwilio) -> None:
    """Twilio's 429 on a WhatsApp send asks the dispatcher to pause that number."""
    twilio.fail_next(throttled(7))
    sender = WhatsAppSender(settings_for(twilio, ""))
    result = sender.send(OutgoingMessage(1, "alert", "whatsapp", FOCAL, "sq", "Raport i ri"))
    assert isinstance(result, RetryLater) and result.pause == "whatsapp:+14155238886"
    assert result.retry_after == pytest.approx(7, abs=1)


def test_the_last_inbound_is_moved_by_each_message(chat: Callable[..., Chat],
                                                    demo_db: Database) -> None:
    """Each WhatsApp message opens the window again (in the turn's own write)."""
    person = chat("whatsapp", REPORTER)
    person.send("menu")
    person.send("/wait 1500")
    person.send("7")
    with demo_db.session() as session:
        assert is_in_window(session, REPORTER, person.now)
        assert not is_in_window(session, REPORTER, person.now + timedelta(hours=24))


def test_error_63016_in_a_delivery_report_sends_it_again_by_the_window_rules(
        twilio: FakeTwilio, chat: Callable[..., Chat], demo_db: Database,
        database_url: str) -> None:
    """If Twilio still finds free text outside the window, the message goes again as a template."""
    from flask.testing import FlaskClient
    from twilio.request_validator import RequestValidator

    from models import Contact
    from models.db import get_db
    from web import create_app

    reference, clock, worker = acknowledged_on_whatsapp(twilio, chat, demo_db, database_url)
    [free] = twilio.messages
    app = create_app({"DATABASE_URL": database_url, "TESTING": True,
                      "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "PUBLIC_BASE_URL": PUBLIC})
    client: FlaskClient = app.test_client()
    form = {"MessageSid": free["sid"], "MessageStatus": "undelivered", "ErrorCode": "63016",
            "AccountSid": ACCOUNT_SID, "To": free["To"], "From": free["From"]}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + "/sms/status", form)
    for _ in range(2):  # Twilio may report it twice: it goes again once
        assert client.post("/sms/status", data=form,
                           headers={"X-Twilio-Signature": signature}).status_code == 200
    get_db(app).dispose()
    with demo_db.session() as session:
        contact = session.scalar(select(Contact).where(Contact.channel == "whatsapp"))
        assert contact is not None and contact.last_inbound_at is None
    clock.set(datetime.now(UTC) + timedelta(seconds=1))  # the report came in just now
    worker.dispatcher.drain()
    assert len(twilio.messages) == 2
    again = twilio.messages[-1]
    assert again["ContentSid"] == UPDATE_TEMPLATE
    assert json.loads(again["ContentVariables"])["1"] == reference
