"""`sinjalizo chat --channel whatsapp`: each line is one WhatsApp message, as the webhook reads it.

A line becomes the form Twilio posts (`/location LAT LON` a shared pin, `/photo` an image,
`/sticker` a sticker), read by the webhook's own parser and answered by its own turn, so the
terminal shows the WhatsApp messages a phone receives.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from handlers.types import TeacherInfo
from models import optout
from service.conversation import Conversations
from sms.sender import TWILIO_API
from sms.whatsapp_turn import CHANNEL, answer_whatsapp, parse_whatsapp

SILENT = "(no WhatsApp message back)"
STOPPED = "(no WhatsApp message back: this number sent STOP; START turns messages on again)"


class WhatsAppChat:
    """One WhatsApp number writing to the service, answered as Twilio would deliver it."""

    def __init__(self, conversations: Conversations, phone: str,
                 teacher: TeacherInfo | None = None) -> None:
        self.conversations = conversations
        self.phone = phone
        self.teacher = teacher

    def form(self, line: str, sid: str) -> dict[str, str]:
        """Return the form Twilio would post for one typed line."""
        base = {"From": f"whatsapp:{self.phone}", "MessageSid": sid, "Body": line}
        words = line.split()
        if words[:1] == ["/location"] and len(words) == 3:
            return {**base, "Body": "", "Latitude": words[1], "Longitude": words[2]}
        kinds = {"/photo": "image/jpeg", "/sticker": "image/webp"}
        if words[:1] and words[0] in kinds:
            # A media URL Twilio never gives: the dashboard cannot fetch it, as intended.
            url = f"{TWILIO_API}/2010-04-01/Accounts/ACcli/Messages/MM{sid}/Media/ME{sid}"
            return {**base, "Body": " ".join(words[1:]), "NumMedia": "1", "MediaUrl0": url,
                    "MediaContentType0": kinds[words[0]]}
        return base

    def say(self, line: str) -> list[str]:
        """Send one message; return each WhatsApp message back, with a header."""
        sid = f"CLI{uuid.uuid4().hex}"
        message, message_id = parse_whatsapp(self.form(line, sid), datetime.now(UTC))
        answered = answer_whatsapp(self.conversations, message, message_id,
                                   teacher=self.teacher)
        if not answered.bodies:
            with self.conversations.db.session() as session:
                stopped = optout.is_opted_out(session, CHANNEL, self.phone)
            return [STOPPED if stopped else SILENT]
        count = len(answered.bodies)
        return [f"-- WhatsApp {number}/{count}, {len(body)} characters --\n{body}"
                for number, body in enumerate(answered.bodies, 1)]
