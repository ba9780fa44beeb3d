"""The `sinjalizo` command: one entry point for every operator task."""

from __future__ import annotations

import click

from sinjalizo.cli.context import CliContext
from sinjalizo.settings import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--database-url", envvar="DATABASE_URL", default="", help="Overrides DATABASE_URL.")
@click.pass_context
def main(ctx: click.Context, database_url: str) -> None:
    """Sinjalizo: report a hazard or a child at risk; route it to who must act."""
    settings = Settings.from_env()
    if database_url:
        settings = settings.with_overrides(database_url=Settings.from_env(
            {"DATABASE_URL": database_url}).database_url)
    ctx.obj = CliContext(settings)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    """Attach every sub-command module to the group."""
    from sinjalizo.cli import commands

    commands.register(main)


_register()
