"""`sinjalizo worker`: deliver the outbox (alerts, escalations, reporter updates)."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from alerts.worker import standard_worker
from sinjalizo.cli.context import CliContext
from sinjalizo.senders import senders_for


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.pass_obj
def worker_command(obj: CliContext, once: bool) -> None:
    """Deliver due outbox messages, retrying with back-off, until stopped."""
    worker = standard_worker(obj.settings, obj.db, senders=senders_for(obj.settings, obj.db))
    if once:
        total = worker.dispatcher.drain()
        worker.run_ticks()
        click.echo(f"Delivered {total} outbox message(s).")
        return
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        """Finish the message in hand, then leave the loop."""
        del frame
        click.echo(f"Stopping the worker (signal {signum}) ...")
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    click.echo(f"Worker {worker.dispatcher.worker_id} delivering the outbox; Ctrl-C stops it.")
    worker.start()
    # A timed wait, so the signal handler gets its turn on the main thread.
    while not stop.wait(1.0):
        pass
    worker.stop()
    click.echo("Worker stopped.")


def register(group: click.Group) -> None:
    """Add the worker command to the main group."""
    group.add_command(worker_command)
