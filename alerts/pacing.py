"""Sending limits as data, and the arithmetic of one rate bucket (GCRA); no I/O here.

A channel's sender says which limits a message falls under (Telegram: the bot at about 30 a
second, the chat at 1 a second or the group at 20 a minute; an SMS: its Twilio number's
rate). Each limit is a bucket kept as a theoretical arrival time (TAT): a message may go once
`tat - tolerance` has passed, and taking it moves the TAT on by one interval. A provider's
429 pauses a bucket. alerts/limits.py keeps the buckets in the database, so every worker and
web process on every machine shares them; these functions say what the numbers mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Rate:
    """A steady rate of `per_second` messages, allowing `burst` at once after a quiet spell."""

    per_second: float
    burst: int = 1

    @property
    def interval(self) -> float:
        """Return the seconds one message costs."""
        return 1.0 / self.per_second

    @property
    def tolerance(self) -> float:
        """Return how far ahead of schedule a burst may run."""
        return (self.burst - 1) * self.interval


@dataclass(frozen=True)
class Limit:
    """One bucket a message counts against: its key (e.g. "telegram:123:chat:42") and rate."""

    key: str
    rate: Rate


class Limiter(Protocol):
    """Where the buckets live: takes slots for a send, and pauses a bucket after a 429."""

    def take(self, limits: Sequence[Limit], *, force: bool = False) -> float:
        """Take one slot in every bucket and return 0, or take none and return the wait.

        With `force` the slot is taken even ahead of schedule (it counts as a message
        sent now, so the others leave room, but runs up no debt); only a pause refuses it.
        """
        ...

    def pause(self, key: str, seconds: float) -> None:
        """Refuse every slot of bucket `key` for the next `seconds`."""
        ...


def next_tat(tat: float, now: float, rate: Rate) -> float:
    """Return a bucket's TAT once a message has gone at `now`."""
    return max(tat, now) + rate.interval


def wait_before(tat: float, tolerance: float, paused_until: float, now: float, *,
                force: bool = False) -> float:
    """Return the seconds until a bucket gives a slot (0: it gives one now)."""
    ready = paused_until if force else max(tat - tolerance, paused_until)
    return max(0.0, ready - now)
