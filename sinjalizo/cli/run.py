"""`sinjalizo run`: the embedded all-in-one (migrate, seed, web, background services)."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import click
from sqlalchemy import func, make_url, select
from sqlalchemy.orm import Session

from models.migrate import upgrade
from sinjalizo.cli.context import CliContext
from sinjalizo.cli.web import add_server_options, build_app, public_url, serve

log = logging.getLogger(__name__)
FIRST_ADMIN = "admin@sinjalizo.local"


class BackgroundService(Protocol):
    """Something that runs beside the web server: the outbox worker, Telegram polling."""

    name: str

    def start(self) -> None:
        """Start running in the background and return at once."""

    def stop(self) -> None:
        """Stop and wait for the work in hand to finish."""


def background_services(obj: CliContext) -> list[BackgroundService]:
    """List the services `run` starts beside the web server, given the settings."""
    from alerts.worker import standard_worker
    from sinjalizo.senders import senders_for

    services: list[BackgroundService] = [
        standard_worker(obj.settings, obj.db, senders=senders_for(obj.settings, obj.db))]
    if obj.settings.telegram_bot_token:
        from bot.polling import Polling
        from service.setup import build_conversations

        services.append(Polling(obj.settings, build_conversations(obj.db, obj.settings)))
    return services


def prepare_database(obj: CliContext) -> list[str]:
    """Migrate, seed the municipalities and map data and, on an empty install, the demo.

    Return the notes of what this start set up (nothing on later starts).
    """
    from models.people import ContactPoint
    from models.seed import seed_demo, seed_municipalities
    from models.seed.demo_services import seed_demo_services
    from models.seed.geo import describe, seed_places

    if not obj.settings.database_url:
        # The embedded SQLite file lives in the instance folder, which a fresh clone lacks.
        obj.settings.instance_path.mkdir(parents=True, exist_ok=True)
    upgrade(obj.settings.db_url)
    with obj.db.transaction() as session:
        seed_municipalities(session)
        places = describe(seed_places(session))
        notes = [] if session.scalar(select(func.count()).select_from(ContactPoint)) \
            else [*seed_demo(session), seed_demo_services(session)]
        return [*places, *notes, *first_admin(session)]


def first_admin(session: Session) -> list[str]:
    """Create a dashboard admin with a random password when there is no user at all."""
    from models.accounts import save_user
    from models.users import User

    if session.scalar(select(func.count()).select_from(User)):
        return []
    password = secrets.token_urlsafe(12)
    save_user(session, FIRST_ADMIN, password, "admin")
    return [f"Dashboard admin: {FIRST_ADMIN}, password {password} (shown only now; "
            "change it with: .venv/bin/sinjalizo user add --email ... --role admin ...)"]


def banner(host: str, port: int, demo: list[str], services: list[BackgroundService]) -> str:
    """Compose what `run` prints once it is listening: where to click, how to try the bot."""
    running = ", ".join(["web", *(service.name for service in services)])
    lines = [
        "",
        "Sinjalizo is running.",
        f"  Open:     {public_url(host, port)}  (the dashboard; sign in as below)",
        f"  Health:   {public_url(host, port, '/healthz')}",
        f"  Running:  {running}",
        "",
        "Try the bot in a second terminal (each line you type is one message):",
        "  .venv/bin/sinjalizo chat",
        "  .venv/bin/sinjalizo chat --channel sms --from +38344123456",
        "As a demo teacher (numbers below), flag a dropout in one line: BRAKTISJE 7A AK 12",
        "  .venv/bin/sinjalizo chat --channel sms --from +38344001100",
        "Then list what was filed: .venv/bin/sinjalizo reports",
        "",
        "Alerts are delivered by the worker running beside the web server; with no Telegram,",
        "SMS or e-mail sender configured they are printed here.",
    ]
    if any(service.name == "telegram polling" for service in services):
        lines += ["Telegram: write to your bot; it is answered from here by long polling",
                  "(which removes any webhook set for the same bot)."]
    if demo:
        lines += ["", "Set up on this first start:", *(f"  - {note}" for note in demo)]
    lines += ["", "Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


@contextmanager
def running(services: list[BackgroundService]) -> Iterator[None]:
    """Start the services, and stop them in reverse order however the block ends."""
    started: list[BackgroundService] = []
    try:
        for service in services:
            service.start()
            started.append(service)
        yield
    finally:
        for service in reversed(started):
            try:
                service.stop()
            except Exception:
                # One service failing to stop must not keep the others running.
                log.exception("could not stop %s", service.name)


@click.command("run")
@add_server_options
@click.pass_obj
def run_command(obj: CliContext, host: str, port: int) -> None:
    """Run everything in one process: database, web, worker and bot polling."""
    shown = make_url(obj.settings.db_url).render_as_string(hide_password=True)
    click.echo(f"Preparing the database at {shown} ...")
    demo = prepare_database(obj)
    if "PUBLIC_BASE_URL" not in os.environ:
        # Links in alerts lead to this server, unless the deployer named another address.
        obj.settings = obj.settings.with_overrides(
            public_base_url=public_url(host, port, "").rstrip("/"))
    app = build_app(obj)
    services = background_services(obj)
    try:
        with running(services):
            serve(app, host, port, on_ready=lambda: click.echo(banner(host, port, demo, services)))
    except KeyboardInterrupt:
        # Ctrl-C while services were starting or stopping: still a clean stop.
        pass
    click.echo("Sinjalizo stopped.")


def register(group: click.Group) -> None:
    """Add the run command to the main group."""
    group.add_command(run_command)
