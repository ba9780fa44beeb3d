"""POST /sms/inbound through the Flask test client, signed as Twilio signs, on both backends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from itertools import count

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from locales import Catalogs
from models import Contact, OutboxMessage, ProcessedInbound, Report
from models.db import Database, get_db
from sms.gsm import is_gsm7, segments, transliterate
from tests.test_dialogs import CHILD_IN_DANGER, HAZARD_BY_SMS, MENU
from tests.test_focal_points import NOT_YOURS, phone_of
from tests.twiml import TwimlPhone

TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC = "https://sinjalizo.example.org"
URL = PUBLIC + "/sms/inbound"
REFERENCE = re.compile(r"R-[0-9A-Z]{6}")
STOPPED = "You will get no more messages from Sinjalizo. To start again, write START."
RESTARTED = "Messages from Sinjalizo are on again. Write MENU to start."


@pytest.fixture
def sms_app(demo_db: Database, database_url: str) -> Iterator[Flask]:
    """Yield a web app with Twilio configured, on the demo data of the backend under test."""
    from web import create_app

    application = create_app({"DATABASE_URL": database_url, "TESTING": True,
                              "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": PUBLIC})
    yield application
    get_db(application).dispose()


@dataclass
class SmsActions(TwimlPhone):
    """A phone writing to the service through Twilio: signed form posts, TwiML read back."""

    client: FlaskClient
    catalogs: Catalogs
    sids: Iterator[int] = field(default_factory=lambda: count(1))
    sent: list[list[str]] = field(default_factory=list)

    def post(self, body: str, from_: str, sid: str | None = None,
             signature: str | None = None) -> TestResponse:
        """Post one inbound SMS, signed with the auth token unless a signature is given."""
        form = {"From": from_, "To": "+38338000000", "Body": body,
                "MessageSid": sid or f"SM{next(self.sids):032d}", "NumMedia": "0"}
        if signature is None:
            signature = RequestValidator(TOKEN).compute_signature(URL, form)
        return self.client.post("/sms/inbound", data=form,
                                headers={"X-Twilio-Signature": signature})

    def expects(self, text: str, wanted: str, language: str) -> bool:
        """Tell whether the answer holds a fragment or a msgid's translation, transliterated."""
        folded = text.casefold()
        if transliterate(wanted).casefold() in folded:
            return True
        pieces = re.split(r"\{[^}]*\}", self.catalogs.gettext(wanted, language))
        return all(transliterate(p.strip()).casefold() in folded for p in pieces if p.strip())


@pytest.fixture
def sms(sms_app: Flask, catalogs: Catalogs) -> Iterator[SmsActions]:
    """Return a signed-SMS helper; afterwards every SMS sent must be GSM-7 and ≤ 2 segments."""
    actions = SmsActions(sms_app.test_client(), catalogs)
    yield actions
    for message in (m for answer in actions.sent for m in answer):
        assert is_gsm7(message) and segments(message) <= 2, message


def count_of(db: Database, model: type[object]) -> int:
    """Return how many rows a table holds."""
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("signature", ["", "forged+signature=", "WRONG"])
def test_bad_or_missing_signature_is_refused(sms: SmsActions, demo_db: Database,
                                             signature: str) -> None:
    """A forged or absent signature gets 403 and stores nothing."""
    headers = {} if signature == "" else {"X-Twilio-Signature": signature}
    form = {"From": "+38344999001", "Body": "BRAKTISJE 7A AK 12", "MessageSid": "SMforged"}
    assert sms.client.post("/sms/inbound", data=form,
                           headers=headers).status_code == HTTPStatus.FORBIDDEN
    forged = RequestValidator("another-token").compute_signature(URL, form)
    response = sms.client.post("/sms/inbound", data=form, headers={"X-Twilio-Signature": forged})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert count_of(demo_db, ProcessedInbound) == 0 and count_of(demo_db, Contact) == 0


def test_signature_covers_the_body(sms: SmsActions, demo_db: Database) -> None:
    """A valid signature of other parameters does not validate a tampered body."""
    form = {"From": "+38344999001", "Body": "menu", "MessageSid": "SMx"}
    signature = RequestValidator(TOKEN).compute_signature(URL, form)
    response = sms.client.post("/sms/inbound", data={**form, "Body": "BRAKTISJE 7A AK 12"},
                               headers={"X-Twilio-Signature": signature})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert count_of(demo_db, ProcessedInbound) == 0


