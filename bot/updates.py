"""One Telegram update to the Bot API calls that answer it, the same in polling and webhook mode.

Three kinds of update reach the bot: a focal point's press on an alert's button
(bot/callbacks.py), `/lidh CODE` linking a focal point's chat (bot/linking.py), and everything
else, which is a conversation turn run by the engine. Each becomes a list of `Call`s; polling
makes them with PTB's `Bot`, the webhook with plain HTTP. Nothing here sends anything.
`sinjalizo chat --channel telegram` and the simulator's Telegram pane call `answer_update` with
updates built as Telegram delivers them (bot/typed.py) and show the calls (bot/shown.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.adapter import OPTION_PREFIX, send_parameters, share_label, to_inbound
from bot.callbacks import FINAL, Press, edited_alert, handle_button
from bot.linking import link_chat
from bot.sender import CAPTION_LIMIT, TEXT_LIMIT, keyboard
from handlers.language import from_hint
from handlers.relay import ASK_CANCEL
from handlers.relay_texts import CANCEL_LABEL
from handlers.types import TeacherInfo
from service.conversation import Conversations, Turn

LINK_COMMAND = "lidh"


@dataclass(frozen=True)
class Call:
    """One Bot API method call, with its parameters as PTB's Bot takes them."""

    method: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class Answer:
    """The calls answering an update, and the conversation turn it ran (None for the others)."""

    calls: list[Call]
    turn: Turn | None = None


def handle_update(conversations: Conversations, update: Update,
                  now: datetime | None = None) -> list[Call]:
    """Return the calls answering one update (none for an update the bot ignores)."""
    return answer_update(conversations, update, now).calls


def answer_update(conversations: Conversations, update: Update, now: datetime | None = None,
                  *, teacher: TeacherInfo | None = None) -> Answer:
    """Answer one update; `teacher` makes the chat a stand-in teacher (service/acting.py)."""
    at = now or datetime.now(UTC)
    query = update.callback_query
    if query is not None and not (query.data or "").startswith(OPTION_PREFIX):
        # An alert's button, or data that is no button of ours: handle_button tells which.
        return Answer(alert_press(conversations, query, at))
    message = update.message
    if message is not None and command_of(message.text) == LINK_COMMAND:
        return Answer(link(conversations, update, message, at))
    return conversation_turn(conversations, update, teacher)


def command_of(text: str | None) -> str | None:
    """Return the command a message starts with (without "/" and "@bot"), if any."""
    if not text or not text.startswith("/"):
        return None
    return text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()


def conversation_turn(conversations: Conversations, update: Update,
                      teacher: TeacherInfo | None = None) -> Answer:
    """Run one message or option press through the engine, once per update_id."""
    inbound = to_inbound(update)
    if inbound is None:
        return Answer([])
    calls: list[Call] = []
    if update.callback_query is not None:
        calls.append(Call("answerCallbackQuery",
                          {"callback_query_id": update.callback_query.id}))
    turn = conversations.handle(inbound, external_id=str(update.update_id), teacher=teacher)
    label = share_label(conversations.translate, turn.language)
    calls.extend(Call("sendMessage", send_parameters(inbound.address, reply, label))
                 for reply in turn.replies)
    return Answer(calls, turn)


def link(conversations: Conversations, update: Update, message: Message,
         now: datetime) -> list[Call]:
    """Redeem `/lidh CODE` for the message's chat and answer in the sender's language."""
    user = update.effective_user
    language = from_hint(user.language_code if user else None) \
        or conversations.default_language
    with conversations.db.transaction() as session:
        answer = link_chat(session, message.text or "", str(message.chat.id), now,
                           language=language, catalogs=conversations.translate,
                           simulated=conversations.simulated)
    return [Call("sendMessage", {"chat_id": str(message.chat.id), "text": answer})]


def alert_press(conversations: Conversations, query: CallbackQuery,
                now: datetime) -> list[Call]:
    """Apply a press on an alert's button; answer it and show the alert's new state."""
    message = query.message
    chat_id = str(message.chat.id if message is not None else query.from_user.id)
    with conversations.db.transaction() as session:
        press = handle_button(session, chat_id, query.data or "", now,
                              catalogs=conversations.translate)
    calls = [Call("answerCallbackQuery", {"callback_query_id": query.id,
                                          "text": press.answer[:200]})]
    if press.prompt is not None:
        cancel = InlineKeyboardButton(conversations.translate(CANCEL_LABEL, press.language),
                                      callback_data=OPTION_PREFIX + ASK_CANCEL)
        calls.append(Call("sendMessage", {"chat_id": chat_id, "text": press.prompt,
                                          "reply_markup": InlineKeyboardMarkup([[cancel]])}))
    if press.line is not None and isinstance(message, Message):
        edit = edited_message(conversations, message, press)
        if edit is not None:
            calls.append(edit)
    return calls


def edited_message(conversations: Conversations, message: Message, press: Press) -> Call | None:
    """Return the edit putting the press's status line under the alert, buttons kept if open."""
    assert press.line is not None
    parameters: dict[str, Any] = {"chat_id": str(message.chat.id),
                                  "message_id": message.message_id}
    if press.status not in FINAL:
        parameters["reply_markup"] = keyboard(press.reference, press.language,
                                              conversations.translate)
    if message.caption is not None:
        caption = edited_alert(message.caption, press.line, CAPTION_LIMIT)
        return Call("editMessageCaption", {**parameters, "caption": caption})
    if message.text is None:
        return None
    return Call("editMessageText", {**parameters,
                                    "text": edited_alert(message.text, press.line, TEXT_LIMIT)})
