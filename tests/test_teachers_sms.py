"""Teachers' dropout flags through POST /sms/inbound, signed as Twilio signs, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from locales import Catalogs
from models import OutboxMessage, Report
from models.db import Database, get_db
from sms.gsm import is_gsm7, segments
from tests.dialog import rows
from tests.test_dialogs import CLASS, DAYS, MENU, NOT_A_TEACHER, PUPIL, REASON, SEND, SITUATION
from tests.test_sms_webhook import PUBLIC, REFERENCE, TOKEN, SmsActions, count_of
from tests.test_teachers import (
    ADD_INSTEAD,
    ADDED,
    ALREADY,
    CLASS_ERROR,
    DAYS_ERROR,
    REASON_ERROR,
    SYNTAX,
    TOO_LONG,
    WORDS,
)

CITIZEN = "+38344555888"
STATUS_LINE = "{reference} ({category}, class {class_name}, pupil {pupil}), sent {date}. " \
              "{state}"


@pytest.fixture
def sms(demo_db: Database, database_url: str, catalogs: Catalogs) -> Iterator[SmsActions]:
    """Return a signed-SMS helper; afterwards every SMS sent must be GSM-7 and ≤ 2 segments."""
    from web import create_app

    application = create_app({"DATABASE_URL": database_url, "TESTING": True,
                              "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": PUBLIC})
    actions = SmsActions(application.test_client(), catalogs)
    yield actions
    get_db(application).dispose()
    for message in (m for answer in actions.sent for m in answer):
        assert is_gsm7(message) and segments(message) <= 2, message


def reference_in(answer: str) -> str:
    """Return the reference an answer carries."""
    found = REFERENCE.search(answer)
    assert found, answer
    return found.group()


def test_a_repeat_is_added_over_sms(sms: SmsActions, teacher_phone: str,
                                    demo_db: Database) -> None:
    """The same pupil again by SMS: told of R-…, added, one report, the holder's update queued."""
    first = reference_in(sms.replay(rows(("BRAKTISJE 7A AK 12", "R-")), teacher_phone)[0])
    sms.replay(rows(
        (f"mungese 7A a.k. 15 {WORDS}", (ALREADY, first, ADD_INSTEAD)),
        ("1", (ADDED, first)),
    ), teacher_phone)
    assert count_of(demo_db, Report) == 1
    with demo_db.session() as session:
        report = session.scalar(select(Report))
        assert report is not None and report.category == "absence"
        assert report.details["reason_text"] == WORDS and report.details["reason"] == "work"
        queued = session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose == "report_update")).all()
        assert [row.report_id for row in queued] == [report.id]


def test_a_repeat_after_14_days_or_another_pupil_is_filed(sms: SmsActions, teacher_phone: str,
                                                          demo_db: Database) -> None:
    """Other initials file at once; so does the same pupil once the fortnight has passed."""
    sms.replay(rows(("BRAKTISJE 7A AK 12", "R-"), ("BRAKTISJE 7A EB 12", "R-")), teacher_phone)
    with demo_db.transaction() as session:
        for report in session.scalars(select(Report)):
            report.created_at -= timedelta(days=15)
    sms.replay(rows(("BRAKTISJE 7A AK 20", "R-")), teacher_phone)
    assert count_of(demo_db, Report) == 3


def test_reason_words_and_an_over_long_line_over_sms(sms: SmsActions, teacher_phone: str,
                                                     demo_db: Database) -> None:
    """The reason's words are kept; a line past the limit is explained, with no menu."""
    sms.replay(rows((f"RREZIK 9C LM 3 {WORDS}", "R-")), teacher_phone)
    long_line = "BRAKTISJE 8B EB 12 " + "Familja ka probleme dhe nuk e dergon ne shkolle. " * 9
    [answer] = sms.replay(rows((long_line, (TOO_LONG, SYNTAX))), teacher_phone)
    assert not sms.expects(answer, MENU, "sq") and "\n1 " not in answer
    with demo_db.session() as session:
        assert [r.details.get("reason_text") for r in session.scalars(select(Report))] == [WORDS]


def test_status_over_sms_names_class_and_pupil(sms: SmsActions, teacher_phone: str) -> None:
    """STATUS by SMS lists the teacher's flags with class and initials."""
    first = reference_in(sms.replay(rows(("MUNGESE 8B EB 5", "R-")), teacher_phone)[0])
    for asked in ("STATUS", f"STATUS {first}"):
        sms.replay(rows((asked, (first, STATUS_LINE, "8B", "EB"))), teacher_phone)


def test_human_answers_at_each_question_over_sms(sms: SmsActions, teacher_phone: str,
                                                 demo_db: Database) -> None:
    """Answers as teachers type them, emoji included, go through the guided flow by SMS."""
    sms.replay(rows(
        ("menu", MENU), ("3", SITUATION), ("\U0001f600", SITUATION), ("braktisje", CLASS),
        ("\U0001f44d\U0001f44d", (CLASS_ERROR, CLASS)), ("klasa VII B", PUPIL),
        ("\U0001f64f", PUPIL), ("A. K", DAYS),
        ("\U0001f622", (DAYS_ERROR, DAYS)), ("dymbëdhjetë ditë", REASON),
        ("\U0001f937\u200d\u2642\ufe0f", (REASON_ERROR, REASON)),
        ("e kane marre ne pune ne ara", SEND), ("po", "R-"),
    ), teacher_phone)
    with demo_db.session() as session:
        report = session.scalar(select(Report))
        assert report is not None and report.category == "dropout"
        assert (report.details["class"], report.details["pupil"]) == ("7B", "AK")
        assert report.details["days_absent"] == 12 and report.details["reason"] == "work"


def test_a_citizens_rrezik_text_over_sms(sms: SmsActions, demo_db: Database) -> None:
    """A citizen's "Rrezik i madh…" gets the menu; a plain flag gets the polite refusal."""
    [answer] = sms.replay(rows(("Rrezik i madh te shkolla, nje grope e hapur", MENU)), CITIZEN)
    assert "regjistruar" not in answer
    sms.replay(rows(("RREZIK 7A AK 3", NOT_A_TEACHER)), CITIZEN)
    assert count_of(demo_db, Report) == 0
