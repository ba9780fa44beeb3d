"""A recording fake `Sender` with scripted failures, for the dispatcher tests and benchmark."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from alerts.clock import Clock
from alerts.pacing import Limit
from alerts.senders import OutgoingMessage, Permanent, RetryLater, SendResult, Sent


@dataclass
class FakeSender:
    """Records every call; fails as scripted; may sleep or block to simulate a slow send.

    Scripts, checked in this order: `permanent` (always Permanent), `fail_first` calls as
    RetryLater, failing `until` an instant of `clock`, `throttle_first` calls as a 429 with
    `retry_after`. `block` makes send wait on an Event; `entered` is set on each call.
    `limits_for` gives the rate buckets of a message (none by default).
    """

    channel: str = "log"
    permanent: str | None = None
    fail_first: int = 0
    until: datetime | None = None
    clock: Clock | None = None
    throttle_first: int = 0
    retry_after: float = 30.0
    throttle_pause: str | None = None  # the bucket a scripted 429 pauses
    latency: float = 0.0
    block: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)
    on_call: Callable[[OutgoingMessage], None] | None = None
    limits_for: Callable[[OutgoingMessage], Sequence[Limit]] | None = None
    calls: list[OutgoingMessage] = field(default_factory=list)
    sent: list[OutgoingMessage] = field(default_factory=list)
    # Several dispatcher threads share one fake in the concurrency tests.
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def limits(self, message: OutgoingMessage) -> Sequence[Limit]:
        """Return the message's rate buckets, as `limits_for` says."""
        return self.limits_for(message) if self.limits_for is not None else ()

    def send(self, message: OutgoingMessage) -> SendResult:
        """Record the call and answer as scripted."""
        if self.on_call is not None:
            self.on_call(message)
        with self._lock:
            self.calls.append(message)
            number = len(self.calls)
        self.entered.set()
        if self.block is not None:
            self.block.wait()
        if self.latency:
            time.sleep(self.latency)
        if self.permanent is not None:
            return Permanent(self.permanent)
        if number <= self.fail_first:
            return RetryLater(f"scripted failure {number}")
        if self.until is not None and self.clock is not None and self.clock.now() < self.until:
            return RetryLater("provider down")
        if number <= self.throttle_first:
            return RetryLater("429 Too Many Requests", retry_after=self.retry_after,
                              pause=self.throttle_pause)
        with self._lock:
            self.sent.append(message)
        return Sent(provider_id=f"fake-{message.outbox_id}-{number}")

    def sent_ids(self) -> list[int]:
        """Return the outbox ids sent successfully, in order."""
        with self._lock:
            return [message.outbox_id for message in self.sent]
