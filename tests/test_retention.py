"""Retention: a reporter's identity goes a set time after their report is finished, not before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from markupsafe import escape
from sqlalchemy import func, select, update

from alerts.clock import ManualClock
from alerts.worker import standard_worker
from handlers.i18n import msg
from locales import Catalogs
from models import (
    AuditEntry,
    Contact,
    ConversationSession,
    DeliveryAttempt,
    OutboxMessage,
    PeriodicRun,
    ProcessedInbound,
    Report,
    ReporterQuestion,
    ReportEvent,
    ReportFollower,
)
from models.db import Database
from service.fixed_share import confirmed_fixed
from service.identity import WITHHELD
from service.retention import retain
from sinjalizo.cli import main
from sinjalizo.settings import Settings
from tests.conftest import AuthActions
from tests.dialog import START, Chat, references, rows
from tests.test_dialogs import HAZARD_BY_SMS, MENU
from tests.test_focal_points import phone_of
from tests.test_relay import HOLDER, QUESTION
from tests.test_sms_webhook import RESTARTED, STOPPED, SmsActions, sms, sms_app  # noqa: F401 (fixtures)
from web.audit_words import ACTIONS, KEYS

REPORTER = "+38344999301"
FOLLOWER = "5550301"
DAYS = 180
# The dialogs run at START; the holder resolves the report a few minutes later.
AFTER = START + timedelta(days=DAYS, hours=1)
BEFORE = START + timedelta(days=DAYS - 1)


def file_hazard(chat: Callable[..., Chat], address: str = REPORTER,
                now: datetime = START) -> str:
    """File the Drenas hazard by SMS from `address`; return its reference."""
    person = chat("sms", address, now=now)
    person.replay(HAZARD_BY_SMS)
    [reference] = references(person)
    return reference


def asked_and_resolved(chat: Callable[..., Chat], db: Database, reference: str) -> None:
    """The holder asks the reporter a question, then resolves the report, by SMS."""
    holder = chat("sms", phone_of(db, HOLDER), now=START + timedelta(minutes=5))
    holder.replay(rows((f"PYET {reference} {QUESTION}", reference),
                       (f"ZGJIDHUR {reference}", reference)))


def add_follower(db: Database, reference: str, address: str = FOLLOWER) -> None:
    """Let a Telegram chat join the report, as a second person reporting the same hazard."""
    with db.transaction() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        follower = Contact(channel="telegram", address=address, language="sr", role="citizen",
                           created_at=START, last_seen_at=START)
        session.add(follower)
        session.flush()
        session.add(ReportFollower(report_id=report.id, contact_id=follower.id,
                                   created_at=START))


def delivered_question(db: Database) -> None:
    """Mark the relayed question sent, after a first try whose error quoted the number."""
    with db.transaction() as session:
        row = session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose == "relay_question")).one()
        row.status, row.sent_at, row.provider_id = "sent", START, "SM0001"
        session.add_all([
            DeliveryAttempt(outbox_id=row.id, at=START, outcome="retry",
                            error=f"The 'To' number {row.address} is unreachable"),
            DeliveryAttempt(outbox_id=row.id, at=START, outcome="sent", provider_id="SM0001")])


def report_of(db: Database, reference: str) -> Report:
    """Return a report as stored."""
    with db.session() as session:
        return session.scalars(select(Report).where(Report.reference == reference)).one()


def run(db: Database, now: datetime, days: int = DAYS) -> dict[str, int]:
    """Run retention at `now`, committed, and return its counts."""
    with db.transaction() as session:
        return retain(session, now, days).removed.counts()


def snapshot(db: Database) -> tuple[object, ...]:
    """Return what retention could change, to compare before and after."""
    with db.session() as session:
        return (
            session.execute(select(Report.reference, Report.reporter_contact_id)
                            .order_by(Report.id)).all(),
            session.execute(select(Contact.channel, Contact.address).order_by(Contact.id)).all(),
            session.execute(select(OutboxMessage.address, OutboxMessage.status)
                            .order_by(OutboxMessage.id)).all(),
            session.scalar(select(func.count()).select_from(ConversationSession)),
            session.scalar(select(func.count()).select_from(ReportFollower)),
            session.scalar(select(func.count()).select_from(ReportEvent)),
            session.scalar(select(func.count()).select_from(AuditEntry)),
        )


def test_identity_goes_after_the_period_not_before_and_an_open_report_keeps_it(
        chat: Callable[..., Chat], demo_db: Database) -> None:
    """Finished 180 days ago: reporter, follower, question and messages unlinked and emptied;
    the reporter's other report, still open, keeps them; staff are kept."""
    finished = file_hazard(chat)
    still_open = file_hazard(chat, now=START + timedelta(minutes=2))
    add_follower(demo_db, finished)
    asked_and_resolved(chat, demo_db, finished)
    holder = phone_of(demo_db, HOLDER)
    delivered_question(demo_db)

    assert run(demo_db, BEFORE)["reports"] == 0
    assert report_of(demo_db, finished).reporter_contact_id is not None

    counts = run(demo_db, AFTER)
    assert counts["reports"] == 1 and counts["followers"] == 1 and counts["questions"] == 1
    # Sent: the question. Waiting: "taken up" and "resolved", to the reporter and the follower.
    assert (counts["messages"], counts["held"]) == (1, 4)
    assert counts["contacts"] == 1  # the follower's chat; the reporter still has a report open
    report = report_of(demo_db, finished)
    assert report.reporter_contact_id is None
    assert report.description == "Pusetë pa kapak te rruga kryesore"
    assert report_of(demo_db, still_open).reporter_contact_id is not None
    with demo_db.session() as session:
        [event] = session.scalars(select(ReportEvent).where(
            ReportEvent.report_id == report.id, ReportEvent.kind == "identity_removed"))
        assert event.actor == "system"
        assert event.data == {"why": "retention", "reporter": True, "followers": 1}
        messages = list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.report_id == report.id, OutboxMessage.contact_point_id.is_(None))
            .order_by(OutboxMessage.status != "sent", OutboxMessage.id)))
        assert len(messages) == 5
        assert all(m.address == "" and m.payload == {} and m.provider_id is None
                   and m.contact_id is None for m in messages)
        assert [m.status for m in messages] == ["sent", *["skipped"] * 4]
        assert all(m.last_error == WITHHELD for m in messages[1:])
        attempts = session.execute(select(DeliveryAttempt.outcome, DeliveryAttempt.error,
                                          DeliveryAttempt.provider_id).where(
            DeliveryAttempt.outbox_id.in_([m.id for m in messages]))
            .order_by(DeliveryAttempt.id)).all()
        assert [a.outcome for a in attempts] == ["retry", "sent", *["skipped"] * 4]
        assert REPORTER not in str(attempts) and attempts[1].provider_id is None
        [question] = session.scalars(select(ReporterQuestion).where(
            ReporterQuestion.report_id == report.id))
        assert question.contact_id is None and question.identity_removed
        assert question.text == QUESTION  # the words stay; whom they went to does not
        addresses = set(session.scalars(select(Contact.address)))
        assert REPORTER in addresses and FOLLOWER not in addresses
        assert holder in addresses  # a contact point is staff: retention keeps it
        # The alert to the holder is staff's and stays as it was.
        assert session.scalar(select(OutboxMessage.address).where(
            OutboxMessage.report_id == report.id, OutboxMessage.purpose == "alert")) == holder


