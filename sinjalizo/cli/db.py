"""`sinjalizo db upgrade`: bring the schema up to date."""

from __future__ import annotations

import click

from models.migrate import upgrade
from sinjalizo.cli.context import CliContext


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@click.pass_obj
def upgrade_command(obj: CliContext, revision: str) -> None:
    """Apply every pending migration."""
    upgrade(obj.settings.db_url, revision)
    click.echo(f"Database is at revision {revision}.")


def register(group: click.Group) -> None:
    """Add the db commands to the main group."""
    group.add_command(db_group)
