"""Asking the reporter: by chat word, alert button and dashboard; the answer; every refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select, update

from bot.callbacks import handle_button
from handlers.i18n import Msg
from handlers.relay_texts import (
    ANSWER_PASSED,
    ASK_EMPTY,
    ASK_NOT_FOUND,
    ASK_NOT_SENT,
    ASK_OPTED_OUT,
    ASK_PROMPT,
    ASK_SENT,
    ASK_TOO_LONG_SMS,
    ASK_WINDOW,
    NO_QUESTION,
    NOT_PASSED,
    QUESTION_KEYWORD,
    QUESTION_NEXT,
    WRITTEN_ONLY,
)
from locales import Catalogs
from models import AuditEntry, ContactPoint, OutboxMessage, Report, ReportEvent
from models.db import Database
from models.optout import mark_opted_out
from sms.gsm import segments, transliterate
from tests.conftest import AuthActions
from tests.dialog import START, Chat, references, rows
from tests.test_dialogs import HAZARD_BY_SMS, HAZARD_KIND, HAZARD_WHAT, HAZARD_WHERE, MENU
from tests.test_focal_points import phone_of
from web.timeline import KINDS

REPORTER = "+38344999101"
HOLDER = "Demo: Drenas public services"
OTHER = "Demo: Prizren public services"
QUESTION = "Ku saktësisht është pusetja, para apo pas shkollës?"


def filed(chat: Callable[..., Chat], address: str = REPORTER,
          now: datetime = START) -> tuple[Chat, str]:
    """File the Drenas hazard by SMS; return the reporter and the reference."""
    person = chat("sms", address, now=now)
    person.replay(HAZARD_BY_SMS)
    [reference] = references(person)
    return person, reference


def outbox(db: Database, purpose: str) -> list[OutboxMessage]:
    """Return the outbox rows of one purpose, oldest first."""
    with db.session() as session:
        return list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose == purpose).order_by(OutboxMessage.id)))


def events(db: Database, reference: str, *kinds: str) -> list[ReportEvent]:
    """Return a report's events of these kinds, in order."""
    with db.session() as session:
        return list(session.scalars(select(ReportEvent).join(Report).where(
            Report.reference == reference, ReportEvent.kind.in_(kinds))
            .order_by(ReportEvent.id)))


def test_asked_by_sms_word_answered_by_the_next_message(chat: Callable[..., Chat],
                                                        demo_db: Database) -> None:
    """PYET R-… reaches the reporter framed; their next SMS goes back to the holder."""
    reporter, reference = filed(chat)
    holder_phone = phone_of(demo_db, HOLDER)
    chat("sms", holder_phone).replay(rows((f"PYET {reference} {QUESTION}", ASK_SENT.msgid)))
    [question] = outbox(demo_db, "relay_question")
    text = question.payload["text"]
    assert question.address == REPORTER and question.channel == "sms"
    assert QUESTION in text and reference in text and holder_phone not in text
    assert reporter.expects(text, QUESTION_NEXT.msgid, "sq")
    assert segments(transliterate(text)) <= 2
    reporter.replay(rows(("Para shkollës, afër portës kryesore", ANSWER_PASSED.msgid)))
    asked, answered = events(demo_db, reference, "question", "answer")
    assert asked.note == QUESTION and asked.actor.startswith("contact_point:")
    assert answered.note == "Para shkollës, afër portës kryesore" and answered.actor == "reporter"
    [forward] = outbox(demo_db, "relay_answer")
    assert forward.address == holder_phone
    assert forward.payload["answer"] == answered.note and REPORTER not in str(forward.payload)
    # The aside is spent: the next message is an ordinary one again.
    reporter.replay(rows(("Tung", MENU)))
    assert len(events(demo_db, reference, "answer")) == 1


