"""`sinjalizo chat --channel sms`: each line is one SMS through the webhook's own path."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from handlers.types import TeacherInfo
from service.conversation import Conversations
from sms import optout
from sms.gsm import is_gsm7, segments
from sms.turn import answer_sms

SILENT = "(no SMS back)"
STOPPED = "(no SMS back: this number sent STOP; START turns messages on again)"


class SmsChat:
    """One phone number texting the service, answered as Twilio would deliver the replies."""

    def __init__(self, conversations: Conversations, phone: str, transliterate: bool,
                 teacher: TeacherInfo | None = None) -> None:
        self.conversations = conversations
        self.phone = phone
        self.transliterate = transliterate
        self.teacher = teacher

    def say(self, line: str) -> list[str]:
        """Send one SMS; return each SMS back, with a header telling its segments."""
        # Twilio gives every SMS its own MessageSid; "CLI…" is one Twilio never gives.
        sid = f"CLI{uuid.uuid4().hex}"
        answered = answer_sms(self.conversations, self.phone, line, sid, datetime.now(UTC),
                              self.transliterate, teacher=self.teacher)
        if not answered.bodies:
            with self.conversations.db.session() as session:
                return [STOPPED if optout.is_opted_out(session, self.phone) else SILENT]
        count = len(answered.bodies)
        return [f"{header(number, count, body)}\n{body}"
                for number, body in enumerate(answered.bodies, 1)]


def header(number: int, count: int, body: str) -> str:
    """Return an SMS's header, e.g. "-- SMS 1/2, 1 segment, GSM-7 --"."""
    parts = segments(body)
    plural = "segment" if parts == 1 else "segments"
    encoding = "GSM-7" if is_gsm7(body) else "UCS-2"
    return f"-- SMS {number}/{count}, {parts} {plural}, {encoding} --"
