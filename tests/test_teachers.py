"""Teachers' dropout flags as teachers send them: repeats, their own words, long lines, STATUS."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from locales import Catalogs
from models import OutboxMessage, Report, ReportEvent
from models.db import Database
from tests.conftest import AuthActions
from tests.dialog import Chat, references, rows
from tests.test_content import alerts_of, render
from tests.test_dialogs import (
    CANCELLED,
    CLASS,
    DAYS,
    MENU,
    NOT_A_TEACHER,
    OPTIONS,
    PUPIL,
    PUPIL_ERROR,
    REASON,
    SEND,
    SITUATION,
)

ALREADY = "Class {class_name}, pupil {pupil} is already reported: {reference}, {situation}, " \
          "sent {date}."
ADD_INSTEAD = "Add what you send now to {reference} instead of a second report?"
ADDED = ("Thank you. What you sent is added to {reference}, and those handling it are told "
         "of anything new.")
TOO_LONG = ("Your message has {length} characters, more than a dropout flag can take "
            "({limit}), so nothing was filed.")
SYNTAX = ("Write one line: SITUATION CLASS INITIALS DAYS REASON, the reason in a sentence "
          "or two. For example: RREZIK 9C LM 3 works on building sites with his father")
CLASS_ERROR = "Please write the class as grade and section, for example 7A."
DAYS_ERROR = ("Please write how many school days the pupil has missed, as a number from "
              "0 to {high}, for example 12.")
REASON_ERROR = ("Please choose a number from the list, or write the reason in a few words, "
                "for example: works on a building site.")
FORTNIGHT_AND_A_DAY = f"/wait {15 * 24 * 60}"
WORDS = "babai e merr ne ndertim"


def flags(session: Session) -> list[Report]:
    """Return every dropout report, oldest first."""
    return list(session.scalars(select(Report).where(Report.kind == "dropout")
                                .order_by(Report.id)))


def updates_for(session: Session, report: Report) -> list[OutboxMessage]:
    """Return the updates queued for the contact points holding a report."""
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.report_id == report.id, OutboxMessage.purpose == "report_update")))


def test_a_repeat_within_14_days_is_added_not_filed(chat: Callable[..., Chat],
                                                    teacher_phone: str, demo_db: Database,
                                                    catalogs: Catalogs) -> None:
    """The same class and pupil again: told of R-…, added to it, and its holder is told."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows(("BRAKTISJE 7A AK 12", "R-")))
    [reference] = references(teacher)
    teacher.replay(rows(
        ("/wait 4320", ""),
        (f"MUNGESE 7a A.K. 15 {WORDS}", (ALREADY, reference, "Left school", ADD_INSTEAD,
                                         "Add this to {reference}")),
        ("1", (ADDED, reference)),
    ))
    assert references(teacher) == [reference]
    with demo_db.transaction() as session:
        [report] = flags(session)
        assert report.category == "absence"
        assert report.details["days_absent"] == 15 and report.details["reason"] == "work"
        assert report.details["reason_text"] == WORDS
        assert any(e.kind == "update" for e in session.scalars(
            select(ReportEvent).where(ReportEvent.report_id == report.id)))
        [update] = updates_for(session, report)
        text = render(session, update, catalogs, "en")
    assert "Situation: Prolonged absence" in text and "Days absent: 15" in text
    assert f"In the teacher's words: {WORDS}" in text