def test_dry_run_changes_nothing_and_a_second_run_finds_nothing(
        chat: Callable[..., Chat], demo_db: Database, database_url: str) -> None:
    """`retention run --dry-run` says what it would remove and changes nothing; the real run
    removes exactly that, once, and is audited with its counts."""
    reference = file_hazard(chat)
    asked_and_resolved(chat, demo_db, reference)  # resolved on 2 March 2026: long ago now
    runner = CliRunner()
    command = ["--database-url", database_url, "retention", "run"]
    before = snapshot(demo_db)
    dry = runner.invoke(main, [*command, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would remove (dry run; nothing was changed):" in dry.output
    assert "1 report no longer names its reporter" in dry.output
    assert "3 messages waiting to go will not be sent" in dry.output
    assert snapshot(demo_db) == before

    real = runner.invoke(main, command)
    assert real.exit_code == 0, real.output
    assert "Removed:" in real.output and "1 report no longer names its reporter" in real.output
    assert "1 phone number or Telegram chat removed" in real.output  # no report names it now
    assert report_of(demo_db, reference).reporter_contact_id is None
    again = runner.invoke(main, command)
    assert again.exit_code == 0 and "Nothing to remove." in again.output
    with demo_db.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "retention"))
        assert entry.user_id is None and entry.detail["by"] == "command line"
        assert entry.detail["reports"] == 1 and entry.detail["days"] == DAYS
        assert REPORTER not in str(entry.detail)


