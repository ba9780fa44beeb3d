"""`sinjalizo open311 issue NAME` / `revoke NAME`: Open311 keys from the command line."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from service.open311_clients import ClientError, find_client, issue, revoke
from sinjalizo.cli.context import CliContext
from sinjalizo.cli.seed import migrated_transaction

BY = "command line"


@click.group("open311")
def open311() -> None:
    """Manage the applications that may file hazards through Open311."""


@open311.command("issue")
@click.argument("name")
@click.pass_obj
def issue_key(obj: CliContext, name: str) -> None:
    """Issue a key to the application NAME and print it (it is shown only this once)."""
    with migrated_transaction(obj) as session:
        try:
            issued = issue(session, name, datetime.now(UTC), by=BY)
        except ClientError as error:
            raise click.ClickException(str(error)) from error
    click.echo(issued.key)
    click.echo(f"{issued.name}: keep this key safe; it cannot be shown again.", err=True)


@open311.command("revoke")
@click.argument("name")
@click.pass_obj
def revoke_key(obj: CliContext, name: str) -> None:
    """Revoke the key of the application NAME: it is refused from now on."""
    with migrated_transaction(obj) as session:
        client = find_client(session, name)
        if client is None:
            raise click.ClickException(f"no Open311 application is named {name!r}")
        done = revoke(session, client, datetime.now(UTC), by=BY)
        label = client.name
    click.echo(f"{label}: revoked." if done else f"{label}: was revoked already.")


def register(group: click.Group) -> None:
    """Add `open311` to the command group."""
    group.add_command(open311)
