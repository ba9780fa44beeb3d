"""The sender seam: what a channel's sender is, and the log sender of the embedded default.

alerts/ defines the seam and never imports a channel: bot/sender.py (Telegram) and
sms/sender.py (Twilio) implement `Sender`, and the process that starts the worker chooses
them (sinjalizo/senders.py) and hands them in.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from alerts.pacing import Limit

log = logging.getLogger(__name__)

CHANNELS = ("telegram", "sms", "whatsapp", "email", "log")


@dataclass(frozen=True)
class OutgoingMessage:
    """One rendered message, ready for a channel's sender."""

    outbox_id: int
    purpose: str
    channel: str
    address: str
    language: str
    text: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Sent:
    """The provider accepted the message."""

    provider_id: str | None = None


@dataclass(frozen=True)
class RetryLater:
    """A passing failure: try again later, not before `retry_after` seconds if given.

    `pause` names the rate bucket the provider throttled as a whole (a Telegram bot, a
    Twilio number): nothing goes through it for `retry_after` seconds, whoever sends.
    """

    error: str
    retry_after: float | None = None
    pause: str | None = None


@dataclass(frozen=True)
class Permanent:
    """A final failure for this address: bot blocked, number opted out, unknown chat."""

    error: str
    opted_out: bool = False


SendResult = Sent | RetryLater | Permanent


class Sender(Protocol):
    """Delivers messages on one channel and says how it went; it never raises on purpose."""

    channel: str

    def limits(self, message: OutgoingMessage) -> Sequence[Limit]:
        """Return the rate buckets `message` counts against (none: unlimited)."""
        ...

    def send(self, message: OutgoingMessage) -> SendResult:
        """Deliver one message and return the outcome."""
        ...


def _print_line(line: str) -> None:
    """Write one line to standard output at once, for the operator watching the console."""
    print(line, file=sys.stdout, flush=True)


class LogSender:
    """The embedded default: writes the alert and its address to the console and the log."""

    def __init__(self, channel: str = "log",
                 write: Callable[[str], None] = _print_line) -> None:
        """Stand in for `channel`, writing each message with `write`."""
        self.channel = channel
        self._write = write

    def limits(self, message: OutgoingMessage) -> Sequence[Limit]:
        """Return no limits: the console takes everything."""
        del message
        return ()

    def send(self, message: OutgoingMessage) -> SendResult:
        """Log the message instead of delivering it; always succeeds."""
        log.info("outbox %s: %s to %s via the log sender", message.outbox_id,
                 message.purpose, message.address)
        self._write(f"[{message.channel} → {message.address}] ({message.purpose}, "
                    f"outbox {message.outbox_id})\n{message.text}")
        return Sent(provider_id=f"log-{message.outbox_id}")


def log_senders() -> dict[str, Sender]:
    """Return the log sender on every channel: the default when no channel is chosen."""
    return {channel: LogSender(channel) for channel in CHANNELS}