def test_a_guided_repeat_is_found_after_the_pupil(chat: Callable[..., Chat],
                                                 teacher_phone: str, demo_db: Database) -> None:
    """Step by step, the earlier report is named as soon as class and pupil are given."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows(("RREZIK 9C LM 3", "R-")))
    [reference] = references(teacher)
    teacher.replay(rows(
        ("menu", MENU), ("3", SITUATION), ("2", CLASS), ("kl. 9c", PUPIL),
        ("L. M.", (ALREADY, reference, ADD_INSTEAD)),
        ("po", DAYS),
        ("dy javë", ("Counted as {days} school days (five a week).", REASON)),
        ("ka shkuar ne Gjermani me familjen", (SEND, "Migration")),
        ("po", ADDED),
    ))
    with demo_db.session() as session:
        [report] = flags(session)
        assert report.category == "dropout" and report.details["days_absent"] == 10
        assert report.details["reason"] == "migration"
        assert report.details["reason_text"] == "ka shkuar ne Gjermani me familjen"


@pytest.mark.parametrize("second", ["BRAKTISJE 7A EB 12", "BRAKTISJE 7B AK 12"])
def test_another_pupil_or_class_is_filed(chat: Callable[..., Chat], teacher_phone: str,
                                         demo_db: Database, second: str) -> None:
    """Other initials, or the same initials in another class, file a report of their own."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows(("BRAKTISJE 7A AK 12", "R-"), (second, "R-")))
    assert len(set(references(teacher))) == 2


def test_a_repeat_after_14_days_is_filed(chat: Callable[..., Chat], teacher_phone: str) -> None:
    """A fortnight and a day later the same pupil is a new report."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows(("BRAKTISJE 7A AK 12", "R-"), (FORTNIGHT_AND_A_DAY, ""),
                        ("BRAKTISJE 7A AK 20", "R-")))
    assert len(set(references(teacher))) == 2


def test_another_pupil_with_the_same_initials_or_cancel(chat: Callable[..., Chat],
                                                        teacher_phone: str) -> None:
    """At the repeat question the teacher may still file separately, or drop it."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows(
        ("BRAKTISJE 7A AK 12", "R-"),
        ("BRAKTISJE 7A AK 3", ADD_INSTEAD),
        ("\U0001f914", (OPTIONS, ADD_INSTEAD)),
        ("2", "Thank you. Your report {reference} has been received."),
        ("BRAKTISJE 7A AK 5", ADD_INSTEAD),
        ("3", CANCELLED),
    ))
    assert len(set(references(teacher))) == 2


def test_a_report_closed_as_duplicate_is_not_offered(chat: Callable[..., Chat],
                                                     teacher_phone: str,
                                                     demo_db: Database) -> None:
    """An earlier flag the team closed as a duplicate does not hold a new one back."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows(("BRAKTISJE 7A AK 12", "R-")))
    with demo_db.transaction() as session:
        [report] = flags(session)
        report.status, report.close_reason = "closed", "duplicate"
    teacher.replay(rows(("BRAKTISJE 7A AK 12", "R-")))
    assert len(set(references(teacher))) == 2


def test_reason_words_are_kept_beside_the_reason(chat: Callable[..., Chat], teacher_phone: str,
                                                 demo_db: Database,
                                                 catalogs: Catalogs) -> None:
    """The teacher's words stay verbatim; the alert shows the reason and the words."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows(
        (f"RREZIK 9C LM 3 {WORDS}", "R-"),
        ("MUNGESE 8B EB 5 do te shkojne jashte ne pranvere, thote nena", "R-"),
        ("BRAKTISJE 6A DK 30 nuk dihet pse, familja nuk pergjigjet", "R-"),
    ))
    with demo_db.transaction() as session:
        work, migration, unknown = (r.details for r in flags(session))
        text = render(session, alerts_of(session, flags(session)[0])[0], catalogs, "en")
    assert (work["reason"], work["reason_text"]) == ("work", WORDS)
    assert migration["reason"] == "migration" and migration["reason_text"].endswith("nena")
    assert unknown["reason"] == "unknown"
    assert unknown["reason_text"] == "nuk dihet pse, familja nuk pergjigjet"
    assert f"In the teacher's words: {WORDS}" in text and "Reason: Work" in text
    assert "Pupil: LM" in text and "class 9C" in text


