"""Linking a focal point's Telegram chat: one-time codes, redeemed with `/lidh CODE`.

An operator runs `sinjalizo contact-points link NAME`, which prints a code; the focal point
sends `/lidh CODE` to the bot and that chat becomes the contact point's Telegram address.
A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), valid for
24 hours, and works once. `link_chat` is what the bot's `/lidh` handler calls.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.flow import Translator
from handlers.i18n import Msg, Verbatim, msg
from locales import Catalogs
from models import ContactPoint, LinkCode
from models.optout import clear_opt_out

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
VALIDITY = timedelta(hours=24)
NEW_CODE_ATTEMPTS = 5  # a clash among 31**8 codes is next to impossible; retried all the same
Reason = Literal["unknown", "used", "expired", "inactive"]

LINKED = msg("This chat now receives the alerts of {name}.")
# The simulator checks a code as the bot would, but links nothing: a training session must
# never take a real contact point's alerts away from its real chat.
TRIED = msg("Simulator: this code is valid and would link this chat to {name}. Nothing was "
            "changed, so the code still works on Telegram.")
ASK_CODE = msg("Please send the code you were given after the command, e.g. /lidh 7K3M9QXA.")
REASONS: dict[str, Msg] = {
    "unknown": msg("This code is not valid. Please check it, or ask for a new one."),
    "used": msg("This code has already been used. Please ask for a new one."),
    "expired": msg("This code has expired. Please ask for a new one."),
    "inactive": msg("This contact point is no longer active. Please ask your coordinator."),
}


def normalise(code: str) -> str:
    """Return a typed code as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def new_code(session: Session, contact_point: ContactPoint, now: datetime) -> str:
    """Create and return a one-time code for the contact point, valid for 24 hours."""
    taken: set[str] = set()
    for _ in range(NEW_CODE_ATTEMPTS):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code in taken or session.scalar(select(LinkCode.id).where(LinkCode.code == code)):
            taken.add(code)
            continue
        session.add(LinkCode(code=code, contact_point_id=contact_point.id, created_at=now,
                             expires_at=now + VALIDITY))
        session.flush()
        return code
    raise RuntimeError("could not draw an unused link code")


def redeem(session: Session, code: str, chat_id: str, now: datetime,
           apply: bool = True) -> ContactPoint | Reason:
    """Link `chat_id` to the code's contact point, once and before expiry; else say why not.

    With `apply` false the code is only checked (the simulator): nothing is changed.
    """
    row = session.scalar(select(LinkCode).where(LinkCode.code == normalise(code))
                         .with_for_update())
    if row is None:
        return "unknown"
    point = session.get(ContactPoint, row.contact_point_id)
    if row.used_at is not None:
        # The same chat sending the same code again (or Telegram redelivering it) is answered
        # as the first time; any other chat is refused.
        if row.used_by_chat == str(chat_id) and point is not None and point.active \
                and point.telegram_chat_id == str(chat_id):
            return point
        return "used"
    if now >= row.expires_at:
        return "expired"
    if point is None or not point.active:
        return "inactive"
    if not apply:
        return point
    row.used_at, row.used_by_chat = now, str(chat_id)
    point.telegram_chat_id = str(chat_id)
    point.updated_by = f"telegram:{chat_id}"
    # The chat writes to us now: if it had once blocked the bot, it receives again.
    clear_opt_out(session, "telegram", str(chat_id))
    return point


def link_chat(session: Session, text: str, chat_id: str, now: datetime, *,
              language: str = "sq", catalogs: Translator | None = None,
              simulated: bool = False) -> str:
    """Handle `/lidh CODE` from a chat and return the answer to send, in `language`.

    `catalogs` should be the bot's own; without it the catalogs are loaded per call. A
    `simulated` chat (the simulator's) has the code checked but links nothing.
    """
    translate: Translator = catalogs if catalogs is not None else Catalogs.load()
    words = text.strip().split()
    if words and words[0].startswith("/"):
        words = words[1:]
    code = normalise("".join(words))
    if not code:
        return translate(ASK_CODE, language)
    if len(code) > 2 * CODE_LENGTH:
        return translate(REASONS["unknown"], language)
    result = redeem(session, code, chat_id, now, apply=not simulated)
    if isinstance(result, str):
        return translate(REASONS[result], language)
    answer = TRIED if simulated else LINKED
    return translate(Msg(answer.msgid, {"name": Verbatim(result.name)}), result.language)
