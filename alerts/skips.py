"""Why an outbox message was not sent: a code the report page words, and the log's English."""

from __future__ import annotations

from typing import NamedTuple

# Every reason a message is held back, as the report's timeline records it (`why`).
SKIP_REASONS = ("malformed", "finished", "taken_up", "point_gone", "point_inactive",
                "point_opted_out", "reporter_gone", "reporter_opted_out", "referral_moved_on",
                "service_inactive", "service_opted_out",
                "no_whatsapp_template")


class Problem(NamedTuple):
    """Why a message must not go out: one of SKIP_REASONS, and the same in English for the log."""

    why: str
    text: str
