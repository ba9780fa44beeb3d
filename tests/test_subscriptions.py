"""Subscribing to awareness messages and stopping them, as people write it, on SMS and Telegram.

ABONOHU (any case, without diacritics, PRETPLATA in Serbian) or the menu entry asks for the
municipality, answered as every place is; CK (ÇK, and STOP on Telegram) stops the messages.
A child in danger written instead of a place is reported first.
"""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from locales import Catalogs
from models import Contact, Municipality, Subscription
from models.db import Database
from tests.dialog import Chat, rows
from tests.fake_telegram import FakeTelegram
from tests.human_answers import SUBSCRIBE_PLACE
from tests.test_dialogs import DANGER, MENU
from tests.test_telegram import Updates, play_webhook

WHERE = ("Sinjalizo can send you, now and then, a short message from your municipality on "
         "keeping children safe. For which municipality would you like them? Write the "
         "municipality or village.")
WHERE_PIN = ("Sinjalizo can send you, now and then, a short message from your municipality on "
             "keeping children safe. For which municipality would you like them? Share your "
             "location with the button, or write the municipality or village.")
SUBSCRIBED = ("Thank you! From now on you will receive awareness messages for "
              "{municipality:loc} now and then, in this language: short advice on keeping "
              "children safe. To stop them, write CK at any time.")
ALREADY = ("You already receive the awareness messages for {municipality:loc}; nothing "
           "changes. To stop them, write CK at any time.")
STOPPED = ("Done: you will receive no more awareness messages. Thank you for following "
           "them. You can still report here at any time, and write ABONOHU if you would "
           "like them again.")
NOT_SUBSCRIBED = ("You were not receiving any awareness messages, so there is nothing to "
                  "stop. You can report here at any time.")
CHILD_FIRST = "The messages can wait: first, the child."
LATER = "Let us finish this first; afterwards write ABONOHU to receive awareness messages."


def subscriptions(db: Database, channel: str, address: str) -> list[tuple[str, str]]:
    """Return (municipality, language) of every subscription of an address."""
    with db.session() as session:
        return [(town, language) for town, language in session.execute(
            select(Municipality.name_sq, Subscription.language)
            .join(Subscription, Subscription.municipality_id == Municipality.id)
            .join(Contact, Contact.id == Subscription.contact_id)
            .where(Contact.channel == channel, Contact.address == address)
            .order_by(Municipality.name_sq))]


def test_sms_subscribe_by_keyword_in_any_spelling(chat: Callable[..., Chat],
                                                  demo_db: Database) -> None:
    """ABONOHU, abonohu, a municipality as typed: subscribed once, told how to stop."""
    person = chat("sms", "+38344777001")
    person.replay(rows(
        ("ABONOHU", WHERE), ("Skenderaj", ("Skënderaj", SUBSCRIBED)),
        ("abonohu", WHERE), ("skenderaj", ALREADY),
    ))
    assert subscriptions(demo_db, "sms", "+38344777001") == [("Skënderaj", "sq")]
    person.replay(rows(("abonohu", WHERE), ("Gllogoc", ("Drenas", SUBSCRIBED))))
    assert subscriptions(demo_db, "sms", "+38344777001") == [("Drenas", "sq"),
                                                              ("Skënderaj", "sq")]


def test_subscribe_from_the_menu_with_a_village(chat: Callable[..., Chat],
                                                demo_db: Database) -> None:
    """The menu entry, then a village: confirmed like any place, then subscribed."""
    person = chat("sms", "+38344777002")
    person.replay(rows(("menu", MENU), ("mesazhe", WHERE)))
    person.replay(rows(("Runik", "Runik, Skënderaj"), ("po", SUBSCRIBED)))
    assert subscriptions(demo_db, "sms", "+38344777002") == [("Skënderaj", "sq")]


def test_serbian_keyword_subscribes_in_serbian(chat: Callable[..., Chat],
                                               demo_db: Database) -> None:
    """PRETPLATA from a Serbian speaker: the question and the answer in Serbian."""
    person = chat("sms", "+38344777003")
    person.replay(rows(("jezik srpski", MENU), ("PRETPLATA", WHERE),
                       ("Srbica", ("Srbic", SUBSCRIBED))))
    assert subscriptions(demo_db, "sms", "+38344777003") == [("Skënderaj", "sr")]


