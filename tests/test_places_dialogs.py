"""Places as people write them: streets, villages on both sides of the border, divided towns.

Dialog tables through the engine and the database (SMS numbers of both countries and a
Telegram chat, whose id says nothing of its country), then the same through the SMS and
Telegram webhooks where the channel matters.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from locales import Catalogs
from models import Report
from models.db import Database
from tests.dialog import Chat, references, rows
from tests.fake_telegram import FakeTelegram
from tests.test_dialogs import (
    FOUND,
    HAZARD_KIND,
    HAZARD_PHOTO,
    HAZARD_PIN,
    HAZARD_WHAT,
    HAZARD_WHERE,
    MENU,
    SEND,
)
from tests.test_sms_webhook import SmsActions, sms, sms_app  # noqa: F401 (fixtures)
from tests.test_telegram import Updates, play_webhook

KOSOVO_PHONE, ALBANIA_PHONE, TELEGRAM_CHAT = "+38344990101", "+355692220101", "5550777"
WHICH = "Which place do you mean?"
MUNICIPALITY_PLEASE = "Then please write the name of the municipality."
NOT_FOUND = ("I could not find \u201c{text}\u201d. Please write the municipality, "
             "for example: Drenas.")
IN_WORDS = "Please write the place in words, for example: {example}."
TOO_LONG = ("That is {length} characters. Please write only the place, in fewer words, "
            "for example: {example}.")
STREET = "Rruga Adem Jashari nr 5, prane xhamise, Komoran"
LONG = ("Te shkolla e vjetër, pranë urës së lumit, " * 8)[:299] + "."  # 300 characters
# A hazard reported by SMS, up to the place question.
TO_PLACE = rows(("menu", MENU), ("1", HAZARD_KIND), ("1", HAZARD_WHERE))
TO_PLACE_TELEGRAM = rows(("/start", MENU), ("[hazard]", HAZARD_KIND), ("[open_pit]", HAZARD_PIN))


def finish_hazard(person: Chat, reply: str) -> str:
    """Answer whatever the hazard still asks after its place (photo, words), then send it."""
    for _ in range(5):
        if person.expects(reply, HAZARD_PHOTO, person.turns[-1].language):
            reply = person.send("kalo")
        elif person.expects(reply, HAZARD_WHAT, person.turns[-1].language):
            reply = person.send("Pusetë pa kapak, një metër e thellë")
        elif person.expects(reply, SEND, person.turns[-1].language):
            return person.send("po")
        else:
            break
    raise AssertionError(f"the hazard did not reach its summary:\n{reply}")


def filed_report(db: Database, person: Chat) -> Report:
    """Return the one report the person filed."""
    [reference] = references(person)
    with db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference)
                                .options(selectinload(Report.municipality)))
        assert report is not None
        session.expunge_all()
        return report


def settled_place(person: Chat, db: Database) -> Report:
    """File the hazard whose place was just settled, and return it."""
    finish_hazard(person, last_reply(person))
    return filed_report(db, person)


def asks(person: Chat, msgid: str, reply: str | None = None) -> bool:
    """Tell whether the last reply (or `reply`) holds a message, in the person's language."""
    return person.expects(last_reply(person) if reply is None else reply, msgid,
                          person.turns[-1].language)


def last_reply(person: Chat) -> str:
    """Return the last replies the person got, as text."""
    from sms.render import sms_text

    return "\n".join(sms_text(reply) for reply in person.turns[-1].replies)


def test_street_address_settles_on_its_village_and_keeps_the_words(
        chat: Callable[..., Chat], demo_db: Database) -> None:
    """A street and a landmark before the village: the village is found, the words kept."""
    person = chat("sms", KOSOVO_PHONE)
    person.replay(TO_PLACE + rows(
        (STREET, (FOUND, "Komoran, Drenas")),
        ("po", ()),
    ))
    report = settled_place(person, demo_db)
    assert report.place_text == STREET
    assert (report.location, report.settlement, report.country) == ("settlement", "Komoran", "XK")
    assert report.latitude is not None and abs(report.latitude - 42.578) < 0.01


