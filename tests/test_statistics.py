"""Statistics of a period on both backends, the six-monthly files, the page and its export."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select, true

from locales import LOCAL_ZONE
from models import AuditEntry, Municipality, Report, ReportRoute, User
from models.db import Database
from service.statistics import Durations, compute
from sinjalizo.cli import main
from tests.conftest import AuthActions
from web.scope import visible
from web.stats import last_half_year

HALF_YEAR = (date(2025, 1, 1), date(2025, 6, 30))
AFTER = datetime(2025, 7, 1, 8, tzinfo=UTC)  # when the figures are computed
FILES = ("csv", "xlsx", "html")
# (reference, place, kind, category, status, received (UTC), hours to acknowledge, to resolve,
#  route role and level, escalated?). Tirana is UTC+1 in winter, UTC+2 in summer.
REPORTS = (
    ("R-ST01", "Drenas", "hazard", "dump", "resolved", datetime(2025, 1, 15, 10), 1, 10,
     ("public_services", 0), False),
    ("R-ST02", "Drenas", "hazard", "open_pit", "resolved", datetime(2025, 2, 10, 9), 2, 20,
     ("public_services", 0), False),
    ("R-ST03", "Drenas", "child_at_risk", "violence", "resolved", datetime(2025, 3, 5, 14), 4, 30,
     ("child_protection", 0), False),
    ("R-ST04", "Prizren", "child_at_risk", "neglect", "resolved", datetime(2025, 4, 20, 7), 8, 40,
     ("child_protection", 0), True),
    ("R-ST05", "Prizren", "dropout", "absence", "acknowledged", datetime(2025, 5, 2, 12), 10,
     None, ("dropout_team", 1), False),
    # 00:30 on 1 January in Tirana: the period's first local day.
    ("R-ST06", "Drenas", "dropout", "dropout", "routed", datetime(2024, 12, 31, 23, 30), None,
     None, ("dropout_team", 0), False),
    ("R-ST07", None, "hazard", "other", "received", datetime(2025, 6, 15, 16), None, None,
     None, False),
    # 00:30 on 1 July in Tirana: after the period, although 30 June in UTC.
    ("R-ST08", "Prizren", "hazard", "dump", "received", datetime(2025, 6, 30, 22, 30), None,
     None, None, False),
)


def municipality(db: Database, name: str) -> int:
    """Return a municipality's id."""
    with db.session() as session:
        return session.scalars(select(Municipality.id).where(Municipality.name_sq == name)).one()


def hours_after(at: datetime, hours: int | None) -> datetime | None:
    """Return the moment some hours after `at`, or None."""
    return None if hours is None else at + timedelta(hours=hours)


@pytest.fixture
def half_year(demo_db: Database) -> Database:
    """Store reports with known timings around the first half of 2025, and a simulated one."""
    places = {name: municipality(demo_db, name) for name in ("Drenas", "Prizren")}
    with demo_db.transaction() as session:
        for reference, place, kind, category, status, at, ack, done, route, up in REPORTS:
            received = at.replace(tzinfo=UTC)
            report = Report(
                reference=reference, kind=kind, category=category, status=status,
                municipality_id=places.get(place or ""), channel="sms",
                created_at=received, updated_at=received, urgent=reference == "R-ST03",
                unrouted=route is None, acknowledged_at=hours_after(received, ack),
                resolved_at=hours_after(received, done))
            session.add(report)
            session.flush()
            if route is not None:
                session.add(ReportRoute(report_id=report.id, role=route[0], level=route[1],
                                        escalated_at=hours_after(received, 30) if up else None))
        session.add(Report(reference="R-STSIM", kind="hazard", category="dump", channel="sms",
                           municipality_id=places["Drenas"], simulated=True,
                           created_at=datetime(2025, 2, 1, tzinfo=UTC)))
    return demo_db


