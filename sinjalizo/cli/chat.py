"""`sinjalizo chat`: talk to the service in the terminal, exactly as over SMS, WhatsApp or Telegram.

Each line goes through the channel's own path: on SMS the webhook's (opt-out gate,
conversation, SMS bodies as Twilio sends them: sinjalizo/cli/chat_sms.py), on WhatsApp
the WhatsApp webhook's (sinjalizo/cli/chat_whatsapp.py), on Telegram the
bot's (an update answered by bot/updates.py: sinjalizo/cli/chat_telegram.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Protocol

import click

from handlers.types import TeacherInfo
from models.phones import normalize_phone
from service.acting import stand_in_teacher
from service.setup import build_conversations
from sinjalizo.cli.chat_sms import SmsChat
from sinjalizo.cli.chat_telegram import TelegramChat
from sinjalizo.cli.chat_whatsapp import WhatsAppChat
from sinjalizo.cli.context import CliContext
from sinjalizo.cli.seed import require_migrated

DEFAULT_ADDRESS = {"sms": "+38344000001", "whatsapp": "+38344000002", "telegram": "100000001"}
PHONES = ("sms", "whatsapp")
HELP = {
    "sms": "Each line is one SMS; each SMS back is shown with its segments.",
    "whatsapp": "Each line is one WhatsApp message; /location LAT LON shares a pin, "
                "/photo sends a photo, /sticker a sticker.",
    "telegram": "Each line is one message: text or a command (/start, /ndihme, /anulo, "
                "/gjuha, /statusi, /lidh CODE); [label] presses a button, "
                "/location LAT LON shares a pin, /photo sends a photo.",
}


class ChannelChat(Protocol):
    """A chat over one channel: each typed line in, what the person would see out."""

    def say(self, line: str) -> list[str]:
        """Send one line; return what comes back, one block per message."""
        ...


def lines(interactive: bool) -> Iterator[str]:
    """Yield typed lines until an empty line (interactive) or the end of input."""
    while True:
        line = click.prompt("you", prompt_suffix="> ", default="", show_default=False) \
            if interactive else sys.stdin.readline()
        if not line or (interactive and not line.strip()):
            return
        yield line.rstrip("\n")


def address_for(channel: str, given: str) -> str:
    """Return the sender's address: an E.164 number on SMS, a numeric chat id on Telegram."""
    address = given or DEFAULT_ADDRESS[channel]
    try:
        return normalize_phone(address.removeprefix("whatsapp:")) if channel in PHONES \
            else str(int(address))
    except ValueError as error:
        problem = str(error) if channel in PHONES else "a Telegram chat id is a number"
        raise click.BadParameter(problem, param_hint="--from") from error


def acting_teacher(obj: CliContext, code: str) -> TeacherInfo:
    """Return the stand-in teacher of the school with that code, or fail clearly."""
    with obj.db.session() as session:
        teacher = stand_in_teacher(session, code=code)
    if teacher is None:
        raise click.BadParameter(f"no active school has the code {code!r}",
                                 param_hint="--as-teacher")
    return teacher


@click.command("chat")
@click.option("--channel", type=click.Choice(["telegram", "sms", "whatsapp"]),
              default="telegram",
              show_default=True, help="Which channel's path each line takes.")
@click.option("--from", "address", default="",
              help="Phone number (SMS, WhatsApp) or chat id (Telegram).")
@click.option("--simulated", is_flag=True,
              help="Mark reports as simulated: stored, but nobody is alerted.")
@click.option("--as-teacher", "school", default="", metavar="SCHOOL_CODE",
              help="Write as a teacher of that school, without registering one; "
                   "reports are then simulated.")
@click.pass_obj
def chat(obj: CliContext, channel: str, address: str, simulated: bool, school: str) -> None:
    """Talk to the service in the terminal; each line of input is one message."""
    require_migrated(obj)
    address = address_for(channel, address)
    teacher = acting_teacher(obj, school) if school else None
    # A stand-in teacher is nobody: what they file must alert no real dropout team.
    service = build_conversations(obj.db, obj.settings, simulated=simulated or bool(teacher))
    session: ChannelChat
    if channel == "sms":
        session = SmsChat(service, address, obj.settings.sms_transliterate, teacher)
    elif channel == "whatsapp":
        session = WhatsAppChat(service, address, teacher)
    else:
        telegram = TelegramChat(service, int(address), obj.settings.public_base_url, teacher)
        for block in telegram.alerts():
            click.echo(block + "\n")
        session = telegram
    interactive = sys.stdin.isatty()
    if interactive:
        who = f" as a teacher of {teacher.school_name}" if teacher else ""
        click.echo(f"Chatting as {address}{who} over {channel}. {HELP[channel]} "
                   "An empty line or Ctrl-D ends.")
    for line in lines(interactive):
        for block in session.say(line):
            click.echo(block + "\n")


def register(group: click.Group) -> None:
    """Add `chat` to the command group."""
    group.add_command(chat)
