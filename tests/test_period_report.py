"""The statistics page and the six-monthly report in its three files, in three languages."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import get_decimal_symbol, parse_decimal
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from handlers.i18n import msg
from locales import LOCAL_ZONE, Catalogs
from models import AuditEntry, Report
from models.db import Database
from models.services import Referral, Service
from sinjalizo.cli import main
from tests.conftest import AuthActions
from tests.test_statistics import store_half_year
from web.stats import half_year

FILES = ("csv", "xlsx", "html")
STEM = "report-2025-01-01-2025-06-30"
ENGLISH_KEYS = {"key", "label", "reports", "value", "kind", "month", "municipality", "Reports",
                "Kind", "Month", "Municipality", "Category", "Country"}


@pytest.fixture
def half_year_db(demo_db: Database) -> Database:
    """Return the demo database with the first half of 2025's reports (test_statistics)."""
    return store_half_year(demo_db)


class Tables(HTMLParser):
    """Read the report's tables from HTML: each section's header and rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, list[list[str]]] = {}
        self.current: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a section's table, a row or a cell."""
        section = dict(attrs).get("data-section")
        if tag == "table" and section:
            self.current = self.found[section] = []
        elif tag == "tr" and self.current is not None:
            self.current.append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        """Close a cell or a table."""
        if tag in ("td", "th") and self.cell is not None and self.current is not None:
            self.current[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        """Keep a cell's text."""
        if self.cell is not None:
            self.cell.append(data)


def html_tables(page: str) -> dict[str, list[list[str]]]:
    """Return the sections' tables of an HTML page."""
    parser = Tables()
    parser.feed(page)
    return parser.found


def csv_sections(data: str) -> list[list[list[str]]]:
    """Read the report's CSV: each section's title line, header and rows."""
    found: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for row in csv.reader(io.StringIO(data)):
        if not row:
            current = None
        elif current is None:
            current = []
            found.append(current)
            current.append(row)
        else:
            current.append(row)
    return found


def export(auth: AuthActions, language: str, **extra: str) -> zipfile.ZipFile:
    """Export the first half of 2025 in a language through the dashboard; return the ZIP."""
    response = auth.post("/stats/export", {"from": "2025-01-01", "to": "2025-06-30",
                                           "language": language, **extra}, page="/stats")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def summary_total(page: str) -> int:
    """Return the number of reports in the page's summary table."""
    rows = html_tables(page)["summary"]
    return int(parse_decimal(rows[1][1], locale="sq"))


def test_the_report_period_command_writes_three_files(half_year_db: Database, database_url: str,
                                                      tmp_path: Path) -> None:
    """The command writes the CSV, the XLSX and the printable HTML, and prints their paths."""
    out = tmp_path / "reports" / "2025-h1"
    result = CliRunner().invoke(main, [
        "--database-url", database_url, "report-period", "--from", "2025-01-01",
        "--to", "2025-06-30", "--out", str(out), "--language", "en"])
    assert result.exit_code == 0, result.output
    stem = out / STEM
    assert result.output.split() == [str(stem.with_suffix(f".{ext}")) for ext in FILES]
    sections = {section[0][0]: section[1:] for section in csv_sections(
        stem.with_suffix(".csv").read_text(encoding="utf-8-sig"))}
    assert sections["Summary"][0] == ["Figure", "Reports"]
    assert ["Reports", "7"] in sections["Summary"]
    assert sections["Response times"][-1] == ["All kinds", "7", "5", "4.0", "9.2", "4", "25.0",
                                              "37.0"]
    assert sections["Reports by month"][1] == ["January 2025", "2"]
    assert sections["Reports by municipality"][1:] == [["Drenas", "4"], ["Prizren", "2"],
                                                      ["No municipality", "1"]]
    assert sections["Children at risk by sex"][1:] == [["Girl", "1"], ["Boy", "1"]]
    assert sections["School dropouts by reason"][1:] == [["Work", "1"], ["Poverty", "1"]]
    book = load_workbook(stem.with_suffix(".xlsx"))
    assert book.sheetnames[:3] == ["This report", "Summary", "Response times"]
    sheet = book["Reports by kind"]
    assert all(cell.font.bold for cell in sheet[1])
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Kind", "Reports"], ["Public hazard", 3], ["Child at risk", 2], ["School dropout", 2]]
    assert len(sheet._charts) == 1  # a native bar chart beside the table
    html = stem.with_suffix(".html").read_text(encoding="utf-8")
    assert not any(fetch in html for fetch in ("<script", "<link", "src=", "url("))
    assert "All municipalities" in html and "January 2025" in html and "<svg" in html


def test_the_command_refuses_a_backward_period(half_year_db: Database, database_url: str,
                                               tmp_path: Path) -> None:
    """A period ending before it starts is an error, and nothing is written."""
    result = CliRunner().invoke(main, [
        "--database-url", database_url, "report-period", "--from", "2025-06-30",
        "--to", "2025-01-01", "--out", str(tmp_path / "out")])
    assert result.exit_code != 0 and "period" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("country", "reports", "named"), [("xk", "6", "Kosovë"),
                                                            ("AL", "0", "Shqipëri")])
