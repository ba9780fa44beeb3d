"""`sinjalizo reports`: list reports with where they went, as a table or JSON lines.

Every report is listed unless `--limit` says how many of the newest. The rows are read in
batches from a server-side cursor (SQLAlchemy's `yield_per`) and written as they come, with
each report's routes on the rows that follow it, so a million reports take no more memory than
a thousand.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import attrgetter
from typing import Any

import click
from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from models import ContactPoint, Municipality, Report, ReportRoute, School
from sinjalizo.cli.context import CliContext

BATCH = 1000  # rows fetched from the server-side cursor at a time
NEWEST = (Report.created_at.desc(), Report.id.desc())
# One row per route (or one for a report routed nowhere), a report's rows one after another.
LISTING = (select(Report.id, Report.reference, Report.kind, Report.category, Report.urgent,
                  Report.status, Municipality.name_sq.label("municipality"),
                  School.name.label("school"), Report.place_text, Report.location,
                  Report.settlement, Report.country, Report.channel, Report.unrouted,
                  Report.incomplete, Report.simulated, Report.created_at,
                  ContactPoint.name.label("point"), ReportRoute.role)
           .outerjoin(Municipality, Municipality.id == Report.municipality_id)
           .outerjoin(School, School.id == Report.school_id)
           .outerjoin(ReportRoute, ReportRoute.report_id == Report.id)
           .outerjoin(ContactPoint, ContactPoint.id == ReportRoute.contact_point_id)
           .order_by(*NEWEST, ReportRoute.id))


def report_record(rows: Sequence[Row[*tuple[Any, ...]]]) -> dict[str, Any]:
    """Return one report (its rows, one per route) as the plain fields operators read."""
    row = rows[0]
    return {
        "reference": row.reference,
        "kind": row.kind,
        "category": row.category,
        "urgent": row.urgent,
        "status": row.status,
        "municipality": row.municipality,
        "school": row.school,
        "place": row.place_text or None,
        # The reporter's own words for the place, verbatim, and how exactly it was located:
        # pin (shared location), settlement (a village's centre) or municipality; null if none.
        "place_text": row.place_text or None,
        "location": row.location,
        "settlement": row.settlement,
        "country": row.country,
        "channel": row.channel,
        "unrouted": row.unrouted,
        "incomplete": row.incomplete,
        "simulated": row.simulated,
        "created_at": row.created_at.isoformat(),
        "routed_to": [{"name": r.point, "role": r.role} for r in rows if r.role is not None],
    }


def report_records(session: Session, limit: int | None = None,
                   country: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield every report (or the newest `limit`), newest first, of one country if given."""
    query, chosen = LISTING, select(Report.id).order_by(*NEWEST)
    if country is not None:
        query = query.where(Report.country == country.upper())
        chosen = chosen.where(Report.country == country.upper())
    if limit is not None:
        query = query.where(Report.id.in_(chosen.limit(limit)))
    # yield_per streams from a server-side cursor on PostgreSQL and fetches in batches.
    rows = session.execute(query.execution_options(yield_per=BATCH))
    for _, grouped in groupby(rows, key=attrgetter("id")):
        yield report_record(list(grouped))


def table_line(record: dict[str, Any]) -> str:
    """Return one report as a line of the human-readable table."""
    routed = ", ".join(f"{t['role']}: {t['name']}" for t in record["routed_to"]) or "-"
    flags = " URGENT" if record["urgent"] else ""
    flags += " UNROUTED" if record["unrouted"] else ""
    return (f"{record['reference']}  {record['created_at'][:16]}  "
            f"{record['kind']}/{record['category']}{flags}  {record['municipality'] or '-'}  "
            f"{record['status']}  -> {routed}")


@click.command("reports")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--limit", type=click.IntRange(min=1),
              help="Only the newest N reports (default: every report).")
@click.option("--country", type=click.Choice(("XK", "AL"), case_sensitive=False),
              help="Only the reports of Kosovo (XK) or of Albania (AL).")
@click.pass_obj
def reports(obj: CliContext, as_json: bool, limit: int | None, country: str | None) -> None:
    """List the reports, newest first, and who they were routed to."""
    out = sys.stdout  # written line by line; click.echo would flush after every report
    written = 0
    with obj.db.session() as session:
        for record in report_records(session, limit, country):
            line = json.dumps(record, ensure_ascii=False) if as_json else table_line(record)
            out.write(line + "\n")
            written += 1
    out.flush()
    if not written and not as_json:
        click.echo("No reports yet.")


def register(group: click.Group) -> None:
    """Add `reports` to the command group."""
    group.add_command(reports)
