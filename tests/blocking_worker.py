"""A worker process whose sender never returns: the SIGKILL test runs it and kills it mid-send.

Usage: python tests/blocking_worker.py DATABASE_URL WORKER_ID. Prints "sending ID" once the
send has started, then blocks until it is killed.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.clock import DatabaseClock  # noqa: E402
from alerts.dispatcher import Dispatcher  # noqa: E402
from alerts.senders import OutgoingMessage  # noqa: E402
from models.db import Database  # noqa: E402
from tests.fake_senders import FakeSender  # noqa: E402


def announce(message: OutgoingMessage) -> None:
    """Tell the parent which message is being sent."""
    print(f"sending {message.outbox_id}", flush=True)


def main() -> None:
    """Claim and start sending one message, then hang in the sender."""
    url, worker_id = sys.argv[1], sys.argv[2]
    db = Database(url)
    sender = FakeSender(block=threading.Event(), on_call=announce)
    dispatcher = Dispatcher(db, {"log": sender}, DatabaseClock(db), worker_id=worker_id,
                            batch=1)
    dispatcher.run_once()
    print("not blocked", flush=True)


if __name__ == "__main__":
    main()
