"""Whole conversations answered as people answer, replayed through the engine and both channels.

The same tables go through the engine with the database (tests/dialog.py), through Twilio's
signed webhook, and through Telegram's webhook against the fake Bot API: a child in danger
reported with words and the age as a number, a hazard described instead of photographed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from locales import Catalogs
from models import Report
from models.db import Database
from tests.conftest import AuthActions
from tests.dialog import Chat, references, rows
from tests.fake_telegram import FakeTelegram
from tests.test_dialogs import (
    AGE,
    ALL_ADDED,
    CHILD_WHAT,
    CHILD_WHERE_NOW,
    CONCERN,
    CONTACT,
    DANGER,
    HAZARD_KIND,
    HAZARD_PHOTO,
    HAZARD_PIN,
    HAZARD_WHAT,
    HAZARD_WHERE,
    MENU,
    SEND,
    SENT_URGENT,
    SEX,
)
from tests.test_sms_webhook import SmsActions, sms_app  # noqa: F401 (a fixture)
from tests.test_telegram import Updates, play_webhook

WHERE_NOW_PIN = ("Where is the child now? Share your location with the button, or write the "
                 "village and the municipality.")
# A frightened person by SMS: words, not option numbers, from the first message on.
CHILD_IN_WORDS = rows(
    ("pershendetje", MENU),
    ("dua te raportoj nje femije", DANGER),
    ("po, tani", ("112", CHILD_WHERE_NOW)),
    ("Drenas", (SENT_URGENT, CONCERN)),
    ("babai e rrah çdo natë", AGE),
    ("10 vjeç", SEX),
    ("vajzë", CHILD_WHAT),
    ("E dëgjoj që bërtet natën, shtëpia e fundit te xhamia", CONTACT),
    ("po", ALL_ADDED),
)
# The same on Telegram, where buttons carry no numbers: a bare "10" is the age.
CHILD_ON_TELEGRAM = rows(
    ("/start", MENU),
    ("[child_at_risk]", DANGER),
    ("po", ("112", WHERE_NOW_PIN)),
    ("Drenas", (SENT_URGENT, CONCERN)),
    ("e rrahin", AGE),
    ("10", SEX),
    ("djalë", CHILD_WHAT),
    ("E dëgjoj që bërtet natën", CONTACT),
    ("jo", ALL_ADDED),
)
HAZARD_IN_WORDS_SMS = rows(
    ("tung", MENU),
    ("1", HAZARD_KIND),
    ("ka shume qen ne lagje", HAZARD_WHERE),
    ("drenas", HAZARD_WHAT),
    ("Qentë sulmojnë fëmijët te stacioni i autobusit", SEND),
    ("po, dergoje", "R-"),
)
HAZARD_TYPED_AT_THE_PHOTO = rows(
    ("/start", MENU),
    ("[hazard]", HAZARD_KIND),
    ("[dump]", HAZARD_PIN),
    ("Drenas", HAZARD_PHOTO),
    ("nuk kam foto, por ka plehra te djegura para shkolles", SEND),
    ("[send]", "R-"),
)


def test_human_answers_through_the_engine(chat: Callable[..., Chat], demo_db: Database) -> None:
    """The SMS and Telegram tables, through the engine and the database, file what was said."""
    person = chat("sms", "+38349123456")
    person.replay(CHILD_IN_WORDS)
    [reference] = references(person)
    chat("telegram", "5550777").replay(CHILD_ON_TELEGRAM)
    chat("sms", "+38349123457").replay(HAZARD_IN_WORDS_SMS)
    chat("telegram", "5550778").replay(HAZARD_TYPED_AT_THE_PHOTO)
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None and report.urgent and not report.incomplete
        assert (report.category, report.details["age_band"], report.details["sex"]) == (
            "violence", "6-11", "girl")
        assert report.details["words"] == {"concern": "babai e rrah çdo natë"}
        assert report.callback_consent
        kinds = {(r.kind, r.category) for r in session.scalars(select(Report))}
        assert ("hazard", "stray_dogs") in kinds and ("hazard", "dump") in kinds
        dump = session.scalar(select(Report).where(Report.category == "dump"))
        assert dump is not None and dump.description.startswith("nuk kam foto")


def test_human_answers_through_the_sms_webhook(sms_app: Flask, catalogs: Catalogs,  # noqa: F811
                                               demo_db: Database) -> None:
    """The SMS tables over Twilio's signed webhook: every SMS GSM-7, the reports filed."""
    sms = SmsActions(sms_app.test_client(), catalogs)
    sms.replay(CHILD_IN_WORDS, "+38349123456")
    sms.replay(HAZARD_IN_WORDS_SMS, "+38349123457")
    with demo_db.session() as session:
        urgent = session.scalar(select(Report).where(Report.urgent))
        assert urgent is not None and urgent.details["age_band"] == "6-11"


def test_human_answers_through_the_telegram_webhook(tg: FlaskClient, fake: FakeTelegram,
                                                    catalogs: Catalogs,
                                                    demo_db: Database) -> None:
    """The Telegram tables over the webhook, answered through the fake Bot API."""
    play_webhook(tg, fake, catalogs, CHILD_ON_TELEGRAM, Updates(chat=7001))
    play_webhook(tg, fake, catalogs, HAZARD_TYPED_AT_THE_PHOTO, Updates(chat=7002,
                                                                        first_id=9500))
    with demo_db.session() as session:
        urgent = session.scalar(select(Report).where(Report.urgent))
        assert urgent is not None and urgent.details["age_band"] == "6-11"
        assert urgent.details["sex"] == "boy" and urgent.anonymous


def test_the_report_page_shows_the_reporters_own_words(chat: Callable[..., Chat],
                                                      auth: AuthActions,
                                                      catalogs: Catalogs) -> None:
    """The sentence that answered a choice is on the report page, labelled, not as JSON."""
    person = chat("sms", "+38349123456")
    person.replay(CHILD_IN_WORDS)
    [reference] = references(person)
    auth.login()
    page = auth.client.get(f"/reports/{reference}").get_data(as_text=True)
    label = catalogs.gettext("In the reporter's own words", "sq")
    assert f"<dt>{label}</dt><dd>babai e rrah çdo natë</dd>" in page
    assert "{&#39;concern&#39;" not in page and "{'concern'" not in page
