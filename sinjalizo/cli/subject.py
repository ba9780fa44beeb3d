"""`sinjalizo subject export|erase ADDRESS`: a person's data, and its erasure."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import click

from service.identity import audit
from service.subject import Subject, SubjectError, erase, parse_subject
from service.subject_export import export
from sinjalizo.cli.context import CliContext
from sinjalizo.cli.retention import print_removed
from sinjalizo.cli.seed import migrated_transaction

BY = "command line"
ADDRESS = ("ADDRESS is a phone number in any usual form (+383 44 123 456, 044 123 456) or a "
           "Telegram chat id (5551, telegram:5551).")


def subject_of(raw: str) -> Subject:
    """Read the ADDRESS argument, or stop with the reason."""
    try:
        return parse_subject(raw)
    except SubjectError as error:
        raise click.BadParameter(str(error), param_hint="ADDRESS") from error


@click.group("subject")
def subject_group() -> None:
    """A person's data: export what is held about a number or chat, or erase it."""


@subject_group.command("export", help="Write as JSON everything held about ADDRESS. "
                       + ADDRESS)
@click.argument("address")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the JSON to this file (readable by its owner only).")
@click.pass_obj
def export_command(obj: CliContext, address: str, out: Path | None) -> None:
    """Write as JSON everything held about ADDRESS."""
    subject = subject_of(address)
    now = datetime.now(UTC)
    with migrated_transaction(obj) as session:
        data = export(session, subject, now)
        # The log names the person masked: it must not keep the address it was asked about.
        audit(session, "subject_export", now, {"by": BY, "subject": subject.masked})
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if out is None:
        click.echo(text)
        return
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    click.echo(f"Wrote what is held about {subject.masked} to {out}.", err=True)


@subject_group.command("erase", help="Remove ADDRESS's identity everywhere; their reports "
                       "stay, anonymised. " + ADDRESS)
@click.argument("address")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def erase_command(obj: CliContext, address: str, yes: bool) -> None:
    """Remove ADDRESS's identity everywhere; their reports stay, anonymised."""
    subject = subject_of(address)
    if not yes:
        click.confirm(f"Remove every trace of {subject.address} ({subject.kind})? Reports stay, "
                      "anonymised; this cannot be undone", abort=True)
    now = datetime.now(UTC)
    with migrated_transaction(obj) as session:
        done = erase(session, subject, now, "system")
        if done.files_at is not None:
            raise click.ClickException(
                f"{subject.masked} is in the middle of a report about a child, which Sinjalizo "
                f"files at {done.files_at:%Y-%m-%d %H:%M} UTC; nothing was removed. Erase "
                "again after that, so that the child is not lost.")
        audit(session, "subject_erase", now, {"by": BY, "subject": subject.masked,
                                              **done.removed.counts()})
    if done.removed.nothing:
        click.echo(f"Nothing was held about {subject.masked}.")
    else:
        print_removed(done.removed, f"Removed what was held about {subject.masked}:")
    for kept in done.kept:
        where = kept.get("school") or kept.get("municipality") or ""
        click.echo(f"Kept: the registration of {kept['name']} as {kept['as'].replace('_', ' ')}"
                   f"{f' ({where})' if where else ''}; staff records are changed under "
                   "Administration.")


def register(group: click.Group) -> None:
    """Add `subject` to the command group."""
    group.add_command(subject_group)