def test_figures_of_a_half_year(half_year: Database) -> None:
    """Counts, medians and 90th percentiles come out exactly, on either backend."""
    with half_year.session() as session:
        stats = compute(session, *HALF_YEAR, true(), now=AFTER)
    assert stats.total == 7
    assert stats.by_month == (("2025-01", 2), ("2025-02", 1), ("2025-03", 1), ("2025-04", 1),
                              ("2025-05", 1), ("2025-06", 1))
    assert stats.by_kind == (("hazard", 3), ("child_at_risk", 2), ("dropout", 2))
    assert stats.by_category == (
        ("child_at_risk", "neglect", 1), ("child_at_risk", "violence", 1),
        ("dropout", "absence", 1), ("dropout", "dropout", 1), ("hazard", "dump", 1),
        ("hazard", "open_pit", 1), ("hazard", "other", 1))
    assert stats.by_municipality == (("Drenas", 4), ("Prizren", 2), ("", 1))
    # Acknowledged after 1, 2, 4, 8, 10 hours; resolved after 10, 20, 30, 40.
    assert stats.acknowledge == Durations(count=5, median=4.0, p90=9.2)
    assert stats.resolve == Durations(count=4, median=25.0, p90=37.0)
    assert (stats.urgent, stats.unrouted, stats.escalated) == (1, 1, 2)
    assert stats.overdue == 2  # R-ST06 and R-ST07 still wait, long past their deadlines


def test_figures_within_a_scope(half_year: Database, auth: AuthActions) -> None:
    """A focal point's figures count only the reports routed to their roles."""
    with half_year.session() as session:
        focal = session.scalars(select(User).where(
            User.email == "focal.prizren@example.org")).one()
        stats = compute(session, *HALF_YEAR, visible(focal), now=AFTER)
        empty = compute(session, date(2024, 1, 1), date(2024, 6, 30), true(), now=AFTER)
    assert (stats.total, stats.by_kind, stats.escalated) == (1, (("child_at_risk", 1),), 1)
    assert stats.acknowledge == Durations(count=1, median=8.0, p90=8.0)
    assert (empty.total, empty.by_kind, empty.resolve) == (0, (), Durations(0, None, None))
    assert [count for _, count in empty.by_month] == [0] * 6


@pytest.mark.parametrize(("today", "period"), [
    (date(2025, 7, 1), HALF_YEAR), (date(2025, 12, 31), HALF_YEAR),
    (date(2026, 1, 1), (date(2025, 7, 1), date(2025, 12, 31))),
    (date(2025, 6, 30), (date(2024, 7, 1), date(2024, 12, 31))),
])
def test_the_default_period_is_the_last_half_year(today: date, period: tuple[date, date]) -> None:
    """The page opens on the last complete half-year before today."""
    assert last_half_year(today) == period


def sections(data: str) -> dict[str, list[list[str]]]:
    """Read the report's CSV: each section's name, then its header and rows."""
    found: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in csv.reader(io.StringIO(data)):
        if not row:
            current = None
        elif current is None:
            current = found[row[0]] = []
        else:
            current.append(row)
    return found


