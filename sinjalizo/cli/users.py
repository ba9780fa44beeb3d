"""`sinjalizo user add`: create a dashboard user (or reset one's password and scope)."""

from __future__ import annotations

import click

from models.accounts import AccountError, save_user
from models.users import USER_ROLES
from sinjalizo.cli.context import CliContext
from sinjalizo.cli.seed import migrated_transaction


@click.group("user")
def user_group() -> None:
    """Manage dashboard users."""


@user_group.command("add")
@click.option("--email", required=True, help="Sign-in e-mail.")
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--role", required=True, type=click.Choice(USER_ROLES))
@click.option("--municipality", default=None, help="Needed for coordinators and focal points.")
@click.option("--roles", default="", help="A focal point's report roles, comma-separated, "
              "e.g. child_protection; default: its contact points' roles.")
@click.option("--language", default="sq", type=click.Choice(("sq", "sr", "en")))
@click.option("--name", default=None, help="The person's name, as colleagues know it "
              "(shown on report timelines instead of the e-mail).")
@click.pass_obj
def add(obj: CliContext, email: str, password: str, role: str, municipality: str | None,
        roles: str, language: str, name: str | None) -> None:
    """Create a dashboard user, or update the one with this e-mail."""
    wanted = [r.strip() for r in roles.split(",") if r.strip()] or None
    with migrated_transaction(obj) as session:
        try:
            saved = save_user(session, email, password, role, municipality, wanted, language,
                              name)
        except AccountError as error:
            raise click.ClickException(str(error)) from error
    verb = "Created" if saved.created else "Updated"
    click.echo(f"{verb} {role} {email.strip().lower()}.")


def register(group: click.Group) -> None:
    """Add the user commands to the main group."""
    group.add_command(user_group)
