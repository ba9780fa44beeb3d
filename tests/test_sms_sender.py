"""The Twilio sender against a fake Twilio over HTTP; delivery callbacks with real signatures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from alerts.clock import ManualClock
from alerts.senders import (
    LogSender,
    OutgoingMessage,
    Permanent,
    RetryLater,
    Sender,
    Sent,
)
from alerts.worker import standard_worker
from models import Contact, OutboxMessage
from models.db import Database, get_db
from sinjalizo.senders import senders_for
from sinjalizo.settings import Settings
from sms.gsm import is_gsm7
from sms.sender import CREDENTIALS_RETRY_SECONDS, TwilioSender, retry_after_seconds
from tests.dialog import START, Chat, references
from tests.fake_senders import FakeSender
from tests.fake_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM,
    FakeTwilio,
    running_fake,
    server_error,
    slow,
    throttled,
    unsubscribed,
)
from tests.test_dialogs import CHILD_IN_DANGER

PUBLIC = "https://sinjalizo.example.org"
PHONE = "+38344123456"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    """Yield a fake Twilio REST API on a loopback port."""
    with running_fake() as server:
        yield server


def settings_for(fake: FakeTwilio, database_url: str = "", **changes: object) -> Settings:
    """Return settings pointing the twilio client at the fake."""
    return Settings(database_url=database_url, twilio_account_sid=ACCOUNT_SID,
                    twilio_auth_token=AUTH_TOKEN, twilio_from=FROM,
                    twilio_api_base=fake.base, public_base_url=PUBLIC).with_overrides(**changes)


def message(text: str = "Raport i ri R-7K3M9Q", address: str = PHONE) -> OutgoingMessage:
    """Return one alert ready for the SMS sender."""
    return OutgoingMessage(outbox_id=1, purpose="alert", channel="sms", address=address,
                           language="sq", text=text)


def test_a_message_is_sent_with_callback_and_gsm7_text(fake: FakeTwilio) -> None:
    """Twilio gets To, From, a GSM-7 body and our status callback; the sid comes back."""
    result = TwilioSender(settings_for(fake)).send(message("Fëmijë në rrezik, çdo ditë – Đakovica"))
    assert isinstance(result, Sent)
    [sent] = fake.messages
    assert result.provider_id == sent["sid"]
    assert sent["To"] == PHONE and sent["From"] == FROM
    assert sent["StatusCallback"] == PUBLIC + "/sms/status"
    assert sent["Body"] == "Femije ne rrezik, cdo dite - Djakovica"


def test_transliteration_can_be_turned_off(fake: FakeTwilio) -> None:
    """With SMS_TRANSLITERATE off the text goes out as written."""
    TwilioSender(settings_for(fake, sms_transliterate=False)).send(message("Fëmijë"))
    assert fake.bodies() == ["Fëmijë"]


def test_a_server_error_is_retried(fake: FakeTwilio) -> None:
    """A 500 is a passing failure."""
    fake.fail_next(server_error())
    result = TwilioSender(settings_for(fake)).send(message())
    assert isinstance(result, RetryLater) and result.retry_after is None
    assert result.pause is None  # a bad moment at Twilio is no reason to stop the number
    assert not fake.messages


def test_throttling_honours_retry_after(fake: FakeTwilio) -> None:
    """A 429 is retried, not before the Retry-After the provider gave; the number pauses."""
    fake.fail_next(throttled(42))
    sender = TwilioSender(settings_for(fake))
    result = sender.send(message())
    assert isinstance(result, RetryLater) and result.retry_after == 42.0
    assert result.pause == f"sms:{FROM}"
    [limit] = sender.limits(message())
    assert (limit.key, limit.rate.per_second) == (f"sms:{FROM}", 10.0)


def test_a_timeout_is_retried(fake: FakeTwilio) -> None:
    """A provider that does not answer in time is a passing failure, not an exception."""
    fake.fail_next(slow(2.0))
    result = TwilioSender(settings_for(fake), timeout=0.3).send(message())
    assert isinstance(result, RetryLater) and "unreachable" in result.error


def test_an_unreachable_provider_is_retried(fake: FakeTwilio) -> None:
    """A refused connection is a passing failure."""
    sender = TwilioSender(settings_for(fake))
    fake.stop()
    assert isinstance(sender.send(message()), RetryLater)


def test_an_invalid_number_is_permanent(fake: FakeTwilio, db: Database) -> None:
    """Error 21211 ends the message for good, without opting anyone out."""
    result = TwilioSender(settings_for(fake), db).send(message(address="12345"))
    assert isinstance(result, Permanent) and not result.opted_out and "21211" in result.error
    with db.session() as session:
        assert session.scalar(select(Contact)) is None


def test_wrong_credentials_hold_the_message(fake: FakeTwilio) -> None:
    """A 401 is our misconfiguration, not the number's: retried, not escalated at once."""
    result = TwilioSender(settings_for(fake, twilio_auth_token="wrong")).send(message())
    assert isinstance(result, RetryLater) and "401" in result.error
    assert result.retry_after == CREDENTIALS_RETRY_SECONDS


def test_an_unsubscribed_number_is_opted_out(fake: FakeTwilio, db: Database) -> None:
    """Error 21610 is permanent, says opted out, and marks the number's SMS contact."""
    fake.unsubscribed.add(PHONE)
    result = TwilioSender(settings_for(fake), db).send(message())
    assert result == Permanent(result.error, opted_out=True) and "21610" in result.error
    fake.fail_next(unsubscribed())
    TwilioSender(settings_for(fake), db).send(message())  # again: still one contact
    with db.session() as session:
        [contact] = session.scalars(select(Contact)).all()
    assert (contact.channel, contact.address, contact.opted_out) == ("sms", PHONE, True)