def test_telegram_subscribe_and_unsubscribe(chat: Callable[..., Chat],
                                            demo_db: Database) -> None:
    """On Telegram: the menu button, a municipality, then STOP, ÇK: warmly told each time."""
    person = chat("telegram", "8800001")
    person.replay(rows(
        ("/start", MENU), ("[subscribe]", WHERE_PIN), ("Prizren", SUBSCRIBED),
    ))
    assert subscriptions(demo_db, "telegram", "8800001") == [("Prizren", "sq")]
    person.replay(rows(("STOP", STOPPED)))
    assert subscriptions(demo_db, "telegram", "8800001") == []
    person.replay(rows(("ÇK", NOT_SUBSCRIBED), ("Abonohu", WHERE_PIN),
                       ("prizren", SUBSCRIBED), ("ck", STOPPED)))
    assert subscriptions(demo_db, "telegram", "8800001") == []


def test_sms_ck_stops_awareness_messages_only(chat: Callable[..., Chat],
                                              demo_db: Database) -> None:
    """CK by SMS ends the subscription but not the person's reports or other messages."""
    person = chat("sms", "+38344777004")
    person.replay(rows(("abonohu", WHERE), ("Drenas", SUBSCRIBED), ("CK", STOPPED),
                       ("Ck", NOT_SUBSCRIBED)))
    with demo_db.session() as session:
        contact = session.scalar(select(Contact).where(Contact.address == "+38344777004"))
        assert contact is not None and not contact.opted_out


def test_a_child_in_danger_comes_before_the_subscription(chat: Callable[..., Chat],
                                                         demo_db: Database) -> None:
    """Writing about a child in danger instead of a place starts the child's report at once."""
    person = chat("sms", "+38344777005")
    person.replay(rows(
        ("ABONOHU", WHERE),
        ("nje femije po e rrahin tani te fqinjet", (CHILD_FIRST, DANGER)),
        ("po", "112"),
    ))
    assert subscriptions(demo_db, "sms", "+38344777005") == []


def test_subscribing_in_the_middle_of_a_report_waits(chat: Callable[..., Chat]) -> None:
    """ABONOHU during a report keeps the report's question; nothing is lost."""
    person = chat("sms", "+38344777006")
    person.replay(rows(("menu", MENU), ("1", "What kind of danger is it?"),
                       ("abonohu", (LATER, "What kind of danger is it?"))))


def test_odd_answers_get_a_polite_question_again(chat: Callable[..., Chat]) -> None:
    """An emoji, a sticker, a place that does not exist: the question again, with why."""
    person = chat("telegram", "8800002")
    person.replay(rows(
        ("abonohu", WHERE_PIN), ("\U0001f600\U0001f600", WHERE_PIN), ("/sticker", WHERE_PIN),
        ("Xyzzyville", ("I could not find \u201c{text}\u201d. Please write the municipality, "
                        "for example: Drenas.", WHERE_PIN)),
        ("Prizren", SUBSCRIBED),
    ))


def test_places_as_people_write_them(chat: Callable[..., Chat], demo_db: Database) -> None:
    """Each way of writing a municipality in tests/human_answers.py subscribes there at once."""
    for number, (said, town) in enumerate(SUBSCRIBE_PLACE):
        address = f"+3834477{number:04d}"
        chat("sms", address).replay(rows(("abonohu", WHERE), (said, SUBSCRIBED)))
        assert subscriptions(demo_db, "sms", address) == [(town, "sq")], said


def test_erasure_ends_the_subscription_and_retention_keeps_a_subscriber(
        chat: Callable[..., Chat], demo_db: Database) -> None:
    """A subscriber is kept while subscribed; erasing their number removes it, export lists it."""
    from datetime import timedelta

    from service.retention import retain
    from service.subject import erase, parse_subject
    from service.subject_export import export
    from tests.dialog import START

    chat("sms", "+38344777100").replay(rows(("abonohu", WHERE), ("Drenas", SUBSCRIBED)))
    later = START + timedelta(days=400)
    with demo_db.transaction() as session:
        retain(session, later, 180)
    assert subscriptions(demo_db, "sms", "+38344777100") == [("Drenas", "sq")]
    with demo_db.transaction() as session:
        held = export(session, parse_subject("+38344777100"), later)
        assert [s["municipality"] for s in held["subscriptions"]] == ["Drenas"]
        erase(session, parse_subject("+38344777100"), later, "test")
    assert subscriptions(demo_db, "sms", "+38344777100") == []


def test_over_the_telegram_webhook(tg: FlaskClient, fake: FakeTelegram, catalogs: Catalogs,
                                   demo_db: Database) -> None:
    """The menu's button, a pin, then /stop: through the bot's own webhook, as Telegram sends."""
    play_webhook(tg, fake, catalogs, rows(
        ("/start", MENU), ("[subscribe]", WHERE_PIN),
        ("/location 42.7466 20.7891", "Skënderaj"), ("[yes]", SUBSCRIBED),
        ("ÇK", STOPPED),
    ), Updates(5550801, first_id=80100))
    assert subscriptions(demo_db, "telegram", "5550801") == []