def test_words_written_before_a_no_stay_with_the_place(chat: Callable[..., Chat],
                                                       demo_db: Database) -> None:
    """After "no", the municipality typed next joins the street the person first wrote."""
    person = chat("sms", KOSOVO_PHONE)
    person.replay(TO_PLACE + rows(
        (STREET, FOUND),
        ("jo", MUNICIPALITY_PLEASE),
        ("Gllogoc", ()),
    ))
    report = settled_place(person, demo_db)
    assert report.place_text == f"{STREET}; Gllogoc"
    assert (report.location, report.settlement) == ("municipality", None)
    assert report.latitude is None


@pytest.mark.parametrize(("address", "found", "not_found"), [
    (ALBANIA_PHONE, "Kashar, Tiranë.", "Jashar"),
    # From Kosovo the one exact Kashar is across the border: asked back, with its country.
    (KOSOVO_PHONE, "Kashar, Tiranë (Shqipëri)", "Jashar"),
])
def test_kashar_is_found_in_albania_never_as_jashar(chat: Callable[..., Chat],
                                                    address: str, found: str,
                                                    not_found: str) -> None:
    """Kashar (Tiranë) is an exact village; Jashar (Viti) is only a near spelling."""
    person = chat("sms", address)
    replies = person.replay(TO_PLACE + rows(
        ("Kashar", (FOUND, found)),
        ("po", ()),
    ))
    assert not_found not in replies[-2]
    assert not asks(person, HAZARD_WHERE) and not asks(person, FOUND)


def test_village_of_the_municipality_file_is_always_confirmed(
        chat: Callable[..., Chat]) -> None:
    """An Albanian village's municipality is a guess: even "Kashar, Tiranë" is confirmed."""
    chat("sms", ALBANIA_PHONE).replay(TO_PLACE + rows(
        ("Kashar, Tiranë", (FOUND, "Kashar, Tiranë")),
    ))


@pytest.mark.parametrize(("address", "wanted", "absent"), [
    (KOSOVO_PHONE, (WHICH, "Morinë, Gjakovë", "Morinë, Skënderaj"), "Kukës"),
    (ALBANIA_PHONE, (FOUND, "Morinë, Kukës"), "Gjakov"),
])
def test_border_village_prefers_the_reporters_side(chat: Callable[..., Chat], address: str,
                                                   wanted: tuple[str, ...], absent: str) -> None:
    """Morinë lies on both sides of the Kosovo–Albania border: each number gets its own."""
    replies = chat("sms", address).replay(TO_PLACE + rows(("Morinë", wanted)))
    assert absent not in replies[-1]


def test_telegram_asks_the_country_then_remembers_it(chat: Callable[..., Chat],
                                                     demo_db: Database) -> None:
    """A chat id has no country: places in both are listed with theirs; the pick is kept."""
    person = chat("telegram", TELEGRAM_CHAT)
    person.replay(TO_PLACE_TELEGRAM + rows(
        ("Morinë", (WHICH, "Morinë, Gjakovë (Kosovë)", "Morinë, Kukës (Shqipëri)")),
        ("shqiperi", ()),
    ))
    report = settled_place(person, demo_db)
    assert (report.country, report.settlement) == ("AL", "Morinë")
    # The next report from the same chat prefers Albania: no list, no country to pick.
    again = person.replay(TO_PLACE_TELEGRAM + rows(("Morinë", (FOUND, "Morinë, Kukës"))))
    assert "Gjakov" not in again[-1] and "(Shqipëri)" not in again[-1]


