"""`sinjalizo report-period`: the statistics of a period as CSV, XLSX and printable HTML files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from alerts.deadlines import DeadlineError, Deadlines
from handlers.place_answers import COUNTRY_NAMES
from locales import LANGUAGES, Catalogs
from service.deadlines import in_effect
from service.period_report import ALL_MUNICIPALITIES, write_report
from service.report_sections import Period, Words, sections
from service.statistics import LONGEST, Scope, compute
from sinjalizo.cli.context import CliContext
from sinjalizo.cli.seed import migrated_transaction

DAY = click.DateTime(["%Y-%m-%d"])


@click.command("report-period")
@click.option("--from", "start", required=True, type=DAY, help="First day, e.g. 2025-01-01.")
@click.option("--to", "end", required=True, type=DAY, help="Last day, included, e.g. 2025-06-30.")
@click.option("--out", "folder", required=True,
              type=click.Path(file_okay=False, writable=True, path_type=Path),
              help="Folder to write into; made if missing.")
@click.option("--language", default="sq", show_default=True, type=click.Choice(LANGUAGES))
@click.option("--country", type=click.Choice(("XK", "AL"), case_sensitive=False),
              help="Only the reports of Kosovo (XK) or of Albania (AL).")
@click.pass_obj
def report_period(obj: CliContext, start: datetime, end: datetime, folder: Path,
                  language: str, country: str | None) -> None:
    """Write the statistics of every municipality's reports from --from to --to into --out."""
    first, last = start.date(), end.date()
    if last < first or last - first > LONGEST:
        raise click.ClickException(
            f"--from and --to must make a period of at most {LONGEST.days} days")
    try:
        deadlines = Deadlines.load(obj.settings.escalation_file or None)
    except DeadlineError as error:
        raise click.ClickException(str(error)) from error
    words = Words(Catalogs.load(), language)
    country = country.upper() if country else None
    scope = Scope(country=country)
    label = words(COUNTRY_NAMES[country]) if country else words(ALL_MUNICIPALITIES)
    with migrated_transaction(obj) as session:
        stats = compute(session, first, last, scope, deadlines=in_effect(session, deadlines))
        report = sections(session, stats, Period(first, last, scope), words, label)
    for path in write_report(report, stats, folder, words, label):
        click.echo(str(path))


def register(group: click.Group) -> None:
    """Add the command to the main group."""
    group.add_command(report_period)
