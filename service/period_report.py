"""The six-monthly report as three files: CSV, XLSX with charts, and a printable HTML page.

The files are `report-<from>-<to>.csv`, `.xlsx` and `.html` (dates as YYYY-MM-DD), and all
three hold the same sections (service/report_sections.py), every word in the report's
language:

- CSV (UTF-8 with a byte-order mark, so that Excel reads ë and ç): per section, a line with
  its title, its header line, its rows, then one empty line.
- XLSX: one sheet per section, named by its title, the header row in bold, and a native bar
  chart beside each breakdown (the first 15 rows), which Excel and LibreOffice draw.
- HTML: one standalone page (inline CSS, inline SVG bar charts, no script, nothing fetched)
  rendered from web/templates/stats/period_report.html with the dashboard's macros.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from handlers.i18n import msg
from service.report_sections import TOP, Section, Words
from service.statistics import PeriodStats

TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"
ALL_MUNICIPALITIES = msg("All municipalities")
TITLE = msg("Sinjalizo report, %(start)s to %(end)s")
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")  # characters a sheet name may not hold


def title(stats: PeriodStats, words: Words) -> str:
    """Return the report's title in its language."""
    return words.catalogs.gettext(TITLE.msgid, words.language) % {
        "start": stats.start.isoformat(), "end": stats.end.isoformat()}


def write_csv(report: Sequence[Section], path: Path) -> Path:
    """Write the sections one after the other in one CSV file."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        for section in report:
            writer.writerows(((section.title,), section.header, *section.rows, ()))
    return path


def write_xlsx(report: Sequence[Section], path: Path, heading: str) -> Path:
    """Write the sections as a workbook, one sheet each, with a bar chart per breakdown."""
    book = Workbook()
    book.remove(book.active)
    book.properties.title = heading
    names: set[str] = set()
    for section in report:
        sheet = book.create_sheet(_sheet_name(section.title, names))
        sheet.append(section.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append(row)
        for column in range(1, len(section.header) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 30 if column == 1 else 18
        if section.note:
            sheet.cell(len(section.rows) + 3, 1, section.note).font = Font(italic=True)
        if section.chart and section.bars():
            _chart(sheet, section)
    book.save(path)
    return path


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """Return a sheet name Excel accepts (31 characters, no []:*?/\\), unique in the book."""
    base = SHEET_NAME.sub(" ", wanted)[:31].strip() or "Sheet"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" {number}"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _chart(sheet: Worksheet, section: Section) -> None:
    """Draw a native bar chart of the section's last column by its first, beside the table."""
    rows = len(section.bars())
    last = len(section.header)
    chart = BarChart()
    chart.type = "col" if section.key == "by_month" else "bar"
    chart.title = section.title
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=last, min_row=1, max_row=rows + 1),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    chart.height, chart.width = max(7.5, 0.6 * rows + 2), 16
    if chart.type == "bar":
        chart.x_axis.scaling.orientation = "maxMin"  # the biggest at the top, as in the table
    sheet.add_chart(chart, f"{get_column_letter(last + 2)}2")


def render_html(report: Sequence[Section], words: Words, heading: str, scope: str) -> str:
    """Return the printable page, rendered outside any web request."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                              extensions=["jinja2.ext.i18n"])
    catalogs, language = words.catalogs, words.language
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        lambda text, **_: catalogs.gettext(text, language),
        lambda one, many, count, **_: catalogs.ngettext(one, many, count, language),
        newstyle=True)

    def number(value: float | None, digits: int = 0) -> str:
        """Format a number as the report's language writes it."""
        if value is None:
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, pattern, locale=catalogs.locale(language))

    environment.filters["number"] = number
    return environment.get_template("stats/period_report.html").render(
        report=report, title=heading, scope=scope, language=language, top=TOP)


def write_report(report: Sequence[Section], stats: PeriodStats, folder: Path, words: Words,
                 scope: str) -> list[Path]:
    """Write the CSV, XLSX and HTML files into `folder` (made if needed); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"report-{stats.start.isoformat()}-{stats.end.isoformat()}"
    heading = title(stats, words)
    page = stem.with_suffix(".html")
    page.write_text(render_html(report, words, heading, scope), encoding="utf-8")
    return [write_csv(report, stem.with_suffix(".csv")),
            write_xlsx(report, stem.with_suffix(".xlsx"), heading), page]
