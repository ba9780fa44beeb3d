"""Closing the loop: a week after a hazard is resolved its people are asked; NO reopens it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select, update

from alerts.clock import ManualClock
from alerts.worker import Worker, standard_worker
from handlers.i18n import Msg
from handlers.relay_texts import (
    FIXED_NEXT,
    FIXED_REOPENED,
    FIXED_THANKS,
    FIXED_UNCLEAR,
    NO_QUESTION,
)
from locales import Catalogs
from models import Contact, OutboxMessage, Report, ReportEvent, ReportFollower
from models.db import Database
from models.optout import mark_opted_out
from service.fixed_share import FixedShare, confirmed_fixed
from sinjalizo.settings import Settings
from tests.conftest import AuthActions
from tests.dialog import START, Chat, references, rows
from tests.fake_senders import FakeSender
from tests.test_dialogs import HAZARD_BY_SMS, MENU
from tests.test_focal_points import phone_of
from web.case_words import STATUS_CHANGES
from web.timeline import KINDS

REPORTER = "+38344999201"
FOLLOWER_CHAT = "5550201"
HOLDER = "Demo: Drenas public services"
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def worker_for(db: Database, database_url: str, clock: ManualClock) -> tuple[
        Worker, dict[str, FakeSender]]:
    """Return the real worker with recording senders, and the senders."""
    senders = {name: FakeSender(name) for name in ("sms", "telegram", "email", "log")}
    worker = standard_worker(Settings(database_url=database_url), db, senders=dict(senders),
                             clock=clock)
    return worker, senders


def resolved_hazard(chat: Callable[..., Chat], db: Database, address: str = REPORTER) -> str:
    """File the Drenas hazard by SMS, add a Telegram follower, and resolve it by SMS."""
    person = chat("sms", address)
    person.replay(HAZARD_BY_SMS)
    [reference] = references(person)
    with db.transaction() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        follower = session.scalar(select(Contact).where(Contact.address == FOLLOWER_CHAT)) \
            or Contact(channel="telegram", address=FOLLOWER_CHAT, language="sr",
                       role="citizen", created_at=START)
        session.add(follower)
        session.flush()
        session.add(ReportFollower(report_id=report.id, contact_id=follower.id,
                                   created_at=START))
    chat("sms", phone_of(db, HOLDER)).replay(rows((f"ZGJIDHUR {reference}", reference)))
    return reference


def status_of(db: Database, reference: str) -> str:
    """Return a report's status."""
    with db.session() as session:
        return session.scalars(select(Report.status).where(
            Report.reference == reference)).one()


def test_asked_a_week_later_no_reopens_and_yes_is_counted(
        chat: Callable[..., Chat], demo_db: Database, database_url: str) -> None:
    """resolved → 7 days → asked → NO → reopened and re-alerted; resolved again → YES."""
    reference = resolved_hazard(chat, demo_db)
    clock = ManualClock(START + timedelta(days=6))
    worker, senders = worker_for(demo_db, database_url, clock)
    worker.run_ticks()
    worker.dispatcher.run_once()
    assert not [m for m in senders["sms"].sent if m.purpose == "fixed_check"]
    clock.advance(days=1, minutes=1)
    worker.run_ticks()
    worker.dispatcher.run_once()
    [asked] = [m for m in senders["sms"].sent if m.purpose == "fixed_check"]
    [follower] = [m for m in senders["telegram"].sent if m.purpose == "fixed_check"]
    reporter = chat("sms", REPORTER, now=clock.now())
    assert asked.address == REPORTER and reporter.expects(asked.text, FIXED_NEXT.msgid, "sq")
    assert follower.address == FOLLOWER_CHAT and follower.language == "sr"

    reporter.replay(rows(("jo, ende është aty", FIXED_REOPENED.msgid)))
    assert status_of(demo_db, reference) == "reopened"
    clock.advance(minutes=1)  # the reporter's answer came 20 seconds after the question
    worker.dispatcher.run_once()
    holder = phone_of(demo_db, HOLDER)
    [again] = [m for m in senders["sms"].sent if m.address == holder and m.purpose == "alert"
               and m.payload.get("event") == "reopened"]
    assert reference in again.text and REPORTER not in again.text
    assert "jo, ende është aty" in again.text  # in the reporter's words, for the holder
    worker.run_ticks()  # reopened, not resolved: nobody is asked again
    assert len(rows_of(demo_db, "fixed_check")) == 2

    holder_chat = chat("sms", holder, now=clock.now())
    holder_chat.replay(rows((f"ZGJIDHUR {reference}", reference)))
    clock.advance(days=7, minutes=5)
    worker.run_ticks()
    assert len(rows_of(demo_db, "fixed_check")) == 4  # the new resolution is asked about
    reporter.now = clock.now()
    reporter.replay(rows(("Po, u rregullua", FIXED_THANKS.msgid), ("Tung", MENU)))
    with demo_db.session() as session:
        kinds = session.scalars(select(ReportEvent.kind).join(Report).where(
            Report.reference == reference).order_by(ReportEvent.id)).all()
        steps = session.scalars(select(ReportEvent.to_status).join(Report).where(
            Report.reference == reference, ReportEvent.kind == "status")
            .order_by(ReportEvent.id)).all()
        reopened = session.scalars(select(ReportEvent).where(
            ReportEvent.to_status == "reopened")).one()
        assert (reopened.actor, reopened.note) == ("reporter", "jo, ende është aty")
    assert kinds.count("fixed_check") == 2 and kinds.count("fixed_confirmed") == 1
    assert steps[-4:] == ["resolved", "reopened", "acknowledged", "resolved"]
    with demo_db.session() as session:
        assert confirmed_fixed(session, *MARCH) == FixedShare(2, 2, 1, 1)
        assert confirmed_fixed(session, *MARCH).share == 0.5


