"""The WhatsApp sender of the alerts dispatcher: Twilio's Messages API, `from_` a WhatsApp number.

It shares the SMS sender's client, error mapping and pacing: each sending number has its
rate bucket (SMS_RATE_PER_SECOND, shared by every worker), and a 429 pauses the number.
Free text goes as `Body`; a message outside the 24-hour window carries the template that
alerts/whatsapp_window.py chose, sent as `ContentSid` with `ContentVariables`.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from alerts.senders import OutgoingMessage
from alerts.whatsapp_window import TEMPLATE_KEY
from models import optout
from models.db import Database
from sinjalizo.settings import Settings
from sms.sender import SEND_TIMEOUT, TwilioSender
from sms.whatsapp_render import split_text
from sms.whatsapp_turn import CHANNEL, whatsapp_address

log = logging.getLogger(__name__)


def whatsapp_key(sender: str) -> str:
    """Return the rate bucket key of one WhatsApp sending number."""
    return whatsapp_address(sender)


class WhatsAppSender(TwilioSender):
    """Sends WhatsApp messages through `twilio.rest.Client`; failures come back as values."""

    channel = CHANNEL

    def __init__(self, settings: Settings, db: Database | None = None, *,
                 timeout: float = SEND_TIMEOUT) -> None:
        """Send as TWILIO_WHATSAPP_FROM (with or without `whatsapp:`); record opt-outs in `db`."""
        super().__init__(settings, db, timeout=timeout)
        self.from_ = whatsapp_address(settings.twilio_whatsapp_from)
        # The WhatsApp number's own bucket, for alerts and campaigns alike (not the SMS one's).
        self._pace(whatsapp_key(self.from_))

    def _create(self, message: OutgoingMessage) -> str:
        """Create the message (a long free text as several, in order); return the last sid."""
        common: dict[str, Any] = {
            "to": whatsapp_address(message.address), "from_": self.from_,
            "status_callback": self.settings.public_base_url + "/sms/status"}
        template = message.payload.get(TEMPLATE_KEY)
        if isinstance(template, dict) and template.get("content_sid"):
            created = self.client.messages.create(
                **common, content_sid=str(template["content_sid"]),
                content_variables=json.dumps(template.get("variables") or {},
                                             ensure_ascii=False))
            return str(created.sid)
        sid = ""
        for body in split_text(message.text) or ["…"]:
            sid = str(self.client.messages.create(**common, body=body).sid)
        return sid

    def _record_opt_out(self, phone: str) -> None:
        """Mark the WhatsApp number opted out; a database failure is logged, the outcome stands."""
        try:
            with self._database().transaction() as session:
                optout.mark_opted_out(session, CHANNEL, phone, datetime.now(UTC))
        except Exception:
            log.exception("could not record that %s opted out of WhatsApp", phone)