def test_the_report_page_shows_reason_and_words(chat: Callable[..., Chat], teacher_phone: str,
                                                auth: AuthActions, catalogs: Catalogs) -> None:
    """The dashboard names a flag's details: class, pupil, reason and the teacher's words."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows((f"RREZIK 9C LM 3 {WORDS}", "R-")))
    [reference] = references(teacher)
    auth.login()
    page = auth.client.get(f"/reports/{reference}").get_data(as_text=True)
    pupil = re.escape(catalogs.gettext("Pupil", "sq"))
    found = re.search(rf"<dt>{pupil}</dt><dd>([^<]*)</dd>", page)
    assert found is not None, page
    # As a teacher would write it: class, initials, days absent, reason and their own words.
    assert found.group(1) == ("Klasa 9C, nxënësi L.M., 3 ditë mungesë, arsyeja: puna — "
                              f"\u201c{WORDS}\u201d")


def test_a_long_reason_is_taken_and_an_over_long_line_explained(
        chat: Callable[..., Chat], teacher_phone: str, demo_db: Database) -> None:
    """Two sentences of reason are filed; a line past the limit gets the syntax, not the menu."""
    reason = ("Babai e merr çdo ditë në ndërtim sepse familja ka borxhe të mëdha. "
              "Nëna thotë se do të kthehet në shkollë pas pranverës, por nuk jam i sigurt.")
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows((f"RREZIK 9C LM 3 {reason}", "R-")))
    long_line = f"RREZIK 9C LM 3 {reason} " * 3
    [reply] = teacher.replay(rows((long_line, (TOO_LONG, SYNTAX, str(len(long_line.strip())))),))
    assert "BRAKTISJE" not in reply and "1 " not in reply  # no menu
    teacher.replay(rows(("menu", MENU)))
    with demo_db.session() as session:
        [report] = flags(session)
        assert report.details["reason_text"] == reason


def test_status_names_class_and_pupil(chat: Callable[..., Chat], teacher_phone: str) -> None:
    """STATUS lists each flag with its class and initials."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows(("BRAKTISJE 7A AK 12", "R-"), ("PAREGJISTRUAR 1A DK", "R-")))
    first, second = references(teacher)
    teacher.replay(rows(
        ("gjuha en", MENU),
        ("STATUS", (f"{first} (Left school, class 7A, pupil AK), sent",
                    f"{second} (Not enrolled, class 1A, pupil DK), sent")),
        (f"status {first}", f"{first} (Left school, class 7A, pupil AK)"),
    ))


CLASS_ANSWERS = ["7A", "7 a", "7-a", "kl. 7A", "klasa 7A", "VII A", "7/2", "VII-2", "viia",
                 "Klasa e 7-të A"]
PUPIL_ANSWERS = ["A.K.", "a k", "AK", "A. K", "ak", "1234567", "EMIS 20240173"]
DAYS_ANSWERS = ["12", "12 ditë", "12 dite", "dymbëdhjetë", "dvanaest", "dy javë", "një muaj",
                "rreth 12", "12 dana", "two weeks", "10-12"]
REASON_ANSWERS = [("1", "Work"), ("punë", "Work"), ("semundje", "Illness"),
                  ("babai e merr ne ndertim", "Work"), ("jashtë, në Gjermani", "Migration"),
                  ("u fejua", "Early marriage"), ("s'kanë para për libra", "Poverty"),
                  ("nuk e di", "Unknown"), ("radi na gradilištu", "Work"),
                  ("6", "Unknown"), ("jo", "Unknown")]


def guided(teacher: Chat, upto: str) -> None:
    """Walk a teacher through the guided flow up to the question named."""
    answers = [("menu", MENU), ("3", SITUATION), ("1", CLASS), ("7A", PUPIL), ("AK", DAYS),
               ("12", REASON)]
    table = []
    for said, wanted in answers:
        table.append((said, wanted))
        if wanted == upto:
            break
    teacher.replay(table)


@pytest.mark.parametrize("answer", CLASS_ANSWERS)
def test_class_as_teachers_write_it(chat: Callable[..., Chat], teacher_phone: str,
                                    answer: str) -> None:
    """The class question understands 7A, 7 a, kl. 7A, VII A, 7/2 at the first try."""
    teacher = chat("sms", teacher_phone)
    guided(teacher, CLASS)
    teacher.replay(rows((answer, PUPIL)))


