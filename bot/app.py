"""The python-telegram-bot Application of polling mode (`sinjalizo bot`).

Every update goes to one handler that runs bot/updates.py's `handle_update` (the same as the
webhook) and makes the calls it returns with PTB's `Bot`. A conversation turn is keyed by the
update_id, so a redelivered update changes nothing and its stored replies are sent again.
The engine is blocking database code, so the handler runs it in a thread.

Each reply counts against the bot's shared rate buckets (bot/limits.py) without waiting for
its slot, as the webhook's do; a bot paused by a 429 waits the pause out here, since a
polled update cannot be asked for again.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Bot, BotCommand, Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.warnings import PTBDeprecationWarning

from alerts.limits import SharedLimits
from bot.adapter import COMMAND_MENU
from bot.limits import bot_key, call_limits
from bot.updates import Call, handle_update
from service.conversation import Conversations
from sinjalizo.settings import Settings

log = logging.getLogger(__name__)
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def make_call(bot: Bot, call: Call, limits: SharedLimits | None = None) -> None:
    """Make one Bot API call with PTB's `Bot` (its methods take the same parameter names)."""
    methods: dict[str, Callable[..., Awaitable[object]]] = {
        "sendMessage": bot.send_message,
        "answerCallbackQuery": bot.answer_callback_query,
        "editMessageText": bot.edit_message_text,
        "editMessageCaption": bot.edit_message_caption,
    }
    if limits is not None:
        await _take_slot(limits, bot.token, call)
    try:
        await methods[call.method](**call.parameters)
    except RetryAfter as flood:
        # Flood control is the bot's: pause it for every process sending as this bot.
        with warnings.catch_warnings():
            # An int now, a timedelta in PTB's next major version: both are read below.
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            wait = flood.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        if limits is not None:
            await asyncio.to_thread(limits.pause, bot_key(bot.token), seconds)
        log.warning("Telegram flood control on %s: paused %.0f s", call.method, seconds)
    except TelegramError:
        # A blocked chat or an alert too old to edit: the turn is stored; the rest still go.
        log.warning("Telegram refused %s", call.method, exc_info=True)


async def _take_slot(limits: SharedLimits, token: str, call: Call) -> None:
    """Count a reply in the bot's buckets at once, waiting only while the bot is paused."""
    wanted = call_limits(token, call.method, call.parameters)
    while wanted and (wait := await asyncio.to_thread(limits.take, wanted, force=True)) > 0:
        await asyncio.sleep(wait)


def command_menu() -> list[BotCommand]:
    """Return the Albanian commands as Telegram's command menu lists them."""
    return [BotCommand(name, description) for name, description in COMMAND_MENU]


def build_application(settings: Settings, conversations: Conversations) -> AnyApplication:
    """Build the bot's Application against TELEGRAM_API_BASE, with every handler attached."""

    limits = SharedLimits(conversations.db)

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Run the update in a thread, then make the calls that answer it."""
        for call in await asyncio.to_thread(handle_update, conversations, update):
            await make_call(context.bot, call, limits)

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
