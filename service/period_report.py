"""The six-monthly report as files: CSV and XLSX tables, and the printable HTML beside them.

One CSV in long form (`table,key,detail,value`), easy to load anywhere; one XLSX with a sheet
per table; the HTML is rendered by the caller (it needs the templates) and written here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from service.statistics import Durations, PeriodStats

Row = tuple[str, str, str, float | int | str | None]


def _duration_rows(name: str, durations: Durations) -> Iterator[Row]:
    """Yield the rows of one duration: count, median and 90th percentile in hours."""
    yield (name, "count", "", durations.count)
    yield (name, "median_hours", "", durations.median)
    yield (name, "p90_hours", "", durations.p90)


def rows(stats: PeriodStats) -> Iterator[Row]:
    """Yield every figure as (table, key, detail, value)."""
    yield ("period", "from", "", stats.start.isoformat())
    yield ("period", "to", "", stats.end.isoformat())
    for key in ("total", "urgent", "unrouted", "overdue", "escalated"):
        yield ("summary", key, "", getattr(stats, key))
    yield from _duration_rows("time_to_acknowledge", stats.acknowledge)
    yield from _duration_rows("time_to_resolve", stats.resolve)
    for month, count in stats.by_month:
        yield ("by_month", month, "", count)
    for kind, count in stats.by_kind:
        yield ("by_kind", kind, "", count)
    for kind, category, count in stats.by_category:
        yield ("by_category", kind, category, count)
    for municipality, count in stats.by_municipality:
        yield ("by_municipality", municipality, "", count)


def write_csv(stats: PeriodStats, path: Path) -> Path:
    """Write the figures as one long-form CSV (UTF-8 with a byte-order mark, for Excel)."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(("table", "key", "detail", "value"))
        writer.writerows(rows(stats))
    return path


def write_xlsx(stats: PeriodStats, path: Path) -> Path:
    """Write the figures as a workbook with one sheet per table, header rows in bold."""
    book = Workbook()
    sheets: dict[str, list[Row]] = {}
    for row in rows(stats):
        sheets.setdefault(row[0], []).append(row)
    book.remove(book.active)
    for name, table in sheets.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(("key", "detail", "value"))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for _, key, detail, value in table:
            sheet.append((key, detail, value))
        sheet.column_dimensions["A"].width = 24
    book.save(path)
    return path


def write_all(stats: PeriodStats, folder: Path, html: str) -> list[Path]:
    """Write the CSV, the XLSX and the HTML report into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"sinjalizo-{stats.start.isoformat()}-{stats.end.isoformat()}"
    page = folder / f"{stem}.html"
    page.write_text(html, encoding="utf-8")
    return [write_csv(stats, folder / f"{stem}.csv"), write_xlsx(stats, folder / f"{stem}.xlsx"),
            page]
