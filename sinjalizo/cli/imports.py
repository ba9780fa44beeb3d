"""`sinjalizo import schools|teachers|contact-points|services|geo FILE`: load operator files."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click
from sqlalchemy.orm import Session

from models.imports import (
    ImportResult,
    Progress,
    import_contact_points,
    import_schools,
    import_teachers,
)
from models.service_imports import import_services
from sinjalizo.cli.context import CliContext
from sinjalizo.cli.seed import migrated_transaction

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

# Below this many rows an import finishes before a bar would be worth drawing.
LONG_FILE_ROWS = 500
FILE_ARGUMENT = click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
)
Importer = Callable[[Session, Path, Progress | None], ImportResult]


class _ProgressBar:
    """A progress callback that draws a click bar once it sees the file is long."""

    def __init__(self, stack: ExitStack, label: str) -> None:
        """Remember where to open the bar (so it closes with `stack`) and its label."""
        self._stack = stack
        self._label = label
        self._bar: ProgressBar[int] | None = None
        self._shown = 0

    def __call__(self, done: int, total: int) -> None:
        """Advance the bar to `done` rows of `total`, opening it on the first long-file call."""
        if total < LONG_FILE_ROWS:
            return
        if self._bar is None:
            # On stderr, so the summary on stdout stays clean for scripts.
            bar = click.progressbar(length=total, label=self._label, file=sys.stderr)
            self._bar = self._stack.enter_context(bar)
        self._bar.update(done - self._shown)
        self._shown = done


def _run_import(obj: CliContext, importer: Importer, path: Path, label: str) -> None:
    """Run one importer in a transaction, print refused rows and a summary, exit 1 on errors."""
    with migrated_transaction(obj) as session, ExitStack() as bars:
        result = importer(session, path, _ProgressBar(bars, label))
    for error in result.errors:
        click.echo(str(error), err=True)
    click.echo(f"{path.name}: {result}.")
    if not result.ok:
        raise click.exceptions.Exit(1)


@click.group("import")
def import_group() -> None:
    """Load schools, teachers, contact points, services or geography from files."""


@import_group.command("schools")
@FILE_ARGUMENT
@click.pass_obj
def schools_command(obj: CliContext, file: Path) -> None:
    """Import schools from a CSV file with columns code,name,municipality."""
    _run_import(obj, import_schools, file, "Importing schools")


@import_group.command("teachers")
@FILE_ARGUMENT
@click.pass_obj
def teachers_command(obj: CliContext, file: Path) -> None:
    """Import teachers from a CSV file with columns phone,name,school_code."""
    _run_import(obj, import_teachers, file, "Importing teachers")


@import_group.command("contact-points")
@FILE_ARGUMENT
@click.pass_obj
def contact_points_command(obj: CliContext, file: Path) -> None:
    """Import contact points from a CSV file (name,role,municipality,school_code,phone,...)."""
    _run_import(obj, import_contact_points, file, "Importing contact points")


@import_group.command("services")
@FILE_ARGUMENT
@click.pass_obj
def services_command(obj: CliContext, file: Path) -> None:
    """Import the service directory from a CSV file with columns name,provider,municipality,
    needs,phone,address,hours,languages (needs separated by ;, e.g. psychosocial;violence)."""
    _run_import(obj, import_services, file, "Importing services")


@import_group.command("geo")
@FILE_ARGUMENT
@click.pass_obj
def geo_command(obj: CliContext, file: Path) -> None:
    """Import municipal boundaries (GeoJSON) or settlements (CSV) from a geography file."""
    from models.geo_import import import_geo

    with migrated_transaction(obj) as session:
        summary = import_geo(session, file)
    click.echo(f"{file.name}: {summary}")


def register(group: click.Group) -> None:
    """Add the import commands to the main group."""
    group.add_command(import_group)
