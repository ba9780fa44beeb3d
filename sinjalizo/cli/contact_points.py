"""`sinjalizo contact-points link NAME`: print a one-time code that links a Telegram chat."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from bot.linking import VALIDITY, new_code
from models import ContactPoint
from sinjalizo.cli.context import CliContext
from sinjalizo.cli.seed import migrated_transaction


def find_point(session: Session, name: str) -> ContactPoint:
    """Return the contact point of that name (exact, else ignoring case); raise if not one."""
    exact = list(session.scalars(select(ContactPoint).where(ContactPoint.name == name)))
    found = exact or list(session.scalars(select(ContactPoint).where(
        func.lower(ContactPoint.name) == name.lower())))
    if not found:
        raise click.ClickException(f"no contact point is named {name!r}")
    if len(found) > 1:
        ids = ", ".join(str(p.id) for p in found)
        raise click.ClickException(f"several contact points are named {name!r} (ids {ids})")
    return found[0]


@click.group("contact-points")
def contact_points() -> None:
    """Manage contact points."""


@contact_points.command("link")
@click.argument("name")
@click.pass_obj
def link(obj: CliContext, name: str) -> None:
    """Print a one-time code for NAME to send to the bot as /lidh CODE (valid 24 hours)."""
    now = datetime.now(UTC)
    with migrated_transaction(obj) as session:
        if not inspect(session.connection()).has_table("link_codes"):
            raise click.ClickException("the database lacks link codes; "
                                       "run `sinjalizo db upgrade` first")
        point = find_point(session, name)
        code = new_code(session, point, now)
        label = point.name
    hours = int(VALIDITY.total_seconds() // 3600)
    click.echo(code)
    click.echo(f"{label}: send /lidh {code} to the bot from the chat that should receive "
               f"alerts; the code works once, within {hours} hours.", err=True)


def register(group: click.Group) -> None:
    """Add `contact-points` to the command group."""
    group.add_command(contact_points)
