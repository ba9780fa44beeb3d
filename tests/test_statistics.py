"""Statistics of a period on both backends, from the roll-ups and from the reports alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from alerts.deadlines import Deadlines
from models import Municipality, Report, ReportRoute, School, User
from models.db import Database
from service.statistics import Durations, Scope, compute
from web.scope import statistics_scope
from web.stats import half_year, half_years

HALF_YEAR = (date(2025, 1, 1), date(2025, 6, 30))
AFTER = datetime(2025, 7, 1, 8, tzinfo=UTC)  # when the figures are computed
# (reference, place, kind, category, status, received (UTC), hours to acknowledge, to resolve,
#  route role and level, escalated?, details). Tirana is UTC+1 in winter, UTC+2 in summer.
REPORTS = (
    ("R-ST01", "Drenas", "hazard", "dump", "resolved", datetime(2025, 1, 15, 10), 1, 10,
     ("public_services", 0), False, {}),
    ("R-ST02", "Drenas", "hazard", "open_pit", "resolved", datetime(2025, 2, 10, 9), 2, 20,
     ("public_services", 0), False, {}),
    ("R-ST03", "Drenas", "child_at_risk", "violence", "resolved", datetime(2025, 3, 5, 14), 4, 30,
     ("child_protection", 0), False, {"sex": "girl", "age_band": "6-11"}),
    ("R-ST04", "Prizren", "child_at_risk", "neglect", "resolved", datetime(2025, 4, 20, 7), 8, 40,
     ("child_protection", 0), True, {"sex": "boy"}),
    ("R-ST05", "Prizren", "dropout", "absence", "acknowledged", datetime(2025, 5, 2, 12), 10,
     None, ("dropout_team", 1), False, {"reason": "work"}),
    # 00:30 on 1 January in Tirana: the period's first local day.
    ("R-ST06", "Drenas", "dropout", "dropout", "routed", datetime(2024, 12, 31, 23, 30), None,
     None, ("dropout_team", 0), False, {"reason": "poverty"}),
    ("R-ST07", None, "hazard", "other", "received", datetime(2025, 6, 15, 16), None, None,
     None, False, {}),
    # 00:30 on 1 July in Tirana: after the period, although 30 June in UTC.
    ("R-ST08", "Prizren", "hazard", "dump", "received", datetime(2025, 6, 30, 22, 30), None,
     None, None, False, {}),
)


def municipality(db: Database, name: str) -> int:
    """Return a municipality's id."""
    with db.session() as session:
        return session.scalars(select(Municipality.id).where(Municipality.name_sq == name)).one()


def hours_after(at: datetime, hours: int | None) -> datetime | None:
    """Return the moment some hours after `at`, or None."""
    return None if hours is None else at + timedelta(hours=hours)


@pytest.fixture
def half_year_db(demo_db: Database) -> Database:
    """Return the demo database with the reports of REPORTS, and a simulated one."""
    return store_half_year(demo_db)


def store_half_year(demo_db: Database) -> Database:
    """Store reports with known timings around the first half of 2025, and a simulated one."""
    places = {name: municipality(demo_db, name) for name in ("Drenas", "Prizren")}
    with demo_db.transaction() as session:
        schools = {s.municipality_id: s.id for s in session.scalars(select(School))}
        for reference, place, kind, category, status, at, ack, done, route, up, details \
                in REPORTS:
            received = at.replace(tzinfo=UTC)
            where = places.get(place or "")
            report = Report(
                reference=reference, kind=kind, category=category, status=status,
                municipality_id=where, country="XK" if where else None, channel="sms",
                school_id=schools.get(where) if kind == "dropout" and where else None,
                created_at=received, updated_at=received, urgent=reference == "R-ST03",
                unrouted=route is None, acknowledged_at=hours_after(received, ack),
                resolved_at=hours_after(received, done), details=details)
            session.add(report)
            session.flush()
            if route is not None:
                session.add(ReportRoute(report_id=report.id, role=route[0], level=route[1],
                                        escalated_at=hours_after(received, 30) if up else None))
        session.add(Report(reference="R-STSIM", kind="hazard", category="dump", channel="sms",
                           municipality_id=places["Drenas"], simulated=True,
                           created_at=datetime(2025, 2, 1, tzinfo=UTC)))
    return demo_db


