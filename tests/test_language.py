"""Municipality names as a native speaker writes them: in the reply, the status, the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from babel.messages.pofile import read_po

from alerts.lifecycle import Actor, change_status
from handlers.dropout_line import read_line
from handlers.focal import CLOSE_WORDS
from handlers.i18n import Verbatim, msg
from locales import BABEL_LOCALES, Catalogs, po_path
from models.db import Database
from routing.text import fold
from tests.conftest import AuthActions
from tests.dialog import Chat, references, rows
from tests.test_dialogs import (
    CHILD_IN_DANGER,
    HAZARD_BY_SMS,
    HAZARD_KIND,
    HAZARD_PHOTO,
    HAZARD_PIN,
    HAZARD_WHAT,
    MENU,
    SEND,
)
from tests.test_lifecycle import report_of

SERBIAN_HAZARD = ("/start", MENU), ("[hazard]", HAZARD_KIND), ("[dump]", HAZARD_PIN)


def test_albanian_reply_names_the_office_in_the_genitive(chat: Callable[..., Chat],
                                                         demo_db: Database) -> None:
    """"U dërgua te shërbimet publike të komunës së Drenasit", not "… në Drenas" bare."""
    replies = chat().replay(HAZARD_BY_SMS)
    assert "U dërgua te shërbimet publike të komunës së Drenasit." in replies[-1]


def test_child_report_goes_to_named_roles(chat: Callable[..., Chat], demo_db: Database) -> None:
    """The reporter learns who has it, as soon as it is sent: the social worker and the police."""
    replies = chat("sms", "+38349111230").replay(CHILD_IN_DANGER)
    assert ("punonjësi social i Qendrës për Punë Sociale në Prishtinë dhe zyrtari ndërlidhës "
            "i policisë në Prishtinë") in replies[3]


def test_serbian_interface_shows_serbian_names(chat: Callable[..., Chat],
                                               demo_db: Database) -> None:
    """Gračanica, not Graçanicë; a report nobody local holds goes to the national office."""
    person = chat("telegram", "5551201", language_hint="sr")
    replies = person.replay(rows(
        *SERBIAN_HAZARD,
        ("Gracanica", HAZARD_PHOTO),
        ("[skip]", HAZARD_WHAT),
        ("Smeće pored škole", ("Gračanica", SEND)),
        ("[send]", ("R-", "Prosleđena je nacionalnoj kancelariji za zaštitu dece.",
                    "Odatle će biti upućena nadležnoj opštini.")),
    ))
    assert not any("Graçanic" in reply for reply in replies)


def test_serbian_reply_uses_the_dative(chat: Callable[..., Chat], demo_db: Database) -> None:
    """"Prosleđena je javnim službama opštine Prizren", never "Prosleđena je: …"."""
    chat("telegram", "5551202", language_hint="sr").replay(rows(
        *SERBIAN_HAZARD,
        ("Prizren", HAZARD_PHOTO),
        ("[skip]", HAZARD_WHAT),
        ("Smeće pored škole", SEND),
        ("[send]", "Prosleđena je javnim službama opštine Prizren."),
    ))


def test_status_says_who_took_it_up(chat: Callable[..., Chat], demo_db: Database) -> None:
    """STATUS answers with who holds the report, in the reader's case, not a bare word."""
    person = chat("sms", "+38344999010")
    person.replay(HAZARD_BY_SMS)
    [reference] = references(person)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        change_status(session, reference, Actor("staff", 1), "acknowledged",
                      now=report.created_at + timedelta(minutes=5))
    [albanian] = person.replay(rows((f"STATUS {reference}", reference)))
    assert "U mor përsipër nga shërbimet publike të komunës së Drenasit." in albanian
    [serbian] = person.replay(rows(("JEZIK SR", ""), (f"STATUS {reference}", reference)))[1:]
    assert "Preuzeta je i poverena javnim službama opštine Glogovac." in serbian


def test_dashboard_names_the_municipality_in_the_accusative(auth: AuthActions) -> None:
    """"Ju administroni komunën e Prizrenit", and in Serbian "Upravljate opštinom Prizren"."""
    auth.login("prizren@example.org")
    assert "Ju administroni komunën e Prizrenit." in auth.client.get("/admin/").get_data(
        as_text=True)
    auth.client.get("/language/sr")
    assert "Upravljate opštinom Prizren." in auth.client.get("/admin/").get_data(as_text=True)


def test_dashboard_lists_serbian_names_in_serbian(auth: AuthActions,
                                                  chat: Callable[..., Chat]) -> None:
    """A Serbian reader of the report list sees Glogovac, and the municipality filter too."""
    chat().replay(HAZARD_BY_SMS)
    auth.login()
    auth.client.get("/language/sr")
    page = auth.client.get("/reports").get_data(as_text=True)
    assert "<td>Glogovac</td>" in page and "Gračanica</option>" in page
    assert "Graçanicë" not in page and "Bez opštinskog primaoca" in page


ALBANIAN_WORDS = {"Tung", "BRAKTISJE", "DUBLIKATE", "PAVEPRIM", "REFERUAR", "ANULO", "KALO",
                  "MENYJA", "FILLO", "ë", "ç"}
MULTILINGUAL = {"Language / Gjuha / Jezik"}  # the menu entry names itself in all three


def test_no_albanian_in_the_serbian_interface(catalogs: Catalogs) -> None:
    """No Albanian word or letter in a Serbian text; the words it names work in Serbian."""
    with po_path("sr").open("rb") as handle:
        catalog = read_po(handle, locale=BABEL_LOCALES["sr"])
    found = [(m.id, word) for m in catalog if m.id and m.id not in MULTILINGUAL
             for word in ALBANIAN_WORDS
             if any(word in form for form in (m.string if isinstance(m.string, tuple)
                                               else (m.string,)))]
    assert not found, found
    close = catalogs(msg("To close {reference}, add the reason: DUBLIKATE, PAVEPRIM (nothing to "
                         "act on) or REFERUAR (referred elsewhere).",
                         reference=Verbatim("R-7K3M9Q")), "sr")
    assert {CLOSE_WORDS[fold(w)] for w in ("DUPLIKAT", "NEOSNOVANO", "UPUĆENO") if w in close} \
        == {"duplicate", "not_actionable", "referred"}
    flag = read_line("NAPUŠTANJE 7A AK 12")
    assert flag is not None and flag.answers == {"status": "dropout", "class": "7A",
                                                 "pupil": "AK", "days": 12}