def test_the_command_writes_one_countrys_report(half_year_db: Database, database_url: str,
                                                tmp_path: Path, country: str, reports: str,
                                                named: str) -> None:
    """`report-period --country` counts that country's reports and names it as the scope."""
    result = CliRunner().invoke(main, [
        "--database-url", database_url, "report-period", "--from", "2025-01-01",
        "--to", "2025-06-30", "--out", str(tmp_path), "--country", country])
    assert result.exit_code == 0, result.output
    sections = {section[0][0]: section[1:] for section in csv_sections(
        (tmp_path / f"{STEM}.csv").read_text(encoding="utf-8-sig"))}
    assert ["Raportimet", reports] in sections["Përmbledhje"]
    assert ["Përfshin", named] in sections["Ky raport"]


@pytest.mark.parametrize("language", ["sq", "sr"])
def test_the_report_speaks_the_chosen_language(half_year_db: Database, auth: AuthActions,
                                               catalogs: Catalogs, language: str) -> None:
    """Every title and header of the CSV is in the chosen language: no English keys."""
    auth.login()
    archive = export(auth, language)
    sections = csv_sections(archive.read(f"{STEM}.csv").decode("utf-8-sig"))
    headers = {cell for section in sections for cell in (*section[0], *section[1])}
    assert not headers & ENGLISH_KEYS
    titles = [section[0][0] for section in sections]
    assert catalogs(msg("Reports by month"), language) in titles
    assert catalogs(msg("Reports by month"), language) != "Reports by month"
    by_month = sections[titles.index(catalogs(msg("Reports by month"), language))]
    assert by_month[1] == [catalogs(msg("Month"), language), catalogs(msg("Reports"), language)]
    assert by_month[2][0] == {"sq": "janar 2025", "sr": "januar 2025"}[language]
    page = archive.read(f"{STEM}.html").decode()
    assert f'<html lang="{language}">' in page


def number(text: str, language: str) -> Any:
    """Read a number as the report wrote it, or return the text."""
    if text == "–":
        return None
    if re.fullmatch(r"[\d.,\s\u00a0\u202f]+", text):
        value = parse_decimal(text, locale=language)
        return float(value) if get_decimal_symbol(language) in text else int(value)
    return text


@pytest.mark.parametrize("language", ["sq", "en"])
def test_the_xlsx_and_the_html_give_the_same_numbers(half_year_db: Database, auth: AuthActions,
                                                     language: str) -> None:
    """Every cell of every table of the printable page is in the workbook, the same."""
    auth.login()
    archive = export(auth, language)
    tables = html_tables(archive.read(f"{STEM}.html").decode())
    book = load_workbook(io.BytesIO(archive.read(f"{STEM}.xlsx")))
    assert len(tables) == len(book.sheetnames) == 14
    compared = 0
    for (key, rows), sheet in zip(tables.items(), book.worksheets, strict=True):
        cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert cells[0] == rows[0], key
        for shown, stored in zip(rows[1:], cells[1:], strict=False):
            assert [number(text, language) for text in shown] == stored, key
            compared += len(shown)
    assert compared > 100


def test_a_past_period_never_says_overdue_now(half_year_db: Database, auth: AuthActions,
                                              catalogs: Catalogs) -> None:
    """A half-year gone by says what was never taken up; today's says what is overdue now."""
    auth.login()
    past = auth.client.get("/stats?from=2025-01-01&to=2025-06-30").get_data(as_text=True)
    archive = export(auth, "sq")
    overdue, never = (catalogs(msg(text), "sq") for text in ("Overdue now", "Never taken up"))
    for text in (past, archive.read(f"{STEM}.html").decode(),
                 archive.read(f"{STEM}.csv").decode("utf-8-sig")):
        assert overdue not in text and never in text
    book = load_workbook(io.BytesIO(archive.read(f"{STEM}.xlsx")))
    assert not any(overdue == cell.value for sheet in book.worksheets
                   for row in sheet.iter_rows() for cell in row)
    current = auth.client.get("/stats").get_data(as_text=True)
    assert overdue in current and never not in current


def test_the_page_opens_on_the_current_half_year(half_year_db: Database,
                                                 auth: AuthActions) -> None:
    """Without a period, or with a backward one, the page shows the current half-year."""
    from datetime import datetime

    auth.login()
    start, end = half_year(datetime.now(LOCAL_ZONE).date())
    for query in ("", "?from=2025-06-30&to=2025-01-01"):
        page = auth.client.get(f"/stats{query}").get_data(as_text=True)
        assert f'name="from" value="{start.isoformat()}"' in page
        assert f'name="to" value="{end.isoformat()}"' in page
        assert ('class="flash error"' in page) == bool(query)
    links = auth.client.get("/stats").get_data(as_text=True)
    assert 'from=2025-01-01&amp;to=2025-06-30' in links or start.year > 2027


