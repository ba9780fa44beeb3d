"""The Telegram sender of the alerts dispatcher: the Bot API over plain synchronous HTTP.

We call the Bot API with httpx (already installed with python-telegram-bot) rather than PTB's
asynchronous `Bot` in `asyncio.run`: the dispatcher is synchronous and threaded, and one
blocking POST per message needs no event loop. The URL is TELEGRAM_API_BASE + token + method,
as PTB's own `base_url` builds it, so the same local fake serves the tests.

Alerts (and escalations) carry the focal action table's buttons (handlers/focal_actions.py):
Pranoj / Në proces / Zgjidhur, whose callback data is "ack:R-…", "proc:R-…" and "done:R-…",
and "Pyet raportuesin" ("ask:R-…") on a second row (see bot/callbacks.py). A question "is it
really fixed?" to a reporter carries Yes / No buttons, answered by the engine. For a report
with a photo, the alert is the first photo with the text as its caption (one message, so a
retry cannot send the photo twice); a text too long for a caption goes first and the photo
follows it once, best effort. The `provider_id` is the message_id of the message with the
buttons, the one a button press edits.

Every message counts against the bot's and the chat's rate buckets (bot/limits.py), which the
dispatcher takes before the send; a 429 pauses the whole bot for its `retry_after`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.pacing import Limit
from alerts.senders import OutgoingMessage, Permanent, RetryLater, SendResult, Sent
from bot.adapter import OPTION_PREFIX
from bot.limits import bot_key, chat_limits, retry_after
from handlers.flow import Translator
from handlers.focal_actions import buttons
from handlers.relay import FIXED_CHOICES
from locales import Catalogs
from models import Attachment, Report
from models.db import Database
from models.optout import mark_opted_out
from sinjalizo.settings import Settings

log = logging.getLogger(__name__)

CHANNEL = "telegram"
SEND_TIMEOUT = 10.0  # seconds; far below the dispatcher's lease, so a hung send is retried
TEXT_LIMIT = 4096  # Telegram's limit on one message's text
CAPTION_LIMIT = 1024  # and on a photo's caption
ALERT_PURPOSES = frozenset({"alert", "escalation"})
FIXED_CHECK = "fixed_check"


class Failure(Exception):
    """An answer of the Bot API that ends this attempt, carrying the dispatcher's outcome."""

    def __init__(self, result: RetryLater | Permanent) -> None:
        """Keep the outcome to return."""
        super().__init__(result.error)
        self.result = result


def keyboard(reference: str, language: str, catalogs: Translator) -> dict[str, Any]:
    """Return the inline keyboard of an alert, its labels in `language`."""
    return {"inline_keyboard": [
        [{"text": catalogs(action.label, language),
          "callback_data": f"{action.button}:{reference}"} for action in row]
        for row in buttons()]}


def fixed_keyboard(reference: str, language: str, catalogs: Translator) -> dict[str, Any]:
    """Return the Yes / No buttons under "is it really fixed?" (option presses of the engine)."""
    return {"inline_keyboard": [[
        {"text": catalogs(choice.label, language),
         "callback_data": f"{OPTION_PREFIX}fixed:{choice.key}:{reference}"}
        for choice in FIXED_CHOICES]]}


def classify(status: int, body: Any, bot: str | None = None) -> Sent | RetryLater | Permanent:
    """Map one Bot API answer to an outcome: Sent with the message id, or why not.

    A 429 pauses `bot` (the bot's bucket key): Telegram's flood limit is the bot's.
    """
    if not isinstance(body, dict):
        error = f"telegram {status}: unreadable answer"
        return RetryLater(error) if status >= 500 or status < 400 else Permanent(error)
    if body.get("ok") is True and status < 400:
        result = body.get("result")
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return Sent(provider_id=str(message_id) if message_id is not None else None)
    given = body.get("error_code")
    code = given if isinstance(given, int) else status
    error = f"telegram {code}: {body.get('description', '')}".strip()
    if code == 429:
        return RetryLater(error, retry_after(body), pause=bot)
    if code >= 500 or code == 401:
        # A 401 is a wrong token: the operator can fix it, so the alert waits for them.
        return RetryLater(error)
    if code == 403:
        return Permanent(error, opted_out=True)
    return Permanent(error)


