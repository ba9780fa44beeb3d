"""Pacing per channel, so providers never throttle us: Telegram 30/s overall and 1/s per chat,
SMS at the configured rate, the rest unpaced.

Pure: it never sleeps, it only says how long to wait. A call that answers 0 takes the slot,
so the caller must send; one that answers more takes nothing, and the caller asks again after
waiting (reserving future slots would hold up other chats behind one busy chat).
Limits hold per `Pacer`; share one between the dispatchers of a process. Separate worker
processes each pace on their own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

TELEGRAM_OVERALL_PER_SECOND = 30.0
TELEGRAM_PER_CHAT_PER_SECOND = 1.0
# Forget per-chat state once this many chats are tracked; idle chats are back to full anyway.
PRUNE_ABOVE = 1000


@dataclass(frozen=True)
class Rate:
    """A token bucket: `per_second` on average, bursts of up to `burst` at once."""

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


class Pacer:
    """Token buckets per channel (and per chat for Telegram), kept as theoretical arrival times."""

    def __init__(self, sms_per_second: float = 10.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        """Pace SMS at `sms_per_second`, reading time from `monotonic`."""
        self._monotonic = monotonic
        self._overall: dict[str, Rate] = {
            "telegram": Rate(TELEGRAM_OVERALL_PER_SECOND, burst=int(TELEGRAM_OVERALL_PER_SECOND)),
        }
        if sms_per_second > 0:
            self._overall["sms"] = Rate(sms_per_second, burst=max(1, int(sms_per_second)))
        self._per_address: dict[str, Rate] = {"telegram": Rate(TELEGRAM_PER_CHAT_PER_SECOND)}
        # GCRA state: the theoretical arrival time of the next message per bucket key.
        self._tat: dict[tuple[str, str | None], float] = {}
        # Several dispatcher threads may share one pacer.
        self._lock = threading.Lock()

    def wait_time(self, channel: str, address: str) -> float:
        """Take a slot for (channel, address) and return 0, or return the seconds until one."""
        buckets: list[tuple[tuple[str, str | None], Rate]] = []
        if channel in self._overall:
            buckets.append(((channel, None), self._overall[channel]))
        if channel in self._per_address:
            buckets.append(((channel, address), self._per_address[channel]))
        if not buckets:
            return 0.0
        with self._lock:
            now = self._monotonic()
            allowed = now
            for key, rate in buckets:
                tat = self._tat.get(key, now)
                allowed = max(allowed, tat - rate.tolerance)
            if allowed > now:
                return allowed - now
            for key, rate in buckets:
                self._tat[key] = max(self._tat.get(key, now), now) + rate.interval
            if len(self._tat) > PRUNE_ABOVE:
                self._prune(now)
            return 0.0

    def _prune(self, now: float) -> None:
        """Drop buckets that are full again: their theoretical arrival time has passed."""
        for key in [key for key, tat in self._tat.items() if tat <= now]:
            del self._tat[key]
