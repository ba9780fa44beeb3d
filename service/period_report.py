"""The six-monthly report as three files: CSV and XLSX tables, and a printable HTML page.

The files are `report-<from>-<to>.csv`, `.xlsx` and `.html` (dates as YYYY-MM-DD).

- CSV (UTF-8 with a byte-order mark, so that Excel reads ë and ç): one section per table, in
  the order of `tables()`: a line with the table's name (period, summary, durations,
  by_month, by_kind, by_category, by_municipality), its header line, its rows, then one
  empty line.
- XLSX: the same tables, one sheet each, named as above, with the header row in bold.
- HTML: one standalone page (inline CSS, inline SVG bar charts, no script, nothing fetched)
  rendered from web/templates/stats/period_report.html with the dashboard's chart macros.

Headers are stable English names, for whoever loads the files into other tools; keys are
slugs and ISO months; the `label` columns carry the same thing in the report's language.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from handlers.categories import KINDS, category_label
from handlers.i18n import Msg, msg
from locales import Catalogs
from models.names import by_albanian_name, display_name
from service.statistics import PeriodStats

TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"
TOP_MUNICIPALITIES = 15  # the chart's length; the tables list every municipality
ALL_MUNICIPALITIES = msg("All municipalities")
NO_MUNICIPALITY = msg("No municipality")
SUMMARY = (("total", msg("Reports")), ("urgent", msg("Urgent")), ("unrouted", msg("Unrouted")),
           ("overdue", msg("Overdue now")), ("escalated", msg("Escalated")))
DURATIONS = (("acknowledge", msg("Time to acknowledge")), ("resolve", msg("Time to resolve")))
Cell = str | int | float | None


@dataclass(frozen=True)
class Labelled:
    """A period's grouped counts with their labels in one language, ready to show."""

    months: tuple[tuple[str, int], ...]
    kinds: tuple[tuple[str, int], ...]
    categories: tuple[tuple[str, str, int], ...]  # (kind label, category label, count)
    municipalities: tuple[tuple[str, int], ...]  # every one, biggest first


@dataclass(frozen=True)
class Table:
    """One table of the report: its name (sheet, CSV section), header and rows."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def labelled(stats: PeriodStats, catalogs: Catalogs, language: str) -> Labelled:
    """Return the grouped counts labelled in `language`."""
    locale = catalogs.locale(language)
    return Labelled(
        months=tuple((format_date(date.fromisoformat(f"{key}-01"), "LLLL yyyy", locale=locale),
                      count) for key, count in stats.by_month),
        kinds=tuple((_kind(kind, catalogs, language), count) for kind, count in stats.by_kind),
        categories=tuple((_kind(kind, catalogs, language),
                          catalogs(category_label(kind, category), language), count)
                         for kind, category, count in stats.by_category),
        municipalities=tuple((_municipality(name, language) or catalogs(NO_MUNICIPALITY, language),
                              count) for name, count in stats.by_municipality),
    )


def _municipality(name: str, language: str) -> str:
    """Return a municipality, counted by its Albanian name, as the reader knows it."""
    forms = by_albanian_name(name) if name else None
    return display_name(forms.code, language, name) if forms else name


def _kind(kind: str, catalogs: Catalogs, language: str) -> str:
    """Return a kind's label, or its slug if it is unknown."""
    return catalogs(KINDS[kind], language) if kind in KINDS else kind


def tables(stats: PeriodStats, names: Labelled, catalogs: Catalogs, language: str,
           scope: str) -> tuple[Table, ...]:
    """Return every table of the report, labels in `language`."""
    def say(label: Msg) -> str:
        """Translate a label."""
        return catalogs(label, language)

    durations = [getattr(stats, key) for key, _ in DURATIONS]
    return (
        Table("period", ("key", "label", "value"), (
            ("from", say(msg("From")), stats.start.isoformat()),
            ("to", say(msg("To")), stats.end.isoformat()), ("scope", say(msg("Scope")), scope))),
        Table("summary", ("key", "label", "reports"),
              tuple((key, say(label), getattr(stats, key)) for key, label in SUMMARY)),
        Table("durations", ("key", "label", "reports", "median_hours", "p90_hours"), tuple(
            (key, say(label), took.count, took.median, took.p90)
            for (key, label), took in zip(DURATIONS, durations, strict=True))),
        Table("by_month", ("month", "label", "reports"), tuple(
            (key, label, count) for (key, count), (label, _) in zip(
                stats.by_month, names.months, strict=True))),
        Table("by_kind", ("kind", "label", "reports"), tuple(
            (key, label, count) for (key, count), (label, _) in zip(
                stats.by_kind, names.kinds, strict=True))),
        Table("by_category", ("kind", "category", "label", "reports"), tuple(
            (kind, category, label, count) for (kind, category, count), (_, label, _) in zip(
                stats.by_category, names.categories, strict=True))),
        Table("by_municipality", ("municipality", "reports"), names.municipalities),
    )


def write_csv(report: Sequence[Table], path: Path) -> Path:
    """Write the tables as sections of one CSV file."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        for table in report:
            writer.writerows(((table.name,), table.header, *table.rows, ()))
    return path


def write_xlsx(report: Sequence[Table], path: Path) -> Path:
    """Write the tables as a workbook, one sheet each, header rows in bold."""
    book = Workbook()
    book.remove(book.active)
    for table in report:
        sheet = book.create_sheet(table.name)
        sheet.append(table.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        for column in range(1, len(table.header) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 24
    book.save(path)
    return path


def render_html(stats: PeriodStats, names: Labelled, catalogs: Catalogs, language: str,
                scope: str) -> str:
    """Return the printable page, rendered outside any web request."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                              extensions=["jinja2.ext.i18n"])
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
        stats=stats, names=names, scope=scope, language=language, top=TOP_MUNICIPALITIES)


def write_report(stats: PeriodStats, folder: Path, catalogs: Catalogs, language: str,
                 scope: str) -> list[Path]:
    """Write the CSV, XLSX and HTML files into `folder` (made if needed); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"report-{stats.start.isoformat()}-{stats.end.isoformat()}"
    names = labelled(stats, catalogs, language)
    report = tables(stats, names, catalogs, language, scope)
    page = stem.with_suffix(".html")
    page.write_text(render_html(stats, names, catalogs, language, scope), encoding="utf-8")
    return [write_csv(report, stem.with_suffix(".csv")),
            write_xlsx(report, stem.with_suffix(".xlsx")), page]

