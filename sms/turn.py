"""One inbound SMS answered as Twilio's webhook answers it: the one path of every SMS.

The webhook (sms/webhook.py), `sinjalizo chat --channel sms` and the dashboard simulator's
SMS pane all call `answer_sms`, so what a trainer sees is what a phone receives: the opt-out
gate first (STOP/START, silence for a number that opted out), then the conversation turn,
once per message id, then the replies as the SMS bodies Twilio sends (GSM-7 shaping when
transliteration is on, packed into as few SMS as possible, none over two segments).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.types import Inbound, TeacherInfo
from service.conversation import Conversations, Turn
from sms import optout
from sms.render import sms_messages

CHANNEL = "sms"


@dataclass(frozen=True)
class SmsAnswer:
    """The turn an SMS ran, and the SMS bodies that answer it (none for a silenced number)."""

    turn: Turn
    bodies: tuple[str, ...]


def answer_sms(conversations: Conversations, phone: str, body: str, message_id: str,
               at: datetime, transliterate: bool, *,
               teacher: TeacherInfo | None = None) -> SmsAnswer:
    """Run one SMS from an E.164 `phone` through the gate and the conversation; return the SMS.

    `message_id` is Twilio's MessageSid (or the terminal's and the simulator's own id): a
    repeated one gets the same answer and has no second effect.
    """
    message = Inbound(CHANNEL, phone, at, body)
    turn = conversations.handle(message, external_id=message_id,
                                gate=optout.gate_for(conversations), teacher=teacher)
    return SmsAnswer(turn, tuple(sms_messages(turn.replies, transliterate)))