def test_a_coordinator_sees_their_municipality(half_year_db: Database, auth: AuthActions) -> None:
    """The page counts only the coordinator's municipality, draws charts and is audited."""
    auth.login("prizren@example.org")
    page = auth.client.get("/stats?from=2025-01-01&to=2025-06-30&country=AL").get_data(
        as_text=True)
    assert summary_total(page) == 2  # a coordinator cannot widen the scope by country
    assert "Prizren" in page and "Drenas" not in page and '<svg class="chart"' in page
    assert "prill 2025" in page  # April, in the coordinator's Albanian
    assert 'name="country"' not in page
    with half_year_db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "stats")).one()
    assert entry.detail == {"start": "2025-01-01", "end": "2025-06-30"}


def test_an_admin_narrows_to_a_country(half_year_db: Database, auth: AuthActions) -> None:
    """An admin's figures and export may be Kosovo's or Albania's only."""
    with half_year_db.transaction() as session:
        report = session.scalars(select(Report).where(Report.reference == "R-ST01")).one()
        report.country = "AL"  # as if it had been moved to an Albanian municipality
    auth.login()
    both = auth.client.get("/stats?from=2025-01-01&to=2025-06-30").get_data(as_text=True)
    kosovo = auth.client.get("/stats?from=2025-01-01&to=2025-06-30&country=XK").get_data(
        as_text=True)
    assert (summary_total(both), summary_total(kosovo)) == (7, 5)
    archive = export(auth, "en", country="AL")
    sections = {s[0][0]: s[1:] for s in csv_sections(
        archive.read(f"{STEM}.csv").decode("utf-8-sig"))}
    assert ["Reports", "1"] in sections["Summary"] and ["Scope", "Albania"] in sections[
        "This report"]
    with half_year_db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.detail == {"start": "2025-01-01", "end": "2025-06-30", "country": "AL"}


def test_a_focal_point_sees_their_roles_reports(half_year_db: Database,
                                                auth: AuthActions) -> None:
    """A focal point's page counts the reports routed to their roles in their municipality."""
    auth.login("focal.prizren@example.org")
    page = auth.client.get("/stats?from=2025-01-01&to=2025-06-30").get_data(as_text=True)
    assert summary_total(page) == 1 and "Prizren · " in page


def test_the_export_is_a_zip_within_the_scope(half_year_db: Database, auth: AuthActions) -> None:
    """The export is a ZIP of the three files within the user's scope, and is audited."""
    auth.login("prizren@example.org")
    archive = export(auth, "sq")
    assert sorted(archive.namelist()) == sorted(f"{STEM}.{ext}" for ext in FILES)
    tables = html_tables(archive.read(f"{STEM}.html").decode())
    assert tables["by_municipality"][1:] == [["Prizren", "2"]]
    assert tables["period"][3] == ["Përfshin", "Prizren"]
    assert "janar 2025" in archive.read(f"{STEM}.html").decode()


def test_the_export_needs_its_csrf_token(half_year_db: Database, auth: AuthActions) -> None:
    """A POST without the form's CSRF token, or with a forged period, exports nothing."""
    auth.login()
    refused = auth.client.post("/stats/export", data={"from": "2025-01-01", "to": "2025-06-30"})
    assert refused.status_code == 400
    backward = auth.post("/stats/export", {"from": "2025-06-30", "to": "2025-01-01"},
                         page="/stats")
    assert backward.status_code == 400
    with half_year_db.session() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all() \
            == []


def test_referrals_and_the_fixed_check_are_reported(half_year_db: Database,
                                                    auth: AuthActions) -> None:
    """Referrals by need and outcome, and the fixed check, in the HTML and the XLSX alike."""
    with half_year_db.session() as session:
        report = session.scalars(select(Report).where(Report.simulated.is_(False))
                                 .order_by(Report.id)).first()
        assert report is not None and report.municipality_id is not None
        service = Service(name="Qendra Labirinti", municipality_id=report.municipality_id,
                          needs=["psychosocial"], languages=["sq"])
        session.add(service)
        session.flush()
        session.add_all([Referral(report_id=report.id, service_id=service.id, need=need,
                                  state=state, referred_by="staff:1")
                         for need, state in (("psychosocial", "declined"),
                                             ("psychosocial", "done"), (None, "sent"))])
        session.commit()
    auth.login()
    archive = export(auth, "en")
    tables = html_tables(archive.read(f"{STEM}.html").decode())
    assert tables["referrals"] == [
        ["Help needed", "Waiting for the service", "Accepted", "Declined", "Done", "Revoked",
         "Referrals"],
        ["Psychological and social support", "0", "0", "1", "1", "0", "2"],
        ["Need not said", "1", "0", "0", "0", "0", "1"]]
    assert tables["fixed"][0] == ["Hazards", "Number"]
    book = load_workbook(io.BytesIO(archive.read(f"{STEM}.xlsx")))
    sheet = book[book.sheetnames[list(tables).index("referrals")]]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()][1] == [
        "Psychological and social support", 0, 0, 1, 1, 0, 2]
