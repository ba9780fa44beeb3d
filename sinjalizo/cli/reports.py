"""`sinjalizo reports`: list reports with where they went, as a table or JSON lines."""

from __future__ import annotations

import json
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Report, ReportRoute
from sinjalizo.cli.context import CliContext


def report_record(report: Report) -> dict[str, Any]:
    """Return a report as the plain fields operators and scripts read."""
    return {
        "reference": report.reference,
        "kind": report.kind,
        "category": report.category,
        "urgent": report.urgent,
        "status": report.status,
        "municipality": report.municipality.name_sq if report.municipality else None,
        "school": report.school.name if report.school else None,
        "place": report.place_text or None,
        # The reporter's own words for the place, verbatim, and how exactly it was located:
        # pin (shared location), settlement (a village's centre) or municipality; null if none.
        "place_text": report.place_text or None,
        "location": report.location,
        "settlement": report.settlement,
        "country": report.country,
        "channel": report.channel,
        "unrouted": report.unrouted,
        "incomplete": report.incomplete,
        "simulated": report.simulated,
        "created_at": report.created_at.isoformat(),
        "routed_to": [{"name": r.contact_point.name if r.contact_point else None,
                       "role": r.role} for r in report.routes],
    }


def newest_reports(session: Session, limit: int, country: str | None = None) -> list[Report]:
    """Return the newest reports (of one country, if given) with their routes loaded."""
    query = (select(Report).options(selectinload(Report.routes).selectinload(
        ReportRoute.contact_point), selectinload(Report.municipality),
        selectinload(Report.school)).order_by(Report.created_at.desc(),
                                              Report.id.desc()).limit(limit))
    if country is not None:
        query = query.where(Report.country == country.upper())
    return list(session.scalars(query))


@click.command("reports")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--limit", default=50, show_default=True, help="How many of the newest.")
@click.option("--country", type=click.Choice(("XK", "AL"), case_sensitive=False),
              help="Only the reports of Kosovo (XK) or of Albania (AL).")
@click.pass_obj
def reports(obj: CliContext, as_json: bool, limit: int, country: str | None) -> None:
    """List the newest reports and who they were routed to."""
    with obj.db.session() as session:
        records = [report_record(r) for r in newest_reports(session, limit, country)]
    if as_json:
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    if not records:
        click.echo("No reports yet.")
        return
    for r in records:
        routed = ", ".join(f"{t['role']}: {t['name']}" for t in r["routed_to"]) or "-"
        flags = " URGENT" if r["urgent"] else ""
        flags += " UNROUTED" if r["unrouted"] else ""
        click.echo(f"{r['reference']}  {r['created_at'][:16]}  {r['kind']}/{r['category']}"
                   f"{flags}  {r['municipality'] or '-'}  {r['status']}  -> {routed}")


def register(group: click.Group) -> None:
    """Add `reports` to the command group."""
    group.add_command(reports)