class TelegramSender:
    """Sends alerts and reporter updates through the Bot API; failures are values, never raised."""

    channel = CHANNEL

    def __init__(self, settings: Settings, db: Database | None = None, *,
                 catalogs: Catalogs | None = None, timeout: float = SEND_TIMEOUT,
                 transport: httpx.BaseTransport | None = None) -> None:
        """Send as the bot of `settings`; read photos and record blocks in `db` (else settings')."""
        self.settings = settings
        self.base = settings.telegram_api_base + settings.telegram_bot_token
        self.bot = bot_key(settings.telegram_bot_token)
        self.http = httpx.Client(timeout=timeout, transport=transport)
        self._db = db
        self._catalogs = catalogs
        self._lock = threading.Lock()

    def limits(self, message: OutgoingMessage) -> Sequence[Limit]:
        """Return the bot's bucket and the chat's (or the group's)."""
        return chat_limits(self.settings.telegram_bot_token, message.address)

    def send(self, message: OutgoingMessage) -> SendResult:
        """Deliver one message (a photo first for photo alerts) and return the outcome."""
        try:
            return self._send(message)
        except Failure as failure:
            if isinstance(failure.result, Permanent) and failure.result.opted_out:
                self._record_blocked(message.address)
            return failure.result
        except Exception as exc:
            log.exception("outbox %s: the telegram sender failed", message.outbox_id)
            return RetryLater(f"telegram sender error: {exc!r}")

    def _send(self, message: OutgoingMessage) -> Sent:
        """Send the alert (as a photo's caption when it fits) and raise `Failure` on a stop."""
        text = message.text[:TEXT_LIMIT]
        fields: dict[str, Any] = {"chat_id": message.address, "text": text}
        reference = message.payload.get("reference")
        if message.purpose == FIXED_CHECK and isinstance(reference, str):
            fields["reply_markup"] = fixed_keyboard(reference, message.language,
                                                    self.catalogs())
        if message.purpose not in ALERT_PURPOSES or not isinstance(reference, str):
            return self._required("sendMessage", fields)
        fields["reply_markup"] = keyboard(reference, message.language, self.catalogs())
        photo = self._first_photo(reference)
        if photo is None:
            return self._required("sendMessage", fields)
        if len(text) <= CAPTION_LIMIT:
            # One message carries photo, text and buttons, so a retry never sends a part twice.
            outcome = self._call("sendPhoto", {"chat_id": message.address, "photo": photo,
                                               "caption": text,
                                               "reply_markup": fields["reply_markup"]})
            if isinstance(outcome, Sent):
                return outcome
            if not isinstance(outcome, Permanent) or outcome.opted_out:
                raise Failure(outcome)
            # A photo Telegram no longer knows must not hold the alert back.
            log.warning("outbox %s: photo not sent: %s", message.outbox_id, outcome.error)
            return self._required("sendMessage", fields)
        sent = self._required("sendMessage", fields)
        # Too long for a caption: the photo follows as a reply, once; the alert is already out.
        # It rides on the alert's slot: one more message in a chat is a burst Telegram allows.
        follow = self._call("sendPhoto", {"chat_id": message.address, "photo": photo,
                                          "reply_parameters": {"message_id": int(
                                              sent.provider_id or 0),
                                              "allow_sending_without_reply": True}})
        if not isinstance(follow, Sent):
            log.warning("outbox %s: photo after a long alert not sent: %s",
                        message.outbox_id, follow.error)
        return sent

    def _required(self, method: str, fields: dict[str, Any]) -> Sent:
        """Call a method whose success the message's delivery depends on."""
        outcome = self._call(method, fields)
        if not isinstance(outcome, Sent):
            raise Failure(outcome)
        return outcome

    def _call(self, method: str, fields: dict[str, Any]) -> SendResult:
        """POST one Bot API method and classify its answer; network trouble means retry."""
        try:
            response = self.http.post(f"{self.base}/{method}", json=fields)
        except httpx.HTTPError as exc:
            return RetryLater(f"telegram unreachable: {exc!r}")
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        return classify(response.status_code, body, self.bot)

    def catalogs(self) -> Catalogs:
        """Return the catalogs for button labels, loading them on first use."""
        with self._lock:
            if self._catalogs is None:
                self._catalogs = Catalogs.load()
            return self._catalogs

    def _first_photo(self, reference: str) -> str | None:
        """Return the file_id of the report's first Telegram photo; None if none or unreadable."""
        try:
            with self._database().session() as session:
                return first_photo(session, reference)
        except Exception:
            log.exception("could not read the photo of %s", reference)
            return None

    def _record_blocked(self, chat_id: str) -> None:
        """Mark the chat stopped (it blocked the bot); a database failure is only logged."""
        try:
            with self._database().transaction() as session:
                mark_opted_out(session, CHANNEL, chat_id, datetime.now(UTC))
        except Exception:
            log.exception("could not record that chat %s blocked the bot", chat_id)

    def _database(self) -> Database:
        """Return the database, opening the settings' one on first use."""
        with self._lock:
            if self._db is None:
                self._db = Database(self.settings.db_url)
            return self._db


def first_photo(session: Session, reference: str) -> str | None:
    """Return the file_id of a report's first photo sent by Telegram, if any."""
    return session.scalar(
        select(Attachment.file_id).join(Report, Report.id == Attachment.report_id)
        .where(Report.reference == reference, Attachment.kind == "photo",
               Attachment.channel == CHANNEL).order_by(Attachment.id).limit(1))
