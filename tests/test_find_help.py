"""Where can I find help? The citizen's flow, through the engine, the SMS webhook and Telegram.

Answers are taken as people type them: "psikolog", "strehim", "ndihme juridike", a number,
a misspelling. A person who reported before is offered that municipality first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from handlers.engine import advance
from handlers.flow import State
from handlers.types import Inbound
from locales import Catalogs
from models.db import Database
from models.services import NEEDS as MODEL_NEEDS
from tests.dialog import Chat, rows
from tests.fake_telegram import FakeTelegram
from tests.service_data import load_services
from tests.static_world import StaticWorld
from tests.test_dialogs import HAZARD_BY_SMS, MENU
from tests.test_sms_webhook import SmsActions, sms, sms_app  # noqa: F401 (fixtures)
from tests.test_telegram import Updates, play_webhook

NEED = "What kind of help are you looking for?"
WHERE = "In which municipality are you looking for help? Write the municipality or village."
WHERE_PIN = ("In which municipality are you looking for help? Share your location with the "
             "button, or write the municipality or village.")
REMEMBERED = ("Where are you looking for help? Choose {municipality}, where you reported "
              "last time, or write another municipality or village.")
FOUND_FOR = "Services for \u201c{need}\u201d in {municipality:loc}:"
NONE_FOR = "I found no service for \u201c{need}\u201d in {municipality:loc} yet."
AGAIN = "Write SHERBIME to look for other help, or MENU for everything else."
LABIRINTI = "Qendra Labirinti (OJQ Labirinti)"
QPS = "Qendra për Punë Sociale Drenas (Komuna e Drenasit)"
LEGAL = "Ndihma Juridike Falas"
KOSOVO_PHONE, ALBANIA_PHONE = "+38344990201", "+355692220201"


@pytest.fixture
def directory(demo_db: Database, tmp_path: Path) -> Database:
    """Return the demo database with the test service directory loaded."""
    load_services(demo_db, tmp_path)
    return demo_db


def test_the_need_slugs_are_the_models(catalogs: Catalogs) -> None:
    """Every need the directory stores is one the citizen can pick, and the other way round."""
    from handlers.needs import NEED_KEYS

    assert NEED_KEYS == MODEL_NEEDS


NEED_ANSWERS = [
    ("psikolog", "psychosocial"), ("Psikologe per femijen", "psychosocial"),
    ("psikollog", "psychosocial"), ("psiholog", "psychosocial"), ("keshillim", "psychosocial"),
    ("strehim", "shelter"), ("strehimm", "shelter"), ("strehë për gratë", "shelter"),
    ("sklonište", "shelter"), ("ndihme juridike", "legal_aid"), ("ndihm juridike", "legal_aid"),
    ("avokat", "legal_aid"), ("pravna pomoć", "legal_aid"), ("mjek", "health"),
    ("doktor", "health"), ("5", "shelter"), ("4)", "legal_aid"), ("nr 1", "psychosocial"),
    ("ndihmë financiare", "financial_aid"), ("ushqim për fëmijët", "financial_aid"),
    ("fëmija ka autizëm", "disability"), ("dhunë në familje", "violence"),
    ("me rrahin ne shtepi", "violence"), ("shkolla", "education"), ("nuk e di", "any"),
    ("të gjitha", "any"), ("sve", "any"),
]


@pytest.mark.parametrize(("said", "need"), NEED_ANSWERS)
def test_needs_are_understood_as_people_write_them(said: str, need: str,
                                                   catalogs: Catalogs) -> None:
    """Each answer picks its need at once, through the pure engine."""
    state = State(flow="services", step="need", known=True)
    inbound = Inbound("sms", KOSOVO_PHONE, datetime(2026, 3, 2, 9, tzinfo=UTC), said)
    outcome = advance(state, inbound, StaticWorld(), catalogs)
    assert outcome.state.answers.get("need") == need and not outcome.state.pending


def test_menu_entry_psikolog_in_drenas(chat: Callable[..., Chat], directory: Database) -> None:
    """From the menu: "psikolog" and "Drenas" list both psychosocial services of Drenas."""
    chat("sms", KOSOVO_PHONE).replay(rows(
        ("Tung", MENU),
        ("Ku të gjej ndihmë?", NEED),
        ("psikolog", WHERE),
        ("Drenas", (FOUND_FOR, "Psikologjike", LABIRINTI, "Tel. +383 44 777 888",
                    "Orari: E hënë–e premte 08:00–16:00", "Rr. Skënderbeu 12, Drenas",
                    "Gjuhët: shqip dhe serbisht", QPS, AGAIN)),
        ("menu", MENU),
    ))


def test_keyword_with_the_need_and_a_village(chat: Callable[..., Chat],
                                             directory: Database) -> None:
    """SHERBIME strehim asks only where; a village is confirmed and settles on Drenas."""
    person = chat("sms", KOSOVO_PHONE)
    [listed] = person.replay(rows(
        ("SHERBIME strehim", WHERE),
        ("Arllat", "Arllat, Drenas"),
        ("po", (FOUND_FOR, "Strehim", QPS, AGAIN)),
    ))[2:]
    assert "Labirinti" not in listed


@pytest.mark.parametrize("said", ["ndihme juridike", "4", "ndihm juridike", "avokat"])
def test_legal_aid_however_it_is_asked(chat: Callable[..., Chat], directory: Database,
                                       said: str) -> None:
    """Legal aid by words, number or a misspelling; the Drenas office is listed."""
    chat("sms", KOSOVO_PHONE).replay(rows(
        ("shërbime", NEED), (said, WHERE), ("gllogoc", (FOUND_FOR, LEGAL, "+383 38 200 100")),
    ))


def test_nothing_found_names_the_helplines_of_the_country(chat: Callable[..., Chat],
                                                          directory: Database) -> None:
    """No service there: Kosovo's numbers for Drenas; Albania's, with ALO 116 111, for Berat."""
    chat("sms", KOSOVO_PHONE).replay(rows(
        ("SHERBIME", NEED), ("mjek", WHERE),
        ("Drenas", (NONE_FOR, "You can call:", "Kosovo: emergency 112, police 192.",
                    "The Centre for Social Work of your municipality can also advise you.")),
    ))
    [answer] = chat("sms", ALBANIA_PHONE).replay(rows(
        ("SHERBIME psikolog", WHERE),
        ("Berat", (NONE_FOR, "Albania: emergency 112, police 129, child helpline ALO 116 111.",
                   "The child-protection unit of your municipality can also advise you.")),
    ))[1:]
    assert "192" not in answer


def test_the_last_reports_municipality_is_offered(chat: Callable[..., Chat],
                                                  directory: Database) -> None:
    """Someone who reported in Drenas is offered Drenas: 1 takes it, another name another."""
    person = chat("sms", KOSOVO_PHONE)
    person.replay(HAZARD_BY_SMS)
    person.replay(rows(
        ("SHERBIME psikolog", (REMEMBERED, "1) Drenas")),
        ("1", (FOUND_FOR, LABIRINTI)),
        ("SHERBIME", NEED), ("strehim", REMEMBERED),
        ("Prishtinë", (FOUND_FOR, "Strehimorja e Grave dhe Fëmijëve")),
    ))


def test_in_serbian(chat: Callable[..., Chat], directory: Database) -> None:
    """USLUGE in Serbian: the question, the need and the answer in Serbian, Serbian names."""
    chat("sms", KOSOVO_PHONE).replay(rows(
        ("jezik sr", "From now on I will write in English."),
        ("USLUGE", NEED), ("psiholog", WHERE),
        ("Glogovac", (FOUND_FOR, "Psihološka i socijalna podrška", "u Glogovcu",
                      "Jezici: albanski i srpski", LABIRINTI)),
    ))


def test_wrong_answers_ask_again(chat: Callable[..., Chat], directory: Database) -> None:
    """A sticker, a number out of range, nonsense: the same question again, never a dead end."""
    chat("sms", KOSOVO_PHONE).replay(rows(
        ("SHERBIME", NEED), ("/sticker", NEED),
        ("99", ("Please answer with a number from 1 to {count}.", NEED)),
        ("🙂🙂", NEED), ("1", WHERE), ("x" * 500, WHERE), ("Drenas", FOUND_FOR),
    ))


def test_over_the_sms_webhook(sms: SmsActions, directory: Database) -> None:  # noqa: F811
    """The same flow as Twilio delivers it: GSM-7, no SMS over two segments (checked by sms)."""
    sms.replay(rows(
        ("Përshëndetje", MENU),
        ("3", NEED),
        ("psikolog", WHERE),
        ("Drenas", (FOUND_FOR, "Qendra Labirinti (OJQ Labirinti)", "Tel. +383 44 777 888",
                    "Gjuhet: shqip dhe serbisht", "Qendra per Pune Sociale Drenas")),
        ("SHERBIME", NEED), ("strehimm", WHERE), ("Drenas", (FOUND_FOR, "Strehim")),
        ("sherbime", NEED), ("2", WHERE), ("Drenas", ("Kosove: emergjenca 112", AGAIN)),
    ), KOSOVO_PHONE)
    assert all(len(answer) <= 3 for answer in sms.sent)


def test_on_telegram(tg: FlaskClient, fake: FakeTelegram, catalogs: Catalogs,
                     directory: Database) -> None:
    """/sherbime and the buttons on Telegram; the place question offers the location button."""
    play_webhook(tg, fake, catalogs, rows(
        ("/sherbime", NEED),
        ("[violence]", WHERE_PIN),
        ("Drenas", (FOUND_FOR, "Mbrojtje nga dhuna", LABIRINTI)),
    ), Updates(5550301, first_id=30100))
