"""`sinjalizo report-period`: the six-monthly report as CSV, XLSX and printable HTML files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import true

from alerts.deadlines import Deadlines
from locales import Catalogs
from service.period_report import write_all
from service.statistics import compute
from sinjalizo.cli.context import CliContext
from sinjalizo.cli.seed import migrated_transaction


@click.command("report-period")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="First day, e.g. 2025-01-01.")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Last day, included, e.g. 2025-06-30.")
@click.option("--out", "folder", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", default="sq", type=click.Choice(("sq", "sr", "en")))
@click.pass_obj
def report_period(obj: CliContext, start: datetime, end: datetime, folder: Path,
                  language: str) -> None:
    """Write the statistics of every report from --from to --to into --out."""
    from web.report_html import period_report

    first, last = start.date(), end.date()
    if last < first:
        raise click.ClickException("--to is before --from")
    with migrated_transaction(obj) as session:
        stats = compute(session, first, last, true(),
                        Deadlines.load(obj.settings.escalation_file or None), datetime.now(UTC))
    html = period_report(stats, Catalogs.load(), language, "Kosovo, Shqipëri")
    for path in write_all(stats, folder, html):
        click.echo(str(path))
    click.echo(f"{stats.total} reports from {first.isoformat()} to {last.isoformat()}.")


def register(group: click.Group) -> None:
    """Add the command to the main group."""
    group.add_command(report_period)