def test_a_reporter_writing_another_report_answers_by_the_word(chat: Callable[..., Chat],
                                                               demo_db: Database) -> None:
    """Mid-flow the question says ANSWER R-…; the flow keeps its answers and goes on."""
    reporter, reference = filed(chat)
    reporter.replay(rows(("menu", MENU), ("1", HAZARD_KIND)))
    chat("sms", phone_of(demo_db, HOLDER)).replay(rows((f"PYET {reference} {QUESTION}",
                                                        ASK_SENT.msgid)))
    [question] = outbox(demo_db, "relay_question")
    assert reporter.expects(question.payload["text"], QUESTION_KEYWORD.msgid, "sq")
    reporter.replay(rows(
        ("1", HAZARD_WHERE),
        (f"PERGJIGJE {reference} Para shkollës", ANSWER_PASSED.msgid),
        ("Drenas", HAZARD_WHAT),
    ))
    [answered] = events(demo_db, reference, "answer")
    assert answered.note == "Para shkollës"


def test_refusals_are_polite(chat: Callable[..., Chat], demo_db: Database) -> None:
    """Another's report, no question, a closed window and an opted-out reporter are refused."""
    reporter, reference = filed(chat)
    chat("sms", phone_of(demo_db, OTHER)).replay(rows(
        (f"PYET {reference} {QUESTION}", ASK_NOT_FOUND.msgid)))
    holder = chat("sms", phone_of(demo_db, HOLDER))
    holder.replay(rows((f"PYET {reference}", ASK_EMPTY.msgid)))
    chat("sms", "+38344999777").replay(rows(
        (f"PERGJIGJE {reference} Po, e pashë edhe unë", NO_QUESTION.msgid)))
    late = chat("sms", phone_of(demo_db, HOLDER), now=START + timedelta(days=31))
    late.replay(rows((f"PYET {reference} {QUESTION}", ASK_WINDOW.msgid)))
    with demo_db.transaction() as session:
        mark_opted_out(session, "sms", REPORTER, START)
    holder.replay(rows((f"PYET {reference} {QUESTION}", ASK_OPTED_OUT.msgid)))
    assert not outbox(demo_db, "relay_question")
    assert not events(demo_db, reference, "question", "answer")


def test_an_answer_renews_the_window(chat: Callable[..., Chat], demo_db: Database) -> None:
    """Thirty days run from the reporter's last message, an answer included."""
    reporter, reference = filed(chat)
    holder = chat("sms", phone_of(demo_db, HOLDER), now=START + timedelta(days=20))
    holder.replay(rows((f"PYET {reference} {QUESTION}", ASK_SENT.msgid)))
    reporter.now = START + timedelta(days=21)
    reporter.replay(rows(("Para shkollës", ANSWER_PASSED.msgid)))
    holder.now = START + timedelta(days=45)
    holder.replay(rows((f"PYET {reference} A është ende aty?", ASK_SENT.msgid)))


def test_too_long_for_two_sms_is_refused(chat: Callable[..., Chat], demo_db: Database) -> None:
    """An SMS reporter's question must fit two SMS with its frame; the asker is told by how much."""
    _reporter, reference = filed(chat)
    long = "A mund të na tregoni " + "edhe më shumë për vendin dhe rrugën " * 8
    chat("sms", phone_of(demo_db, HOLDER)).replay(rows(
        (f"PYET {reference} {long}", ASK_TOO_LONG_SMS.msgid)))
    assert not outbox(demo_db, "relay_question")


def test_nothing_but_words_is_passed_on_and_anulo_passes_nothing(chat: Callable[..., Chat],
                                                                 demo_db: Database) -> None:
    """A sticker is not an answer; ANULO drops the question's hold on the next message."""
    reporter, reference = filed(chat, "+38344999102")
    chat("sms", phone_of(demo_db, HOLDER)).replay(rows((f"PYET {reference} {QUESTION}",
                                                        ASK_SENT.msgid)))
    reporter.replay(rows(
        ("/sticker", WRITTEN_ONLY.msgid),
        ("anulo", NOT_PASSED.msgid),
        ("Tung", MENU),
    ))
    assert not events(demo_db, reference, "answer")


