"""`sinjalizo chat`: talk to the bot in the terminal, rendered as SMS or Telegram would."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from bot.render import keyboard_rows
from handlers.types import Inbound
from models.phones import normalize_phone
from service.render import RenderedReply
from service.setup import build_conversations
from sinjalizo.cli.context import CliContext
from sms.render import sms_text

DEFAULT_ADDRESS = {"sms": "+38344000001", "telegram": "100000001"}
HELP = "Each line is one message. /location LAT LON sends a pin, /photo sends a photo, " \
       "an empty line or Ctrl-D ends."


def inbound_from_line(line: str, channel: str, address: str) -> Inbound:
    """Turn one typed line into the message a channel would deliver."""
    now = datetime.now(UTC)
    words = line.split()
    if words[:1] == ["/location"]:
        try:
            lat, lon = float(words[1]), float(words[2])
        except (IndexError, ValueError):
            return Inbound(channel, address, now, line)
        return Inbound(channel, address, now, kind="location", location=(lat, lon))
    if words[:1] == ["/photo"] and channel == "telegram":
        file_id = words[1] if len(words) > 1 else f"cli-photo-{int(now.timestamp())}"
        return Inbound(channel, address, now, kind="photo", photo=file_id)
    return Inbound(channel, address, now, line)


def show(reply: RenderedReply, channel: str) -> str:
    """Return a reply as the channel would show it."""
    if channel == "sms":
        return sms_text(reply)
    parts = [reply.text]
    for row in keyboard_rows(reply):
        parts.append("  ".join(f"[{label}]" for _key, label in row))
    if reply.ask_location:
        parts.append("[Share location]  (type /location LAT LON)")
    return "\n".join(parts)


@click.command("chat")
@click.option("--channel", type=click.Choice(["telegram", "sms"]), default="telegram",
              show_default=True, help="Which channel to render replies as.")
@click.option("--from", "address", default="", help="Phone number (SMS) or chat id (Telegram).")
@click.option("--simulated", is_flag=True,
              help="Mark reports as simulated: stored, but nobody is alerted.")
@click.pass_obj
def chat(obj: CliContext, channel: str, address: str, simulated: bool) -> None:
    """Talk to the bot in the terminal; each line of input is one message."""
    address = address or DEFAULT_ADDRESS[channel]
    if channel == "sms":
        try:
            address = normalize_phone(address)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--from") from error
    service = build_conversations(obj.db, obj.settings, simulated=simulated)
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo(f"Chatting as {address} over {channel}. {HELP}")
    while True:
        line = click.prompt("you", prompt_suffix="> ", default="", show_default=False) \
            if interactive else sys.stdin.readline()
        if not line or (interactive and not line.strip()):
            break
        turn = service.handle(inbound_from_line(line.rstrip("\n"), channel, address))
        for reply in turn.replies:
            click.echo(show(reply, channel))
            click.echo("")


def register(group: click.Group) -> None:
    """Add `chat` to the command group."""
    group.add_command(chat)
