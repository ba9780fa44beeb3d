"""The channel senders a worker delivers with, chosen from the settings.

This sits at the top, beside the command line, because it is the one place that knows every
channel: alerts/ only defines what a sender is, bot/ and sms/ implement it, and the process
starting a worker picks them here and hands them to alerts/worker.py.
"""

from __future__ import annotations

from alerts.senders import Sender, log_senders
from bot.sender import TelegramSender
from models.db import Database
from sinjalizo.settings import Settings
from sms.sender import TwilioSender
from sms.whatsapp_sender import WhatsAppSender


def senders_for(settings: Settings, db: Database | None = None) -> dict[str, Sender]:
    """Return the sender of every channel; the log sender stands in where none is configured.

    E-mail and "log" have no sender of their own, and a channel without credentials writes
    its alerts to the console where the operator can see them. `db` is where the senders
    record opt-outs and read photos (else they open the settings' database).
    """
    senders = log_senders()
    if settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from:
        senders["sms"] = TwilioSender(settings, db)
    if settings.twilio_account_sid and settings.twilio_auth_token \
            and settings.twilio_whatsapp_from:
        senders["whatsapp"] = WhatsAppSender(settings, db)
    if settings.telegram_bot_token:
        senders["telegram"] = TelegramSender(settings, db)
    return senders
