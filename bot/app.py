"""The python-telegram-bot Application of polling mode (`sinjalizo bot`).

Every update goes to one handler that runs bot/updates.py's `handle_update` (the same as the
webhook) and makes the calls it returns with PTB's `Bot`. A conversation turn is keyed by the
update_id, so a redelivered update changes nothing and its stored replies are sent again.
The engine is blocking database code, so the handler runs it in a thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.adapter import COMMAND_MENU
from bot.updates import Call, handle_update
from service.conversation import Conversations
from sinjalizo.settings import Settings

log = logging.getLogger(__name__)
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def make_call(bot: Bot, call: Call) -> None:
    """Make one Bot API call with PTB's `Bot` (its methods take the same parameter names)."""
    methods: dict[str, Callable[..., Awaitable[object]]] = {
        "sendMessage": bot.send_message,
        "answerCallbackQuery": bot.answer_callback_query,
        "editMessageText": bot.edit_message_text,
        "editMessageCaption": bot.edit_message_caption,
    }
    try:
        await methods[call.method](**call.parameters)
    except TelegramError:
        # A blocked chat or an alert too old to edit: the turn is stored; the rest still go.
        log.warning("Telegram refused %s", call.method, exc_info=True)


def command_menu() -> list[BotCommand]:
    """Return the Albanian commands as Telegram's command menu lists them."""
    return [BotCommand(name, description) for name, description in COMMAND_MENU]


def build_application(settings: Settings, conversations: Conversations) -> AnyApplication:
    """Build the bot's Application against TELEGRAM_API_BASE, with every handler attached."""

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Run the update in a thread, then make the calls that answer it."""
        for call in await asyncio.to_thread(handle_update, conversations, update):
            await make_call(context.bot, call)

    async def post_init(application: AnyApplication) -> None:
        """Register the Albanian command menu with Telegram."""
        await application.bot.set_my_commands(command_menu())

    application: AnyApplication = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base)
        .post_init(post_init)
        .build()
    )
    # One handler for every update: bot/updates.py decides what each one is, as for the webhook.
    application.add_handler(TypeHandler(Update, on_update))
    return application
