"""`sinjalizo seed [--demo]`: load the municipalities and map data, and optionally a demo set."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models.seed import load_municipalities, seed_demo, seed_municipalities
from models.seed.demo_services import seed_demo_services
from models.seed.geo import describe, seed_places
from sinjalizo.cli.context import CliContext

NEEDED_TABLES = ("municipalities", "schools", "teachers", "contact_points", "conversation_sessions",
                 "reports")


@contextmanager
def migrated_transaction(obj: CliContext) -> Iterator[Session]:
    """Open a transaction on the command's database, first checking that it is migrated.

    :raise click.ClickException: when the database cannot be reached or lacks our tables.
    """
    require_migrated(obj)
    with obj.db.transaction() as session:
        yield session


def require_migrated(obj: CliContext) -> None:
    """Check that the command's database can be opened and has our tables.

    :raise click.ClickException: when the database cannot be reached or lacks our tables.
    """
    db = obj.db
    assert db.engine is not None  # CliContext binds the database when it creates it
    try:
        present = set(inspect(db.engine).get_table_names())
    except OperationalError as error:
        raise click.ClickException(f"cannot open the database: {error.orig}") from error
    missing = [name for name in NEEDED_TABLES if name not in present]
    if missing:
        raise click.ClickException(
            f"the database is missing table(s) {', '.join(missing)}; "
            "run `sinjalizo db upgrade` first"
        )


@click.command("seed")
@click.option("--demo", is_flag=True,
              help="Also add demo schools, teachers, contact points and services.")
@click.pass_obj
def seed_command(obj: CliContext, demo: bool) -> None:
    """Load the 99 municipalities, the map data once (and, with --demo, a demo set)."""
    with migrated_transaction(obj) as session:
        changed = seed_municipalities(session)
        total = len(load_municipalities())
        click.echo(f"Municipalities: {total} in the seed, {changed} added or updated.")
        for line in describe(seed_places(session)) or ["Map data: already loaded."]:
            click.echo(line)
        if demo:
            for line in seed_demo(session):
                click.echo(line)
            click.echo(seed_demo_services(session))


def register(group: click.Group) -> None:
    """Add the seed command to the main group."""
    group.add_command(seed_command)
