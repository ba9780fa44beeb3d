"""The python-telegram-bot Application: polling mode, and the handling webhook mode shares.

Both modes turn an update into an Inbound, run `Conversations.handle` keyed by the update_id
(so a redelivered update changes nothing; its stored replies are sent again), and send each
reply with sendMessage. The engine is blocking database code, so the Application runs it in
a thread with `asyncio.to_thread`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.adapter import (
    COMMAND_MENU,
    COMMANDS,
    OPTION_PREFIX,
    send_parameters,
    share_label,
    to_inbound,
)
from service.conversation import Conversations
from sinjalizo.settings import Settings

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def handle_update(conversations: Conversations, update: Update) -> list[dict[str, Any]]:
    """Run one update through the engine; return sendMessage parameters (none if ignored)."""
    inbound = to_inbound(update)
    if inbound is None:
        return []
    turn = conversations.handle(inbound, external_id=str(update.update_id))
    label = share_label(conversations.translate, turn.language)
    return [send_parameters(inbound.address, reply, label) for reply in turn.replies]


def command_menu() -> list[BotCommand]:
    """Return the Albanian commands as Telegram's command menu lists them."""
    return [BotCommand(name, description) for name, description in COMMAND_MENU]


def build_application(settings: Settings, conversations: Conversations) -> AnyApplication:
    """Build the bot's Application against TELEGRAM_API_BASE, with every handler attached."""

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer a button press, run the turn in a thread, then send its replies."""
        if update.callback_query is not None:
            await update.callback_query.answer()
        outgoing = await asyncio.to_thread(handle_update, conversations, update)
        for parameters in outgoing:
            await context.bot.send_message(**parameters)

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
    application.add_handler(CommandHandler(list(COMMANDS), on_update))
    application.add_handler(CallbackQueryHandler(on_update, pattern=f"^{OPTION_PREFIX}"))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, on_update))
    return application
