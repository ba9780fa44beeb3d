"""The monthly roll-ups equal a direct count after every change a report goes through."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, update

from alerts.deadlines import Deadlines
from alerts.escalation import escalate_due
from alerts.lifecycle import Actor, change_status
from alerts.reassign import reassign
from locales import LOCAL_ZONE
from models import ContactPoint, Municipality, Report
from models.db import Database
from models.tallies import (
    catch_up,
    duration_class,
    month_of,
    on_class_edge,
    rebuilt_rollups,
    recount,
    stored_rollups,
)
from service.statistics import Scope, compute
from tests.dialog import START, Chat, references, rows
from tests.test_lifecycle import HAZARD
from web.stats import half_year

STAFF = Actor("staff", 1, "Dashboard user")
URGENT_CHILD = rows(("menu", ""), ("2", ""), ("PO", ""), ("prishtinë", "R-"), ("1", ""),
                    ("2", ""), ("3", ""), ("Fqinji e rrah djalin çdo natë", ""), ("1", "R-"))


def assert_exact(db: Database, now: datetime) -> None:
    """Check that every tally is the report's, the roll-ups their sum, and both sources agree."""
    assert db.engine is not None
    with db.engine.connect() as connection:
        with connection.begin() as transaction:
            ids = connection.scalars(select(Report.id)).all()
            assert recount(connection, ids) == 0, "a tally differs from its report"
            transaction.rollback()
        assert stored_rollups(connection) == rebuilt_rollups(connection)
    start, end = half_year(now.astimezone(LOCAL_ZONE).date())
    with db.session() as session:
        for scope in (Scope(), Scope(country="XK"), Scope(country="AL"),
                      Scope(municipality_id=prishtine(db))):
            rolled = compute(session, start, end, scope, now=now)
            direct = compute(session, start, end, scope, now=now, rollups=False)
            assert rolled == direct, scope


def prishtine(db: Database) -> int:
    """Return Prishtinë's id."""
    with db.session() as session:
        return session.scalars(select(Municipality.id).where(
            Municipality.name_sq == "Prishtinë")).one()


def file_all(chat: Callable[..., Chat], teacher_phone: str) -> list[str]:
    """File a hazard in Drenas, an urgent child in Prishtinë, a dropout, and an Albanian one."""
    drenas, child, teacher = chat("sms", "+38344999101"), chat("sms", "+38344999102"), \
        chat("sms", teacher_phone)
    drenas.replay(HAZARD)
    child.replay(URGENT_CHILD)
    teacher.replay(rows(("BRAKTISJE 7A AK 12 pune", "R-")))
    berat = chat("sms", "+355691234599")
    berat.replay(tuple((said.replace("Drenas", "Berat"), wanted) for said, wanted in HAZARD))
    return [*references(drenas), *references(child), *references(teacher), *references(berat)]


def test_the_rollups_follow_filing_status_reassignment_and_escalation(
        chat: Callable[..., Chat], demo_db: Database, teacher_phone: str) -> None:
    """After each step, the roll-ups equal what the reports say, for every scope."""
    hazard, child, dropout, berat = file_all(chat, teacher_phone)
    now = START + timedelta(hours=1)  # the conversations' clock
    assert_exact(demo_db, now)
    with demo_db.session() as session:
        stats = compute(session, *half_year(now.astimezone(LOCAL_ZONE).date()), now=now)
    assert (stats.total, stats.by_country) == (4, (("XK", 3), ("AL", 1)))
    assert stats.by_reason == (("work", 1),)
    with demo_db.transaction() as session:
        change_status(session, hazard, STAFF, "acknowledged", now=now + timedelta(minutes=20))
        change_status(session, hazard, STAFF, "resolved", now=now + timedelta(hours=30))
        change_status(session, dropout, STAFF, "acknowledged", now=now + timedelta(hours=2))
    assert_exact(demo_db, now)
    with demo_db.transaction() as session:
        target = session.scalars(select(ContactPoint).where(
            ContactPoint.name == "Demo: Berat public services")).one()
        assert reassign(session, child, target.id, STAFF, "", now) is not None
        report = session.scalars(select(Report).where(Report.reference == child)).one()
        assert report.country == "AL"  # moved across the border, it counts for Albania
    assert_exact(demo_db, now)
    with demo_db.transaction() as session:
        assert escalate_due(session, now + timedelta(days=4), Deadlines.load(None)) >= 1
        report = session.scalars(select(Report).where(Report.reference == berat)).one()
        report.category = "water"  # as the reporter's correction does
        report.details = {"words": "uji i zi"}
    assert_exact(demo_db, now)
    with demo_db.session() as session:
        stats = compute(session, *half_year(now.astimezone(LOCAL_ZONE).date()), now=now)
    assert stats.by_country == (("AL", 2), ("XK", 2)) and stats.escalated >= 1
    assert stats.acknowledge.count == 2


def test_catching_up_counts_what_was_written_behind_its_back(
        chat: Callable[..., Chat], demo_db: Database, teacher_phone: str) -> None:
    """Rows written by Core, a report made simulated or deleted: catch_up sets them right."""
    file_all(chat, teacher_phone)
    assert demo_db.engine is not None
    with demo_db.engine.begin() as connection:
        first = connection.execute(select(Report).limit(1)).one()
        copy = {key: value for key, value in first._mapping.items() if key != "id"}
        connection.execute(insert(Report), [{**copy, "reference": f"R-BULK{n}"}
                                            for n in range(3)])
    with demo_db.engine.begin() as connection:
        assert catch_up(connection) == 3
        connection.execute(update(Report).where(Report.reference == "R-BULK0")
                           .values(simulated=True))
        connection.execute(delete(Report).where(Report.reference == "R-BULK1"))
    with demo_db.engine.begin() as connection:
        assert catch_up(connection) == 2  # one made simulated, one deleted
        assert catch_up(connection) == 0
    assert_exact(demo_db, START + timedelta(hours=1))


def test_duration_classes_and_their_edges() -> None:
    """Classes: a minute below an hour, six minutes below a day, an hour to 30 days, a day."""
    assert [duration_class(timedelta(minutes=m)) for m in (0, 59, 61, 65, 66, 1439, 1441, 1499)] \
        == [0, 59, 60, 60, 66, 1434, 1440, 1440]
    assert duration_class(timedelta(days=31, hours=5)) == 31 * 1440
    assert duration_class(timedelta(seconds=-5)) == 0
    assert [on_class_edge(timedelta(minutes=m)) for m in (15, 90, 100, 1440, 4320, 1500)] == [
        True, True, False, True, True, True]
    assert not on_class_edge(timedelta(minutes=1441)) and not on_class_edge(timedelta(seconds=90))
    assert month_of(datetime(2024, 12, 31, 23, 30, tzinfo=UTC)) == 202501  # Tirana's time