def rows_of(db: Database, purpose: str) -> list[OutboxMessage]:
    """Return the outbox rows of one purpose."""
    with db.session() as session:
        return list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose == purpose)))


def test_buttons_and_words_answer(chat: Callable[..., Chat], demo_db: Database,
                                  database_url: str) -> None:
    """The Telegram button says YES; unclear words are explained; nobody else can answer."""
    reference = resolved_hazard(chat, demo_db)
    clock = ManualClock(START + timedelta(days=7, minutes=1))
    worker, _senders = worker_for(demo_db, database_url, clock)
    worker.run_ticks()
    follower = chat("telegram", FOLLOWER_CHAT, now=clock.now())
    follower.replay(rows((f"[fixed:yes:{reference}]", FIXED_THANKS.msgid)))
    reporter = chat("sms", REPORTER, now=clock.now())
    reporter.replay(rows(("ndoshta", FIXED_UNCLEAR.msgid), ("Tung", MENU),
                         (f"PERGJIGJE {reference} po", FIXED_THANKS.msgid)))
    chat("sms", "+38344999299", now=clock.now()).replay(rows(
        (f"PERGJIGJE {reference} jo", NO_QUESTION.msgid)))
    assert status_of(demo_db, reference) == "resolved"
    with demo_db.session() as session:
        assert confirmed_fixed(session, *MARCH) == FixedShare(1, 1, 1, 0)


def test_who_is_asked(chat: Callable[..., Chat], demo_db: Database,
                      database_url: str) -> None:
    """Not an opted-out address; not a hazard resolved long ago; not a simulated one."""
    reference = resolved_hazard(chat, demo_db)
    with demo_db.transaction() as session:
        mark_opted_out(session, "sms", REPORTER, START)
    clock = ManualClock(START + timedelta(days=7, minutes=1))
    worker, senders = worker_for(demo_db, database_url, clock)
    worker.run_ticks()
    worker.dispatcher.run_once()
    assert [m.address for s in senders.values() for m in s.sent
            if m.purpose == "fixed_check"] == [FOLLOWER_CHAT]
    other = resolved_hazard(chat, demo_db, "+38344999202")
    with demo_db.transaction() as session:
        session.execute(update(Report).where(Report.reference == other)
                        .values(resolved_at=START - timedelta(days=30)))
    worker.run_ticks()
    assert len(rows_of(demo_db, "fixed_check")) == 1
    assert reference != other


@pytest.mark.parametrize(("said", "fixed"), [
    ("po", True), ("PO", True), ("Po, u rregullua", True), ("nuk është më aty", True),
    ("da, popravljeno je", True), ("yes", True), ("\U0001f44d", True), ("1", True),
    ("jo", False), ("jo, ende është aty", False), ("po, akoma aty është", False),
    ("nije popravljeno", False), ("still there", False), ("2", False),
    ("jo ende", False), ("s'është rregulluar", False), ("S’është rregulluar ende", False),
    ("nuk u rregullua", False), ("da", True), ("ne", False), ("ne, još je tu", False),
    ("\U0001f44e", False), ("u rregullua, faleminderit", True), ("Ok, faleminderit", True),
    ("ndoshta", None), ("Tung", None),
])
def test_is_it_fixed_as_people_answer(said: str, fixed: bool | None,
                                      catalogs: Catalogs) -> None:
    """YES and NO as people write them, in the three languages."""
    from datetime import UTC, datetime

    from handlers.flow import Context
    from handlers.relay import fixed_verdict
    from handlers.types import Inbound
    from tests.static_world import StaticWorld

    inbound = Inbound("sms", "+38344999001", datetime(2026, 3, 2, tzinfo=UTC), said)
    ctx = Context(inbound, StaticWorld(), catalogs, "sq", inbound.at)
    assert fixed_verdict(ctx, said) is fixed


def test_the_timeline_says_it_in_the_readers_words(chat: Callable[..., Chat],
                                                   demo_db: Database, database_url: str,
                                                   auth: AuthActions,
                                                   catalogs: Catalogs) -> None:
    """The check, the reopening and a later YES are named on the report page, never coded."""
    reference = resolved_hazard(chat, demo_db)
    clock = ManualClock(START + timedelta(days=7, minutes=1))
    worker, _senders = worker_for(demo_db, database_url, clock)
    worker.run_ticks()
    chat("sms", REPORTER, now=clock.now()).replay(rows(("jo ende", FIXED_REOPENED.msgid)))
    chat("telegram", FOLLOWER_CHAT, now=clock.now()).replay(rows(
        (f"[fixed:yes:{reference}]", FIXED_THANKS.msgid)))
    auth.login()
    page = auth.client.get(f"/reports/{reference}").get_data(as_text=True)
    for sentence in (KINDS["fixed_check"].sentence, KINDS["fixed_confirmed"].sentence,
                     STATUS_CHANGES["reopened"]):
        assert said_on_page(catalogs, sentence, page), sentence.msgid
    for code in ("fixed_check", "fixed_confirmed", "reopened"):
        assert f"· {code}" not in page and f": {code} " not in page
    assert REPORTER not in page and FOLLOWER_CHAT not in page


def said_on_page(catalogs: Catalogs, sentence: Msg, page: str) -> bool:
    """Tell whether a timeline sentence shows on the page in sq, whoever its doer."""
    template = catalogs.gettext(sentence.msgid, "sq")
    parts = [p.strip(" :") for p in template.split("{who}") if p.strip(" :")]
    return all(escape(p) in page or escape(p[:1].upper() + p[1:]) in page for p in parts)