@pytest.mark.parametrize("left_out", ["From", "Body", "MessageSid"])
def test_missing_fields_are_bad_requests(sms: SmsActions, left_out: str) -> None:
    """A signed form without From, Body or MessageSid is answered 400."""
    form = {"From": "+38344999001", "Body": "menu", "MessageSid": "SMmissing"}
    del form[left_out]
    signature = RequestValidator(TOKEN).compute_signature(URL, form)
    response = sms.client.post("/sms/inbound", data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_replayed_message_sid_has_one_effect(sms: SmsActions, teacher_phone: str,
                                             demo_db: Database) -> None:
    """Twilio retrying a MessageSid gets the same TwiML and files one report."""
    first = sms.post("BRAKTISJE 7A AK 12", teacher_phone, sid="SMretry")
    again = sms.post("BRAKTISJE 7A AK 12", teacher_phone, sid="SMretry")
    assert first.status_code == again.status_code == HTTPStatus.OK
    assert first.data == again.data and REFERENCE.search(first.get_data(as_text=True))
    assert count_of(demo_db, Report) == 1


def test_an_old_message_sid_after_newer_ones_is_answered_once(
        sms: SmsActions, teacher_phone: str, demo_db: Database) -> None:
    """A delayed retry of an earlier message replays its answer, after newer messages ran."""
    first = sms.send("MUNGESE 8B EB 5", teacher_phone, sid="SMold")
    sms.send("PAREGJISTRUAR 1A DK", teacher_phone, sid="SMnew1")
    sms.send("menu", teacher_phone, sid="SMnew2")
    assert sms.send("MUNGESE 8B EB 5", teacher_phone, sid="SMold") == first
    assert count_of(demo_db, Report) == 2


def test_an_oversized_body_gets_a_clean_answer(sms: SmsActions) -> None:
    """5,000 characters (beyond Twilio's 1,600) still get well-formed, short TwiML."""
    assert sms.send("menu", "+38344999010")
    messages = sms.send("fjalë " * 833 + "xx", "+38344999010")
    assert messages and all(segments(m) <= 2 for m in messages)


def test_hazard_dialog_over_sms(sms: SmsActions, demo_db: Database) -> None:
    """The core's hazard table, replayed through the webhook, files one routed report."""
    answers = sms.replay(HAZARD_BY_SMS, "+38344999011")
    assert REFERENCE.search(answers[-1]) and count_of(demo_db, Report) == 1


def test_child_in_danger_dialog_over_sms(sms: SmsActions, demo_db: Database) -> None:
    """The urgent child-at-risk table shows the emergency numbers and files the report."""
    answers = sms.replay(CHILD_IN_DANGER, "+38349111222")
    assert answers[2].index("112") < answers[2].index("Ku ")
    with demo_db.session() as session:
        assert session.scalar(select(Report.urgent)) is True


# The engine's thank-you (handlers/filing.py `thanks`) is 186 characters in Albanian for a
# dropout, so it cannot fit one segment; strict, so that shortening it turns this red.
def test_one_shot_dropout_is_one_sms_in_one_sms_out(sms: SmsActions, teacher_phone: str) -> None:
    """BRAKTISJE 7A AK 12 is answered by a single one-segment SMS carrying the reference."""
    [answer] = sms.send("BRAKTISJE 7A AK 12", teacher_phone)
    assert REFERENCE.search(answer) and segments(answer) == 1, answer


def test_readme_one_line_forms_over_sms(sms: SmsActions, teacher_phone: str) -> None:
    """Each one-line teacher form of the README files at once in one SMS."""
    for form in ("MUNGESE 8B EB 5", "PAREGJISTRUAR 1A DK", "RREZIK 9C LM 3 pune"):
        answer = "\n".join(sms.send(form, teacher_phone))
        assert len(REFERENCE.findall(answer)) == 2, answer


def test_stop_silences_until_start(sms: SmsActions, demo_db: Database) -> None:
    """STOP is confirmed once; then silence; START (or FILLO) confirms and the menu is back."""
    phone = "+38344999012"
    sms.replay([("Tung", MENU), ("stop", STOPPED)], phone)
    assert sms.send("menu", phone) == [] and sms.send("NDIHME", phone) == []
    with demo_db.session() as session:
        contact = session.scalar(select(Contact).where(Contact.address == phone))
        assert contact is not None and contact.opted_out and contact.opted_out_at
    sms.replay([("Start", RESTARTED), ("menu", MENU), ("NDALO", STOPPED)], phone)
    assert sms.send("1", phone) == []
    sms.replay([("fillo", RESTARTED), ("menu", MENU)], phone)


def test_stop_from_a_new_number_in_serbian_and_cancel(sms: SmsActions,
                                                      demo_db: Database) -> None:
    """A first message STOP records a new contact; CANCEL alone is Twilio's opt-out too."""
    sms.replay([("STOP", STOPPED)], "+38344999013")
    sms.replay([("jezik sr", MENU), ("cancel", STOPPED)], "+38344999014", language="sr")
    assert sms.send("meni", "+38344999014") == []
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Contact).where(
            Contact.opted_out)) == 2


def test_a_number_that_opted_out_gets_no_reporter_update(sms: SmsActions,
                                                         demo_db: Database) -> None:
    """A reporter who wrote STOP is not told of the acknowledgement; the change still happens."""
    reporter = "+38349111224"
    answers = sms.replay(CHILD_IN_DANGER, reporter)
    found = REFERENCE.search(answers[-1])
    assert found
    sms.replay([("STOP", STOPPED)], reporter)
    worker = phone_of(demo_db, "Demo: Prishtinë child protection")
    sms.replay([(f"OK {found.group()}", "taken up by the responsible office")], worker)
    with demo_db.session() as session:
        assert session.scalar(select(Report.status)) == "acknowledged"
        assert not session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose == "reporter_update",
            OutboxMessage.address == reporter)).all()


def test_a_focal_point_acting_on_anothers_report_gets_not_found(
        sms: SmsActions, demo_db: Database) -> None:
    """Another municipality's worker gets "not found", the same as for a made-up reference."""
    answers = sms.replay(CHILD_IN_DANGER, "+38349111225")
    found = REFERENCE.search(answers[-1])
    assert found
    other = phone_of(demo_db, "Demo: Prizren child protection")
    [theirs] = sms.replay([(f"OK {found.group()}", NOT_YOURS)], other)
    [made_up] = sms.replay([("OK R-ZZZZZZ", NOT_YOURS)], other)
    assert theirs.replace(found.group(), "X") == made_up.replace("R-ZZZZZZ", "X")
    with demo_db.session() as session:
        assert session.scalar(select(Report.status)) == "routed"