def test_retry_after_reads_seconds_and_dates() -> None:
    """Retry-After comes as seconds or as an HTTP date."""
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert retry_after_seconds("7", now) == 7.0
    assert retry_after_seconds("Mon, 02 Mar 2026 09:01:00 GMT", now) == 60.0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


def test_senders_for_uses_twilio_once_configured(fake: FakeTwilio) -> None:
    """Only a full set of Twilio settings replaces the log sender on SMS."""
    assert isinstance(senders_for(settings_for(fake))["sms"], TwilioSender)
    assert isinstance(senders_for(settings_for(fake, twilio_from=""))["sms"], LogSender)
    assert isinstance(senders_for(Settings())["sms"], LogSender)


def test_a_filed_report_reaches_twilio_as_gsm7_sms(fake: FakeTwilio, chat: Callable[..., Chat],
                                                   demo_db: Database,
                                                   database_url: str) -> None:
    """The real worker delivers a child-at-risk report's alerts through the fake Twilio."""
    reporter = chat("sms", "+38349111222")
    reporter.replay(CHILD_IN_DANGER)
    [reference] = references(reporter)
    settings = settings_for(fake, database_url)
    senders: dict[str, Sender] = {"sms": TwilioSender(settings, demo_db),
                                  "telegram": FakeSender("telegram"),
                                  "email": FakeSender("email"), "log": FakeSender("log")}
    worker = standard_worker(settings, demo_db, senders=senders,
                             clock=ManualClock(START + timedelta(minutes=5)))
    worker.dispatcher.run_once()
    assert len(fake.messages) == 2
    assert all(reference in body and is_gsm7(body) for body in fake.bodies())
    with demo_db.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
    assert sorted(row.provider_id or "" for row in rows if row.status == "sent") == \
        sorted(sent["sid"] for sent in fake.messages)


# -- delivery callbacks -------------------------------------------------------------------------


@pytest.fixture
def signed_app(db: Database, database_url: str) -> Iterator[Flask]:
    """Yield a web app that knows the Twilio auth token and its public address."""
    from web import create_app

    application = create_app({"DATABASE_URL": database_url, "TESTING": True,
                              "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "PUBLIC_BASE_URL": PUBLIC})
    yield application
    get_db(application).dispose()


def callback(client: FlaskClient, sid: str, status: str, *, error_code: str = "",
             token: str = AUTH_TOKEN, signed: bool = True) -> TestResponse:
    """Post one delivery report as Twilio would, signed for the public URL."""
    form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID,
            "From": FROM, "To": PHONE, "ApiVersion": "2010-04-01"}
    if error_code:
        form["ErrorCode"] = error_code
    headers = {}
    if signed:
        headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(
            PUBLIC + "/sms/status", form)
    return client.post("/sms/status", data=form, headers=headers)


def outbox_row(db: Database, sid: str = "SM" + "a" * 32) -> int:
    """Store a sent SMS alert carrying a provider sid; return its id."""
    with db.transaction() as session:
        row = OutboxMessage(purpose="alert", channel="sms", address=PHONE, payload={},
                            status="sent", provider_id=sid)
        session.add(row)
        session.flush()
        return row.id


def delivery(db: Database, outbox_id: int) -> tuple[str | None, datetime | None]:
    """Return the recorded delivery status of an outbox row and when it was set."""
    with db.session() as session:
        row = session.get(OutboxMessage, outbox_id)
        assert row is not None
        return row.delivery_status, row.delivery_updated_at


@pytest.mark.parametrize(("reports", "final"), [
    (["queued", "sent", "delivered"], "delivered"),
    (["delivered", "sent"], "delivered"),
    (["sent", "queued", "sending"], "sent"),
    (["delivered", "failed"], "delivered"),
    (["sent", "undelivered", "delivered"], "undelivered"),
    (["queued", "failed"], "failed"),
    (["sent", "read-by-martians"], "sent"),
])
def test_delivery_status_only_moves_forward(signed_app: Flask, db: Database,
                                            reports: list[str], final: str) -> None:
    """Statuses arrive in any order; a late one never undoes a later one."""
    outbox_id = outbox_row(db)
    client = signed_app.test_client()
    for status in reports:
        assert callback(client, "SM" + "a" * 32, status).status_code == 200
    status, updated = delivery(db, outbox_id)
    assert status == final and updated is not None


def test_forged_and_unsigned_callbacks_are_refused(signed_app: Flask, db: Database) -> None:
    """A wrong or missing signature gets 403 and changes nothing."""
    outbox_id = outbox_row(db)
    client = signed_app.test_client()
    assert callback(client, "SM" + "a" * 32, "delivered", token="forged").status_code == 403
    assert callback(client, "SM" + "a" * 32, "delivered", signed=False).status_code == 403
    assert delivery(db, outbox_id) == (None, None)


def test_an_unknown_sid_is_acknowledged_and_ignored(signed_app: Flask, db: Database) -> None:
    """Twilio retries what is not answered 2xx, so an unknown message still gets 200."""
    outbox_id = outbox_row(db)
    client = signed_app.test_client()
    assert callback(client, "SM" + "b" * 32, "delivered").status_code == 200
    assert delivery(db, outbox_id) == (None, None)


def test_error_21610_on_a_callback_opts_the_number_out(signed_app: Flask, db: Database) -> None:
    """An undelivered report with 21610 marks the recipient opted out."""
    outbox_id = outbox_row(db)
    client = signed_app.test_client()
    assert callback(client, "SM" + "a" * 32, "undelivered", error_code="21610").status_code == 200
    assert delivery(db, outbox_id)[0] == "undelivered"
    with db.session() as session:
        contact = session.scalar(select(Contact).where(Contact.address == PHONE))
    assert contact is not None and contact.opted_out and contact.channel == "sms"
