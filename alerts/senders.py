"""The sender seam: one `Sender` per channel, and the log sender of the embedded default."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sinjalizo.settings import Settings

log = logging.getLogger(__name__)

CHANNELS = ("telegram", "sms", "email", "log")


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
    """A passing failure: try again later, not before `retry_after` seconds if given."""

    error: str
    retry_after: float | None = None


@dataclass(frozen=True)
class Permanent:
    """A final failure for this address: bot blocked, number opted out, unknown chat."""

    error: str
    opted_out: bool = False


SendResult = Sent | RetryLater | Permanent


class Sender(Protocol):
    """Delivers messages on one channel and says how it went; it never raises on purpose."""

    channel: str

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

    def send(self, message: OutgoingMessage) -> SendResult:
        """Log the message instead of delivering it; always succeeds."""
        log.info("outbox %s: %s to %s via the log sender", message.outbox_id,
                 message.purpose, message.address)
        self._write(f"[{message.channel} → {message.address}] ({message.purpose}, "
                    f"outbox {message.outbox_id})\n{message.text}")
        return Sent(provider_id=f"log-{message.outbox_id}")


def senders_for(settings: Settings) -> dict[str, Sender]:
    """Return the sender of every channel; the log sender stands in where none is configured."""
    # E-mail and "log" have no sender of their own, and a channel without credentials
    # writes its alerts to the console where the operator can see them.
    senders: dict[str, Sender] = {channel: LogSender(channel) for channel in CHANNELS}
    if settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from:
        from sms.sender import TwilioSender  # sms/ sits above alerts/: imported only here

        senders["sms"] = TwilioSender(settings)
    if settings.telegram_bot_token:
        from bot.sender import TelegramSender  # bot/ sits above alerts/: imported only here

        senders["telegram"] = TelegramSender(settings)
    return senders
