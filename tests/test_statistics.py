"""Statistics of a period on both backends, the six-monthly files and the dashboard's export."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select, true

from alerts.deadlines import Deadlines
from models import Municipality, Report, ReportRoute
from models.db import Database
from service.statistics import compute
from sinjalizo.cli import main
from tests.conftest import AuthActions

JAN = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)


def municipality(db: Database, name: str) -> int:
    """Return a municipality's id."""
    with db.session() as session:
        return session.scalars(select(Municipality.id).where(
            Municipality.name_sq == name)).one()


@pytest.fixture
def period_reports(demo_db: Database) -> Database:
    """Store reports with known timings in the first half of 2025 (and two outside it)."""
    drenas, prizren = municipality(demo_db, "Drenas"), municipality(demo_db, "Prizren")
    rows = [  # (municipality, kind, hours to acknowledge, hours to resolve, month offset)
        (drenas, "hazard", 1, 10, 0), (drenas, "hazard", 2, 20, 1),
        (drenas, "child_at_risk", 3, 30, 2), (prizren, "child_at_risk", 4, None, 3),
        (prizren, "dropout", None, None, 4),
    ]
    with demo_db.transaction() as session:
        for number, (where, kind, ack, done, month) in enumerate(rows):
            at = JAN + timedelta(days=31 * month)
            report = Report(
                reference=f"R-STAT{number}", kind=kind, category="other", status="routed",
                municipality_id=where, channel="sms", created_at=at, updated_at=at,
                acknowledged_at=at + timedelta(hours=ack) if ack else None,
                resolved_at=at + timedelta(hours=done) if done else None,
                unrouted=number == 4, urgent=number == 2)
            session.add(report)
            session.flush()
            session.add(ReportRoute(report_id=report.id, role="x", level=1 if number == 3 else 0))
        session.add(Report(reference="R-STATX", kind="hazard", category="dump",
                           municipality_id=drenas, channel="sms",
                           created_at=datetime(2025, 7, 1, 9, tzinfo=UTC)))
        session.add(Report(reference="R-STATS", kind="hazard", category="dump",
                           municipality_id=drenas, channel="sms", simulated=True,
                           created_at=JAN))
    return demo_db


def test_figures_of_a_half_year(period_reports: Database) -> None:
    """Counts, medians and 90th percentiles come out exactly, on either backend."""
    with period_reports.session() as session:
        stats = compute(session, date(2025, 1, 1), date(2025, 6, 30), true(),
                        Deadlines.load(), datetime(2025, 7, 1, tzinfo=UTC))
    assert stats.total == 5
    assert dict(stats.by_kind) == {"hazard": 2, "child_at_risk": 2, "dropout": 1}
    assert dict(stats.by_municipality) == {"Drenas": 3, "Prizren": 2}
    assert [month for month, _ in stats.by_month] == [
        "2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    assert (stats.acknowledge.count, stats.acknowledge.median) == (4, 2.5)
    assert stats.acknowledge.p90 == pytest.approx(3.7)
    assert (stats.resolve.count, stats.resolve.median, stats.resolve.p90) == (3, 20.0, 28.0)
    assert (stats.unrouted, stats.urgent, stats.escalated) == (1, 1, 1)
    assert stats.overdue == 5  # all "routed", all older than their deadlines on 1 July


def test_report_period_writes_three_files(period_reports: Database, database_url: str,
                                          tmp_path: Path) -> None:
    """The command writes the CSV, the XLSX and the HTML with the figures."""
    result = CliRunner().invoke(main, ["--database-url", database_url, "report-period",
                                       "--from", "2025-01-01", "--to", "2025-06-30",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [f"sinjalizo-2025-01-01-2025-06-30.{ext}" for ext in ("csv", "html", "xlsx")]
    stem = tmp_path / "out" / "sinjalizo-2025-01-01-2025-06-30"
    with stem.with_suffix(".csv").open(encoding="utf-8-sig") as handle:
        table = {(r["table"], r["key"], r["detail"]): r["value"] for r in csv.DictReader(handle)}
    assert table[("summary", "total", "")] == "5"
    assert table[("by_municipality", "Drenas", "")] == "3"
    book = load_workbook(stem.with_suffix(".xlsx"))
    assert "by_month" in book.sheetnames
    assert book["summary"]["A1"].font.bold
    html = stem.with_suffix(".html").read_text(encoding="utf-8")
    assert "<svg" in html and "Drenas" in html and "2025-01-01" in html


def test_dashboard_statistics_and_export(period_reports: Database, auth: AuthActions) -> None:
    """A coordinator sees only their municipality; the export is a ZIP of three files."""
    auth.login("prizren@example.org")
    page = auth.client.get("/stats?from=2025-01-01&to=2025-06-30").get_data(as_text=True)
    assert "Prizren" in page and "Drenas" not in page and "<svg" in page
    response = auth.post("/stats/export", {"from": "2025-01-01", "to": "2025-06-30"},
                         page="/stats")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["csv", "html", "xlsx"]
    refused = auth.client.post("/stats/export", data={"from": "2025-01-01"})
    assert refused.status_code == 400
