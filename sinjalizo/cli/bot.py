"""`sinjalizo bot`: the Telegram bot by long polling, and setting or removing its webhook."""

from __future__ import annotations

import asyncio

import click
from telegram import Bot

from sinjalizo.cli.context import CliContext
from sinjalizo.settings import Settings


def _bot(settings: Settings) -> Bot:
    """Return a Bot for the configured token and API base, or stop with a clear error."""
    if not settings.telegram_bot_token:
        raise click.ClickException("TELEGRAM_BOT_TOKEN is not set.")
    return Bot(settings.telegram_bot_token, base_url=settings.telegram_api_base)


async def _set_webhook(settings: Settings, url: str) -> bool:
    """Point Telegram at our webhook URL with the secret header it must send."""
    async with _bot(settings) as bot:
        return await bot.set_webhook(url, secret_token=settings.telegram_webhook_secret,
                                     allowed_updates=["message", "callback_query"])


async def _delete_webhook(settings: Settings) -> bool:
    """Remove the webhook, so that long polling can be used again."""
    async with _bot(settings) as bot:
        return await bot.delete_webhook()


@click.group("bot", invoke_without_command=True)
@click.pass_context
def bot_group(ctx: click.Context) -> None:
    """Run the Telegram bot by long polling (or manage its webhook)."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.app import build_application
    from service.setup import build_conversations

    obj: CliContext = ctx.obj
    _bot(obj.settings)
    application = build_application(obj.settings, build_conversations(obj.db, obj.settings))
    click.echo("Telegram bot polling for updates; Ctrl-C stops it.")
    application.run_polling(allowed_updates=["message", "callback_query"])


@bot_group.group("webhook")
def webhook_group() -> None:
    """Set or delete the Telegram webhook (POST /telegram/webhook of the web app)."""


@webhook_group.command("set")
@click.argument("url")
@click.pass_obj
def webhook_set(obj: CliContext, url: str) -> None:
    """Make Telegram push updates to URL, e.g. https://host/telegram/webhook."""
    if not obj.settings.telegram_webhook_secret:
        raise click.ClickException("TELEGRAM_WEBHOOK_SECRET is not set; the webhook "
                                   "refuses every update without it.")
    asyncio.run(_set_webhook(obj.settings, url))
    click.echo(f"Webhook set to {url}.")


@webhook_group.command("delete")
@click.pass_obj
def webhook_delete(obj: CliContext) -> None:
    """Stop Telegram pushing updates (long polling works again)."""
    asyncio.run(_delete_webhook(obj.settings))
    click.echo("Webhook deleted.")


def register(group: click.Group) -> None:
    """Add the bot commands to the main group."""
    group.add_command(bot_group)
