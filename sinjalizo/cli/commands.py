"""The list of sub-command modules; each exposes `register(group)`."""

from __future__ import annotations

import importlib

import click

MODULES = ("db", "web", "run", "seed", "imports", "chat", "reports", "worker",
           "contact_points", "bot", "users", "report_period", "retention", "subject",
           "open311")


def register(group: click.Group) -> None:
    """Import each command module and let it add its commands to `group`."""
    for name in MODULES:
        module = importlib.import_module(f"sinjalizo.cli.{name}")
        module.register(group)