def test_telegram_country_question_through_the_webhook(tg: FlaskClient, fake: FakeTelegram,
                                                       catalogs: Catalogs) -> None:
    """The same list through the real Telegram adapter: one button per place, with country."""
    play_webhook(tg, fake, catalogs, TO_PLACE_TELEGRAM + rows(
        ("Morinë", WHICH),
        ("[3]", HAZARD_PHOTO),
    ), Updates(chat=5550778))
    buttons = [b["text"] for m in fake.sent() for row in
               (m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
    assert {"Morinë, Kukës (Shqipëri)", "Morinë, Gjakovë (Kosovë)"} <= set(buttons)


def test_mitrovice_is_asked_back(chat: Callable[..., Chat]) -> None:
    """Mitrovica is two municipalities: the bare name is never settled silently."""
    chat("sms", KOSOVO_PHONE).replay(TO_PLACE + rows(
        ("mitrovice", (WHICH, "1) Mitrovicë e Jugut", "2) Mitrovicë e Veriut")),
    ))


def test_mitrovica_in_serbian(chat: Callable[..., Chat]) -> None:
    """In Serbian the two halves carry their Serbian names."""
    chat("sms", "+38344990102").replay(rows(
        ("jezik sr", ()), ("menu", MENU), ("1", HAZARD_KIND), ("1", HAZARD_WHERE),
        ("Kosovska Mitrovica", (WHICH, "Kosovska Mitrovica", "Severna Kosovska Mitrovica")),
        ("severna", ()),
    ))


@pytest.mark.parametrize(("said", "chosen"), [
    ("veriut", "Mitrovicë e Veriut"), ("e veriut", "Mitrovicë e Veriut"),
    ("Jugut", "Mitrovicë e Jugut"), ("2)", "Mitrovicë e Veriut"), ("1.", "Mitrovicë e Jugut"),
    ("Mitrovicë e Veriut", "Mitrovicë e Veriut"), ("mitrovica veriore", "Mitrovicë e Veriut"),
    ("veri", "Mitrovicë e Veriut"),
])
def test_option_words_pick_the_option(chat: Callable[..., Chat], demo_db: Database,
                                      said: str, chosen: str) -> None:
    """The number, the name or the part only one option has picks it."""
    person = chat("sms", KOSOVO_PHONE)
    person.replay(TO_PLACE + rows(("mitrovice", WHICH), (said, ())))
    assert not asks(person, WHICH) and not asks(person, FOUND)
    report = settled_place(person, demo_db)
    assert report.municipality is not None and report.municipality.name_sq == chosen
    assert report.place_text == "mitrovice"


@pytest.mark.parametrize("said", ["asnjëra", "asnjera", "asnje", "Asnjë nga këto", "none",
                                  "nijedno", "nijedan", "ni jedno", "3", "[none]"])
def test_none_of_these_is_never_a_place_name(chat: Callable[..., Chat], said: str) -> None:
    """Every way of saying "none of these" asks for the municipality instead."""
    person = chat("sms", KOSOVO_PHONE)
    replies = person.replay(TO_PLACE + rows(
        ("mitrovice", WHICH),
        (said, MUNICIPALITY_PLEASE),
        ("Drenas", ()),
    ))
    assert not asks(person, NOT_FOUND, replies[-2])
    assert not asks(person, HAZARD_WHERE) and not asks(person, MUNICIPALITY_PLEASE)


def test_none_words_at_the_place_question_are_not_searched(chat: Callable[..., Chat]) -> None:
    """"asnjëra" with no list before it is refused with an example, not looked up."""
    person = chat("sms", KOSOVO_PHONE)
    person.replay(TO_PLACE + rows(("asnjëra", (IN_WORDS, "Arllat, Drenas", HAZARD_WHERE))))
    assert not asks(person, NOT_FOUND)


def test_a_new_name_at_the_list_starts_a_new_search(chat: Callable[..., Chat],
                                                    demo_db: Database) -> None:
    """Typing another place at "which place?" looks that one up instead."""
    person = chat("sms", KOSOVO_PHONE)
    person.replay(TO_PLACE + rows(("mitrovice", WHICH), ("Arllat", (FOUND, "Arllat, Drenas")),
                                  ("po", ())))
    report = settled_place(person, demo_db)
    assert (report.settlement, report.place_text) == ("Arllat", "Arllat")


def test_out_of_range_number_shows_the_list_again(chat: Callable[..., Chat]) -> None:
    """A number beyond the list says which numbers work, with the list."""
    chat("sms", KOSOVO_PHONE).replay(TO_PLACE + rows(
        ("mitrovice", WHICH),
        ("7", ("Please answer with a number from 1 to {count}.", "Mitrovicë e Veriut")),
        ("😀😀", (IN_WORDS, "Mitrovicë e Jugut")),
        ("2", ()),
    ))


@pytest.mark.parametrize("channel", ["sms", "telegram"])
def test_emoji_and_walls_of_text_get_an_example(chat: Callable[..., Chat],
                                                channel: str) -> None:
    """Emoji only, or 300 characters, at the place question: a polite refusal, an example."""
    start = TO_PLACE if channel == "sms" else TO_PLACE_TELEGRAM
    where = HAZARD_WHERE if channel == "sms" else HAZARD_PIN
    address = KOSOVO_PHONE if channel == "sms" else TELEGRAM_CHAT
    chat(channel, address).replay(start + rows(
        ("🏠📍🙏", (IN_WORDS, "Arllat, Drenas", where)),
        (LONG, (TOO_LONG, "300", "Arllat, Drenas", where)),
        ("Drenas", ()),
    ))


def test_albanian_numbers_get_an_albanian_example(chat: Callable[..., Chat]) -> None:
    """The example names a place in the reporter's own country."""
    chat("sms", ALBANIA_PHONE).replay(TO_PLACE + rows(("!!!", (IN_WORDS, "Kashar, Tiranë"))))


def test_summary_shows_the_place_and_the_persons_words(chat: Callable[..., Chat]) -> None:
    """Before sending, the person sees the matched place and that their words are kept."""
    person = chat("telegram", "5550779")
    person.replay(TO_PLACE_TELEGRAM + rows((STREET, FOUND), ("[yes]", HAZARD_PHOTO),
                                           ("[skip]", HAZARD_WHAT)))
    summary = person.send("Pusetë pa kapak")
    assert "Komoran, Drenas" in summary and STREET in summary


# Through the SMS webhook: the same matching, GSM-7 answers of at most two segments.
def test_kashar_and_mitrovice_over_the_sms_webhook(sms: SmsActions) -> None:  # noqa: F811
    """An Albanian number finds Kashar; Mitrovica is asked back; "asnjera" asks again."""
    sms.replay(TO_PLACE + rows(("Kashar", (FOUND, "Kashar, Tirane"))), ALBANIA_PHONE)
    sms.replay(TO_PLACE + rows(
        ("mitrovice", (WHICH, "Mitrovice e Jugut", "Mitrovice e Veriut")),
        ("asnjera", MUNICIPALITY_PLEASE),
        (STREET, (FOUND, "Komoran, Drenas")),
    ), KOSOVO_PHONE)


def test_the_same_name_again_keeps_the_list(chat: Callable[..., Chat]) -> None:
    """Writing the shared name again at the list says how to answer, with the list."""
    chat("sms", KOSOVO_PHONE).replay(TO_PLACE + rows(
        ("mitrovice", WHICH),
        ("Mitrovica", ("Please answer with one of the options below.", WHICH,
                       "Mitrovicë e Veriut")),
        ("2", ()),
    ))


def test_a_municipality_abroad_is_asked_back_with_its_country(chat: Callable[..., Chat]) -> None:
    """Tiranë from a Kosovo number is most likely right, but it is asked, naming Albania."""
    chat("sms", KOSOVO_PHONE).replay(TO_PLACE + rows(
        ("Tiranë", (FOUND, "Tiranë (Shqipëri)")),
        ("po", ()),
    ))
    at_home = chat("sms", ALBANIA_PHONE)
    at_home.replay(TO_PLACE + rows(("Tiranë", ())))
    assert not asks(at_home, FOUND) and not asks(at_home, HAZARD_WHERE)  # settled at once
