"""`sinjalizo web`: serve the web app with waitress (the embedded, single-process server)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

import click
from flask import Flask

from sinjalizo.cli.context import CliContext


def build_app(obj: CliContext) -> Flask:
    """Build the web app on the database the command line chose."""
    from web import create_app

    return create_app({"DATABASE_URL": obj.settings.db_url,
                       "PUBLIC_BASE_URL": obj.settings.public_base_url})


def public_url(host: str, port: int, path: str = "/") -> str:
    """Return a URL a person can click for a server bound to `host` and `port`."""
    # A wildcard bind is reachable on loopback; "0.0.0.0" is not clickable everywhere.
    shown = "127.0.0.1" if host in {"", "0.0.0.0", "::"} else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}{path}"


def serve(app: Flask, host: str, port: int, on_ready: Callable[[], None] | None = None) -> None:
    """Serve `app` with waitress until Ctrl-C (or SIGTERM), then close the sockets.

    :raise click.ClickException: when the port cannot be bound.
    """
    from waitress import create_server

    # Warnings and errors only: the banner already says where we listen.
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    try:
        server: Any = create_server(app, host=host, port=port)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error}") from error
    if on_ready is not None:
        on_ready()
    # waitress leaves its loop cleanly on KeyboardInterrupt and SystemExit; SIGTERM
    # (docker stop, systemd) is turned into SystemExit so it shuts down the same way.
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        server.run()
    finally:
        server.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    """Leave the server loop as Ctrl-C would."""
    raise SystemExit(0)


def add_server_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the --host and --port options shared by `web` and `run`."""
    command = click.option("--port", default=5000, show_default=True, type=int)(command)
    return click.option("--host", default="127.0.0.1", show_default=True)(command)


@click.command("web")
@add_server_options
@click.pass_obj
def web_command(obj: CliContext, host: str, port: int) -> None:
    """Serve the web app and webhooks (no worker, no Telegram polling)."""
    app = build_app(obj)
    url = public_url(host, port)
    serve(app, host, port, on_ready=lambda: click.echo(f"Sinjalizo web on {url} (Ctrl-C stops)"))


def register(group: click.Group) -> None:
    """Add the web command to the main group."""
    group.add_command(web_command)