def test_the_days_come_from_the_environment(chat: Callable[..., Chat], demo_db: Database,
                                            database_url: str) -> None:
    """SINJALIZO_RETENTION_DAYS sets the period; a report finished within it is kept."""
    reference = file_hazard(chat)
    asked_and_resolved(chat, demo_db, reference)
    runner = CliRunner(env={"SINJALIZO_RETENTION_DAYS": "3650"})
    kept = runner.invoke(main, ["--database-url", database_url, "retention", "run"])
    assert kept.exit_code == 0, kept.output
    assert "kept 3650 days" in kept.output and "Nothing to remove." in kept.output
    assert report_of(demo_db, reference).reporter_contact_id is not None
    assert Settings.from_env({}).retention_days == 180
    bad = CliRunner(env={"SINJALIZO_RETENTION_DAYS": "soon"}).invoke(
        main, ["--database-url", database_url, "retention", "run"])
    assert bad.exit_code != 0


def test_a_teachers_flag_keeps_the_teacher(chat: Callable[..., Chat], demo_db: Database,
                                           teacher_phone: str) -> None:
    """A teacher is registered by staff: retention keeps their flag's link and their contact."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows(("BRAKTISJE 7A AK 12", "R-")))
    [reference] = references(teacher)
    with demo_db.transaction() as session:
        session.execute(update(Report).where(Report.reference == reference).values(
            status="closed", close_reason="duplicate", resolved_at=START))
    assert run(demo_db, AFTER)["reports"] == 0
    assert report_of(demo_db, reference).reporter_contact_id is not None
    with demo_db.session() as session:
        assert session.scalar(select(Contact.id).where(Contact.address == teacher_phone))


def test_old_conversations_and_processed_messages_go(chat: Callable[..., Chat],
                                                     demo_db: Database) -> None:
    """Conversation states and processed-message records older than the period are deleted;
    a contact no report names and silent as long is removed."""
    person = chat("sms", REPORTER)
    person.send("Tung", external_id="SM-old-1")
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedInbound)) == 1
    counts = run(demo_db, AFTER)
    assert (counts["conversations"], counts["inbound"], counts["contacts"]) == (1, 1, 1)
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedInbound)) == 0
        assert session.scalar(select(Contact.id).where(Contact.address == REPORTER)) is None


def test_the_statistics_do_not_change(chat: Callable[..., Chat], demo_db: Database) -> None:
    """A hazard's reporter asked whether it is fixed still counts as asked once removed."""
    reference = file_hazard(chat)
    asked_and_resolved(chat, demo_db, reference)
    with demo_db.transaction() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        session.add(ReporterQuestion(report_id=report.id, contact_id=report.reporter_contact_id,
                                     kind="fixed", text="", asked_by="system",
                                     asked_at=START + timedelta(days=7),
                                     resolved_at=report.resolved_at, answer="yes",
                                     answered_at=START + timedelta(days=7)))
    march = (START.date().replace(day=1), START.date().replace(day=31))
    with demo_db.session() as session:
        before = confirmed_fixed(session, *march)
    run(demo_db, AFTER)
    with demo_db.session() as session:
        assert confirmed_fixed(session, *march) == before
    assert before.asked == 1 and before.confirmed == 1