@pytest.mark.parametrize("answer", PUPIL_ANSWERS)
def test_initials_as_teachers_write_them(chat: Callable[..., Chat], teacher_phone: str,
                                         answer: str) -> None:
    """The pupil question understands A.K., a k, AK, A. K and an EMIS id at the first try."""
    teacher = chat("sms", teacher_phone)
    guided(teacher, PUPIL)
    teacher.replay(rows((answer, DAYS)))


@pytest.mark.parametrize("answer", DAYS_ANSWERS)
def test_days_as_teachers_write_them(chat: Callable[..., Chat], teacher_phone: str,
                                     answer: str) -> None:
    """Days in digits or words, weeks and a month are understood at the first try."""
    teacher = chat("sms", teacher_phone)
    guided(teacher, DAYS)
    teacher.replay(rows((answer, REASON)))


@pytest.mark.parametrize(("answer", "shown"), REASON_ANSWERS)
def test_reason_by_number_word_or_own_words(chat: Callable[..., Chat], teacher_phone: str,
                                            answer: str, shown: str) -> None:
    """The reason is taken by number, by word, or recognised in the teacher's own words."""
    teacher = chat("sms", teacher_phone)
    guided(teacher, REASON)
    [summary] = teacher.replay(rows((answer, (SEND, "Reason", shown))))
    others = {"Work", "Illness", "Migration", "Early marriage", "Poverty", "Unknown"} - {shown}
    assert not any(teacher.expects(summary, other, "sq") for other in others)


def test_emoji_and_refused_answers_say_what_is_expected(chat: Callable[..., Chat],
                                                        teacher_phone: str) -> None:
    """Emoji, a full name or a number out of range: the error names what is wanted."""
    teacher = chat("sms", teacher_phone)
    guided(teacher, CLASS)
    teacher.replay(rows(
        ("\U0001f44d", (CLASS_ERROR, CLASS)), ("/sticker", (CLASS_ERROR, CLASS)),
        ("7A", PUPIL),
        ("\U0001f600\U0001f600", (PUPIL_ERROR, PUPIL)), ("Arben Krasniqi", (PUPIL_ERROR, PUPIL)),
        ("AK", DAYS),
        ("\U0001f622", (DAYS_ERROR, DAYS)), ("400", (DAYS_ERROR, DAYS)),
        ("shume", (DAYS_ERROR, DAYS)),
        ("12", REASON),
        ("\U0001f937", (REASON_ERROR, REASON)), ("9", "Please answer with a number from 1 to "
                                                     "{count}."),
        ("po", (REASON_ERROR, REASON)),
        ("5", SEND),
    ))


def test_serbian_teacher_in_serbian(chat: Callable[..., Chat], teacher_phone: str,
                                    demo_db: Database) -> None:
    """A teacher writing Serbian: razred, inicijali, dani in words, the reason in Serbian."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows(
        ("jezik sr", MENU), ("3", SITUATION), ("izostanak", CLASS), ("VII/1", PUPIL),
        ("a.k.", DAYS), ("dve nedelje", ("Counted as {days} school days (five a week).", REASON)),
        ("otac ga vodi na gradilište", SEND), ("da", "R-"),
    ))
    with demo_db.session() as session:
        [report] = flags(session)
        assert report.details["class"] == "7/1" and report.details["reason"] == "work"


@pytest.mark.parametrize("text", [
    "Rrezik i madh te shkolla, qentë endacakë sulmojnë fëmijët",
    "RREZIK I MADH TE SHKOLLA",
    "Mungese uji ne shkolle",
    "rrezik",
])
def test_a_citizens_rrezik_text_is_not_a_flag(chat: Callable[..., Chat], text: str) -> None:
    """A citizen's words that begin like a flag get the menu, not the teachers-only refusal."""
    citizen = chat("sms", "+38344555777")
    [reply] = citizen.replay(rows((text, MENU)))
    assert "registered teachers" not in reply and "regjistruar" not in reply
    assert not references(citizen)


def test_a_citizens_plain_flag_is_refused_politely(chat: Callable[..., Chat]) -> None:
    """A citizen who writes a flag with class and initials is told only teachers may."""
    chat("sms", "+38344555777").replay(rows(("RREZIK 7A AK 3", (NOT_A_TEACHER, MENU))))