def test_report_period_writes_three_files(half_year: Database, database_url: str,
                                          tmp_path: Path) -> None:
    """The command writes the CSV, the XLSX and the printable HTML, and prints their paths."""
    out = tmp_path / "reports" / "2025-h1"
    result = CliRunner().invoke(main, [
        "--database-url", database_url, "report-period", "--from", "2025-01-01",
        "--to", "2025-06-30", "--out", str(out), "--language", "en"])
    assert result.exit_code == 0, result.output
    stem = out / "report-2025-01-01-2025-06-30"
    assert result.output.split() == [str(stem.with_suffix(f".{ext}")) for ext in FILES]

    tables = sections(stem.with_suffix(".csv").read_text(encoding="utf-8-sig"))
    assert tables["summary"][0] == ["key", "label", "reports"]
    assert ["total", "Reports", "7"] in tables["summary"]
    assert tables["durations"][1:] == [["acknowledge", "Time to acknowledge", "5", "4.0", "9.2"],
                                       ["resolve", "Time to resolve", "4", "25.0", "37.0"]]
    assert tables["by_month"][1] == ["2025-01", "January 2025", "2"]
    assert tables["by_category"][1] == ["child_at_risk", "neglect", "Neglect or no parental care",
                                        "1"]
    assert tables["by_municipality"][1:] == [["Drenas", "4"], ["Prizren", "2"],
                                             ["No municipality", "1"]]

    book = load_workbook(stem.with_suffix(".xlsx"))
    assert book.sheetnames == list(tables)
    sheet = book["by_kind"]
    assert all(cell.font.bold for cell in sheet[1])
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["kind", "label", "reports"], ["hazard", "Public hazard", 3],
        ["child_at_risk", "Child at risk", 2], ["dropout", "School dropout", 2]]
    assert book["durations"]["E2"].value == 9.2

    html = stem.with_suffix(".html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3
    assert not any(fetch in html for fetch in ("<script", "<link", "src=", "url("))
    assert "All municipalities" in html and "January 2025" in html and "Drenas" in html


def test_report_period_refuses_a_backward_period(half_year: Database, database_url: str,
                                                 tmp_path: Path) -> None:
    """A period ending before it starts is an error, and nothing is written."""
    result = CliRunner().invoke(main, [
        "--database-url", database_url, "report-period", "--from", "2025-06-30",
        "--to", "2025-01-01", "--out", str(tmp_path / "out")])
    assert result.exit_code != 0 and "period" in result.output
    assert not (tmp_path / "out").exists()


def summary_total(page: str) -> int:
    """Return the number of reports in the page's summary table."""
    found = re.search(r'<table class="summary">.*?<td>([\d.,]+)</td>', page, re.DOTALL)
    assert found, "no summary table"
    return int(found.group(1))


def test_a_coordinator_sees_their_municipality(half_year: Database, auth: AuthActions) -> None:
    """The page counts only the coordinator's municipality, draws charts and is audited."""
    auth.login("prizren@example.org")
    page = auth.client.get("/stats?from=2025-01-01&to=2025-06-30").get_data(as_text=True)
    assert summary_total(page) == 2
    assert "Prizren" in page and "Drenas" not in page and '<svg class="chart"' in page
    assert "prill 2025" in page  # April, in the coordinator's Albanian
    with half_year.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "stats")).one()
    assert entry.detail == {"start": "2025-01-01", "end": "2025-06-30"}


def test_a_focal_point_sees_their_roles_reports(half_year: Database, auth: AuthActions) -> None:
    """A focal point's page counts the reports routed to their roles in their municipality."""
    auth.login("focal.prizren@example.org")
    page = auth.client.get("/stats?from=2025-01-01&to=2025-06-30").get_data(as_text=True)
    assert summary_total(page) == 1 and "Prizren · " in page


def test_the_page_falls_back_on_a_wrong_period(half_year: Database, auth: AuthActions) -> None:
    """Without a period, or with a backward one, the page shows the last half-year."""
    auth.login()
    start, end = last_half_year(datetime.now(LOCAL_ZONE).date())
    for query in ("", "?from=2025-06-30&to=2025-01-01"):
        page = auth.client.get(f"/stats{query}").get_data(as_text=True)
        assert f'name="from" value="{start.isoformat()}"' in page
        assert f'name="to" value="{end.isoformat()}"' in page
        assert ('class="flash error"' in page) == bool(query)


def test_the_export_button_returns_a_zip(half_year: Database, auth: AuthActions) -> None:
    """The export is a ZIP of the three files within the user's scope, and is audited."""
    auth.login("prizren@example.org")
    response = auth.post("/stats/export", {"from": "2025-01-01", "to": "2025-06-30"},
                         page="/stats")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "report-2025-01-01-2025-06-30.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == sorted(
        f"report-2025-01-01-2025-06-30.{ext}" for ext in FILES)
    tables = sections(archive.read("report-2025-01-01-2025-06-30.csv").decode("utf-8-sig"))
    assert tables["by_municipality"][1:] == [["Prizren", "2"]]
    assert tables["period"][3][::2] == ["scope", "Prizren"]
    assert "janar 2025" in archive.read("report-2025-01-01-2025-06-30.html").decode()
    with half_year.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.detail == {"start": "2025-01-01", "end": "2025-06-30"}


def test_the_export_needs_its_csrf_token(half_year: Database, auth: AuthActions) -> None:
    """A POST without the form's CSRF token, or with a forged period, exports nothing."""
    auth.login()
    refused = auth.client.post("/stats/export", data={"from": "2025-01-01", "to": "2025-06-30"})
    assert refused.status_code == 400
    backward = auth.post("/stats/export", {"from": "2025-06-30", "to": "2025-01-01"},
                         page="/stats")
    assert backward.status_code == 400
    with half_year.session() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all() \
            == []