def test_the_daily_tick_runs_once_whatever_the_workers(
        chat: Callable[..., Chat], demo_db: Database, database_url: str) -> None:
    """Two workers: the first to tick runs the day's retention, the other does not; the day
    after, it runs again, once."""
    clock = ManualClock(AFTER)
    settings = Settings(database_url=database_url)
    workers = [standard_worker(settings, demo_db, senders={}, clock=clock) for _ in range(2)]
    first = file_hazard(chat)
    asked_and_resolved(chat, demo_db, first)
    for worker in workers:
        worker.run_ticks()
    assert report_of(demo_db, first).reporter_contact_id is None
    second = file_hazard(chat, REPORTER.replace("301", "302"), now=START + timedelta(hours=1))
    with demo_db.transaction() as session:
        session.execute(update(Report).where(Report.reference == second).values(
            status="resolved", resolved_at=START + timedelta(hours=2)))
    clock.advance(hours=2)
    for worker in workers:
        worker.run_ticks()
    assert report_of(demo_db, second).reporter_contact_id is not None  # not again today
    clock.advance(days=1)
    for worker in reversed(workers):
        worker.run_ticks()
    assert report_of(demo_db, second).reporter_contact_id is None
    with demo_db.session() as session:
        runs = session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "retention")).all()
        assert [r["reports"] for r in runs] == [1, 1] and runs[0]["by"] == "worker"
        row = session.get(PeriodicRun, "retention")
        assert row is not None and row.last_run_at == clock.now()


NOT_FROM_HERE = "I found no report {reference} sent from here. Please check the reference."
NONE_YET = ("You have not sent any report from here yet. If you have a reference, write STATUS "
            "and the reference, for example STATUS R-7K3M9Q.")


def test_after_retention_the_number_starts_fresh(chat: Callable[..., Chat],
                                                 demo_db: Database) -> None:
    """The same number writing again starts a new conversation; its old report is not its
    own any more, and a new report is filed as from anyone new."""
    reference = file_hazard(chat)
    asked_and_resolved(chat, demo_db, reference)
    run(demo_db, AFTER)
    with demo_db.session() as session:
        assert session.scalar(select(Contact.id).where(Contact.address == REPORTER)) is None
    again = chat("sms", REPORTER, now=AFTER)
    again.replay(rows(("Tung", MENU), (f"STATUS {reference}", NOT_FROM_HERE),
                      ("STATUS", NONE_YET)))
    again.replay(HAZARD_BY_SMS)
    [new] = references(again)
    assert report_of(demo_db, new).reporter_contact_id is not None


def test_an_opted_out_number_stays_opted_out(sms: SmsActions,  # noqa: F811
                                             demo_db: Database) -> None:
    """STOP, then retention removes the silent number: it is kept only as a hash, and it still
    gets nothing until it writes START, after which it starts afresh."""
    assert sms.send("STOP", REPORTER) and sms.expects(sms.sent[-1][0], STOPPED, "sq")
    later = datetime.now(UTC) + timedelta(days=DAYS + 1)
    counts = run(demo_db, later)
    assert (counts["contacts"], counts["hashed"]) == (1, 1)
    with demo_db.session() as session:
        addresses = session.scalars(select(Contact.address)).all()
        assert REPORTER not in addresses and any(a.startswith("#") for a in addresses)
    assert sms.send("Tung", REPORTER) == []  # silent: still opted out
    assert sms.expects("\n".join(sms.send("START", REPORTER)), RESTARTED, "sq")
    assert sms.expects("\n".join(sms.send("Tung", REPORTER)), MENU, "sq")
    with demo_db.session() as session:
        assert not any(a.startswith("#") for a in session.scalars(select(Contact.address)))


def test_the_audit_log_says_each_run_in_words(chat: Callable[..., Chat], demo_db: Database,
                                              database_url: str, auth: AuthActions,
                                              catalogs: Catalogs) -> None:
    """Admins read a retention run in the audit log: what, by what, and how many of each."""
    reference = file_hazard(chat)
    asked_and_resolved(chat, demo_db, reference)
    result = CliRunner().invoke(main, ["--database-url", database_url, "retention", "run"])
    assert result.exit_code == 0, result.output
    auth.login()
    page = auth.client.get("/audit/?action=retention").get_data(as_text=True)
    for words in (ACTIONS["retention"], KEYS["reports"], KEYS["held"], KEYS["days"]):
        assert str(escape(catalogs(words, "sq"))) in page, words.msgid
    assert catalogs(msg("the command line"), "sq") in page and REPORTER not in page