@pytest.mark.parametrize("rollups", [True, False])
def test_figures_of_a_half_year(half_year_db: Database, rollups: bool) -> None:
    """Counts, breakdowns, medians and 90th percentiles come out exactly, from either source."""
    with half_year_db.session() as session:
        stats = compute(session, *HALF_YEAR, now=AFTER, rollups=rollups)
    assert stats.total == 7
    assert stats.by_month == (("2025-01", 2), ("2025-02", 1), ("2025-03", 1), ("2025-04", 1),
                              ("2025-05", 1), ("2025-06", 1))
    assert stats.by_kind == (("hazard", 3), ("child_at_risk", 2), ("dropout", 2))
    assert stats.by_category == (
        ("child_at_risk", "neglect", 1), ("child_at_risk", "violence", 1),
        ("dropout", "absence", 1), ("dropout", "dropout", 1), ("hazard", "dump", 1),
        ("hazard", "open_pit", 1), ("hazard", "other", 1))
    assert stats.by_municipality == (("Drenas", 4), ("Prizren", 2), ("", 1))
    assert stats.by_country == (("XK", 6), ("", 1))
    assert stats.by_sex == (("boy", 1), ("girl", 1))
    assert stats.by_age_band == (("6-11", 1), ("unknown", 1))
    assert stats.by_reason == (("poverty", 1), ("work", 1))
    assert stats.by_school == (("Shkolla fillore Demo, Drenas", 1),
                               ("Shkolla fillore Demo, Prizren", 1))
    # Acknowledged after 1, 2, 4, 8, 10 hours; resolved after 10, 20, 30, 40.
    assert stats.acknowledge == Durations(count=5, median=4.0, p90=9.2)
    assert stats.resolve == Durations(count=4, median=25.0, p90=37.0)
    assert (stats.urgent, stats.unrouted, stats.escalated) == (1, 1, 2)
    # R-ST03 was urgent (15 minutes) and taken up after 4 hours; R-ST06 and R-ST07 never were.
    assert (stats.late, stats.missed, stats.overdue, stats.current) == (1, 2, None, False)
    children = next(t for t in stats.times if t.kind == "child_at_risk")
    assert (children.in_time, children.late, children.missed, children.share) == (1, 1, 0, 50.0)
    assert stats.times[-1].share == round(100 * 4 / 7, 1)


def test_a_period_reaching_today_says_overdue_now(half_year_db: Database) -> None:
    """Computed within the period, what waits past its deadline is overdue now."""
    with half_year_db.session() as session:
        stats = compute(session, *HALF_YEAR, now=datetime(2025, 6, 20, tzinfo=UTC))
    assert (stats.current, stats.overdue, stats.missed) == (True, 2, 2)


@pytest.mark.parametrize("rollups", [True, False])
def test_a_ragged_period_counts_its_partial_months(half_year_db: Database, rollups: bool) -> None:
    """A period cutting months in two counts only its own days, whatever the source."""
    with half_year_db.session() as session:
        stats = compute(session, date(2025, 1, 10), date(2025, 4, 19), now=AFTER,
                        rollups=rollups)
    assert stats.by_month == (("2025-01", 1), ("2025-02", 1), ("2025-03", 1), ("2025-04", 0))
    assert stats.acknowledge == Durations(count=3, median=2.0, p90=3.6)


def test_figures_within_a_scope(half_year_db: Database) -> None:
    """A focal point's figures count only the reports routed to their roles."""
    focal = User(email="f@example.org", role="focal", report_roles=["child_protection"],
                 municipality_id=municipality(half_year_db, "Prizren"))
    with half_year_db.session() as session:
        stats = compute(session, *HALF_YEAR, statistics_scope(focal), now=AFTER)
        empty = compute(session, date(2024, 1, 1), date(2024, 6, 30), now=AFTER)
    assert (stats.total, stats.by_kind, stats.escalated) == (1, (("child_at_risk", 1),), 1)
    assert stats.acknowledge == Durations(count=1, median=8.0, p90=8.0)
    assert (empty.total, empty.by_kind, empty.resolve) == (0, (), Durations(0, None, None))
    assert [count for _, count in empty.by_month] == [0] * 6


def test_a_deadline_off_the_classes_is_counted_from_the_reports(half_year_db: Database) -> None:
    """A deadline of 7 minutes is no class boundary above an hour: the reports decide."""
    odd = Deadlines.from_mapping({"default": "24h", "hazard": {"normal": "67m"}})
    with half_year_db.session() as session:
        rolled = compute(session, *HALF_YEAR, deadlines=odd, now=AFTER)
        direct = compute(session, *HALF_YEAR, deadlines=odd, now=AFTER, rollups=False)
    assert rolled == direct
    hazards = next(t for t in rolled.times if t.kind == "hazard")
    assert (hazards.in_time, hazards.late) == (1, 1)  # 1 hour in time, 2 hours late


def test_figures_by_country(half_year_db: Database) -> None:
    """A country's figures are its reports' only."""
    with half_year_db.session() as session:
        kosovo = compute(session, *HALF_YEAR, Scope(country="XK"), now=AFTER)
        albania = compute(session, *HALF_YEAR, Scope(country="AL"), now=AFTER)
    assert (kosovo.total, albania.total) == (6, 0)
    assert kosovo.by_country == (("XK", 6),)


@pytest.mark.parametrize(("today", "period"), [
    (date(2025, 7, 1), (date(2025, 7, 1), date(2025, 12, 31))),
    (date(2025, 12, 31), (date(2025, 7, 1), date(2025, 12, 31))),
    (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 6, 30))),
    (date(2025, 6, 30), (date(2025, 1, 1), date(2025, 6, 30))),
])
def test_the_default_period_is_the_current_half_year(today: date,
                                                     period: tuple[date, date]) -> None:
    """The page opens on the half-year of today: January–June or July–December."""
    assert half_year(today) == period
    assert half_years(today, 2)[1][1] == period[0] - timedelta(days=1)