def test_asked_from_the_alert_button(chat: Callable[..., Chat], demo_db: Database,
                                     catalogs: Catalogs) -> None:
    """"Ask the reporter" prompts; the chat's next message is the question; ANULO cancels."""
    reporter, reference = filed(chat)
    with demo_db.transaction() as session:
        session.execute(update(ContactPoint).where(ContactPoint.name == HOLDER)
                        .values(telegram_chat_id="7401"))
        press = handle_button(session, "7401", f"ask:{reference}", START, catalogs=catalogs)
    assert press.prompt is not None and press.line is None
    assert reporter.expects(press.prompt, ASK_PROMPT.msgid, "sq")
    holder = chat("telegram", "7401")
    holder.replay(rows((QUESTION, ASK_SENT.msgid), ("Tung", MENU)))
    with demo_db.transaction() as session:
        handle_button(session, "7401", f"ask:{reference}", START, catalogs=catalogs)
    holder.replay(rows(("anulo", ASK_NOT_SENT.msgid), ("Tung", MENU)))
    assert len(outbox(demo_db, "relay_question")) == 1
    reporter.replay(rows(("Pas shkollës", ANSWER_PASSED.msgid)))
    [forward] = outbox(demo_db, "relay_answer")
    assert (forward.channel, forward.address) == ("telegram", "7401")


def test_asked_from_the_report_page(auth: AuthActions, chat: Callable[..., Chat],
                                    demo_db: Database, catalogs: Catalogs) -> None:
    """The dashboard's question is audited, the answer shows on the page, the number never."""
    reporter, reference = filed(chat, now=datetime.now(UTC) - timedelta(minutes=10))
    auth.login("focal.drenas@example.org")
    page = auth.client.get(f"/reports/{reference}").get_data(as_text=True)
    assert 'id="ask-form"' in page
    auth.post(f"/reports/{reference}/ask", {"question": QUESTION},
              page=f"/reports/{reference}")
    [asked] = events(demo_db, reference, "question")
    assert asked.actor.startswith("staff:")
    reporter.replay(rows(("Para shkollës", ANSWER_PASSED.msgid)))
    page = auth.client.get(f"/reports/{reference}").get_data(as_text=True)
    assert QUESTION in page and "Para shkollës" in page and REPORTER not in page
    # The timeline names both events in the reader's language, never by their codes.
    for kind in ("question", "answer"):
        assert said_on_page(catalogs, KINDS[kind].sentence, page), kind
        assert f"· {kind} ·" not in page
    with demo_db.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "ask")).all()
        assert entry.detail["question"] == QUESTION and entry.detail["outcome"] == "sent"
        assert REPORTER not in str(entry.detail)


@pytest.mark.parametrize(("email", "shown"), [
    ("focal.prizren@example.org", True),  # holds it: the child-protection worker there
    ("prizren@example.org", False),  # the coordinator sees it, but does not hold it
    ("admin@example.org", False),
])
def test_a_consenting_reporters_number_only_to_those_holding_it(
        auth: AuthActions, chat: Callable[..., Chat], email: str, shown: bool) -> None:
    """Consent to be called back shows the number to the holder, and to nobody else."""
    from tests.test_dashboard import PRIZREN_CHILD

    person = chat("sms", "+38349200002")
    person.replay(PRIZREN_CHILD)
    [reference] = references(person)
    auth.login(email)
    page = auth.client.get(f"/reports/{reference}").get_data(as_text=True)
    assert ("+38349200002" in page) is shown


@pytest.mark.parametrize("text", ["ë" * 300, "đ" * 153, "€" * 153, "\u201cx\u201d" * 100,
                                  "\U0001f642" * 300, "\u2026" * 102, "Çfarë ndodhi? " * 20])
def test_the_sms_estimate_never_counts_short(text: str) -> None:
    """A question judged to fit two SMS does, once shaped to GSM-7 as the sender shapes it."""
    from service.relay import sms_units
    from sms.gsm import units

    assert sms_units(text) >= sum(units(transliterate(text)))


def said_on_page(catalogs: Catalogs, sentence: Msg, page: str) -> bool:
    """Tell whether a timeline sentence shows on the page in sq, whoever its doer."""
    template = catalogs.gettext(sentence.msgid, "sq")
    parts = [p.strip(" :") for p in template.split("{who}") if p.strip(" :")]
    return all(escape(p) in page or escape(p[:1].upper() + p[1:]) in page for p in parts)
