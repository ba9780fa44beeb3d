"""`sinjalizo retention run [--dry-run]`: remove identities past the retention period."""

from __future__ import annotations

import gettext
from datetime import UTC, datetime, timedelta

import click

from locales import Catalogs
from service.identity import Removed, audit, said
from service.retention import retain
from sinjalizo.cli.context import CliContext
from sinjalizo.cli.seed import require_migrated

BATCH = 500  # reports (and contacts) per transaction in a real run
ENGLISH = Catalogs({"en": gettext.NullTranslations()})


def print_removed(removed: Removed, heading: str) -> None:
    """Print what was removed, one line per kind, in plain English."""
    if removed.nothing:
        click.echo("Nothing to remove.")
        return
    click.echo(heading)
    for line in said(removed):
        click.echo(f"  {ENGLISH(line, 'en')}")


@click.group("retention")
def retention_group() -> None:
    """Remove reporters' identities a set time after their reports are finished."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; change nothing.")
@click.pass_obj
def run(obj: CliContext, dry_run: bool) -> None:
    """Remove what SINJALIZO_RETENTION_DAYS no longer allows to keep, and say what it was."""
    require_migrated(obj)
    days, now = obj.settings.retention_days, datetime.now(UTC)
    click.echo(f"Identities are kept {days} days after a report is resolved or closed: "
               f"those of reports finished before {(now - timedelta(days=days)):%Y-%m-%d} go.")
    total = Removed()
    if dry_run:
        with obj.db.session() as session, session.begin():
            total = retain(session, now, days).removed
            session.rollback()  # a dry run does everything, then undoes it
        print_removed(total, "Would remove (dry run; nothing was changed):")
        return
    while True:
        with obj.db.transaction() as session:
            done = retain(session, now, days, BATCH)
            if not done.removed.nothing:
                audit(session, "retention", now, {"by": "command line", "days": days,
                                                  **done.removed.counts()})
        total.add(done.removed)
        if not done.more:
            break
    print_removed(total, "Removed:")
    if total.reports or total.followers:
        click.echo("The reports, their descriptions and timelines stay; each timeline says "
                   "that the identity was removed.")


def register(group: click.Group) -> None:
    """Add `retention` to the command group."""
    group.add_command(retention_group)
